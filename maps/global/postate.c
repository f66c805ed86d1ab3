/* postate.c - the four transfer modes and their arithmetic; see postate.h. */
#include <string.h>

#include "postate.h"

static const char *const names[] = { "active", "paused", "inbound-only", "outbound-only" };

const char *postate_name(enum po_state s)
{
    return (unsigned) s < sizeof(names) / sizeof(names[0]) ? names[s] : "active";
}

int postate_parse(const char *name, enum po_state *s)
{
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *s = (enum po_state) i;
            return 0;
        }
    }
    return -1;
}

int postate_stopped(enum po_state s)
{
    switch (s) {
    case PO_PAUSED: return PO_DIR_BOTH;
    case PO_INBOUND_ONLY: return PO_DIR_OUT;
    case PO_OUTBOUND_ONLY: return PO_DIR_IN;
    default: return 0;
    }
}

enum po_state postate_from_stopped(int stopped)
{
    switch (stopped & PO_DIR_BOTH) {
    case PO_DIR_BOTH: return PO_PAUSED;
    case PO_DIR_OUT: return PO_INBOUND_ONLY;
    case PO_DIR_IN: return PO_OUTBOUND_ONLY;
    default: return PO_ACTIVE;
    }
}

enum po_state postate_pause(enum po_state s, int dirs)
{
    return postate_from_stopped(postate_stopped(s) | dirs);
}

enum po_state postate_resume(enum po_state s, int dirs)
{
    return postate_from_stopped(postate_stopped(s) & ~dirs);
}
