/* log.c - the message-logging idiom; see log.h.
 *
 * Lines are built in one buffer and written with one write(2) (stderr) or one
 * syslog(3) call, so lines from concurrent threads and processes never interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

#define MSG_LINE_MAX 2048
#define QID_MAX 64

static const char *msg_prog = "pogate";
static enum msg_dest msg_dest = MSG_TO_STDERR;
static enum msg_level msg_level = MSG_LEVEL_INFO;
static int msg_fatal_exit = 1;
static int msg_file_fd = -1;
static msg_tee_fn *msg_tee_to;
static void *msg_tee_arg;
static _Thread_local char msg_qid[QID_MAX];

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void msg_open(const char *progname, enum msg_dest dest)
{
    const char *slash = strrchr(progname, '/');

    msg_prog = slash ? slash + 1 : progname;
    msg_dest = dest;
    if (dest != MSG_TO_STDERR)
        openlog(msg_prog, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

int msg_open_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

    if (fd < 0)
        return -1;
    if (msg_file_fd >= 0)
        close(msg_file_fd);
    msg_file_fd = fd;
    return 0;
}

/* Append the string S to LINE at *N, bounded by SIZE (one byte kept for the newline). */
static void put(char *line, size_t size, size_t *n, const char *s)
{
    size_t len = strlen(s);

    if (len > size - 1 - *n)
        len = size - 1 - *n;
    memcpy(line + *n, s, len);
    *n += len;
}

/* "[STAMP ]prog[[pid]]: [qid: ]text\n" in one write(2): O_APPEND keeps the lines
 * of concurrent writers whole. Joined by hand: this runs for every message. */
static void write_line(int fd, const char *stamp, const char *text)
{
    char line[MSG_LINE_MAX + 256], pid[32] = "";
    size_t n = 0;

    if (*stamp)
        snprintf(pid, sizeof(pid), "[%ld]", (long) getpid());
    put(line, sizeof(line), &n, stamp);
    put(line, sizeof(line), &n, msg_prog);
    put(line, sizeof(line), &n, pid);
    put(line, sizeof(line), &n, ": ");
    if (msg_qid[0]) {
        put(line, sizeof(line), &n, msg_qid);
        put(line, sizeof(line), &n, ": ");
    }
    put(line, sizeof(line), &n, text);
    line[n++] = '\n';
    if (write(fd, line, n) < 0) {
        /* Nowhere left to report it. */
    }
}

void msg_set_level(enum msg_level level) { msg_level = level; }
enum msg_level msg_get_level(void) { return msg_level; }
void msg_set_fatal_status(int status) { msg_fatal_exit = status; }

int msg_level_parse(const char *name, enum msg_level *level)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            *level = (enum msg_level) i;
            return 0;
        }
    }
    return -1;
}

void msg_set_queue_id(const char *qid)
{
    size_t n = qid ? strnlen(qid, QID_MAX - 1) : 0;

    memcpy(msg_qid, qid ? qid : "", n);
    msg_qid[n] = 0;
}

const char *msg_queue_id(void) { return msg_qid; }

/* Copy fmt to out with each %m replaced by the text of err; %% is kept as is. */
static void expand_errno(char *out, size_t size, const char *fmt, int err)
{
    const char *text = strerror(err);
    size_t o = 0;

    for (const char *f = fmt; *f && o + 1 < size; f++) {
        if (f[0] == '%' && f[1] == 'm') {
            for (const char *t = text; *t && o + 2 < size; t++)
                out[o++] = *t == '%' ? '?' : *t;
            f++;
        } else if (f[0] == '%' && f[1] == '%' && o + 2 < size) {
            out[o++] = *f++;
            out[o++] = *f;
        } else {
            out[o++] = *f;
        }
    }
    out[o] = 0;
}

/* Replace control characters so one call is one line, whatever the input held. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            *s = '?';
}

void msg_vlog(enum msg_level level, const char *fmt, va_list ap)
{
    static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
    static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
    char xfmt[MSG_LINE_MAX], text[MSG_LINE_MAX + 16], stamp[64];
    int saved = errno;
    time_t now;
    struct tm tm;

    if (level > msg_level)
        return;
    expand_errno(xfmt, sizeof(xfmt), fmt, saved);
    str_copy(text, tag[level], sizeof(text));
    /* xfmt is the caller's literal format with %m expanded; the compiler checked the
     * original through MSG_PRINTF, so the non-literal format here is safe. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(text + strlen(text), sizeof(text) - strlen(text), xfmt, ap);
#pragma GCC diagnostic pop
    sanitize(text);
    if (msg_tee_to)
        msg_tee_to(msg_tee_arg, level, text + strlen(tag[level]));
    if (msg_dest != MSG_TO_STDERR)
        syslog(prio[level], "%s%s%s", msg_qid, msg_qid[0] ? ": " : "", text);
    if (msg_dest != MSG_TO_SYSLOG)
        write_line(STDERR_FILENO, "", text);
    if (msg_file_fd >= 0) {
        now = time(NULL);
        localtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S ", &tm);
        write_line(msg_file_fd, stamp, text);
    }
    errno = saved;
}

void msg_tee(msg_tee_fn *fn, void *arg)
{
    msg_tee_to = fn;
    msg_tee_arg = arg;
}

#define MSG_FN(name, level) \
    void name(const char *fmt, ...) \
    { va_list ap; va_start(ap, fmt); msg_vlog(level, fmt, ap); va_end(ap); }

MSG_FN(msg_debug, MSG_LEVEL_DEBUG)
MSG_FN(msg_info, MSG_LEVEL_INFO)
MSG_FN(msg_warn, MSG_LEVEL_WARNING)
MSG_FN(msg_error, MSG_LEVEL_ERROR)

_Noreturn void msg_fatal_status(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vlog(MSG_LEVEL_ERROR, fmt, ap);
    va_end(ap);
    exit(status);
}

_Noreturn void msg_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vlog(MSG_LEVEL_ERROR, fmt, ap);
    va_end(ap);
    exit(msg_fatal_exit);
}
