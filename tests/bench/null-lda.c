/* null-lda.c - the ceiling of pipe(8) delivery for tests/bench/run P1 (p): a
 * program Postfix's pipe(8) runs per message as it runs pogate-lda, linked
 * the same way (statically where pogate-lda is), that reads the message to
 * its end, stores nothing and appends one byte to COUNTFILE (its size is
 * what the benchmark counts as delivered, its ctime when). What Postfix
 * spends on it is what any pipe(8) delivery agent costs before writing a
 * byte: (b) and (g) cannot go faster than (p).
 *
 * usage: null-lda COUNTFILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char buf[65536];
    ssize_t n;
    int fd;

    if (argc != 2) {
        fprintf(stderr, "usage: null-lda COUNTFILE\n");
        return 64;
    }
    while ((n = read(0, buf, sizeof(buf))) > 0)
        ;
    if (n < 0 || (fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0666)) < 0 || write(fd, "\n", 1) != 1) {
        perror(argv[1]);
        return 75;
    }
    return close(fd) == 0 ? 0 : 75;
}
