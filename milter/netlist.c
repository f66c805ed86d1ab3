/* netlist.c - IPv4/IPv6 network lists for trusted_networks; see netlist.h.
 *
 * Entries are parsed and matched by cidr.c (libpogate), the access map's
 * code: a v4-mapped IPv6 client counts as IPv4, host bits set beyond the
 * prefix length are an error (a typo more often than not).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cidr.h"
#include "mem.h"
#include "netlist.h"

struct netlist {
    struct cidr *nets;
    int count;
};

struct netlist *netlist_parse(const char *text, char *bad, size_t badsize)
{
    struct netlist *nl = xcalloc(1, sizeof(*nl));
    char *copy = xstrdup(text), *save = NULL, *tok;
    const char *why;

    for (tok = strtok_r(copy, ", \t\n", &save); tok; tok = strtok_r(NULL, ", \t\n", &save)) {
        struct cidr n;

        str_copy(bad, tok, badsize);
        if (cidr_parse(tok, &n, &why) < 0) {
            free(copy);
            netlist_free(nl);
            return NULL;
        }
        nl->nets = xrealloc(nl->nets, (size_t) (nl->count + 1) * sizeof(*nl->nets));
        nl->nets[nl->count++] = n;
    }
    free(copy);
    return nl;
}

int netlist_match(const struct netlist *nl, const struct sockaddr *sa)
{
    struct cidr a;

    if (nl == NULL || cidr_from_sa(sa, &a) < 0)
        return 0;
    for (int i = 0; i < nl->count; i++)
        if (cidr_match(&nl->nets[i], &a))
            return 1;
    return 0;
}

int netlist_count(const struct netlist *nl) { return nl ? nl->count : 0; }

void netlist_free(struct netlist *nl)
{
    if (nl) {
        free(nl->nets);
        free(nl);
    }
}
