/* t_mime7.c - unit tests of lda/mime7*.c, the content=7bit converter: what
 * it re-encodes and how (every line 7-bit and within max_line, the text
 * decoding back to what it was), what it leaves byte for byte (untouched
 * parts, boundaries, multipart/signed), charset conversion and its refusal,
 * and the broken messages it stores as received. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "mime7.h"
#include "tap.h"

static char *out;
static size_t out_len;

/* Convert M (LEN) with MAX_LINE and CHARSET into out/out_len. */
static enum mime7_result conv_n(const char *m, size_t len, int max_line, const char *charset)
{
    struct mime7_policy p = { .max_line = max_line, .charset = charset };
    struct mime7_src s = { .fd = -1, .mem = m, .len = (long long) len };
    int fd = memfd_create("t_mime7", 0);
    long long n = 0;
    enum mime7_result rc = mime7_convert(&p, &s, fd, &n);

    free(out);
    out = calloc(1, (size_t) n + 1);
    if (pread(fd, out, (size_t) n, 0) != n)
        rc = MIME7_FAILED;
    out_len = (size_t) n;
    close(fd);
    return rc;
}

static enum mime7_result conv(const char *m, int max_line, const char *charset)
{
    return conv_n(m, strlen(m), max_line, charset);
}

/* 1 if every byte of out is 7-bit and no line is longer than MAX. */
static int clean(int max)
{
    size_t col = 0;

    for (size_t i = 0; i < out_len; i++) {
        if ((unsigned char) out[i] >= 0x80 || out[i] == 0)
            return 0;
        col = out[i] == '\n' ? 0 : col + 1;
        if (col > (size_t) max + (out[i] == '\r'))
            return 0;
    }
    return 1;
}

/* Quoted-printable S decoded (soft breaks removed). */
static void unqp(const char *s, buf_t *b)
{
    static const char hx[] = "0123456789ABCDEF";

    for (; *s; s++) {
        if (*s == '=' && s[1] == '\n') {
            s++;
        } else if (*s == '=' && s[1] && s[2]) {
            buf_putc(b, (int) ((strchr(hx, s[1]) - hx) * 16 + (strchr(hx, s[2]) - hx)));
            s += 2;
        } else {
            buf_putc(b, *s);
        }
    }
}

static char *repeat(const char *unit, int n)
{
    buf_t b = BUF_INIT;

    for (int i = 0; i < n; i++)
        buf_puts(&b, unit);
    buf_putc(&b, 0);
    return b.data;
}

static void long_lines(void)
{
    char *line = repeat("\xc3\xa9t\xc3\xa9 caf\xc3\xa9 ", 200);     /* 2,200 bytes, 1,800 characters */
    buf_t m = BUF_INIT, d = BUF_INIT;
    const char *body;

    buf_printf(&m, "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n%s\n", line, line);
    buf_putc(&m, 0);
    is_int(conv(m.data, 998, NULL), MIME7_CONVERTED, "8-bit text with 2,200-byte lines is converted");
    ok(clean(998) && clean(76), "every line 7-bit and at most 76 characters");
    ok(strstr(out, "Content-Transfer-Encoding: quoted-printable\n") != NULL, "declared quoted-printable");
    ok(strstr(out, "8bit") == NULL, "the old encoding is gone");
    ok(strncmp(out, "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=utf-8\n", 89) == 0, "the other fields stay byte for byte");
    body = strstr(out, "\n\n");
    unqp(body + 2, &d);
    buf_putc(&d, 0);
    ok(d.data && strcmp(d.data, strstr(m.data, "\n\n") + 2) == 0, "the text decodes back to what it was");
    buf_free(&m), buf_free(&d), free(line);
}

static void untouched(void)
{
    const char *m = "From: a@example.com\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"XX\"\n\npreamble\n--XX\n"
        "Content-Type: text/plain\n\nplain  seven bit\n--XX\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nna\xc3\xafve\n--XX\n"
        "Content-Type: application/octet-stream\n\n\x01\x02\xff\xfe\n--XX--\nepilogue\n";

    is_int(conv(m, 998, NULL), MIME7_CONVERTED, "a multipart with an 8-bit and a binary part");
    ok(clean(998), "all 7-bit");
    ok(strncmp(out, m, strstr(m, "Content-Type: text/plain; charset") - m) == 0,
       "header, preamble, boundaries and the 7-bit part byte for byte");
    ok(strstr(out, "na=C3=AFve\n--XX\n") != NULL, "the 8-bit part quoted-printable");
    ok(strstr(out, "Content-Transfer-Encoding: base64\n\nAQL//g==\n--XX--\nepilogue\n") != NULL,
       "the binary part base64, then the closing boundary and the epilogue as they were");
    is_int(conv("From: a@b\nSubject: x\n\nshort\n", 998, NULL), MIME7_UNCHANGED, "7-bit short lines: unchanged");
    is_str(out, "From: a@b\nSubject: x\n\nshort\n", "and copied as it was");
}

