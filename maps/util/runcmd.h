/* runcmd.h - run a command without a shell and collect what it prints.
 *
 * The admin tools talk to the MTA through its own commands (postqueue,
 * postsuper, sendmail): argv is passed as is (no shell, so no quoting to get
 * wrong), standard input is the given bytes or /dev/null, standard output is
 * collected up to a limit, standard error goes where ours goes. Knows no
 * mail.
 */
#ifndef POGATE_RUNCMD_H
#define POGATE_RUNCMD_H

#include <stddef.h>

#include "buf.h"

#define RUNCMD_OUT_MAX (64u << 20)

/* Run ARGV[0] (a path) with ARGV, feeding IN (INLEN bytes; NULL for none)
 * and appending its output to OUT (may be NULL: discarded). Returns the exit
 * status (0-255), 128+N when killed by signal N, or -1 with errno when it
 * could not be run or its output passed RUNCMD_OUT_MAX (E2BIG). */
int runcmd(char *const argv[], const char *in, size_t inlen, buf_t *out);

/* The same with standard input read from the open file IN_FD, where its
 * offset is (a message file handed to sendmail(1) without a copy), and
 * standard error collected into OUT with standard output: what a refusing
 * command says is the reason to keep. A command still running after
 * SECONDS (> 0; 0: no limit) is killed: -1 with ETIMEDOUT. */
int runcmd_fd(char *const argv[], int in_fd, buf_t *out, int seconds);

#endif
