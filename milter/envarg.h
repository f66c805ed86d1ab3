/* envarg.h - the MAIL and RCPT arguments as libmilter hands them over.
 *
 * libmilter gives the envelope callbacks argv: the path as the client wrote
 * it ("<user@dom>", with any RFC 5321 source route), then the ESMTP
 * parameters ("SIZE=1234", "BODY=8BITMIME"). The decisions want the bare
 * address and the declared size.
 */
#ifndef POGATE_MILTER_ENVARG_H
#define POGATE_MILTER_ENVARG_H

#include "buf.h"

/* The address inside "<...>" with any source route dropped, into OUT
 * ("" for the null sender <>). */
void envarg_address(const char *arg, buf_t *out);

/* SIZE=n among the parameters ARGV[1..] (NULL-terminated); 0 when absent,
 * malformed or negative. */
long long envarg_size(char *const *argv);

/* 1 when SMTPUTF8 (RFC 6531) is among the parameters ARGV[1..]. */
int envarg_smtputf8(char *const *argv);

#endif
