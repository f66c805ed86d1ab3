/* t_counters.c - unit tests for maps/util/counters.c: names and values, the
 * overflow counter, a read-only view, a file that is not one, and many
 * processes adding to new and old names at once, none losing a count, also
 * while they all make the file at the same moment. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counters.h"
#include "tap.h"

#define PROCS 20
#define ADDS 5000

static char dir[] = "/tmp/t_counters.XXXXXX";

static void sum(const char *name, uint64_t value, void *arg)
{
    (void) name;
    *(uint64_t *) arg += value;
}

/* PROCS processes open PATH (making it when missing) at once, each adding
 * ADDS times to each of four names, two of them new to every process. */
static void race(const char *path, int wait_fd)
{
    for (int p = 0; p < PROCS; p++) {
        if (fork() == 0) {
            const char *why;
            char go;
            struct counters *c;

            if (read(wait_fd, &go, 1) != 1)
                _exit(3);
            if ((c = counters_open(path, 1, &why)) == NULL)
                _exit(2);
            for (int i = 0; i < ADDS; i++) {
                counters_add(c, "a_total", 1);
                counters_add(c, "b_total{po=\"x\"}", 2);
                counters_add(c, i % 2 ? "c_total{k=\"odd\"}" : "c_total{k=\"even\"}", 1);
            }
            counters_close(c);
            _exit(0);
        }
    }
}

int main(void)
{
    char path[256], bad[256], longname[400];
    struct counters *c, *ro;
    const char *why;
    uint64_t total = 0;
    int pfd[2], status, all_ok = 1, fd;

    if (mkdtemp(dir) == NULL)
        return 2;
    snprintf(path, sizeof(path), "%s/counters", dir);
    ok(counters_open(path, 0, &why) == NULL, "read-only open of a missing file fails");
    c = counters_open(path, 1, &why);
    ok(c != NULL, "made on first open");
    counters_add(c, "x_total", 3);
    counters_add(c, "x_total", 4);
    counters_add(c, "y_total{a=\"1\"}", 1);
    is_int(counters_get(c, "x_total"), 7, "adds add up");
    is_int(counters_get(c, "never_total"), 0, "an unknown name is 0");
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    counters_add(c, longname, 5);
    is_int(counters_get(c, COUNTERS_OVERFLOW), 5, "a name too long counts into the overflow counter");
    ok(counters_created(c) > 0 && counters_created(c) <= time(NULL), "creation time kept");
    ro = counters_open(path, 0, &why);
    ok(ro != NULL, "read-only open");
    counters_add(ro, "x_total", 100);
    is_int(counters_get(ro, "x_total"), 7, "read-only: adds are ignored, values seen");
    counters_add(c, "x_total", 1);
    is_int(counters_get(ro, "x_total"), 8, "read-only view sees the writer's adds at once");
    counters_each(ro, sum, &total);
    is_int(total, 8 + 1 + 5, "each: every counter");
    counters_close(ro);
    counters_close(c);

    snprintf(bad, sizeof(bad), "%s/bad", dir);
    fd = open(bad, O_WRONLY | O_CREAT, 0644);
    ok(fd >= 0 && write(fd, "hello\n", 6) == 6, "a file of another kind");
    close(fd);
    why = NULL;
    ok(counters_open(bad, 1, &why) == NULL && why && strstr(why, "not a counters file"), "refused: %s",
       why ? why : "(no reason)");

    /* Many processes, the file made by whichever comes first. */
    snprintf(path, sizeof(path), "%s/race", dir);
    if (pipe(pfd) < 0)
        return 2;
    race(path, pfd[0]);
    for (int p = 0; p < PROCS; p++)
        if (write(pfd[1], "g", 1) != 1)
            return 2;
    for (int p = 0; p < PROCS; p++)
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            all_ok = 0;
    ok(all_ok, "%d processes made, opened and added at once", PROCS);
    c = counters_open(path, 0, &why);
    ok(c != NULL, "one file for all of them");
    is_int(counters_get(c, "a_total"), PROCS * ADDS, "no add lost or doubled: a_total");
    is_int(counters_get(c, "b_total{po=\"x\"}"), 2 * PROCS * ADDS, "no add lost or doubled: b_total");
    is_int(counters_get(c, "c_total{k=\"odd\"}") + counters_get(c, "c_total{k=\"even\"}"), PROCS * ADDS,
           "no add lost or doubled: c_total, both labels");
    total = 0;
    counters_each(c, sum, &total);
    is_int(total, 4 * PROCS * ADDS, "the sum over every slot is every add (no second slot of a name)");
    counters_close(c);
    {
        struct stat st;
        char tmpname[300];

        snprintf(tmpname, sizeof(tmpname), "rm -rf %s", dir);
        ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644, "mode 0644");
        if (system(tmpname) != 0)
            return 2;
    }
    return done_testing();
}
