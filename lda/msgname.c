/* msgname.c - deterministic file names for retried deliveries; see msgname.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "msgname.h"
#include "rfcdate.h"

uint64_t msgname_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t msgname_hash_str(uint64_t h, const char *s)
{
    return msgname_hash(h, s, strlen(s) + 1);
}

uint64_t msgname_final(uint64_t h)
{
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

int msgname_qid_ok(const char *qid)
{
    size_t n = 0;

    if (qid == NULL)
        return 0;
    for (; qid[n]; n++)
        if (!isalnum((unsigned char) qid[n]) || n >= MSGNAME_QID_MAX)
            return 0;
    return n > 0;
}

static int ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Is there a token "id" followed by white space and exactly QID in V[0..LEN-1]? */
static int names_qid(const char *v, size_t len, const char *qid)
{
    size_t q = strlen(qid);

    for (size_t i = 0; i + 3 + q <= len; i++) {
        size_t k = i + 2;

        if ((i > 0 && !ws(v[i - 1])) || (v[i] | 32) != 'i' || (v[i + 1] | 32) != 'd' || !ws(v[k]))
            continue;
        while (k < len && ws(v[k]))
            k++;
        if (k + q <= len && memcmp(v + k, qid, q) == 0 && (k + q == len || ws(v[k + q]) || v[k + q] == ';'))
            return 1;
    }
    return 0;
}

int msgname_received(const char *value, size_t len, const char *qid, long long *when)
{
    const char *semi = NULL;

    for (size_t i = 0; i < len; i++)
        if (value[i] == ';')
            semi = value + i;
    if (semi == NULL || !names_qid(value, (size_t) (semi - value), qid))
        return 0;
    semi++;
    return rfcdate_parse(semi, len - (size_t) (semi - value), when) == 0 ? 1 : -1;
}

int msgname_format(char *buf, size_t size, long long when, const char *qid, uint64_t hash,
                   const char *host, long long filesize)
{
    int n = snprintf(buf, size, "%lld.Q%s_%016llx.%s,S=%lld", when, qid, (unsigned long long) hash,
                     host, filesize);

    return n > 0 && (size_t) n < size ? 0 : -1;
}
