/* noop-milter.c - the baseline for tests/bench/milter-cost.sh: a libmilter
 * filter with pogate-milter's callbacks, each doing nothing, that sees every
 * message whole (no DATA step, HELO answered: what any milter that reads
 * messages costs the MTA). What pogate-milter costs above this in
 * milter-cost.sh is the cost of its policy work, not of the milter protocol;
 * in P1, (a+n) against (a+m) shows what accepting at DATA saves.
 *
 * usage: noop-milter unix:PATH
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

static sfsistat nop_negotiate(SMFICTX *m, unsigned long actions, unsigned long steps,
                              unsigned long f2, unsigned long f3, unsigned long *want_actions,
                              unsigned long *want_steps, unsigned long *pf2, unsigned long *pf3)
{
    (void) m, (void) f2, (void) f3;
    *pf2 = *pf3 = 0;
    *want_actions = actions & (SMFIF_ADDHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGFROM);
    *want_steps = steps & (SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH | SMFIP_NR_HDR | SMFIP_NR_BODY);
    return SMFIS_CONTINUE;
}

static sfsistat nop_connect(SMFICTX *m, char *h, _SOCK_ADDR *a) { (void) m, (void) h, (void) a; return SMFIS_CONTINUE; }
static sfsistat nop_helo(SMFICTX *m, char *h) { (void) m, (void) h; return SMFIS_CONTINUE; }
static sfsistat nop_env(SMFICTX *m, char **argv) { (void) m, (void) argv; return SMFIS_CONTINUE; }
static sfsistat nop_header(SMFICTX *m, char *n, char *v) { (void) m, (void) n, (void) v; return SMFIS_NOREPLY; }
static sfsistat nop_body(SMFICTX *m, unsigned char *b, size_t l) { (void) m, (void) b, (void) l; return SMFIS_NOREPLY; }
static sfsistat nop_ctx(SMFICTX *m) { (void) m; return SMFIS_CONTINUE; }

int main(int argc, char **argv)
{
    struct smfiDesc d = {
        .xxfi_name = "noop", .xxfi_version = SMFI_VERSION,
        .xxfi_connect = nop_connect, .xxfi_helo = nop_helo, .xxfi_envfrom = nop_env,
        .xxfi_envrcpt = nop_env, .xxfi_header = nop_header, .xxfi_body = nop_body,
        .xxfi_eom = nop_ctx, .xxfi_abort = nop_ctx, .xxfi_close = nop_ctx,
        .xxfi_negotiate = nop_negotiate,
    };

    if (argc != 2) {
        fprintf(stderr, "usage: noop-milter unix:PATH\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (smfi_register(d) != MI_SUCCESS || smfi_setconn(argv[1]) != MI_SUCCESS
        || smfi_opensocket(1) != MI_SUCCESS) {
        fprintf(stderr, "noop-milter: cannot listen on %s\n", argv[1]);
        return 1;
    }
    fprintf(stderr, "noop-milter: ready: listening on %s\n", argv[1]);
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
