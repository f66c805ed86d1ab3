/* mem.h - allocation that never returns NULL.
 *
 * Out of memory is a temporary condition for a mail system: the caller cannot
 * do anything useful, so these log and exit with the program's fatal status
 * (75, EX_TEMPFAIL, in the delivery agents: the MTA retries later).
 */
#ifndef POGATE_MEM_H
#define POGATE_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);

#endif