static void signed_part(void)
{
    const char *m = "From: a@example.com\nMIME-Version: 1.0\n"
        "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256;\n"
        " boundary=\"S\"\n\n--S\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\nsign\xc3\xa9 \n--S\n"
        "Content-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\nxx\n--S--\n";

    conv(m, 998, NULL);
    ok(out_len == strlen(m) && memcmp(out, m, out_len) == 0, "multipart/signed: byte for byte");
}

static void headers(void)
{
    const char *m = "From: \"J\xc3\xb6rg M\xc3\xbcller\" <jm@example.com>\n"
        "To: plain@example.com\nSubject: Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln und so\n\nbody\n";
    char *subject = repeat("word ", 500);
    buf_t m2 = BUF_INIT;

    is_int(conv(m, 998, NULL), MIME7_CONVERTED, "8-bit header fields");
    ok(clean(78), "encoded, all 7-bit, lines within 78");
    ok(strstr(out, "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <jm@example.com>\n") != NULL,
       "a display name becomes one encoded run, the address stays");
    ok(strstr(out, "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?UTF-8?Q?K=C3=B6ln?= und so\n") != NULL,
       "only the 8-bit words of unstructured text are encoded");
    ok(strstr(out, "To: plain@example.com\n") != NULL, "a 7-bit field is kept");
    conv("From: J\xc3\xb6rg M\xc3\xbcller <jm@example.com>\nCc: jm@example.com (J\xc3\xb6rg M\xc3\xbcller)\n"
         "To: \"M\xc3\xbcller, J\" <jm@example.com>, b\xc3\xa9@example.com\n\nbody\n", 998, NULL);
    ok(strstr(out, "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <jm@example.com>\n") != NULL,
       "an unquoted display name is one encoded run: its blank survives decoding");
    ok(strstr(out, "Cc: jm@example.com (=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?=)\n") != NULL,
       "a comment's text is encoded inside its parentheses");
    ok(strstr(out, "To: =?UTF-8?Q?M=C3=BCller=2C_J?= <jm@example.com>, b\xc3\xa9@example.com\n") != NULL,
       "a quoted name with a comma is encoded, an 8-bit address is left");
    conv("Content-Type: application/pdf; name=\"r\xc3\xa9sum\xc3\xa9 2026.pdf\"\n"
         "Content-Disposition: attachment;\n filename=\"r\xc3\xa9sum\xc3\xa9 de l'ann\xc3\xa9" "e 2026, version finale "
         "apr\xc3\xa8s relecture.pdf\"; size=10\n\nx\n", 998, NULL);
    ok(clean(78), "8-bit MIME parameters: 7-bit, lines within 78");
    ok(strstr(out, "Content-Type: application/pdf; name*=utf-8''r%C3%A9sum%C3%A9%202026.pdf\n") != NULL,
       "an 8-bit parameter becomes an RFC 2231 value");
    ok(strstr(out, "filename*0*=utf-8''r%C3%A9sum%C3%A9%20de%20l%27ann%C3%A9e%202026%2C%20ve") != NULL
       && strstr(out, "filename*1*=") != NULL && strstr(out, "; size=10\n") != NULL,
       "a long one is continued, the other parameters kept");
    buf_printf(&m2, "Subject: %s\n\nbody\n", subject);
    buf_putc(&m2, 0);
    is_int(conv(m2.data, 100, NULL), MIME7_CONVERTED, "a 2,500-byte 7-bit header line");
    ok(clean(100), "is folded within max_line 100");
    ok(strstr(out, "word\n word") != NULL, "at a blank");
    buf_free(&m2), free(subject);
}

static void charsets(void)
{
    const char *latin = "Subject: caf\xc3\xa9\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\nd\xc3\xa9j\xc3\xa0 vu\n";
    const char *cjk = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        "\xe6\x97\xa5\xe6\x9c\xac \xe2\x82\xac\n";

    conv(latin, 998, "ISO-8859-1");
    ok(strstr(out, "charset=ISO-8859-1\n") != NULL, "converted text declares its charset");
    ok(strstr(out, "\n\nd=E9j=E0 vu\n") != NULL, "and is in it");
    ok(strstr(out, "Subject: =?ISO-8859-1?Q?caf=E9?=\n") != NULL, "header words too");
    conv(cjk, 998, "ISO-8859-1");
    ok(strstr(out, "charset=utf-8\n") != NULL, "text with characters not in the charset stays UTF-8");
    ok(strstr(out, "=E6=97=A5=E6=9C=AC =E2=82=AC") != NULL, "quoted-printable all the same");
    conv("Content-Type: text/plain; charset=x-no-such\n\nna\xefve\n", 998, "ISO-8859-1");
    ok(clean(998) && strstr(out, "charset=x-no-such") != NULL, "an unknown charset: encoded, not converted");
    conv("Subject: x\n\nna\xc3\xafve\n", 998, NULL);
    ok(strstr(out, "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
               "Content-Transfer-Encoding: quoted-printable\n\n") != NULL,
       "a message without MIME header fields gets them");
    conv("Subject: x\n\nna\xefve\n", 998, NULL);
    ok(strstr(out, "charset=unknown-8bit") != NULL, "8-bit bytes that are not UTF-8: unknown-8bit");
}

