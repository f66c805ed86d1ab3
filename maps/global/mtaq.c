/* mtaq.c - ask the MTA about its queue, release held mail; see mtaq.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "log.h"
#include "mem.h"
#include "mtaq.h"
#include "runcmd.h"

#define ARGS_MAX 16
#define IDS_PER_RUN 100         /* queue ids on one sendmail command line */

struct argv {
    char *v[ARGS_MAX + IDS_PER_RUN + 1];
    int n;
    buf_t own[2];               /* built arguments */
};

static void arg(struct argv *a, const char *s)
{
    a->v[a->n++] = (char *) s;
    a->v[a->n] = NULL;
}

/* The command: a Postfix tool in command_dir, or sendmail; with its config. */
static void command(struct argv *a, const struct mta *m, const char *tool)
{
    memset(a, 0, sizeof(*a));
    if (tool) {
        buf_printf(&a->own[0], "%s/%s", m->command_dir, tool);
        arg(a, a->own[0].data);
    } else {
        arg(a, m->sendmail_path);
    }
    if (m->config && *m->config) {
        arg(a, tool ? "-c" : "-C");
        arg(a, m->config);
    }
}

static void argv_free(struct argv *a)
{
    buf_free(&a->own[0]), buf_free(&a->own[1]);
}

/* Run A; its output appended to OUT. 0, or -1 with the reason logged. */
static int run(struct argv *a, const char *in, size_t inlen, buf_t *out)
{
    int rc = runcmd(a->v, in, inlen, out);

    if (rc == 0)
        return 0;
    if (rc < 0)
        msg_error("%s: cannot run: %m", a->v[0]);
    else
        msg_error("%s %s: exit status %d", a->v[0], a->v[a->n - 1], rc);
    return -1;
}

int mtaq_list(const struct mta *m, struct mtaq *q)
{
    struct argv a;
    buf_t out = BUF_INIT;
    int rc;

    memset(q, 0, sizeof(*q));
    if (m->kind == MTA_POSTFIX) {
        command(&a, m, "postqueue");
        arg(&a, "-j");
        if ((rc = run(&a, NULL, 0, &out)) == 0)
            mtaq_parse_postqueue(q, out.data ? out.data : "", out.len);
    } else {
        command(&a, m, NULL);
        arg(&a, "-bp");
        if ((rc = run(&a, NULL, 0, &out)) == 0)
            mtaq_parse_mailq(q, out.data ? out.data : "", out.len, 0, time(NULL));
        buf_reset(&out);
        arg(&a, "-qQ");
        if (rc == 0 && (rc = run(&a, NULL, 0, &out)) == 0)
            mtaq_parse_mailq(q, out.data ? out.data : "", out.len, 1, time(NULL));
    }
    argv_free(&a);
    buf_free(&out);
    if (rc < 0)
        mtaq_free(q);
    return rc;
}

static int release_postfix(const struct mta *m, char *const *qids, int n)
{
    struct argv a;
    buf_t in = BUF_INIT;
    int rc;

    for (int i = 0; i < n; i++)
        buf_printf(&in, "%s\n", qids[i]);
    command(&a, m, "postsuper");
    arg(&a, "-H");
    arg(&a, "-");
    rc = run(&a, in.data, in.len, NULL);
    argv_free(&a);
    /* Released mail goes to the deferred queue: ask for each one's delivery now. */
    for (int i = 0; rc == 0 && i < n; i++) {
        command(&a, m, "postqueue");
        arg(&a, "-i");
        arg(&a, qids[i]);
        if (run(&a, NULL, 0, NULL) < 0)
            msg_warn("%s: released, delivered at the next queue run", qids[i]);
        argv_free(&a);
    }
    buf_free(&in);
    return rc;
}

/* sendmail: lift the quarantine of a batch (-qQ -qI... -Q), then run it (-qI...). */
static int release_sendmail(const struct mta *m, char *const *qids, int n)
{
    struct argv a;
    buf_t ids = BUF_INIT;
    int rc = 0;

    for (int at = 0; rc == 0 && at < n; at += IDS_PER_RUN) {
        int k = n - at < IDS_PER_RUN ? n - at : IDS_PER_RUN;
        char **opt = xcalloc((size_t) k, sizeof(char *));

        for (int i = 0; i < k; i++) {
            buf_reset(&ids);
            buf_printf(&ids, "-qI%s", qids[at + i]);
            opt[i] = buf_steal(&ids);
        }
        command(&a, m, NULL);
        arg(&a, "-qQ");
        for (int i = 0; i < k; i++)
            arg(&a, opt[i]);
        arg(&a, "-Q");
        rc = run(&a, NULL, 0, NULL);
        argv_free(&a);
        if (rc == 0) {
            command(&a, m, NULL);
            for (int i = 0; i < k; i++)
                arg(&a, opt[i]);
            if (run(&a, NULL, 0, NULL) < 0)
                msg_warn("released, delivered at the next queue run");
            argv_free(&a);
        }
        for (int i = 0; i < k; i++)
            free(opt[i]);
        free(opt);
    }
    buf_free(&ids);
    return rc;
}

int mtaq_release(const struct mta *m, char *const *qids, int n)
{
    if (n == 0)
        return 0;
    return m->kind == MTA_POSTFIX ? release_postfix(m, qids, n) : release_sendmail(m, qids, n);
}

int mtaq_submit(const struct mta *m, const char *sender, char *const *rcpts, int n, const char *msg, size_t len)
{
    struct argv a;
    int rc;

    if (n < 1 || n > IDS_PER_RUN) {
        msg_error("%s: %d recipients: between 1 and %d", m->sendmail_path, n, IDS_PER_RUN);
        return -1;
    }
    command(&a, m, NULL);
    arg(&a, "-i");
    arg(&a, "-f");
    arg(&a, *sender ? sender : "<>");
    arg(&a, "--");
    for (int i = 0; i < n; i++)
        arg(&a, rcpts[i]);
    rc = run(&a, msg, len, NULL);
    argv_free(&a);
    return rc;
}
