/* track_out.h - one message of pogate-track(1) as a block of text or as a
 * JSON object (one line). */
#ifndef POGATE_TRACK_OUT_H
#define POGATE_TRACK_OUT_H

#include "buf.h"
#include "track_msg.h"

/* M as text into OUT: a header line (queue id, time, state, duration),
 * then one line per field and per recipient, then its log lines when kept. */
void track_out_text(const struct tmsg *m, buf_t *out);

/* M as one JSON object and a newline into OUT. */
void track_out_json(const struct tmsg *m, buf_t *out);

#endif
