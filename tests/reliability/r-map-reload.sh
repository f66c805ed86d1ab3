#!/bin/bash
# r-map-reload.sh (R4) - the maps recompiled with pogate-map over and over
# (bounded 100 times, long 1000) while mail flows through Postfix +
# pogate-milter + pogate-lda, a new SMTP session per message. Two map sets
# alternate: in set A the aliases flip1@ and flip2@rel.example both lead to
# mailbox A, in set B both to B. Every message goes to flip1 and flip2: the
# milter rewrites both to the canonical address of one snapshot, so a message
# must end up exactly once, in A or in B. A copy in both would be a session that
# saw a mix of old and new maps. No crash (the milter still answers, no fatal
# line anywhere), every message accepted, nothing lost.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
k=$(scale 100 1000)
trap 'rel_cleanup; [ -z "${loop:-}" ] || kill "$loop" 2>/dev/null' EXIT
C=$TESTTMP/conf W=$TESTTMP/work
mkdir -p "$W/A" "$W/B"
rel_conf "$C" "$TESTTMP/store" || { not_ok "pogate-map compiles the maps"; done_testing; }
for set in A B; do
    cp "$C"/postoffices "$C"/mailboxes "$C"/access "$W/$set"/
    { cat "$C/aliases"; echo "flip1@rel.example REL/$set"; echo "flip2@rel.example REL/$set"; } >"$W/$set/aliases"
done
cp "$W"/A/* "$C"/
check "pogate-map compiles set A" "$POGATE_MAP" -c "$C"
check "pogate-milter starts" rel_milter
check "Postfix starts with the milter" rel_postfix 26204

# The recompiling loop, in the background: alternate sets, one pogate-map run each.
# The daemons look at index.cdb at most once a second, and a run of recompiles
# can be over in less: the first B and the first A are kept until a message
# has come through them, so that both sets are seen on any machine.
in_box() { find "$TESTTMP/store/rel/mailboxes/$1/new" -type f 2>/dev/null | wc -l; }
recompile() {
    local i set fails=0 before
    for i in $(seq 1 "$k"); do
        set=$([ $((i % 2)) = 1 ] && echo B || echo A)
        before=$(in_box "${set,,}")
        cp "$W/$set/aliases" "$C/aliases.new" && mv "$C/aliases.new" "$C/aliases"
        "$POGATE_MAP" -c "$C" >>"$W/map.log" 2>&1 || fails=$((fails + 1))
        if [ "$i" -le 2 ]; then
            wait_for 60 sh -c '[ "$(find "$1" -type f | wc -l)" -gt "$2" ]' sh \
                "$TESTTMP/store/rel/mailboxes/${set,,}/new" "$before" || fails=$((fails + 1))
        fi
        echo "$i" >"$W/done"
    done
    echo "$fails" >"$W/map-fails"
    touch "$W/stop"
}
start=$SECONDS
recompile &
loop=$!
rel_send --to flip1@rel.example,flip2@rel.example --ids r4 --count 100000 --sessions 4 \
    --min 500 --max 4000 --fresh --until "$W/stop" --acks "$W/acks"
wait "$loop"
loop=
sent=$(wc -l <"$W/acks")
is "pogate-map: $k runs, none failed" "$(cat "$W/done") $(cat "$W/map-fails")" "$k 0"
is "all $sent messages accepted for both recipients" "$(acked "$W/acks" | wc -l)" "$sent"
check "the queue empties" rel_wait_delivered "$(scale 120 600)"
secs=$((SECONDS - start))
acked "$W/acks" >"$W/ids"
out=$(rel_check --ids "$W/ids" --list "$W/list")
diag "$out"
is "no message lost, no partial file" "$(field lost "$out") $(field partial "$out")" "0 0"
# Mailboxes per message: exactly one, a or b.
awk '$1 != "-" { n[$1]++; m[$1] = m[$1] " " $2 } END { for (i in n) print i, n[i], m[i] }' "$W/list" >"$W/per-id"
mixed=$(awk '$2 != 1' "$W/per-id" | wc -l)
is "no message in two mailboxes or twice (a session seeing a mix)" "$mixed" 0
[ "$mixed" = 0 ] || diag "$(awk '$2 != 1' "$W/per-id" | head -5)"
ina=$(grep -c ' rel/mailboxes/a$' "$W/per-id") inb=$(grep -c ' rel/mailboxes/b$' "$W/per-id")
diag "$sent messages: $ina in A, $inb in B; $k recompiles"
ok_both=$([ "$ina" -gt 0 ] && [ "$inb" -gt 0 ] && echo yes || echo "no ($ina in A, $inb in B)")
is "both map sets were seen" "$ok_both" yes
check "pogate-milter still running" kill -0 "$MILTER_PID"
out2=$(rel_py session --port "$PF_PORT" --from sender@ext.example --rcpt nobody@rel.example)
like "pogate-milter still answers (550 5.1.1 for an unknown mailbox)" "$out2" 'rcpt=550'
check "no fatal or panic line in the pogate logs" \
    sh -c "! grep -iE 'fatal|panic|segv|abort' '$C/milter.log' '$C/pogate.log'"
check "Postfix logged no milter trouble" sh -c "! grep -E 'warning:.*milter' '$PF_LOG'"
deferred=$(grep -c 'status=deferred' "$PF_LOG")
result R4 "maps recompiled $k times under mail" "$sent" "$((ina + inb))" "$(field lost "$out")" \
    "$mixed" "$secs" "$ina via set A, $inb via set B, $deferred deliveries deferred once"
done_testing
