/* punycode.h - is a string the Punycode (RFC 3492) of some Unicode text?
 *
 * An IDNA A-label is "xn--" and the Punycode of its U-label (RFC 5890
 * 2.3.2.1). Checking that the part after the prefix decodes, without
 * overflow, to code points of Unicode, at least one of them not ASCII, is
 * what tells an A-label from any other label that merely starts with
 * "xn--". Whether the decoded text is a valid U-label (IDNA2008's tables) is
 * not judged here.
 */
#ifndef POGATE_PUNYCODE_H
#define POGATE_PUNYCODE_H

#include <stddef.h>

/* 1 if the LEN octets at S decode as Punycode to at least one non-ASCII
 * code point, every one of them a Unicode scalar value. */
int punycode_valid(const char *s, size_t len);

#endif
