/* verdict.h - what a decision of pogate-milter says, for a callback to apply.
 *
 * Each decision (decide_*.c) is a pure function over plain structs that
 * fills a struct verdict; the libmilter callbacks turn it into a return
 * status and smfi_setreply, and log it (context.c: "reject|defer: STAGE
 * from CLIENT: CODE XCODE TEXT"). Keeping the reply in a plain struct is what
 * lets the unit tests check every code and text without libmilter.
 */
#ifndef POGATE_MILTER_VERDICT_H
#define POGATE_MILTER_VERDICT_H

#define VERDICT_TEXT_MAX 512

enum verdict_action {
    VERDICT_CONTINUE,           /* go on to the next stage */
    VERDICT_REJECT,             /* 5xx: CODE XCODE TEXT */
    VERDICT_TEMPFAIL,           /* 4xx: CODE XCODE TEXT */
    VERDICT_DISCARD             /* accept and drop the message; TEXT is what to log */
};

struct verdict {
    enum verdict_action action;
    const char *code;           /* SMTP reply code, "550"; "" without a reply */
    const char *xcode;          /* RFC 3463 enhanced status code, "5.7.1"; "" without a reply */
    char text[VERDICT_TEXT_MAX];        /* no '%', CR or LF (libmilter refuses them) */
    const char *error;          /* static text to log as an error besides, or NULL */
};

/* No objection: VERDICT_CONTINUE, no reply. */
enum verdict_action verdict_continue(struct verdict *v);

/* A reply: ACTION (VERDICT_REJECT or VERDICT_TEMPFAIL) with CODE, XCODE and
 * the text FMT formats (cut at VERDICT_TEXT_MAX, '%', CR and LF made '?').
 * Returns ACTION. */
enum verdict_action verdict_reply(struct verdict *v, enum verdict_action action, const char *code,
                                  const char *xcode, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The verdict as the metrics name it: "accept" (go on), "reject",
 * "tempfail", "discard". */
const char *verdict_word(enum verdict_action action);

/* VERDICT_DISCARD with the line to log. */
enum verdict_action verdict_discard(struct verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
