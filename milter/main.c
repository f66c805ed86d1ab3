/* main.c - pogate-milter: policy and address rewriting for the relay host's MTA.
 *
 * pogate-milter [-c DIR] [-p SOCKET] [-f] [-n]
 *
 * This file is the daemon around the stages: options, the configuration and
 * maps check (-n), and the skeleton's callbacks (server.h): the socket,
 * which libmilter opens (listener.c), and smfi_main(). SIGUSR1 reloads
 * pogate.conf (state.c) and the maps; SIGTERM, SIGINT and SIGHUP are
 * libmilter's, which stops accepting and lets smfi_main() return.
 * See pogate-milter(8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "listener.h"
#include "log.h"
#include "mem.h"
#include "podir.h"
#include "server.h"
#include "stages.h"
#include "state.h"

static struct smfiDesc milter_desc = {
    .xxfi_name = "pogate",
    .xxfi_version = SMFI_VERSION,
    .xxfi_connect = mlfi_connect,
    .xxfi_helo = mlfi_helo,
    .xxfi_envfrom = mlfi_envfrom,
    .xxfi_envrcpt = mlfi_envrcpt,
    .xxfi_data = mlfi_data,
    .xxfi_header = mlfi_header,
    .xxfi_eoh = mlfi_eoh,
    .xxfi_body = mlfi_body,
    .xxfi_eom = mlfi_eom,
    .xxfi_abort = mlfi_abort,
    .xxfi_close = mlfi_close,
    .xxfi_negotiate = mlfi_negotiate,
};

static struct listen_info li;

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pogate-milter [-c DIR] [-p SOCKET] [-f] [-n]\n");
    exit(2);
}

/* -n: configuration and maps must both be usable. */
static int check_only(const char *confdir)
{
    struct podir *d = podir_open(confdir);

    if (d == NULL) {
        msg_error("%s: postoffice directory unusable (run pogate-map)", confdir);
        return 1;
    }
    podir_close(d);
    msg_info("%s: configuration and maps are valid", confdir);
    return 0;
}

static void on_listen(struct server *s)
{
    if (smfi_register(milter_desc) != MI_SUCCESS)
        msg_fatal("smfi_register failed");
    listen_open(s->spec, &s->sockopt, &li);
}

static void on_reload(struct server *s)
{
    (void) s;
    (void) state_reload();
}

static int on_run(struct server *s)
{
    int rc;

    (void) s;
    listen_relay_start();
    rc = smfi_main();
    listen_close(&li);
    return rc == MI_SUCCESS ? 0 : 1;
}

int main(int argc, char **argv)
{
    static const struct server_ops ops = { on_listen, on_run, on_reload, NULL };
    struct server s = { .name = "pogate-milter", .what = "milter" };
    const char *confdir = POGATE_CONFDIR, *socket_spec = NULL;
    int check = 0, ch, rc;
    struct milter_gen *g, *first;

    msg_open(argv[0], MSG_TO_STDERR);
    while ((ch = getopt(argc, argv, "c:p:fn")) != -1) {
        switch (ch) {
        case 'c': confdir = optarg; break;
        case 'p': socket_spec = optarg; break;
        case 'f': s.foreground = 1; break;
        case 'n': check = 1; break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if ((g = gen_load(confdir)) == NULL)
        msg_fatal("%s/pogate.conf: configuration errors, not starting", confdir);
    if (check) {
        gen_release(g);
        return check_only(confdir);
    }
    s.maps = podir_cache_new(confdir);
    state_init(g, s.maps);
    /* The first generation stays while the process lives: the skeleton
     * keeps pointing at its settings, whatever SIGUSR1 loads later. */
    first = state_gen();
    s.conf = &first->conf;
    s.spec = socket_spec ? socket_spec : first->mc.socket;
    s.pid_file = first->mc.pid_file;
    s.metrics_spec = first->mc.metrics_listen;
    rc = server_main(&s, &ops);
    state_shutdown();
    podir_cache_free(s.maps);
    gen_release(first);
    return rc;
}
