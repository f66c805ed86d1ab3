/* t_outbound.c - unit tests for milter/obpolicy.c: auto-reply markers and From:/Sender:/Reply-To: rewriting.
 *
 * The lookup is a small table with podir_sender's signature and meaning
 * (internal or public address -> mailbox; PODIR_ERROR for an unreadable map),
 * so the decisions are tested apart from the index files.
 */
#include <stdio.h>
#include <string.h>

#include "obpolicy.h"
#include "tap.h"

static int map_broken;

static enum podir_result table_sender(struct podir *d, const char *address, struct po *po, struct mbx *mbx)
{
    static const struct { const char *key, *po, *name, *address, *display; } t[] = {
        { "jsmith@sales.po", "sales", "jsmith", "john.smith@sales.example.com", "John Smith" },
        { "john.smith@sales.example.com", "sales", "jsmith", "john.smith@sales.example.com", "John Smith" },
        { "jm@sales.po", "sales", "jm", "juergen.mueller@sales.example.com", "J\xc3\xbcrgen M\xc3\xbcller" },
        { "anon@sales.po", "sales", "anon", "anon@sales.example.com", "" },
    };

    (void) d;
    if (map_broken)
        return PODIR_ERROR;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (strcmp(address, t[i].key) == 0) {
            memset(po, 0, sizeof(*po));
            memset(mbx, 0, sizeof(*mbx));
            po->name = t[i].po;
            snprintf(mbx->po, sizeof(mbx->po), "%s", t[i].po);
            snprintf(mbx->name, sizeof(mbx->name), "%s", t[i].name);
            snprintf(mbx->address, sizeof(mbx->address), "%s", t[i].address);
            snprintf(mbx->display_name, sizeof(mbx->display_name), "%s", t[i].display);
            return PODIR_FOUND;
        }
    }
    return strstr(address, "@sales.") ? PODIR_NO_MAILBOX : PODIR_NOT_PO;
}

static void rw(const char *name, const char *value, enum ob_rewrite want, const char *want_value, const char *what)
{
    buf_t out = BUF_INIT;
    const char *why = NULL;
    enum ob_rewrite r = ob_rewrite_header(table_sender, NULL, name, value, &out, &why);

    is_int(r, want, "%s: decision (%s)", what, why ? why : "-");
    if (want == OB_CHANGED)
        is_str(out.data, want_value, "%s: new value", what);
    buf_free(&out);
}

static void marker(const char *name, const char *value, const char *want, const char *what)
{
    const char *m = ob_autoreply_marker(name, value);

    if (want == NULL)
        ok(m == NULL, "not an auto-reply: %s (%s)", what, m ? m : "-");
    else
        is_str(m, want, "auto-reply: %s", what);
}

static void test_autoreply(void)
{
    struct ob_header normal[] = { { "From", "a@b" }, { "Precedence", "bulk" }, { "Auto-Submitted", "no" } };
    struct ob_header oof[] = { { "From", "a@b" }, { "Subject", "Out of office" }, { "X-Autoreply", "yes" } };

    marker("Auto-Submitted", "auto-replied", "Auto-Submitted", "RFC 3834 auto-replied");
    marker("auto-submitted", " Auto-Generated", "Auto-Submitted", "header name and value case");
    marker("Auto-Submitted", "auto-notified; owner-email=\"x@y\"", "Auto-Submitted", "RFC 5436 with a parameter");
    marker("Auto-Submitted", "(vacation)\r\n auto-replied", "Auto-Submitted", "comment and folding first");
    marker("Auto-Submitted", "no", NULL, "Auto-Submitted: no");
    marker("Auto-Submitted", " No (a person wrote this)", NULL, "Auto-Submitted: No with a comment");
    marker("Auto-Submitted", "", NULL, "empty Auto-Submitted");
    marker("X-Autoreply", "yes", "X-Autoreply", "X-Autoreply: yes");
    marker("X-Autorespond", "Vacation reply", "X-Autorespond", "X-Autorespond with text");
    marker("X-Autoreply", "no", NULL, "X-Autoreply: no");
    marker("X-Autoreply", "false", NULL, "X-Autoreply: false");
    marker("Precedence", "auto_reply", "Precedence: auto_reply", "Precedence: auto_reply");
    marker("Precedence", "bulk", NULL, "Precedence: bulk is mass mail");
    marker("Precedence", "junk", NULL, "Precedence: junk");
    marker("Precedence", "list", NULL, "Precedence: list");
    marker("X-Auto-Response-Suppress", "All", NULL, "X-Auto-Response-Suppress is a request, not a marker");
    marker("Subject", "Auto-Submitted: auto-replied", NULL, "marker text in another header");
    marker("X-Auto-Submitted", "auto-replied", NULL, "a different header name");
    ok(ob_is_autoreply(normal, 3) == NULL, "ordinary message is no auto-reply");
    is_str(ob_is_autoreply(oof, 3), "X-Autoreply", "out-of-office reply found among headers");
    ok(ob_is_autoreply(NULL, 0) == NULL, "no headers, no auto-reply");
}

static void test_rewrite(void)
{
    ok(ob_rewrites_header("From") && ob_rewrites_header("sender") && ob_rewrites_header("REPLY-TO"),
       "From, Sender, Reply-To are rewritten (any case)");
    ok(!ob_rewrites_header("To") && !ob_rewrites_header("Cc") && !ob_rewrites_header("Resent-From")
       && !ob_rewrites_header("From2"), "other headers are not");
    rw("From", "JSMITH <jsmith@SALES.po>", OB_CHANGED, "John Smith <john.smith@sales.example.com>", "internal address");
    rw("From", "\"Smith\" <John.Smith@sales.example.com>", OB_CHANGED, "John Smith <john.smith@sales.example.com>",
       "public address gets the map's name");
    rw("From", "John Smith <john.smith@sales.example.com>", OB_KEEP, NULL, "already right: untouched");
    rw("Sender", "jm@sales.po", OB_CHANGED, "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen.mueller@sales.example.com>",
       "UTF-8 display name encoded");
    rw("Reply-To", "team: jsmith@sales.po, other@example.org;", OB_CHANGED,
       "team: John Smith <john.smith@sales.example.com>, other@example.org;", "only PO mailboxes in a list change");
    rw("From", "\"Anon Y.\" <anon@sales.po>", OB_CHANGED, "\"Anon Y.\" <anon@sales.example.com>",
       "no name in the map: the header's name is kept");
    rw("From", "ghost@sales.po", OB_KEEP, NULL, "unknown mailbox at a PO domain: left alone");
    rw("From", "someone@example.org", OB_KEEP, NULL, "foreign address: left alone");
    rw("To", "jsmith@sales.po", OB_KEEP, NULL, "To: is not rewritten");
    rw("From", "JSMITH <jsmith@sales.po", OB_UNPARSEABLE, NULL, "unparseable From: left alone");
    rw("From", "jsmith@sales.po\r\nBcc: x@y", OB_UNPARSEABLE, NULL, "injection attempt left alone");
    map_broken = 1;
    rw("From", "jsmith@sales.po", OB_TEMPFAIL, NULL, "unreadable maps: tempfail");
    map_broken = 0;
}

int main(void)
{
    test_autoreply();
    test_rewrite();
    return done_testing();
}
