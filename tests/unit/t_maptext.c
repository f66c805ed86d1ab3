/* t_maptext.c - unit tests for maps/maptext.c: the Postfix text-map syntax and its errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "log.h"
#include "maptext.h"
#include "tap.h"

struct parsed {
    char text[4096];            /* "key=value|key=value|" */
    int records, errors;
    char last_error[512];
};

/* Parse LEN bytes of TEXT as map "m"; summarise what came out. */
static struct parsed parse_n(const char *text, size_t len, int flags)
{
    struct parsed p = { "", 0, 0, "" };
    FILE *fp = fmemopen((void *) text, len, "r");
    struct maptext *m = maptext_stream(fp, "m", flags);
    struct maprec r;
    size_t n;

    while (maptext_next(m, &r) > 0) {
        n = strlen(p.text);
        snprintf(p.text + n, sizeof(p.text) - n, "%s=%s@%d|", r.key, r.value, r.line);
        p.records++;
    }
    p.errors = maptext_errors(m);
    snprintf(p.last_error, sizeof(p.last_error), "%s", maptext_last_error(m));
    maptext_close(m);
    fclose(fp);
    return p;
}

static struct parsed parse(const char *text, int flags)
{
    return parse_n(text, strlen(text), flags);
}

static void syntax(void)
{
    struct parsed p;

    p = parse("# comment\n\nKey1  value one \n  # indented comment\nkey2\tv2\n", 0);
    is_str(p.text, "key1=value one@3|key2=v2@5|", "records, comments, blank lines, keys lowercased");
    is_int(p.errors, 0, "no errors");
    p = parse("Key1 a\n  b\n\tc\nkey2 d", 0);
    is_str(p.text, "key1=a b c@1|key2=d@4|", "continuation lines join with one space; last line without newline");
    p = parse("KEY Value\n", MAPTEXT_NO_FOLD);
    is_str(p.text, "KEY=Value@1|", "-f keeps the case of keys");
    p = parse("a b\r\nc d\r\n", 0);
    is_str(p.text, "a=b@1|c=d@2|", "CRLF line ends are accepted");
    p = parse("k\xc3\xa9y v\xc3\xa9\n", 0);
    is_str(p.text, "k\xc3\xa9y=v\xc3\xa9@1|", "8-bit keys and values pass through the generic parser");
    p = parse("a # not a comment\n", 0);
    is_str(p.text, "a=# not a comment@1|", "'#' after the key is part of the value, as in Postfix");
    p = parse("lonely\n", MAPTEXT_VALUE_OPTIONAL);
    is_str(p.text, "lonely=@1|", "a key alone is a record where values are optional");
}

static void errors(void)
{
    struct parsed p;
    char *big;

    p = parse("a b\nnovalue\nc d\n", 0);
    is_int(p.errors, 1, "key without value is an error");
    is_str(p.last_error, "m:2: expected \"key value\", found no value (novalue)", "... with file:line");
    is_str(p.text, "a=b@1|c=d@3|", "... and the other records are still read");
    p = parse_n("a b\nc \0d\ne f\n", 12, 0);
    is_int(p.errors, 1, "NUL byte is an error");
    is_str(p.last_error, "m:2: NUL byte in line", "... at its line");
    is_str(p.text, "a=b@1|e=f@3|", "... and its record is dropped, not half-read");
    p = parse("a b\x01\n", 0);
    is_str(p.last_error, "m:1: control character 0x01 in line", "control character is an error");
    p = parse("a b\rc\n", 0);
    is_int(p.errors, 1, "a CR inside a line is an error (header injection)");
    p = parse("  x y\na b\n", 0);
    is_str(p.last_error, "m:1: continuation line with no record to continue", "leading continuation is an error");
    p = parse("a b\n  c\x02\nd e\n", 0);
    is_str(p.text, "d=e@3|", "a bad continuation line drops its whole record");
    is_int(p.errors, 1, "... with one error");

    big = malloc(MAPTEXT_LINE_MAX * 3);
    memset(big, 'x', MAPTEXT_LINE_MAX * 3);
    memcpy(big, "a b\nk ", 6);
    memcpy(big + MAPTEXT_LINE_MAX * 3 - 6, "\nc d\n", 5);
    p = parse_n(big, MAPTEXT_LINE_MAX * 3 - 1, 0);
    is_str(p.last_error, "m:2: line longer than 65536 bytes", "huge line is an error");
    is_str(p.text, "a=b@1|c=d@3|", "... and reading goes on after it");
    memset(big, 'x', MAPTEXT_LINE_MAX * 3);
    memcpy(big, "k ", 2);
    p = parse_n(big, MAPTEXT_LINE_MAX * 2, 0);
    is_int(p.errors, 1, "huge last line without newline is an error");
    is_int(p.records, 0, "... and yields nothing");
    free(big);
    p = parse("", 0);
    is_int(p.records + p.errors, 0, "empty input: no records, no errors");
}

static void attrs(void)
{
    struct mapattr a[8];
    const char *why = NULL;
    char v1[] = "Domain=sales.example.com name=\"John \\\"JS\\\" Smith\" quota=5M";
    char v2[] = "name=\"open";
    char v3[] = "a=1 a=2";
    char v4[] = "justaword";
    char v5[] = "=x";
    char v6[] = "name=\"x\"y";
    char v7[] = "  ";
    char v8[] = "a=1 b=2 c=3";

    is_int(maptext_attrs(v1, a, 8, &why), 3, "three attributes");
    is_str(a[0].name, "domain", "attribute names lowercased");
    is_str(a[0].value, "sales.example.com", "plain value");
    is_str(a[1].value, "John \"JS\" Smith", "quoted value with escapes");
    is_str(a[2].name, "quota", "third name");
    ok(maptext_attrs(v2, a, 8, &why) < 0 && strcmp(why, "unterminated quoted value") == 0, "unterminated quote");
    ok(maptext_attrs(v3, a, 8, &why) < 0 && strcmp(why, "attribute given twice") == 0, "duplicate attribute");
    ok(maptext_attrs(v4, a, 8, &why) < 0 && strcmp(why, "expected name=value") == 0, "word without '='");
    ok(maptext_attrs(v5, a, 8, &why) < 0 && strcmp(why, "attribute with an empty name") == 0, "empty name");
    ok(maptext_attrs(v6, a, 8, &why) < 0 && strcmp(why, "text after a closing quote") == 0, "text after quote");
    is_int(maptext_attrs(v7, a, 8, &why), 0, "blank value: no attributes");
    ok(maptext_attrs(v8, a, 2, &why) < 0 && strcmp(why, "too many attributes") == 0, "attribute limit");
}

static void files(void)
{
    char path[] = "/tmp/t_maptext.XXXXXX";
    int fd = mkstemp(path);
    struct maptext *m;
    struct maprec r;

    ok(write(fd, "x y\n", 4) == 4, "temp map written");
    close(fd);
    ok((m = maptext_open(path, 0)) != NULL, "maptext_open reads a file");
    ok(m && maptext_next(m, &r) == 1 && strcmp(r.key, "x") == 0, "... its record");
    ok(m && maptext_next(m, &r) == 0, "... then the end");
    maptext_close(m);
    unlink(path);
    ok(maptext_open(path, 0) == NULL, "a missing file cannot be opened");
}

int main(void)
{
    int saved = dup(2), null = open("/dev/null", O_WRONLY);

    msg_open("t_maptext", MSG_TO_STDERR);
    dup2(null, 2);              /* the parser logs each error too; the tests read them back */
    syntax();
    errors();
    attrs();
    files();
    dup2(saved, 2);
    return done_testing();
}
