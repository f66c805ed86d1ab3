/* client.h - the SMTP client of a milter session, as its decisions see it.
 *
 * libmilter's connect callback hands over the MTA's name for the client and
 * a socket address (none for a local client). client_set keeps the address
 * for the access map, trusted_networks and SPF, and the "host[ip]" label
 * every log line of the session names the client by.
 */
#ifndef POGATE_MILTER_CLIENT_H
#define POGATE_MILTER_CLIENT_H

#include <sys/socket.h>

struct client {
    struct sockaddr_storage sa;
    int have_sa;                /* sa holds an AF_INET or AF_INET6 address */
    char label[300];            /* "host[ip]", as Postfix logs a client */
    int local_submission;       /* localhost[127.0.0.1] port 0: Postfix's stand-in for
                                 * mail from sendmail(1), which cannot refuse a recipient */
};

/* From the MTA's HOSTNAME (NULL, "" or "[ADDR]" when it has no verified
 * name: logged "unknown") and SA (NULL or another family: no address, logged
 * "[unknown]"). Returns have_sa. Postfix shows its non_smtpd_milters mail
 * from sendmail(1) as localhost, 127.0.0.1 and port 0, which no SMTP client
 * has: that sets local_submission. */
int client_set(struct client *c, const char *hostname, const struct sockaddr *sa);

/* The address, or NULL when the client has none. */
const struct sockaddr *client_addr(const struct client *c);

#endif
