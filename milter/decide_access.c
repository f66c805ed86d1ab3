/* decide_access.c - the connect decision and trust; see decide_access.h.
 *
 * The access map is asked only for a client with an IP address; its lookup
 * has no error of its own (an unreadable snapshot is caught before, and a
 * corrupt network record counts as no match, podir.c), so REJECT is only
 * ever a REJECT the map says.
 */
#include <string.h>

#include "decide_access.h"
#include "netlist.h"

/* 1 if the word W is in the blank- or comma-separated LIST. */
static int word_in(const char *list, const char *w)
{
    size_t n = strlen(w);

    for (const char *p = list; *p;) {
        size_t k;

        p += strspn(p, ", \t");
        k = strcspn(p, ", \t");
        if (k == n && k && strncmp(p, w, n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

static void trust_of(const struct access_in *in, enum podir_access access, struct trust *t)
{
    memset(t, 0, sizeof(*t));
    if (access == ACCESS_TRUST)
        t->trusted = 1, t->reason = "access";
    else if (in->client && netlist_match(in->trusted_networks, in->client))
        t->trusted = 1, t->reason = "trusted_networks";
    else if (in->service && *in->service && in->outbound_services
             && word_in(in->outbound_services, in->service))
        t->trusted = 1, t->reason = "outbound_services";
    t->spf_exempt = access == ACCESS_OK;
}

enum verdict_action decide_access(const struct access_in *in, struct trust *t, struct verdict *v)
{
    enum podir_access access = ACCESS_NONE;

    memset(t, 0, sizeof(*t));
    if (in->mta_refused_actions)
        return verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.3.5",
                             "mail filter misconfigured: MTA refuses needed milter actions");
    if (in->maps == NULL) {
        verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.3.0", "postoffice directory unavailable");
        v->error = "postoffice directory unavailable (run pogate-map?)";
        return v->action;
    }
    if (in->client)
        access = podir_access_sa(in->maps, in->client);
    if (access == ACCESS_REJECT)
        return verdict_reply(v, VERDICT_REJECT, "550", "5.7.1", "Access denied");
    if (access == ACCESS_ERROR) {
        verdict_reply(v, VERDICT_TEMPFAIL, "451", "4.3.0", "postoffice directory lookup failed");
        v->error = "access map record unreadable (run pogate-map)";
        return v->action;
    }
    trust_of(in, access, t);
    return verdict_continue(v);
}

void decide_trust_sasl(const char *auth_authen, struct trust *t)
{
    if (auth_authen && *auth_authen && !t->trusted)
        t->trusted = 1, t->reason = "sasl";
}
