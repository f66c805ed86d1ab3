/* t_podir_build.c - unit tests for the directory compiler (maps/podir_build.c,
 * podir_load.c, podir_index.c): every cross-check reports FILE:LINE, and a bad
 * directory writes nothing. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdbfile.h"
#include "log.h"
#include "podir.h"
#include "podir_fixture.h"
#include "tap.h"

static char errfile[] = "/tmp/t_podir_build.err.XXXXXX";
static int errfd;

static void errors_reset(void)
{
    if (ftruncate(errfd, 0) != 0 || lseek(errfd, 0, SEEK_SET) != 0)
        perror("errfile");
}

/* 1 if the errors logged since errors_reset() contain FILE:LINE: WHAT. */
static int logged(const char *file, int line, const char *what)
{
    char text[8192], want[600];
    ssize_t n = pread(errfd, text, sizeof(text) - 1, 0);

    text[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof(want), "%s/%s:%d: %s", fixture_dir, file, line, what);
    if (strstr(text, want))
        return 1;
    printf("#   wanted: %s\n#   logged: %s", want, text);
    return 0;
}

/* Build with one map replaced by TEXT; the others are the good fixture. */
static int build_with(const char *map, const char *text)
{
    int rc;

    errors_reset();
    fixture_write(map, text);
    rc = fixture_build(0);
    fixture_write("postoffices", fixture_pos);
    fixture_write("mailboxes", fixture_mbxs);
    fixture_write("aliases", fixture_aliases);
    fixture_write("access", fixture_access);
    return rc;
}

#define MBX_BASE "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\n"
#define L63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"

/* RFC 5321 and RFC 1035 limits, through the one checker (addr.h), each
 * refusal naming FILE:LINE, the rule and the value. */
static void address_limits(void)
{
    is_int(build_with("postoffices", "SALES domain=sales-.example.com\n"), 1, "label ending with a hyphen");
    ok(logged("postoffices", 1, "domain is not a valid domain name: domain label starts or ends with a hyphen "
              "(RFC 1035 2.3.1) (sales-.example.com)"), "... refused");
    is_int(build_with("postoffices", "SALES domain=sales.example.com internal=sales_po\n"), 1, "underscore in internal=");
    ok(logged("postoffices", 1, "internal is not a valid domain name: domain label not made of letters, digits "
              "and hyphens (RFC 1035 2.3.1) (sales_po)"), "... refused");
    is_int(build_with("postoffices", "SALES domain=[192.0.2.1]\n"), 1, "address literal as a postoffice domain");
    ok(logged("postoffices", 1, "domain is not a valid domain name: address literal where only a domain name may "
              "stand ([192.0.2.1])"), "... refused");
    is_int(build_with("postoffices", "SALES domain=sales.example.com alias_domains=" L63 "x.example\n"), 1,
           "64-octet label in alias_domains=");
    ok(logged("postoffices", 1, "alias_domains is not a valid domain name: domain label longer than 63 octets"),
       "... refused");
    is_int(build_with("postoffices", "SALES domain=sales.example.com alias_domains=xn--zzzzzzzzzzzz.example\n"), 1,
           "an xn-- label that is no A-label");
    /* pogate-map asks libidn2 (IDNA2008) first; addr.c's own Punycode check
     * is what the daemons apply to what the MTA hands them. */
    ok(logged("postoffices", 1, "alias_domains is not a valid internationalised domain name: string contains "
              "invalid punycode data (xn--zzzzzzzzzzzz.example)"), "... refused");
    build_with("postoffices", "SALES domain=sales.example.com alias_domains=xn--80ak6aa92e.example\n");
    ok(!logged("postoffices", 1, "alias_domains is not"), "an A-label is taken");
    is_int(build_with("mailboxes", MBX_BASE "SALES/a address=" L63 "ab@sales.example.com\n"), 1,
           "65-octet local part in address=");
    ok(logged("mailboxes", 4, "address is not a valid user@domain: local part longer than 64 octets "
              "(RFC 5321 4.5.3.1.1) (" L63 "ab@sales.example.com)"), "... refused");
    is_int(build_with("mailboxes", MBX_BASE "SALES/a address=a@[192.0.2.1]\n"), 1, "address= at a literal");
    ok(logged("mailboxes", 4, "address is not a valid user@domain: address literal where only a domain name may "
              "stand (a@[192.0.2.1])"), "... refused");
    is_int(build_with("aliases", L63 "ab@sales.example.com SALES/JSMITH\n"), 1, "65-octet local part in an alias");
    ok(logged("aliases", 1, "expected user@domain or @domain as the key: local part longer than 64 octets"),
       "... refused");
    is_int(build_with("aliases", "a..b@sales.example.com SALES/JSMITH\n"), 1, "alias whose local part is no dot-atom");
    ok(logged("aliases", 1, "expected user@domain or @domain as the key: local part is not a dot-atom"),
       "... refused");
    is_int(build_with("aliases", "@-sales.example.com SALES/JSMITH\n"), 1, "catch-all at a bad domain");
    ok(logged("aliases", 1, "expected user@domain or @domain as the key: domain label starts or ends with a "
              "hyphen (RFC 1035 2.3.1) (@-sales.example.com)"),
       "... refused");
    is_int(build_with("aliases", L63 "@" L63 "." L63 "." L63 ".a.example SALES/JSMITH\n"), 1,
           "alias whose path would pass 256 octets");
    ok(logged("aliases", 1, "expected user@domain or @domain as the key: path longer than 256 octets "
              "(RFC 5321 4.5.3.1.3)"), "... refused");
}

