/* t_log.c - unit tests for maps/util/log.c: prefix, queue id, %m, one line per call, log_file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

static char path[] = "/tmp/t_log.XXXXXX";
static char fpath[] = "/tmp/t_logf.XXXXXX";

static void slurp(const char *p, char *out, size_t size)
{
    FILE *fp = fopen(p, "r");
    size_t n = fp ? fread(out, 1, size - 1, fp) : 0;

    if (fp)
        fclose(fp);
    out[n] = 0;
}

int main(void)
{
    static char text[65536], big[20000];
    int fd = mkstemp(path), saved = dup(2);
    enum msg_level level;

    close(mkstemp(fpath));
    msg_open("/usr/sbin/t_log", MSG_TO_STDERR);
    ok(msg_open_file(fpath) == 0, "log_file opens");
    dup2(fd, 2);
    msg_info("plain %d", 1);
    msg_set_queue_id("4ABC123");
    errno = ENOENT;
    msg_warn("open %s: %m", "x");
    msg_set_level(MSG_LEVEL_WARNING);
    msg_info("hidden");
    msg_set_level(MSG_LEVEL_INFO);
    msg_set_queue_id(NULL);
    msg_error("bad\r\nline with 100%% and %s", "a\nb");
    memset(big, 'x', sizeof(big) - 1);
    msg_info("%s", big);
    msg_info("after long");
    dup2(saved, 2);

    slurp(path, text, sizeof(text));
    ok(strstr(text, "t_log: plain 1\n") != NULL, "program name without directory");
    ok(strstr(text, "t_log: 4ABC123: warning: open x: No such file or directory\n") != NULL,
       "queue id prefix and %%m expansion");
    ok(strstr(text, "hidden") == NULL, "level filter hides info");
    ok(strstr(text, "t_log: error: bad??line with 100% and a?b\n") != NULL,
       "control characters cannot split a line");
    ok(strstr(text, "xxx\nt_log: after long\n") != NULL, "an over-long message is cut, its line still ends");
    ok(strstr(text, big) == NULL, "an over-long message is cut to the line limit");
    slurp(fpath, text, sizeof(text));
    ok(strstr(text, "t_log[") != NULL && strstr(text, "]: 4ABC123: warning: open x") != NULL,
       "log_file lines carry pid and queue id");
    ok(text[0] >= '2' && text[4] == '-', "log_file lines start with a time stamp");
    ok(msg_level_parse("debug", &level) == 0 && level == MSG_LEVEL_DEBUG, "level names parse");
    ok(msg_level_parse("loud", &level) < 0, "unknown level refused");
    unlink(path);
    unlink(fpath);
    return done_testing();
}
