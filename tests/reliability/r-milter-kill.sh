#!/bin/bash
# r-milter-kill.sh (R3) - pogate-milter killed with -9 and restarted while
# sessions are under way, through Postfix (milter_default_action = tempfail, as
# contrib/postfix/main.cf) + pogate-lda:
#   1. 100 sessions (long: 1000) held open together after RCPT; the milter is
#      killed, restarted, and only then do they all send DATA;
#   2. a stream of sessions, one message each, while the milter is killed and
#      restarted three times.
# Every message goes to alias.a@rel.example, which only the milter rewrites to
# a@rel.example, and gets the milter's Received-SPF header (spf = header):
# no message may be stored without both, i.e. accepted without its policy.
# Whatever was refused (4xx) is sent again after the restart, as a client
# would: in the end every message is stored exactly once.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
n=$(scale 100 1000) stream=$(scale 300 1500)
sender=
trap '[ -z "$sender" ] || kill "$sender" 2>/dev/null; rel_cleanup' EXIT
C=$TESTTMP/conf W=$TESTTMP/work
mkdir -p "$W"
rel_conf "$C" "$TESTTMP/store" || { not_ok "pogate-map compiles the maps"; done_testing; }
: >"$C/spf.zone"
sed -i "s|^spf = off\$|spf = header\nspf_zone_file = $C/spf.zone|" "$C/pogate.conf"
check "pogate-milter starts" rel_milter
check "Postfix starts with the milter, for $n sessions at once" rel_postfix_sessions 26203 "$n"
is "the SMTP listen queue holds every session" "$(rel_listen_queue)" $((n + 50))
restart_milter() {
    kill -KILL "$MILTER_PID"
    wait "$MILTER_PID" 2>/dev/null
    MILTER_PID=
    kills=$((kills + 1))
    rel_milter
}
kills=0
start=$SECONDS

# 1. Killed while the sessions wait after RCPT.
"$REL_PY" "$REL/rel.py" together --port "$PF_PORT" --to alias.a@rel.example --ids r3t --count "$n" \
    --ready "$W/ready" --go "$W/go" --acks "$W/acks" >"$W/together.out" 2>"$W/together.err" &
sender=$!
ready_or_gone() { [ -e "$W/ready" ] || ! kill -0 "$sender" 2>/dev/null; }
wait_for 1200 ready_or_gone
check "$n sessions open at once" test -e "$W/ready"
check "milter killed and restarted" restart_milter
touch "$W/go"
wait "$sender"; sender=
diag "held sessions: $(cat "$W/together.out")"
refused1=$(awk '$2 != 250' "$W/acks" | wc -l)

# 2. Killed three times under a stream of sessions.
rel_send --to alias.a@rel.example --ids r3s --count "$stream" --sessions 8 --fresh \
    --acks "$W/acks" 2>"$W/send.err" &
sender=$!
for i in 1 2 3; do
    sleep 2
    check "milter killed and restarted under the stream ($i)" restart_milter
done
wait "$sender"; sender=
refused=$(awk '$2 != 250' "$W/acks" | wc -l)
total=$(wc -l <"$W/acks")
is "every message answered" "$total" $((n + stream))
diag "refused: $refused1 held, $((refused - refused1)) streamed; codes: $(awk '$2 != 250 { print $2 }' "$W/acks" | sort | uniq -c | tr '\n' ' ')"
is "refusals are temporary (4xx) only" "$(awk '$2 != 250 && $2 !~ /^4/' "$W/acks" | wc -l)" 0
ok_r=$([ "$refused" -gt 0 ] && echo yes || echo no)
is "some messages were refused while the milter was down" "$ok_r" yes

# The client tries again.
awk '$2 != 250 { print $1 }' "$W/acks" >"$W/retry"
rel_send --to alias.a@rel.example --id-list "$W/retry" --sessions 4 --acks "$W/acks2"
is "all $refused refused messages accepted on the retry" "$(acked "$W/acks2" | wc -l)" "$refused"
check "the queue empties" rel_wait_delivered "$(scale 120 600)"
secs=$((SECONDS - start))
cat "$W/acks" "$W/acks2" | acked /dev/stdin >"$W/ids"
out=$(rel_check --ids "$W/ids" --list "$W/list")
diag "$out"
is "every message stored, once, byte for byte" \
    "$(field unique "$out") $(field lost "$out") $(field dups "$out") $(field partial "$out")" "$((n + stream)) 0 0 0"
is "all of them in mailbox a" "$(awk '$2 != "rel/mailboxes/a"' "$W/list" | wc -l)" 0
nospf=$(awk '{ print $5 }' "$W/list" | xargs -r grep -L '^Received-SPF: ' | wc -l)
is "every stored message carries the milter's Received-SPF header" "$nospf" 0
is "no delivery to the un-rewritten alias (accepted without the milter)" \
    "$(grep -c 'to=<alias\.a@rel\.example>.*relay=' "$PF_LOG")" 0
result R3 "pogate-milter kill -9 x $kills under $n held + $stream streamed sessions" $((n + stream)) \
    "$(field unique "$out")" "$(field lost "$out")" "$(field dups "$out")" "$secs" \
    "$refused tempfailed while the milter was down, all delivered on retry; none without its policy"
done_testing