static void po_rules(void)
{
    is_int(build_with("postoffices", "A domain=x.example postmaster=m\nB domain=X.example\n"), 1,
           "domain owned by two POs");
    ok(logged("postoffices", 2, "domain x.example belongs to postoffice a (line 1) and postoffice b"), "... file:line");
    is_int(build_with("postoffices", "A domain=x.example alias_domains=y.example\nB domain=z.example internal=y.example\n"), 1,
           "alias domain of one PO is the internal domain of another");
    ok(logged("postoffices", 2, "domain y.example belongs to postoffice a"), "... reported");
    is_int(build_with("postoffices", "SALES domain=sales.example.com colour=blue\n"), 1, "unknown attribute");
    ok(logged("postoffices", 1, "unknown attribute (colour)"), "... named");
    is_int(build_with("postoffices", "../etc domain=a.example\n"), 1, "PO name unsafe as a path");
    ok(logged("postoffices", 1, "postoffice name is not a safe name"), "... refused");
    is_int(build_with("postoffices", "SALES internal=sales.po\n"), 1, "PO without domain=");
    ok(logged("postoffices", 1, "postoffice sales has no domain= attribute"), "... refused");
    is_int(build_with("postoffices", "SALES domain=sales.example.com maxsize=lots\n"), 1, "bad size");
    ok(logged("postoffices", 1, "maxsize is not a size such as 10M or 2G (lots)"), "... refused");
    is_int(build_with("postoffices", "SALES domain=sales..example.com\n"), 1, "bad domain");
    ok(logged("postoffices", 1, "domain is not a valid domain name: empty domain label (RFC 1035 2.3.1) "
              "(sales..example.com)"), "... refused, naming the rule");
    address_limits();
    is_int(build_with("postoffices", "SALES domain=sales.example.com store=mbox\n"), 1, "bad store");
    is_int(build_with("postoffices", "SALES domain=sales.example.com outbound=maybe\n"), 1, "bad yes/no");
    is_int(build_with("postoffices", "SALES domain=sales.example.com state=asleep\n"), 1, "bad state");
    ok(logged("postoffices", 1, "state must be active, paused, inbound-only or outbound-only (asleep)"),
       "... the four states named");
    is_int(build_with("postoffices", "SALES domain=sales.example.com\nsales domain=other.example\n"), 1,
           "PO defined twice (names are case-insensitive)");
    ok(logged("postoffices", 2, "postoffice sales defined twice (first at line 1)"), "... reported");
    is_int(build_with("postoffices", "SALES domain=sales.example.com postmaster=boss\n"), 1, "postmaster mailbox missing");
    ok(logged("postoffices", 1, "postmaster mailbox sales/boss does not exist"), "... reported");
    is_int(build_with("postoffices", "SALES domain=sales.example.com alias_domains=sales.example.org,s.example "
                      "internal=sales.po via=nowhere\nHUB domain=hub.example.com postmaster=admin\n"
                      "BRANCH domain=branch.example.com via=HUB\n"), 1, "via to unknown PO and to a maildir hub");
    ok(logged("postoffices", 1, "via names an unknown postoffice (nowhere)"), "... unknown hub");
    ok(logged("postoffices", 3, "hub postoffice hub must have store=mailbag"), "... hub must be a mailbag");
}

