/* addr.c - RFC 5321 envelope address parsing; see addr.h.
 *
 * The grammar is RFC 5321 4.1.2 (Path, Mailbox, Local-part, Domain,
 * address-literal) with RFC 6531 UTF-8 allowed in local parts and domain
 * labels, because a relay host with SMTPUTF8 hands those over. Two leniencies,
 * both because MTAs pass them on and refusing them here would reject mail the
 * MTA accepted: an unquoted local part with misplaced dots ("a..b") is taken
 * and canonicalised to its quoted form, and blanks around the brackets are
 * ignored. Nothing else is repaired: control characters, bad UTF-8, bad
 * quoting and over-long parts are refused with a reason. The RFC 5322 atext
 * test lives here, once, because the milter's header code needs the same set.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "punycode.h"
#include "utf8.h"

int addr_atext(unsigned char c, int utf8)
{
    if (c >= 0x80)
        return utf8 != 0;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* 1 if S[0..LEN) is a dot-atom: atext runs separated by single dots; UTF-8
 * octets are atext in an envelope local part (RFC 6531 3.3). */
static int is_dot_atom(const char *s, size_t len)
{
    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' ? s[i + 1] == '.' : !addr_atext((unsigned char) s[i], 1))
            return 0;
    }
    return 1;
}

/* RFC 5321 4.1.3 IPv6-addr: eight groups, or at most six around "::" (which
 * stands for at least two), an IPv4 tail counting as two. inet_pton() takes
 * the syntax but also "::" for a single group. */
static int ipv6_groups_ok(const char *s)
{
    int groups = 0, compressed = strstr(s, "::") != NULL;

    for (const char *p = s; *p; p++) {
        if (*p != ':' && (p == s || p[-1] == ':'))
            groups += strchr(p, '.') && !strchr(p, ':') ? 2 : 1;
    }
    return compressed ? groups <= 6 : groups == 8;
}

/* An address literal body (between the brackets): IPv4 or IPv6:...; a
 * General-address-literal needs a tag registered with IANA, and IPv6 is the
 * only one. */
static enum addr_status check_literal(const char *s, size_t len)
{
    char tmp[ADDR_DOMAIN_MAX + 1];
    unsigned char bin[sizeof(struct in6_addr)];
    size_t i;

    if (len == 0 || len >= sizeof(tmp))
        return len ? ADDR_ERR_DOMAIN_LONG : ADDR_ERR_LITERAL;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    if (inet_pton(AF_INET, tmp, bin) == 1)
        return ADDR_OK;
    if (len > 5 && ascii_ncaseeq(tmp, "IPv6:", 5))         /* ABNF strings ignore case */
        return inet_pton(AF_INET6, tmp + 5, bin) == 1 && ipv6_groups_ok(tmp + 5) ? ADDR_OK : ADDR_ERR_LITERAL;
    for (i = 0; i < len && is_ldh((unsigned char) tmp[i]); i++)
        ;
    return i > 0 && i < len && tmp[i] == ':' ? ADDR_ERR_LITERAL_TAG : ADDR_ERR_LITERAL;
}

/* One label of a host name: RFC 1035 2.3.1, with RFC 5890 2.3.1's A-labels. */
static enum addr_status check_label(const char *s, size_t len)
{
    int ascii = 1;

    if (len == 0)
        return ADDR_ERR_LABEL_EMPTY;
    if (len > ADDR_LABEL_MAX)
        return ADDR_ERR_LABEL_LONG;
    if (s[0] == '-' || s[len - 1] == '-')
        return ADDR_ERR_LABEL_HYPHEN;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c >= 0x80)
            ascii = 0;                  /* a U-label: its UTF-8 is check_octets()'s */
        else if (!is_ldh(c))
            return ADDR_ERR_LABEL_CHAR;
    }
    if (ascii && len > 4 && ascii_ncaseeq(s, "xn--", 4) && !punycode_valid(s + 4, len - 4))
        return ADDR_ERR_ALABEL;
    return ADDR_OK;
}

enum addr_status addr_check_domain(const char *s, size_t len, unsigned flags)
{
    size_t start = 0;
    enum addr_status st;

    if (len == 0)
        return ADDR_ERR_EMPTY_DOMAIN;
    if (len > ADDR_DOMAIN_MAX)
        return ADDR_ERR_DOMAIN_LONG;
    if (s[0] == '[') {
        if (flags & ADDR_NO_LITERAL)
            return ADDR_ERR_LITERAL_HERE;
        return s[len - 1] == ']' ? check_literal(s + 1, len - 2) : ADDR_ERR_LITERAL;
    }
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if ((st = check_label(s + start, i - start)) != ADDR_OK)
                return st;
            start = i + 1;
        }
    }
    return ADDR_OK;
}

