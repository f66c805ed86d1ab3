/* stages.h - the libmilter callbacks of pogate-milter, one file per stage:
 * negotiate.c, connect.c (connect, HELO, close), envelope.c (MAIL, RCPT,
 * abort), eom.c (DATA, headers, end of headers, body, end of message).
 * main.c registers them.
 */
#ifndef POGATE_MILTER_STAGES_H
#define POGATE_MILTER_STAGES_H

#include <sys/socket.h>
#include <libmilter/mfapi.h>

sfsistat mlfi_negotiate(SMFICTX *m, unsigned long actions, unsigned long steps,
                        unsigned long f2, unsigned long f3, unsigned long *want_actions,
                        unsigned long *want_steps, unsigned long *pf2, unsigned long *pf3);
sfsistat mlfi_connect(SMFICTX *m, char *hostname, _SOCK_ADDR *hostaddr);
sfsistat mlfi_helo(SMFICTX *m, char *helo);
sfsistat mlfi_close(SMFICTX *m);
sfsistat mlfi_envfrom(SMFICTX *m, char **argv);
sfsistat mlfi_envrcpt(SMFICTX *m, char **argv);
sfsistat mlfi_abort(SMFICTX *m);
sfsistat mlfi_data(SMFICTX *m);
sfsistat mlfi_header(SMFICTX *m, char *name, char *value);
sfsistat mlfi_eoh(SMFICTX *m);
sfsistat mlfi_body(SMFICTX *m, unsigned char *chunk, size_t len);
sfsistat mlfi_eom(SMFICTX *m);

/* The SMFIF_* actions pogate-milter needs from the MTA (negotiate.c). */
unsigned long milter_actions(void);

#endif
