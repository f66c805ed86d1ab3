/* strmap.h - a string-keyed hash table, for cross-checking maps in memory.
 *
 * Keys are copied; values are the caller's pointers. Used by the directory
 * compiler to find clashes (one domain, two postoffices) in linear time.
 */
#ifndef POGATE_STRMAP_H
#define POGATE_STRMAP_H

#include <stddef.h>

struct strmap;

struct strmap *strmap_new(void);
void strmap_free(struct strmap *m);

/* Value stored under KEY, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);

/* Store VALUE (not NULL) under KEY unless the key is there: returns the value
 * already present (and changes nothing), or NULL when VALUE was stored. */
void *strmap_add(struct strmap *m, const char *key, void *value);

/* strmap_free(), and free() every value too. */
void strmap_free_values(struct strmap *m);

size_t strmap_count(const struct strmap *m);

#endif
