/* t_postate.c - unit tests for maps/global/postate.c: the four transfer
 * modes, their names, and pausing and resuming one direction or both. */
#include "postate.h"
#include "tap.h"

static void names(void)
{
    enum po_state s;

    is_str(postate_name(PO_ACTIVE), "active", "active");
    is_str(postate_name(PO_PAUSED), "paused", "paused");
    is_str(postate_name(PO_INBOUND_ONLY), "inbound-only", "inbound-only");
    is_str(postate_name(PO_OUTBOUND_ONLY), "outbound-only", "outbound-only");
    ok(postate_parse("outbound-only", &s) == 0 && s == PO_OUTBOUND_ONLY, "parse outbound-only");
    ok(postate_parse("inbound-only", &s) == 0 && s == PO_INBOUND_ONLY, "parse inbound-only");
    is_int(postate_parse("Paused", &s), -1, "names are exact (no case folding)");
    is_int(postate_parse("", &s), -1, "empty name refused");
    is_int(postate_parse("inbound", &s), -1, "a direction is not a state");
}

static void stopped(void)
{
    is_int(postate_stopped(PO_ACTIVE), 0, "active stops nothing");
    is_int(postate_stopped(PO_PAUSED), PO_DIR_BOTH, "paused stops both");
    is_int(postate_stopped(PO_INBOUND_ONLY), PO_DIR_OUT, "inbound-only stops outbound");
    is_int(postate_stopped(PO_OUTBOUND_ONLY), PO_DIR_IN, "outbound-only stops inbound");
    for (int s = PO_ACTIVE; s <= PO_OUTBOUND_ONLY; s++)
        is_int(postate_from_stopped(postate_stopped((enum po_state) s)), s, "round trip %s",
               postate_name((enum po_state) s));
}

static void pause_resume(void)
{
    is_int(postate_pause(PO_ACTIVE, PO_DIR_BOTH), PO_PAUSED, "pause: active -> paused");
    is_int(postate_pause(PO_ACTIVE, PO_DIR_IN), PO_OUTBOUND_ONLY, "pause inbound: active -> outbound-only");
    is_int(postate_pause(PO_ACTIVE, PO_DIR_OUT), PO_INBOUND_ONLY, "pause outbound: active -> inbound-only");
    is_int(postate_pause(PO_INBOUND_ONLY, PO_DIR_IN), PO_PAUSED, "pause inbound: inbound-only -> paused");
    is_int(postate_pause(PO_PAUSED, PO_DIR_OUT), PO_PAUSED, "pausing a stopped direction changes nothing");
    is_int(postate_resume(PO_PAUSED, PO_DIR_BOTH), PO_ACTIVE, "resume: paused -> active");
    is_int(postate_resume(PO_PAUSED, PO_DIR_OUT), PO_OUTBOUND_ONLY, "resume outbound: paused -> outbound-only");
    is_int(postate_resume(PO_PAUSED, PO_DIR_IN), PO_INBOUND_ONLY, "resume inbound: paused -> inbound-only");
    is_int(postate_resume(PO_INBOUND_ONLY, PO_DIR_OUT), PO_ACTIVE, "resume outbound: inbound-only -> active");
    is_int(postate_resume(PO_INBOUND_ONLY, PO_DIR_IN), PO_INBOUND_ONLY, "resuming a flowing direction changes nothing");
    is_int(postate_resume(PO_OUTBOUND_ONLY, PO_DIR_BOTH), PO_ACTIVE, "resume: outbound-only -> active");
}

int main(void)
{
    names();
    stopped();
    pause_resume();
    return done_testing();
}