static void recode(void)
{
    const char *qp = "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "d=C3=A9j=C3=\n=A0 vu, tr=C3=A8s long=\nue ligne\n";
    const char *b64 = "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"UTF-8\"\n"
        "Content-Transfer-Encoding: base64\n\n"
        "ZMOpasOgIHZ1\nCg==\n";
    const char *bad = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        "ZMOpas*Og!IHZ1\n";

    conv(qp, 998, "ISO-8859-1");
    ok(strstr(out, "charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
               "d=E9j=E0 vu, tr=E8s longue ligne\n") != NULL,
       "quoted-printable UTF-8 text (soft breaks inside a character) converted to ISO-8859-1");
    conv(b64, 998, "ISO-8859-1");
    ok(strstr(out, "charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nd=E9j=E0 vu\n") != NULL,
       "base64 UTF-8 text converted, written quoted-printable");
    conv(b64, 998, NULL);
    ok(out_len == strlen(b64) && memcmp(out, b64, out_len) == 0, "without charset= it is left alone");
    conv(bad, 998, "ISO-8859-1");
    ok(out_len == strlen(bad) && memcmp(out, bad, out_len) == 0, "bad base64 is left as it is, byte for byte");
}

static void crlf_and_rfc822(void)
{
    const char *m = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Subject: inner\r\n\r\nna\xc3\xafve\r\n";

    is_int(conv(m, 998, NULL), MIME7_CONVERTED, "an 8-bit message/rfc822 with CR LF line ends");
    ok(clean(998), "7-bit");
    ok(strstr(out, "Content-Transfer-Encoding: 7bit\r\n") != NULL, "the container says 7bit");
    ok(strstr(out, "Subject: inner\r\nMIME-Version: 1.0\r\n") == NULL, "the inner header gets no MIME-Version");
    ok(strstr(out, "\r\n\r\nna=C3=AFve\r\n") != NULL, "the inner body encoded with CR LF ends");
}

static void bad_input(void)
{
    const char *noclose = "Content-Type: multipart/mixed; boundary=B\n\n--B\n\n\xc3\xa9\n";
    buf_t deep = BUF_INIT, b64 = BUF_INIT;

    is_int(conv(noclose, 998, NULL), MIME7_AS_RECEIVED, "no closing boundary: as received");
    ok(out_len == strlen(noclose) && memcmp(out, noclose, out_len) == 0, "byte for byte");
    for (int i = 0; i < 10000; i++)
        buf_printf(&deep, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
    buf_puts(&deep, "\n\xc3\xa9\n");
    for (int i = 9999; i >= 0; i--)
        buf_printf(&deep, "--b%d--\n", i);
    is_int(conv_n(deep.data, deep.len, 998, NULL), MIME7_AS_RECEIVED, "10,000 nested multiparts: as received");
    ok(out_len == deep.len && memcmp(out, deep.data, out_len) == 0, "byte for byte");
    buf_puts(&b64, "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!not*base64\xff\n");
    is_int(conv_n(b64.data, b64.len, 998, NULL), MIME7_UNCHANGED, "bad base64 is left as it is");
    ok(out_len == b64.len && memcmp(out, b64.data, out_len) == 0, "byte for byte");
    is_int(conv("Content-Type: multipart/mixed\n\n--x\n\n\xc3\xa9\n", 998, NULL), MIME7_AS_RECEIVED,
           "a multipart without a boundary: as received");
    buf_reset(&b64);
    buf_puts(&b64, "From: a@b\nSubject: ");
    for (int i = 0; i < 500000; i++)
        buf_puts(&b64, "x\xc3\xa9 ");
    buf_puts(&b64, "\n\nna\xc3\xafve\n");
    is_int(conv_n(b64.data, b64.len, 998, NULL), MIME7_AS_RECEIVED, "a 2 MB 8-bit header: as received");
    ok(out_len == b64.len && memcmp(out, b64.data, out_len) == 0, "byte for byte");
    buf_free(&deep), buf_free(&b64);
}

int main(void)
{
    msg_open("t_mime7", MSG_TO_STDERR);
    long_lines();
    untouched();
    signed_part();
    headers();
    charsets();
    recode();
    crlf_and_rfc822();
    bad_input();
    free(out);
    return done_testing();
}
