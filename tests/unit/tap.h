/* tap.h - a tiny TAP producer for the C unit tests (one file per module).
 *
 * ok(cond, "what %s", ...) prints "ok N - what" or "not ok N - what" with the
 * file and line of a failure; done_testing() prints the plan and returns the
 * exit status. tests/run counts the lines.
 */
#ifndef POGATE_TAP_H
#define POGATE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 4, 5)))
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failed++;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
    return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
    (ok((long long) (got) == (long long) (want), __VA_ARGS__) || \
     (printf("#   got:  %lld\n#   want: %lld\n", (long long) (got), (long long) (want)), 0))

__attribute__((format(printf, 5, 6)))
__attribute__((unused)) static int tap_is_str(const char *got, const char *want, const char *file, int line,
                      const char *fmt, ...)
{
    char what[512];
    va_list ap;
    int pass = got != NULL && strcmp(got, want) == 0;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (!tap_ok(pass, file, line, "%s", what))
        printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want);
    return pass;
}

__attribute__((unused)) static int done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
