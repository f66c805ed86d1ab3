/* postate.h - a postoffice's transfer mode: which directions flow.
 *
 * state= in the postoffices map is one of four modes. A stopped inbound
 * direction makes deliveries defer (4.2.1: the mail waits in the MTA queue);
 * a stopped outbound direction makes pogate-milter hold the users' outbound
 * mail in the MTA (Postfix's hold queue, sendmail's quarantine) until the
 * direction is resumed. pogate-po(8) pauses and resumes one direction or
 * both: the arithmetic of that is here, so that the map, the tool and the
 * daemons agree on it. A downstream postoffice (via=HUB) is stopped in a
 * direction when it or its hub is.
 */
#ifndef POGATE_POSTATE_H
#define POGATE_POSTATE_H

enum po_state {
    PO_ACTIVE,                  /* both directions flow */
    PO_PAUSED,                  /* neither */
    PO_INBOUND_ONLY,            /* inbound flows, outbound is held */
    PO_OUTBOUND_ONLY            /* outbound flows, inbound defers */
};

/* Directions, as bits. */
#define PO_DIR_IN   1
#define PO_DIR_OUT  2
#define PO_DIR_BOTH (PO_DIR_IN | PO_DIR_OUT)

/* "active", "paused", "inbound-only", "outbound-only". */
const char *postate_name(enum po_state s);

/* The state named NAME (exactly as written above); -1 if none. */
int postate_parse(const char *name, enum po_state *s);

/* The directions S stops (PO_DIR_* bits). */
int postate_stopped(enum po_state s);

/* The state that stops exactly the directions STOPPED. */
enum po_state postate_from_stopped(int stopped);

/* S with the directions DIRS stopped, or resumed. */
enum po_state postate_pause(enum po_state s, int dirs);
enum po_state postate_resume(enum po_state s, int dirs);

#endif
