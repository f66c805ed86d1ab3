/* msgname.h - the name a message gets in new/, deterministic when the MTA's
 * queue id is known, so that a retry of the same delivery finds the file an
 * earlier, interrupted attempt already placed (link(2) fails with EEXIST)
 * instead of storing a second copy.
 *
 * The name, in the Maildir convention TIME.UNIQUE.HOST:
 *
 *     TIME.QQUEUEID_HASH.HOST,S=SIZE
 *
 * TIME is the date of the MTA's own Received header, the one naming
 * "id QUEUEID" (the same on every attempt, unlike the clock); HASH is 16 hex
 * digits of a 64-bit hash over the host name, the queue id, TIME, the
 * message bytes as the MTA handed them over (not the lines pogate prepends)
 * and, for a mailbag file, that file's recipients. Two different messages
 * get one name only if the queue id, the Received date, the host name and
 * the hash all agree: a coincidence of a short queue id on two relay hosts
 * sharing a store and a host name is not enough.
 *
 * The hash is FNV-1a 64 (offset basis 14695981039346656037, prime
 * 1099511628211), fed byte by byte while the message streams past, with the
 * splitmix64 finaliser applied at the end so every bit of the 16 digits
 * depends on every input byte. It guards against accidents, not attackers:
 * whoever can choose the bytes cannot choose the MTA's queue id.
 */
#ifndef POGATE_MSGNAME_H
#define POGATE_MSGNAME_H

#include <stddef.h>
#include <stdint.h>

#define MSGNAME_HASH_INIT 0xcbf29ce484222325ULL
#define MSGNAME_QID_MAX 63

uint64_t msgname_hash(uint64_t h, const void *data, size_t len);

/* S and its terminating NUL (so "ab"+"c" and "a"+"bc" differ). */
uint64_t msgname_hash_str(uint64_t h, const char *s);

/* The finished hash, well mixed. */
uint64_t msgname_final(uint64_t h);

/* 1 if QID can be part of a file name: 1..63 of [A-Za-z0-9]. */
int msgname_qid_ok(const char *qid);

/* The value of one Received header (after the colon, unfolded): does it name
 * "id QID"? 1 and *WHEN its date (after the last ';') in seconds since the
 * epoch; 0 when it does not name QID; -1 when it names QID but its date
 * does not parse (rfcdate.h). */
int msgname_received(const char *value, size_t len, const char *qid, long long *when);

/* "TIME.QQID_HASH.HOST,S=SIZE" into BUF: 0, or -1 if it does not fit. */
int msgname_format(char *buf, size_t size, long long when, const char *qid, uint64_t hash,
                   const char *host, long long filesize);

#endif
