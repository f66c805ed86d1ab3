/* counters.h - named 64-bit counters in a file that many processes add to
 * at once, none of them ever losing or doubling another's count.
 *
 * The file is mapped MAP_SHARED by every process that counts (a daemon's
 * threads, each short-lived delivery agent): all of them see the same pages
 * of the page cache, and an add is one atomic fetch-and-add on the counter's
 * 8 aligned bytes there, so concurrent adds are serialised by the CPU and
 * each lands exactly once. A counter is claimed once, by compare-and-swap of
 * its slot's state (free -> claiming -> ready), so two processes creating
 * one name at once agree on one slot. A process that dies after its add
 * leaves the add in the page; nothing is buffered in the process. (A crash of
 * the machine loses what the kernel has not written back: the file is a
 * runtime file, like Postfix's and the kernel's own counters.)
 *
 * Layout: a 64-byte header (magic, slot size, slot count, creation time),
 * then COUNTERS_SLOTS slots of 256 bytes: state, hash, value, name. Slot 0
 * is "pogate_counters_overflow_total", where adds go when every slot is
 * taken. Names are opaque here (at most COUNTERS_NAME_MAX bytes); this file
 * knows no mail.
 */
#ifndef POGATE_COUNTERS_H
#define POGATE_COUNTERS_H

#include <stdint.h>
#include <time.h>

#define COUNTERS_SLOTS 4096
#define COUNTERS_NAME_MAX 239
#define COUNTERS_OVERFLOW "pogate_counters_overflow_total"

struct counters;

/* Open PATH read-write (CREATE: made when missing, mode 0644, by a link of a
 * complete file into place, so that nobody maps a half-made one) or
 * read-only. NULL with errno set and a reason in *WHY ("not a counters
 * file", the system's error). */
struct counters *counters_open(const char *path, int create, const char **why);
void counters_close(struct counters *c);

/* Add N to the counter NAME, claiming a slot for it when it is new. A name
 * longer than COUNTERS_NAME_MAX, or one that finds no free slot, counts into
 * the overflow counter. No-op on a read-only file. */
void counters_add(struct counters *c, const char *name, uint64_t n);

/* The value of NAME (0 when it has none yet). */
uint64_t counters_get(const struct counters *c, const char *name);

/* FN(name, value, arg) for every counter, in slot order. */
void counters_each(const struct counters *c, void (*fn)(const char *name, uint64_t value, void *arg),
                   void *arg);

/* When the file was made: the start of every count in it. */
time_t counters_created(const struct counters *c);

#endif
