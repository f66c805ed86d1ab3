/* t_buf.c - unit tests for maps/util/buf.c: growth, NUL bytes, bounded copies. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

int main(void)
{
    buf_t b = BUF_INIT;
    char small[4];
    char *s;

    buf_puts(&b, "abc");
    is_int(b.len, 3, "puts sets the length");
    is_str(b.data, "abc", "data is NUL-terminated");
    buf_append(&b, "\0x", 2);
    is_int(b.len, 5, "binary append counts a NUL byte");
    ok(memcmp(b.data, "abc\0x", 5) == 0 && b.data[5] == 0, "binary bytes kept, terminated");
    buf_reset(&b);
    for (int i = 0; i < 100000; i++)
        buf_putc(&b, 'a' + i % 26);
    is_int(b.len, 100000, "grows to 100000 bytes one byte at a time");
    ok(b.cap > b.len && b.data[b.len] == 0, "capacity leaves room for the terminator");
    buf_reset(&b);
    buf_printf(&b, "%s=%d", "x", 42);
    buf_printf(&b, "/%05d", 7);
    is_str(b.data, "x=42/00007", "printf appends");
    buf_truncate(&b, 4);
    is_str(b.data, "x=42", "truncate shortens");
    s = buf_steal(&b);
    is_str(s, "x=42", "steal hands over the data");
    ok(b.data == NULL && b.len == 0, "steal leaves the buffer empty");
    free(s);
    s = buf_steal(&b);
    is_str(s, "", "steal of an empty buffer gives an empty string");
    free(s);

    is_int(str_copy(small, "hello", sizeof(small)), 5, "str_copy returns the source length");
    is_str(small, "hel", "str_copy truncates and terminates");
    is_int(str_copy(small, "", sizeof(small)), 0, "str_copy of empty");
    char mixed[] = "  MiXeD Case\t\n";
    char *t = str_trim(mixed);
    str_lower(t);
    is_str(t, "mixed case", "trim and lower");
    buf_free(&b);
    return done_testing();
}
