/* strmap.c - open-addressing string hash table (strmap.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "strmap.h"

struct slot {
    char *key;
    void *value;
};

struct strmap {
    struct slot *slots;
    size_t cap;                 /* a power of two */
    size_t count;
};

struct strmap *strmap_new(void)
{
    struct strmap *m = xcalloc(1, sizeof(*m));

    m->cap = 64;
    m->slots = xcalloc(m->cap, sizeof(*m->slots));
    return m;
}

void strmap_free(struct strmap *m)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    free(m);
}

void strmap_free_values(struct strmap *m)
{
    size_t i;

    for (i = 0; m && i < m->cap; i++)
        free(m->slots[i].value);
    strmap_free(m);
}

static size_t hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;

    while (*s)
        h = (h ^ (unsigned char) *s++) * 1099511628211ULL;
    return (size_t) (h ^ (h >> 31));
}

static struct slot *find(const struct strmap *m, const char *key)
{
    size_t i = hash(key) & (m->cap - 1);

    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

void *strmap_get(const struct strmap *m, const char *key)
{
    return find(m, key)->value;
}

static void grow(struct strmap *m)
{
    struct slot *old = m->slots;
    size_t n = m->cap, i;

    m->cap *= 2;
    m->slots = xcalloc(m->cap, sizeof(*m->slots));
    for (i = 0; i < n; i++)
        if (old[i].key)
            *find(m, old[i].key) = old[i];
    free(old);
}

void *strmap_add(struct strmap *m, const char *key, void *value)
{
    struct slot *s = find(m, key);

    if (s->key)
        return s->value;
    s->key = xstrdup(key);
    s->value = value;
    if (++m->count * 4 >= m->cap * 3)
        grow(m);
    return NULL;
}

size_t strmap_count(const struct strmap *m) { return m->count; }
