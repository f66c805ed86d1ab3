/* notify_state.c - pogate-notify's state file; see notify_state.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "notify_state.h"
#include "replace_file.h"

#define MAGIC "pogate-notify state "

static int key_ok(const char *s, size_t len)
{
    if (len == 0 || len > NSTATE_KEY_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || strchr("._:-", s[i])))
            return 0;
    return 1;
}

/* A decimal number of at most 18 digits at *P, which is moved past it. */
static int number(const char **p, const char *end, long long *v)
{
    int digits = 0;

    for (*v = 0; *p < end && **p >= '0' && **p <= '9' && digits < 18; (*p)++, digits++)
        *v = *v * 10 + (**p - '0');
    return digits > 0 && (*p == end || **p < '0' || **p > '9') ? 0 : -1;
}

static struct nstate_entry *add(struct nstate *s, const char *key, size_t len)
{
    struct nstate_entry *e;

    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->e = xrealloc(s->e, (size_t) s->cap * sizeof(*s->e));
    }
    e = &s->e[s->n++];
    memset(e, 0, sizeof(*e));
    memcpy(e->key, key, len);
    e->key[len] = 0;
    return e;
}

/* One "KEY FIRST SENT" line (without its newline) into S. */
static const char *entry_line(struct nstate *s, const char *p, const char *end)
{
    const char *sp = memchr(p, ' ', (size_t) (end - p));
    long long first, sent;
    struct nstate_entry *e;

    if (sp == NULL || !key_ok(p, (size_t) (sp - p)))
        return "not KEY FIRST SENT";
    for (int i = 0; i < s->n; i++)
        if (strlen(s->e[i].key) == (size_t) (sp - p) && memcmp(s->e[i].key, p, (size_t) (sp - p)) == 0)
            return "the same key twice";
    e = add(s, p, (size_t) (sp - p));
    p = sp + 1;
    if (number(&p, end, &first) < 0 || p == end || *p++ != ' ' || number(&p, end, &sent) < 0 || p != end)
        return s->n--, "not KEY FIRST SENT";
    e->first = first, e->sent = sent;
    return NULL;
}

static int corrupt(struct nstate *s, const char *name, int line, const char *why, const char *p, const char *end)
{
    int shown = (int) (end - p > 40 ? 40 : end - p);

    msg_warn("%s:%d: %s (%.*s): starting afresh, each present condition is noticed once more",
             name, line, why, shown, p);
    s->n = 0;
    return -1;
}

int nstate_parse(struct nstate *s, const char *text, size_t len, const char *name)
{
    const char *p = text, *end = text + len, *nl, *why;
    long long version;
    int line = 1;

    s->n = 0;
    if (len == 0)
        return 0;
    nl = memchr(p, '\n', len);
    if (nl == NULL || (size_t) (nl - p) < sizeof(MAGIC) - 1 || memcmp(p, MAGIC, sizeof(MAGIC) - 1) != 0)
        return corrupt(s, name, 1, "not a pogate-notify state file", p, nl ? nl : end);
    p += sizeof(MAGIC) - 1;
    if (number(&p, nl, &version) < 0 || p != nl)
        return corrupt(s, name, 1, "not a pogate-notify state file", text, nl);
    if (version != NSTATE_VERSION)
        return corrupt(s, name, 1, "a state file of another version, this pogate-notify writes 1", text, nl);
    for (p = nl + 1; p < end; p = nl + 1) {
        line++;
        if ((nl = memchr(p, '\n', (size_t) (end - p))) == NULL)
            return corrupt(s, name, line, "cut short", p, end);
        if (memchr(p, 0, (size_t) (nl - p)) != NULL)
            return corrupt(s, name, line, "a NUL byte", p, nl);
        if ((why = entry_line(s, p, nl)) != NULL)
            return corrupt(s, name, line, why, p, nl);
    }
    return 0;
}

int nstate_load(struct nstate *s, const char *path)
{
    buf_t text = BUF_INIT;
    char chunk[65536];
    ssize_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = 0;

    s->n = 0;
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        msg_error("%s: cannot read: %m", path);
        return -1;
    }
    while (text.len <= NSTATE_FILE_MAX && (n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_append(&text, chunk, (size_t) n);
    if (n < 0) {
        msg_error("%s: cannot read: %m", path);
        rc = -1;
    } else if (text.len > NSTATE_FILE_MAX) {
        msg_warn("%s: larger than %d bytes: not a state file this program wrote: starting afresh",
                 path, NSTATE_FILE_MAX);
    } else {
        (void) nstate_parse(s, text.data ? text.data : "", text.len, path);
    }
    close(fd);
    buf_free(&text);
    return rc;
}

struct nstate_entry *nstate_get(struct nstate *s, const char *key, long long now)
{
    struct nstate_entry *e = NULL;
    size_t len = strlen(key);

    for (int i = 0; i < s->n && e == NULL; i++)
        if (strcmp(s->e[i].key, key) == 0)
            e = &s->e[i];
    if (e == NULL) {
        e = add(s, key, len > NSTATE_KEY_MAX ? NSTATE_KEY_MAX : len);
        e->first = now;
    }
    e->seen = 1;
    return e;
}

void nstate_format(const struct nstate *s, buf_t *out)
{
    buf_printf(out, MAGIC "%d\n", NSTATE_VERSION);
    for (int i = 0; i < s->n; i++)
        if (s->e[i].seen)
            buf_printf(out, "%s %lld %lld\n", s->e[i].key, s->e[i].first, s->e[i].sent);
}

int nstate_save(const struct nstate *s, const char *path)
{
    buf_t text = BUF_INIT;
    int rc;

    nstate_format(s, &text);
    if ((rc = replace_file(path, text.data, text.len, NULL)) < 0)
        msg_error("%s: cannot write: %m", path);
    buf_free(&text);
    return rc;
}

void nstate_free(struct nstate *s)
{
    free(s->e);
    s->e = NULL;
    s->n = s->cap = 0;
}
