/* verdict.c - building the verdicts of pogate-milter's decisions; see verdict.h. */
#include <stdarg.h>
#include <stdio.h>

#include "verdict.h"

__attribute__((format(printf, 2, 0)))
static void set_text(struct verdict *v, const char *fmt, va_list ap)
{
    vsnprintf(v->text, sizeof(v->text), fmt, ap);
    /* libmilter refuses text with a bare '%' or CR/LF; addresses may hold either. */
    for (char *p = v->text; *p; p++)
        if (*p == '%' || *p == '\r' || *p == '\n')
            *p = '?';
}

enum verdict_action verdict_continue(struct verdict *v)
{
    v->action = VERDICT_CONTINUE;
    v->code = v->xcode = "";
    v->text[0] = 0;
    v->error = NULL;
    return v->action;
}

enum verdict_action verdict_reply(struct verdict *v, enum verdict_action action, const char *code,
                                  const char *xcode, const char *fmt, ...)
{
    va_list ap;

    verdict_continue(v);
    v->action = action;
    v->code = code;
    v->xcode = xcode;
    va_start(ap, fmt);
    set_text(v, fmt, ap);
    va_end(ap);
    return action;
}

enum verdict_action verdict_discard(struct verdict *v, const char *fmt, ...)
{
    va_list ap;

    verdict_continue(v);
    v->action = VERDICT_DISCARD;
    va_start(ap, fmt);
    set_text(v, fmt, ap);
    va_end(ap);
    return v->action;
}

const char *verdict_word(enum verdict_action action)
{
    static const char *const words[] = { "accept", "reject", "tempfail", "discard" };

    return action <= VERDICT_DISCARD ? words[action] : "tempfail";
}
