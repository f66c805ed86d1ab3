#!/bin/bash
# t-milter-outbound.sh - the outbound direction of pogate-milter driven by
# miltertest (tests/milter/outbound.lua): header rewrites, autoreply=no with
# autoreply_action = reject and = discard, outbound=no, the sender PO's size
# limit, spoofing, the trusted null sender; reply codes checked in the log.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$MILTER" ]; then skip "pogate-milter not built"; done_testing; exit 0; fi
need miltertest
chmod 755 "$TESTTMP"            # the daemon's user reads the maps below it
conf=$TESTTMP/conf sock=$TESTTMP/milter.sock log=$TESTTMP/milter.log
trap 'milter_stop' EXIT
milter_conf "$conf" || { not_ok "pogate-map compiles the test maps"; done_testing; exit 1; }
check "milter starts" milter_start "$conf" "$sock" "$log"

run_lua() {
    local name=$1 out
    if out=$(miltertest -D sock="unix:$sock" -D lib="$SRCDIR/tests/milter/lib.lua" \
             -s "$SRCDIR/tests/milter/$name.lua" 2>&1); then
        ok "miltertest $name.lua"
    else
        not_ok "miltertest $name.lua"; printf '%s\n' "$out" | sed 's/^/# /'
    fi
}
has() { if grep -qE -- "$2" "$log"; then ok "$1"; else not_ok "$1"; diag "no line like: $2"; fi; }

run_lua outbound
has "header rewrite: tracking line names the PO mailbox and public sender" \
    'QOBHDR: client=po-gw.example.net\[198.51.100.5\] from=<jsmith@sales.po> .* outbound=sales/jsmith sender=<john.smith@sales.example.com> verdict=accept$'
has "unparseable Sender: logged and left" 'warning: .*header Sender #1 left as it is'
has "autoreply=no -> 550 5.7.1" 'QOBAUTO: reject: END-OF-MESSAGE from .*: 550 5.7.1 auto-replies \(Auto-Submitted\) from postoffice sales'
has "legacy marker Precedence: auto_reply -> 550 5.7.1" 'QOBLEGACY: reject: END-OF-MESSAGE from .*: 550 5.7.1'
has "auto-reply between POs accepted" 'QOBAUTOPO: client=.* verdict=accept$'
has "outbound=no -> 550 5.7.1 at RCPT" 'QOBMUTE: reject: RCPT from .*: 550 5.7.1 <mute@sales.po>: sales/mute may not send mail to the Internet'
has "untrusted client, internal PO sender -> 550 5.7.1" 'QOBSPOOF: reject: MAIL from .*: 550 5.7.1 <jsmith@sales.po>'
has "untrusted client, public PO sender -> 550 5.7.1" 'QOBSPOOF: reject: MAIL from .*: 550 5.7.1 <john.smith@sales.example.com>'
has "PO sender that is no mailbox -> 550 5.7.1" 'QOBNOMBX: reject: MAIL from .*: 550 5.7.1 <ghost@sales.po>: sender is not a postoffice mailbox'
has "SIZE= over the sender PO's maxsize -> 552 5.3.4 at MAIL" 'QOBSIZEMAIL: reject: MAIL from .*: 552 5.3.4 <boss@hr.example.com>: SIZE=5000'
has "counted bytes over the sender PO's maxsize -> 552 5.3.4" 'QOBSIZEEOM: reject: END-OF-MESSAGE from .*: 552 5.3.4 .*postoffice hr'
has "trusted <> auto-reply from a PO mailbox -> 550 5.7.1" 'QOBNULLAUTO: reject: END-OF-MESSAGE from .*: 550 5.7.1 auto-replies \(X-Autoreply\)'
has "trusted <> from a PO mailbox: outbound, envelope kept" 'QOBNULL: client=.* from=<> .* outbound=sales/jsmith sender=<> verdict=accept$'
has "trusted <> from an outbound=no mailbox -> 550 5.7.1" 'QOBNULLMUTE: reject: END-OF-MESSAGE from .*: 550 5.7.1 <>: sales/mute'
if grep -E 'QOBNULLOTHER: .*outbound=|QOBNULLIN: .*outbound=' "$log" >/dev/null; then
    not_ok "<> not from a PO, and inbound <>: not outbound"
else ok "<> not from a PO, and inbound <>: not outbound"; fi
milter_stop
is "SIGTERM: clean exit" "$MILTER_STATUS" 0

# autoreply_action = discard
sed -i '$a autoreply_action = discard' "$conf/pogate.conf"
log=$TESTTMP/discard.log
check "milter starts with autoreply_action = discard" milter_start "$conf" "$sock" "$log"
run_lua outbound-discard
has "discard logged" 'QOBDISCARD: discard: END-OF-MESSAGE .*auto-reply \(Auto-Submitted\) from sales/jsmith'
has "tracking verdict=discard" 'QOBDISCARD: client=.* verdict=discard$'
milter_stop
done_testing
