/* decide_spoof.h - inbound header spoofing of postoffice addresses.
 *
 * pogate refuses an untrusted client's envelope sender at a PO domain
 * (decide_outbound.h), but what users see is From:. At end of message, or
 * at end of headers when the check is all the message needs (decide_eoh.h),
 * an inbound message from an untrusted client (not access TRUST, not in
 * trusted_networks, not an outbound service, not SASL-authenticated) whose
 * From:, Sender: or Reply-To: names an address at a PO domain (public, alias
 * or internal) is forged, unless SPF passes for that very domain: the
 * domain's SPF record lists the client (a mailing service the postoffice
 * uses, say), asked with the forged address as the sender identity (an
 * untrusted client's envelope sender is never at a PO domain: MAIL refuses
 * it). The PO the
 * forged address belongs to decides, by its spoof= (pogate-maps(5)): off
 * ignores it, tag adds X-Pogate-Spoof: NAME <addr> (and the subject prefix),
 * reject refuses the message with 550 5.7.1. Of several forged addresses the
 * strictest PO wins. A map that cannot be read is 451 4.3.0.
 */
#ifndef POGATE_MILTER_DECIDE_SPOOF_H
#define POGATE_MILTER_DECIDE_SPOOF_H

#include <stddef.h>

#include "podir.h"
#include "verdict.h"

#define SPOOF_MAX_HITS 8        /* forged addresses reported; the verdict counts them all */

struct spoof_hdr {
    const char *name;           /* "From", "Sender" or "Reply-To" as the message spells it */
    const char *value;
};

struct spoof_in {
    int trusted;                /* struct trust's trusted: TRUST, networks, service, SASL */
    /* 1 when SPF passes for the client with ADDR (at DOMAIN) as the sender
     * identity; spoof.c asks libspf2, NULL never passes. */
    int (*spf_pass)(void *arg, const char *addr, const char *domain);
    void *spf_arg;
    struct podir *maps;
    const struct spoof_hdr *hdrs;
    size_t nhdr;
};

struct spoof_hit {
    char name[16];              /* the header's name, canonical: From, Sender, Reply-To */
    char addr[PODIR_ADDR_MAX + 1];
    char po[PODIR_NAME_MAX + 1];
    enum po_spoof spoof;        /* that PO's spoof= (tag or reject) */
};

struct spoof_out {
    enum po_spoof action;       /* PO_SPOOF_OFF: nothing forged (or only at spoof=off POs) */
    struct spoof_hit hit[SPOOF_MAX_HITS];
    size_t nhit;
};

/* 1 for a header name the decision reads (From, Sender, Reply-To). */
int spoof_header_name(const char *name);

/* VERDICT_CONTINUE (then OUT->action says tag or nothing),
 * VERDICT_REJECT (550 5.7.1) or VERDICT_TEMPFAIL (451 4.3.0). */
enum verdict_action decide_spoof(const struct spoof_in *in, struct spoof_out *out, struct verdict *v);

/* The tracking line's word: "spoof=tag:From=<a@b>,Sender=<c@d>" ("" if none). */
void spoof_summary(const struct spoof_out *out, char *buf, size_t size);

#endif