static void mailbox_rules(void)
{
    is_int(build_with("mailboxes", "NOPE/X\n"), 1, "mailbox in an unknown PO");
    ok(logged("mailboxes", 1, "mailbox in an unknown postoffice (nope)"), "... reported");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\n"
                      "SALES/A address=same@sales.example.com\nSALES/B address=Same@sales.example.com\n"), 1,
           "two mailboxes claim one address");
    ok(logged("mailboxes", 5, "address same@sales.example.com is already claimed by sales/a (mailboxes line 4)"),
       "... names the first owner");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\nSALES/.x\n"), 1,
           "mailbox name starting with '.'");
    ok(logged("mailboxes", 4, "mailbox name is not a safe name"), "... refused");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\nSALES/a address=a@other.example\n"), 1,
           "address outside the PO's domains");
    ok(logged("mailboxes", 4, "address a@other.example is not at a domain of postoffice sales"), "... refused");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\nSALES/a name=\"bad\xff\"\n"), 1,
           "display name that is not UTF-8");
    ok(logged("mailboxes", 4, "display name is not UTF-8 (sales/a)"), "... refused");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\nSALES/a name=\"Evil\rBcc: x\"\n"), 1,
           "display name with CR/LF (header injection)");
    ok(logged("mailboxes", 4, "control character 0x0d in line"), "... refused by the parser");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\nSALES/a quota=-5M\n"), 1, "bad quota");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\nSALESX\n"), 1, "key without '/'");
    ok(logged("mailboxes", 4, "expected PO/MAILBOX as the key (salesx)"), "... refused");
    is_int(build_with("mailboxes", "SALES/postmaster\nHUB/admin\nBRANCH/postmaster\nSALES/a address=\"a b\"@sales.example.com\n"),
           1, "address with a quoted local part");
}

static void alias_access_rules(void)
{
    is_int(build_with("aliases", "x@sales.example.com SALES/GHOST\n"), 1, "alias to a missing mailbox");
    ok(logged("aliases", 1, "alias to a missing mailbox (sales/ghost)"), "... reported");
    is_int(build_with("aliases", "x@elsewhere.example SALES/JSMITH\n"), 1, "alias at a foreign domain");
    ok(logged("aliases", 1, "domain is not a postoffice domain (elsewhere.example)"), "... reported");
    is_int(build_with("aliases", "john.smith@sales.example.com SALES/INBOX\n"), 1, "alias claims a mailbox address");
    ok(logged("aliases", 1, "address john.smith@sales.example.com is already claimed by sales/jsmith"), "... reported");
    is_int(build_with("aliases", "a@sales.example.com SALES/INBOX\nA@sales.example.com SALES/JSMITH\n"), 1,
           "duplicate alias");
    is_int(build_with("aliases", "a@sales.example.com SALES JSMITH\n"), 1, "alias value not PO/MBX");
    ok(logged("aliases", 1, "expected PO/MAILBOX as the value"), "... reported");
    is_int(build_with("aliases", "no-at-sign SALES/JSMITH\n"), 1, "alias key without @");
    is_int(build_with("access", "192.0.2.0/33 OK\n"), 1, "prefix length out of range");
    ok(logged("access", 1, "bad prefix length (192.0.2.0/33)"), "... reported");
    is_int(build_with("access", "192.0.2.1/24 OK\n"), 1, "host bits set");
    ok(logged("access", 1, "host bits set beyond the prefix length (192.0.2.1/24)"), "... reported");
    is_int(build_with("access", "192.0.2.300 OK\n"), 1, "not an address");
    is_int(build_with("access", "2001:db8::/129 OK\n"), 1, "v6 prefix too long");
    is_int(build_with("access", "192.0.2.1 MAYBE\n"), 1, "unknown action");
    ok(logged("access", 1, "action must be OK, REJECT or TRUST (MAYBE)"), "... reported");
    is_int(build_with("access", "192.0.2.1 OK\n192.0.2.1/32 REJECT\n"), 1, "same address twice");
    ok(logged("access", 2, "192.0.2.1/32 given twice (first at line 1)"), "... reported");
}