/* 1 if one of the octets in SET occurs in S..END. */
static int strpbrk_n(const char *s, const char *end, const char *set)
{
    for (; s < end; s++) {
        if (*s && strchr(set, *s) != NULL)
            return 1;
    }
    return 0;
}

/* Skip an RFC 5321 source route "@a,@b:" at *P; the route is discarded. */
static enum addr_status skip_route(const char **p, const char *end)
{
    const char *s = *p;

    for (;;) {
        const char *d;

        if (s >= end || *s != '@')
            return ADDR_ERR_ROUTE;
        for (d = ++s; s < end && *s != ',' && *s != ':'; s++)
            ;
        if (s >= end || addr_check_domain(d, (size_t) (s - d), ADDR_NO_LITERAL) != ADDR_OK)
            return ADDR_ERR_ROUTE;     /* RFC 5321 At-domain: a name, never a literal */
        if (*s++ == ':')
            break;
    }
    *p = s;
    return ADDR_OK;
}

/* The local part at *P up to '@' or END, unquoted into OUT; its 64 octets
 * count as written, quotes and backslashes included. */
static enum addr_status take_local(const char **p, const char *end, buf_t *out)
{
    const char *s = *p, *start = *p;

    if (s < end && *s == '"') {
        for (s++;; s++) {
            if (s >= end)
                return ADDR_ERR_SYNTAX;
            if (*s == '"')
                break;
            if (*s == '\\' && (++s >= end || (unsigned char) *s < 32 || (unsigned char) *s > 126))
                return ADDR_ERR_SYNTAX; /* RFC 5321 quoted-pairSMTP: %d92 %d32-126 */
            buf_putc(out, *s);
        }
        s++;
        if (s < end && *s != '@')
            return ADDR_ERR_SYNTAX;
    } else {
        for (; s < end && *s != '@'; s++) {
            if (*s != '.' && !addr_atext((unsigned char) *s, 1))
                return ADDR_ERR_SYNTAX;
            buf_putc(out, *s);
        }
    }
    *p = s;
    if (s - start > ADDR_LOCAL_MAX)
        return ADDR_ERR_LOCAL_LONG;
    return out->len ? ADDR_OK : ADDR_ERR_EMPTY_LOCAL;
}

/* The canonical text of an unquoted local part: as is when it is a dot-atom. */
static void canon_local(const buf_t *raw, buf_t *out)
{
    if (is_dot_atom(raw->data, raw->len)) {
        buf_append(out, raw->data, raw->len);
        return;
    }
    buf_putc(out, '"');
    for (size_t i = 0; i < raw->len; i++) {
        if (raw->data[i] == '"' || raw->data[i] == '\\')
            buf_putc(out, '\\');
        buf_putc(out, raw->data[i]);
    }
    buf_putc(out, '"');
}

/* Every octet: no controls, and UTF-8 well formed. */
static enum addr_status check_octets(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c < 0x20 || c == 0x7f || (c == 0xC2 && i + 1 < len && (unsigned char) s[i + 1] < 0xA0))
            return ADDR_ERR_CONTROL;            /* C0, DEL, and C1 (U+0080..U+009F) */
    }
    return utf8_valid(s, len) ? ADDR_OK : ADDR_ERR_8BIT;
}

/* Strip blanks and the optional angle brackets around the address. */
static enum addr_status unwrap(const char **sp, const char **ep)
{
    const char *s = *sp, *e = *ep;

    while (s < e && s[0] == ' ')
        s++;
    while (e > s && e[-1] == ' ')
        e--;
    if (s < e && *s == '<') {
        if (e - s < 2 || e[-1] != '>')
            return ADDR_ERR_SYNTAX;
        s++, e--;
    }
    *sp = s;
    *ep = e;
    return ADDR_OK;
}

/* WRITTEN is the path's length between its brackets as the client wrote it. */
static enum addr_status fill(struct addr *a, const buf_t *local, const char *dom, size_t dlen, size_t written)
{
    if (local->len > ADDR_LOCAL_MAX)
        return ADDR_ERR_LOCAL_LONG;
    if (written + 2 > ADDR_PATH_MAX || local->len + 1 + dlen + 2 > ADDR_PATH_MAX)
        return ADDR_ERR_TOO_LONG;
    memcpy(a->local, local->data, local->len);
    memcpy(a->domain, dom, dlen);
    for (size_t i = 0; i < dlen; i++)
        a->domain[i] = (char) ascii_lower((unsigned char) a->domain[i]);
    memcpy(a->addr, local->data, local->len);
    if (dlen) {
        a->addr[local->len] = '@';
        memcpy(a->addr + local->len + 1, a->domain, dlen);
    }
    for (size_t i = 0; a->addr[i]; i++)
        a->key[i] = (char) ascii_lower((unsigned char) a->addr[i]);
    return ADDR_OK;
}

