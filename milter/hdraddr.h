/* hdraddr.h - RFC 5322 address lists in header values (From:, Sender:, Reply-To:).
 *
 * hdraddr_parse() reads an address-list (mailboxes, groups, the obsolete
 * forms RFC 5322 section 4 says to accept) and lists its mailboxes, each with
 * its decoded display name, its addr-spec and the byte span it occupies in the
 * value. hdraddr_rewrite() replaces chosen mailboxes with
 * `Display Name <new@address>` and leaves every other byte as it was. A value
 * that does not parse is an error, never a guess: the caller then leaves the
 * header alone. The value is what a milter gets: no header name, folded lines
 * joined by CRLF or LF followed by a blank, no final line end.
 */
#ifndef POGATE_HDRADDR_H
#define POGATE_HDRADDR_H

#include <stddef.h>

#include "buf.h"

struct hdraddr_list;            /* opaque */

struct hdraddr_mailbox {
    const char *display;        /* decoded UTF-8 display name, "" if none; never NUL/CR/LF/controls */
    const char *addr;           /* addr-spec without comments or folding, as written: never NUL, CR
                                 * or LF, but other octets of the value may be in it, so pass it
                                 * through addr_parse() before using it as a key */
    size_t start, end;          /* value[start..end): the mailbox, comments in, blanks around out */
    int in_group;               /* 1: inside a group (team: a@b, c@d;) */
};

/* Parse LEN bytes at VALUE. Returns the list (free with hdraddr_free), or
 * NULL with a short reason in *WHY. A value with no mailbox at all (only a
 * group such as "undisclosed-recipients:;") parses to an empty list; an empty
 * or blank value does not parse. */
struct hdraddr_list *hdraddr_parse(const char *value, size_t len, const char **why);
size_t hdraddr_count(const struct hdraddr_list *l);
const struct hdraddr_mailbox *hdraddr_at(const struct hdraddr_list *l, size_t i);
void hdraddr_free(struct hdraddr_list *l);

/* What a mailbox becomes: DISPLAY (UTF-8; NULL or "" for none) and ADDR (an
 * addr-spec; it must pass addr_parse() or the rewrite fails). */
struct hdraddr_new {
    const char *display;
    const char *addr;
};

/* Called for each mailbox in order: return 1 to replace it with *TO (the
 * strings need only live until the next call), 0 to keep it, -1 to abort
 * (for instance when the maps cannot be read). */
typedef int hdraddr_map_fn(void *arg, const struct hdraddr_mailbox *mb, struct hdraddr_new *to);

#define HDRADDR_ERR_PARSE (-1)  /* the value does not parse (*WHY says why) */
#define HDRADDR_ERR_MAP   (-2)  /* the callback returned -1 */
#define HDRADDR_ERR_ADDR  (-3)  /* the callback gave an address that is not safe to write */

/* Write into OUT (reset first) the value with the mailboxes FN chose to
 * replace replaced. Returns the number replaced (OUT == VALUE when 0), or a
 * HDRADDR_ERR_* with OUT empty. */
int hdraddr_rewrite(const char *value, size_t len, hdraddr_map_fn *fn, void *arg, buf_t *out,
                    const char **why);

#endif