static void files(void)
{
    char path[600];
    struct stat before, after;

    errors_reset();
    is_int(fixture_build(0), 0, "good directory builds");
    snprintf(path, sizeof(path), "%s/index.cdb", fixture_dir);
    stat(path, &before);
    is_int(build_with("aliases", "x@sales.example.com SALES/GHOST\n"), 1, "bad directory");
    ok(stat(path, &after) == 0 && after.st_ino == before.st_ino, "... leaves index.cdb untouched");
    ok(logged("aliases", 1, "alias to a missing mailbox") , "... and says why");
    fixture_write("postoffices", NULL);
    errors_reset();
    is_int(fixture_build(0), 1, "missing postoffices map is an error");
    fixture_write("postoffices", fixture_pos);
    fixture_write("access", NULL);
    fixture_write("aliases", NULL);
    is_int(fixture_build(1), 0, "aliases and access may be absent (-n)");
    fixture_write("access", fixture_access);
    fixture_write("aliases", fixture_aliases);
    snprintf(path, sizeof(path), "chmod 0555 %s", fixture_dir);
    if (getuid() != 0 && system(path) == 0) {
        is_int(fixture_build(0), 75, "unwritable directory: 75 (temporary)");
        snprintf(path, sizeof(path), "chmod 0755 %s", fixture_dir);
        ok(system(path) == 0, "chmod back");
    } else {
        ok(1, "# SKIP root can always write");
        ok(1, "# SKIP root can always write");
    }
}

static int cdb_value(const char *name, const char *key, char *out, size_t size)
{
    char path[600];
    struct cdbr *r;
    const char *v;
    size_t len;
    int n;

    snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
    if ((r = cdbr_open(path, NULL)) == NULL)
        return -1;
    if ((n = cdbr_find(r, key, strlen(key), &v, &len)) == 1)
        snprintf(out, size, "%.*s", (int) len, v);
    cdbr_close(r);
    return n;
}

static void outputs(void)
{
    char v[256] = "";
    char path[600], text[1024];
    FILE *fp;
    size_t n;

    is_int(fixture_build(0), 0, "build");
    ok(cdb_value("relay_domains.cdb", "sales.example.org", v, sizeof(v)) == 1 && strcmp(v, "OK") == 0,
       "relay_domains: alias domain -> OK");
    is_int(cdb_value("relay_domains.cdb", "sales.po", v, sizeof(v)), 0, "relay_domains: internal domain not relayed");
    ok(cdb_value("transport.cdb", "sales.po", v, sizeof(v)) == 1 && strcmp(v, "pogate:") == 0,
       "transport: internal domain -> pogate:");
    ok(cdb_value("transport.cdb", "hub.example.com", v, sizeof(v)) == 1, "transport: every PO domain");
    ok(cdb_value("aliases.cdb", "@sales.example.org", v, sizeof(v)) == 1 && strcmp(v, "sales/inbox") == 0,
       "aliases.cdb: raw map compiled too");
    ok(cdb_value("postoffices.cdb", "hub", v, sizeof(v)) == 1 && strncmp(v, "domain=hub.example.com", 22) == 0,
       "postoffices.cdb: key lowercased, value as written");
    ok(cdb_value("access.cdb", "2001:db8::/32", v, sizeof(v)) == 1 && strcmp(v, "REJECT") == 0,
       "access.cdb: action uppercased");
    snprintf(path, sizeof(path), "%s/sendmail/relay-domains", fixture_dir);
    fp = fopen(path, "r");
    n = fp ? fread(text, 1, sizeof(text) - 1, fp) : 0;
    text[n] = 0;
    if (fp)
        fclose(fp);
    is_str(text, "sales.example.com\nsales.example.org\ns.example\nhub.example.com\nbranch.example.com\n",
           "sendmail/relay-domains: one public domain a line");
    snprintf(path, sizeof(path), "%s/sendmail/mailertable", fixture_dir);
    fp = fopen(path, "r");
    n = fp ? fread(text, 1, sizeof(text) - 1, fp) : 0;
    text[n] = 0;
    if (fp)
        fclose(fp);
    ok(strstr(text, "sales.po\tpogate:sales.po\n") != NULL, "sendmail/mailertable: domain<TAB>pogate:domain");
}

int main(void)
{
    msg_open("t_podir_build", MSG_TO_STDERR);
    errfd = mkstemp(errfile);
    unlink(errfile);
    dup2(errfd, 2);
    fixture_init();
    po_rules();
    mailbox_rules();
    alias_access_rules();
    files();
    outputs();
    fixture_cleanup();
    return done_testing();
}
