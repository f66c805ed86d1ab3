/* lmtp_qid.c - the MTA's queue id from the first Received header; see lmtp_qid.h. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lmtp_qid.h"

#define QID_SCAN 8192           /* the first Received header is near the top */
#define QID_MAX 63

/* The first Received header of the header section: start and length, unfolded
 * lines included. NULL when the section ends first. */
static const char *first_received(const char *msg, size_t len, size_t *hlen)
{
    const char *p = msg, *end = msg + len;

    while (p < end && *p != '\n') {
        const char *eol = memchr(p, '\n', (size_t) (end - p));
        const char *next = eol ? eol + 1 : end;

        if ((size_t) (end - p) >= 9 && strncasecmp(p, "Received:", 9) == 0) {
            while (next < end && (*next == ' ' || *next == '\t')) {
                eol = memchr(next, '\n', (size_t) (end - next));
                next = eol ? eol + 1 : end;
            }
            *hlen = (size_t) (next - p);
            return p;
        }
        p = next;
    }
    return NULL;
}

int lmtp_queue_id_buf(const char *msg, size_t len, char *qid, size_t size)
{
    size_t hlen = 0;
    const char *h = first_received(msg, len, &hlen);

    if (size > 0)
        qid[0] = '\0';
    for (size_t i = 0; h != NULL && i + 4 < hlen; i++) {
        size_t n = 0;

        if (!isspace((unsigned char) h[i]) || strncasecmp(h + i + 1, "id", 2) != 0
            || !isspace((unsigned char) h[i + 3]))
            continue;
        i += 4;
        while (i < hlen && isspace((unsigned char) h[i]))
            i++;
        while (i + n < hlen && isalnum((unsigned char) h[i + n]))
            n++;
        if (n == 0 || n > QID_MAX || n >= size || (i + n < hlen && h[i + n] != ';'
                                                   && !isspace((unsigned char) h[i + n])))
            return -1;
        memcpy(qid, h + i, n);
        qid[n] = '\0';
        return 0;
    }
    return -1;
}

int lmtp_queue_id(int fd, char *qid, size_t size)
{
    char head[QID_SCAN];
    ssize_t n = pread(fd, head, sizeof(head), 0);

    if (n <= 0) {
        if (size > 0)
            qid[0] = '\0';
        return -1;
    }
    return lmtp_queue_id_buf(head, (size_t) n, qid, size);
}