static enum addr_status parse(const char *s, const char *end, unsigned flags, struct addr *a,
                              buf_t *raw, buf_t *canon)
{
    enum addr_status st;
    const char *path;

    if ((st = check_octets(s, (size_t) (end - s))) != ADDR_OK || (st = unwrap(&s, &end)) != ADDR_OK)
        return st;
    path = s;
    if (s == end) {
        a->null = 1;
        return (flags & ADDR_NULL_OK) ? ADDR_OK : ADDR_ERR_EMPTY;
    }
    if (*s == '@' && strpbrk_n(s, end, ",:") && (st = skip_route(&s, end)) != ADDR_OK)
        return st;
    if ((st = take_local(&s, end, raw)) != ADDR_OK)
        return st;
    canon_local(raw, canon);
    if (s == end) {
        if (!(flags & ADDR_LOCAL_OK))
            return ADDR_ERR_NO_DOMAIN;
        return fill(a, canon, "", 0, (size_t) (end - path));
    }
    s++;                                /* the '@' */
    if ((st = addr_check_domain(s, (size_t) (end - s), flags)) != ADDR_OK)
        return st;
    return fill(a, canon, s, (size_t) (end - s), (size_t) (end - path));
}

enum addr_status addr_parse(const char *s, size_t len, unsigned flags, struct addr *a)
{
    buf_t raw = BUF_INIT, canon = BUF_INIT;
    enum addr_status st;

    memset(a, 0, sizeof(*a));
    if (len > 4 * ADDR_MAX)                     /* no need to look at megabytes */
        st = ADDR_ERR_TOO_LONG;
    else
        st = parse(s, s + len, flags, a, &raw, &canon);
    buf_free(&raw);
    buf_free(&canon);
    if (st != ADDR_OK)
        memset(a, 0, sizeof(*a));
    return st;
}

const char *addr_strerror(enum addr_status st)
{
    switch (st) {
    case ADDR_OK: return "valid address";
    case ADDR_ERR_EMPTY: return "empty address";
    case ADDR_ERR_CONTROL: return "control character (NUL, CR, LF, ...) in address";
    case ADDR_ERR_SYNTAX: return "malformed address (RFC 5321 4.1.2)";
    case ADDR_ERR_8BIT: return "8-bit octets that are not UTF-8 in address";
    case ADDR_ERR_ROUTE: return "malformed source route (RFC 5321 4.1.2 At-domain)";
    case ADDR_ERR_NO_DOMAIN: return "address has no domain";
    case ADDR_ERR_EMPTY_LOCAL: return "empty local part";
    case ADDR_ERR_EMPTY_DOMAIN: return "empty domain";
    case ADDR_ERR_DOMAIN: return "malformed domain";
    case ADDR_ERR_LOCAL_LONG: return "local part longer than 64 octets (RFC 5321 4.5.3.1.1)";
    case ADDR_ERR_DOMAIN_LONG: return "domain longer than 255 octets (RFC 5321 4.5.3.1.2)";
    case ADDR_ERR_TOO_LONG: return "path longer than 256 octets (RFC 5321 4.5.3.1.3)";
    case ADDR_ERR_LABEL_EMPTY: return "empty domain label (RFC 1035 2.3.1)";
    case ADDR_ERR_LABEL_LONG: return "domain label longer than 63 octets (RFC 1035 2.3.4)";
    case ADDR_ERR_LABEL_HYPHEN: return "domain label starts or ends with a hyphen (RFC 1035 2.3.1)";
    case ADDR_ERR_LABEL_CHAR: return "domain label not made of letters, digits and hyphens (RFC 1035 2.3.1)";
    case ADDR_ERR_ALABEL: return "xn-- label that is not an A-label: no valid Punycode after the prefix (RFC 5890 2.3.2.1)";
    case ADDR_ERR_LITERAL: return "malformed address literal (RFC 5321 4.1.3)";
    case ADDR_ERR_LITERAL_TAG: return "address literal tag other than IPv6 (RFC 5321 4.1.3: tags are registered)";
    case ADDR_ERR_LITERAL_HERE: return "address literal where only a domain name may stand";
    }
    return "unknown address error";
}
