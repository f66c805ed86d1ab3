/* t_postfix_maps.c - unit tests of maps/postfix_maps.c: the tables of
 * Postfix's native inbound path, written beside index.cdb. What Postfix
 * itself makes of them is t-inbound-paths.sh's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdbfile.h"
#include "log.h"
#include "podir_fixture.h"
#include "tap.h"

/* The value of KEY in the cdb file NAME of the fixture, or "" when absent. */
static const char *lookup(const char *name, const char *key)
{
    static char value[256];
    char path[512];
    const char *v;
    size_t vlen;
    struct cdbr *r;

    snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
    value[0] = 0;
    if ((r = cdbr_open(path, NULL)) == NULL)
        return "(no file)";
    if (cdbr_find(r, key, strlen(key), &v, &vlen) == 1 && vlen < sizeof(value)) {
        memcpy(value, v, vlen);
        value[vlen] = 0;
    }
    cdbr_close(r);
    return value;
}

/* The lines of the text file NAME that are not comments, joined by '|'. */
static const char *lines(const char *name)
{
    static char out[4096];
    char path[512], line[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
    out[0] = 0;
    if ((fp = fopen(path, "r")) == NULL)
        return "(no file)";
    while (fgets(line, sizeof(line), fp)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#')
            continue;
        if (out[0])
            strncat(out, "|", sizeof(out) - strlen(out) - 1);
        strncat(out, line, sizeof(out) - strlen(out) - 1);
    }
    fclose(fp);
    return out;
}

static int build(const char *trusted, int spf_on)
{
    struct podir_build_opts o = { .confdir = fixture_dir, .transport = "pogate:", .fold = 1,
                                  .trusted_networks = trusted, .spf_on = spf_on };

    return podir_build(&o);
}

int main(void)
{
    msg_open("t_postfix_maps", MSG_TO_STDERR);
    fixture_init();

    is_int(build("10.0.0.0/8, 192.0.2.0/24", 0), 0, "the fixture compiles with trusted_networks");
    is_str(lookup("recipients.cdb", "john.smith@sales.example.com"), "OK", "a mailbox's address is a recipient");
    is_str(lookup("recipients.cdb", "js@sales.example.com"), "OK", "an alias is one");
    is_str(lookup("recipients.cdb", "@sales.example.org"), "OK", "a catch-all is one");
    is_str(lookup("recipients.cdb", "jsmith@sales.po"), "OK", "an internal address is one");
    is_str(lookup("recipients.cdb", "postmaster@branch.example.com"), "OK", "postmaster@ every PO domain is one");
    is_str(lookup("recipients.cdb", "nobody@sales.example.com"), "", "an unknown mailbox is not");
    is_str(lookup("virtual.cdb", "js@sales.example.com"), "john.smith@sales.example.com",
           "an alias leads to the public address of its mailbox");
    is_str(lookup("virtual.cdb", "@sales.example.org"), "inbox@sales.example.com", "the catch-all to its mailbox's");
    is_str(lookup("virtual.cdb", "john.smith@sales.example.com"), "john.smith@sales.example.com",
           "a mailbox's own address to itself (a catch-all must not take it)");
    is_str(lookup("virtual.cdb", "postmaster@s.example"), "john.smith@sales.example.com",
           "postmaster@ named by the aliases map: that mailbox");
    is_str(lookup("senders.cdb", "sales.example.com"),
           "550 5.7.1 postoffice senders must authenticate or use a trusted relay", "a public domain as sender: refused");
    is_str(lookup("senders.cdb", "s.example")[0] ? "set" : "", "set", "an alias domain too");
    is_str(lookup("senders.cdb", "sales.po")[0] ? "set" : "", "set", "an internal domain too");
    is_str(lookup("senders.cdb", "example.com"), "", "no other domain");

    /* cidr: takes the first match: longest prefix first gives the access map's answer. */
    is_str(lines("access.cidr"),
           "2001:db8:1::/48\tDUNNO|203.0.113.7/32\tDUNNO|2001:db8::/32\t550 5.7.1 Access denied|"
           "192.0.2.128/25\t550 5.7.1 Access denied|192.0.2.0/24\tDUNNO",
           "access.cidr: longest prefix first, REJECT refused, OK and TRUST DUNNO");
    is_str(lines("trusted.cidr"), "192.0.2.0/24\tOK|2001:db8:1::/48\tOK|10.0.0.0/8\tOK",
           "trusted.cidr: TRUST entries and trusted_networks, each network once");
    is_str(lines("milter.cidr"), "", "a postoffice with a maxsize: no entry, the milter sees every client");

    fixture_write("postoffices",
                  "SALES domain=sales.example.com alias_domains=sales.example.org,s.example internal=sales.po\n"
                  "HUB domain=hub.example.com store=mailbag postmaster=admin spoof=off\n"
                  "BRANCH domain=branch.example.com via=HUB spoof=off\n");
    is_int(build("10.0.0.0/8", 0), 0, "without maxsize, spf off, one PO with the default spoof=tag");
    is_str(lines("milter.cidr"), "", "... the header check needs the milter for every client");
    fixture_write("postoffices",
                  "SALES domain=sales.example.com alias_domains=sales.example.org,s.example internal=sales.po "
                  "spoof=off\n"
                  "HUB domain=hub.example.com store=mailbag postmaster=admin spoof=off\n"
                  "BRANCH domain=branch.example.com via=HUB spoof=off\n");
    is_int(build("10.0.0.0/8", 0), 0, "without maxsize, spf off, spoof=off everywhere");
    is_str(lines("milter.cidr"),
           "if !192.0.2.0/24|if !2001:db8:1::/48|if !10.0.0.0/8|0.0.0.0/0\tDISABLE|::/0\tDISABLE|endif|endif|endif",
           "milter.cidr: every client outside the trusted networks DISABLE");
    is_int(build("10.0.0.0/8", 1), 0, "spf on");
    is_str(lines("milter.cidr"), "", "... the milter sees every client again");
    is_int(build("10.0.0.0/33", 0), 1, "a bad trusted_networks: bad input (1)");
    is_str(lines("milter.cidr"), "", "... and milter.cidr is the last good one");

    fixture_cleanup();
    return done_testing();
}
