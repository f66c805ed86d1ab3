/* spf.h - SPF (RFC 7208) checks over libspf2: pogate-milter's of its
 * clients, pogate-check(8)'s of the relay hosts' addresses against each
 * postoffice domain.
 *
 * The milter builds one checker per configuration load and shares it with
 * every session thread (libspf2 servers are safe for concurrent requests; each check uses
 * its own request and response). With a zone file the checker never touches
 * the network: every DNS question is answered from that file (tests, offline
 * checks); without one it uses the system resolver with libspf2's cache.
 */
#ifndef POGATE_SPF_H
#define POGATE_SPF_H

#include <sys/socket.h>

#include "buf.h"

enum spf_result {
    SPFR_NONE, SPFR_NEUTRAL, SPFR_PASS, SPFR_FAIL, SPFR_SOFTFAIL, SPFR_TEMPERROR, SPFR_PERMERROR
};

struct spf;

/* REC_DOM names this host in the Received-SPF comment. ZONE_FILE "" = real DNS.
 * NULL on error (zone file errors are logged as FILE:LINE: reason). */
struct spf *spf_new(const char *rec_dom, const char *zone_file);
void spf_free(struct spf *s);

/* Check CLIENT/HELO/SENDER (SENDER "" = null sender: the HELO identity is
 * checked, as RFC 7208 section 2.4 says). The Received-SPF field value
 * (without the "Received-SPF: " name) is appended to HEADER, a short reason
 * for an SMTP reply to WHY. Never fails: trouble is a temperror. */
enum spf_result spf_check(struct spf *s, const struct sockaddr *client, const char *helo,
                          const char *sender, buf_t *header, buf_t *why);

const char *spf_result_name(enum spf_result r);

#endif
