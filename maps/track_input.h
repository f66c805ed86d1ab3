/* track_input.h - the lines of one log, from files read one after another
 * (a log and its rotations, oldest first), plain or gzip-compressed, or from
 * standard input, in a buffer of fixed size: a log of any size is streamed.
 *
 * A compressed file (gzip's magic bytes, whatever its name) is read through
 * `gzip -dc`. A line longer than TINPUT_LINE_MAX is cut there (the rest is
 * skipped and counted); NUL bytes in a line become '?', a CR before the
 * newline goes. The text of the line a call returns stays valid until the
 * next call on the same input.
 */
#ifndef POGATE_TRACK_INPUT_H
#define POGATE_TRACK_INPUT_H

#include <stddef.h>

#define TINPUT_LINE_MAX 65536

struct tinput;

/* Read PATHS[0..N-1] in turn ("-" is standard input). NULL never: a file
 * that cannot be opened is reported when its turn comes. */
struct tinput *tinput_new(const char *const *paths, int n);

/* 1: a line in *LINE (*LEN bytes, no newline); 0: the end of every file;
 * -1: a file could not be read (a message names it; the next call goes on
 * with the next file). */
int tinput_next(struct tinput *in, char **line, size_t *len);

/* The name of the file being read. */
const char *tinput_name(const struct tinput *in);

/* Lines cut at TINPUT_LINE_MAX so far. */
unsigned long tinput_cut(const struct tinput *in);

void tinput_free(struct tinput *in);

#endif
