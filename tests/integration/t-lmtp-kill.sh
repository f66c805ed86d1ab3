#!/bin/bash
# t-lmtp-kill.sh - kill -9 of pogate-lmtp in the middle of concurrent
# deliveries loses nothing that was acknowledged: every recipient that got a
# 2xx after DATA has the message in its new/ exactly once, and new/ holds only
# complete messages (what was not acknowledged may be there or not, never half).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"

if [ ! -x "$LMTP" ]; then skip "pogate-lmtp not built"; done_testing; fi
if [ "$(id -u)" != 0 ]; then skip "needs root (the server drops to user pogate)"; done_testing; fi
need perl

conf=$TESTTMP/conf store=$TESTTMP/store log=$TESTTMP/lmtp.log sock=$TESTTMP/run/lmtp.sock
acks=$TESTTMP/acks
mkdir -p "$TESTTMP/run"
trap 'lmtp_stop KILL' EXIT
lmtp_conf "$conf" "$store" || { not_ok "pogate-map compiles the test maps"; done_testing; }
rcpts="john.smith@sales.example.com inbox@sales.example.com boss@hr.example.com gate@bag.example.com"

for round in 1 2; do
    check "round $round: server starts" lmtp_start "$conf" "unix:$sock" "$log"
    # shellcheck disable=SC2086
    "$LMTP_LOAD" -s "unix:$sock" -c 12 -n 100000 -k 8 -a "$acks" -t "r$round" $rcpts \
        >"$TESTTMP/load.$round" 2>&1 &
    load=$!
    wait_for 30 bash -c "[ \$(cat '$acks' 2>/dev/null | wc -l) -gt $((round * 400)) ]"
    lmtp_stop KILL
    wait "$load"
    ok "round $round: server killed with -9 during deliveries ($(grep -c "^r$round\." "$acks") acknowledged)"
done

# Message-IDs found in each recipient's store, one line per file.
found() {
    case $1 in
    john.smith@sales.example.com) d=$store/sales/mailboxes/jsmith/new ;;
    inbox@sales.example.com) d=$store/sales/mailboxes/inbox/new ;;
    boss@hr.example.com) d=$store/hr/mailboxes/boss/new ;;
    gate@bag.example.com) d=$store/bag/mailbag/new ;;
    esac
    find "$d" -type f -exec grep -h '^Message-ID: <' {} + 2>/dev/null | sed 's/^Message-ID: <\(.*\)@lmtp-load>$/\1/'
}

lost=0 dup=0
for r in $rcpts; do
    found "$r" | sort >"$TESTTMP/found.$r"
    grep " $r\$" "$acks" | cut -d' ' -f1 | sort >"$TESTTMP/acked.$r"
    n=$(comm -23 "$TESTTMP/acked.$r" <(sort -u "$TESTTMP/found.$r") | wc -l)
    lost=$((lost + n))
    [ "$n" -eq 0 ] || diag "$r: $n acknowledged messages missing, e.g. $(comm -23 "$TESTTMP/acked.$r" <(sort -u "$TESTTMP/found.$r") | head -3 | tr '\n' ' ')"
    d=$(uniq -d "$TESTTMP/found.$r" | wc -l)
    dup=$((dup + d))
done
is "no acknowledged delivery lost ($(wc -l <"$acks") acknowledged)" "$lost" 0
is "no message delivered twice to one recipient" "$dup" 0

# Every file in new/ is complete: the body ends with the load client's last line.
bad=$(find "$store" -path '*/new/*' -type f -print0 | xargs -0 -r perl -e '
    for my $f (@ARGV) {
        open(my $fh, "<", $f) or do { print "$f\n"; next };
        seek($fh, -200, 2); local $/; my $t = <$fh>;
        print "$f\n" unless defined $t && $t =~ /lazy dog[^\n]*\n\z/;
    }')
is "every message in new/ is complete ($(find "$store" -path '*/new/*' -type f | wc -l) files)" "$(printf '%s' "$bad" | grep -c .)" 0
done_testing
