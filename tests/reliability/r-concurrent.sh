#!/bin/bash
# r-concurrent.sh (R9) - many SMTP sessions at once (bounded 100, long 1000),
# one message each, through Postfix + pogate-milter + pogate-lda, twice: all
# sessions held open together (each waits after RCPT until every other one got
# there, then all send DATA: rel.py together), then as fast as smtp-source
# opens them. No error on any session, every message stored once (byte-checked;
# smtp-source's told apart by the queue id in Postfix's Received: header).
# Postfix may run as many smtpd
# processes as there are sessions, and loopback, the only client address here,
# is exempt from the per-client connection limit (it stands for many clients).
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
need smtp-source
s=$(scale 100 1000)
sampler=
trap '[ -z "$sampler" ] || kill "$sampler" 2>/dev/null; rel_cleanup' EXIT
C=$TESTTMP/conf W=$TESTTMP/work
mkdir -p "$W"
rel_conf "$C" "$TESTTMP/store" || { not_ok "pogate-map compiles the maps"; done_testing; }
check "pogate-milter starts" rel_milter
check "Postfix starts with the milter, for $s sessions at once" rel_postfix_sessions 26209 "$s"
is "the SMTP listen queue holds every session" "$(rel_listen_queue)" $((s + 50))
# The most smtpd processes seen at once, sampled while smtp-source runs.
sample() {
    local max=0 n pids
    while [ ! -e "$W/stop" ]; do
        pids=$(pf_pids | tr '\n' ',')
        n=$(ps -o comm= -p "${pids%,}" 2>/dev/null | grep -c '^smtpd$')
        [ "$n" -le "$max" ] || max=$n
        sleep 0.2
    done
    echo "$max" >"$W/peak"
}
sample &
sampler=$!
start=$SECONDS
out=$(timeout 900 "$REL_PY" "$REL/rel.py" together --port "$PF_PORT" --to d@rel.example --ids r9 \
    --count "$s" --acks "$W/acks" 2>"$W/together.err")
is "$s sessions open at once, all accepted, no error" "$out" "open=$s accepted=$s errors=0"
[ -s "$W/together.err" ] && diag "$(head -5 "$W/together.err")"
timeout 600 smtp-source -s "$s" -m "$s" -l 4000 -f sender@ext.example -t c@rel.example \
    -M client.rel.test "127.0.0.1:$PF_PORT" >"$W/source.out" 2>&1
st=$?
is "smtp-source: $s sessions at once, exit 0" "$st" 0
is "smtp-source: no error or warning" "$(cat "$W/source.out")" ""
touch "$W/stop"
wait "$sampler"; sampler=
peak=$(cat "$W/peak")
check "the queue empties" pf_wait_queue_empty "$(scale 120 600)"
# Messages that reached the queue manager (a "client=" line is logged at MAIL
# already, also for transactions that end without a message). Counted once the
# queue is empty: smtp-source is done when cleanup has the message, which can
# be before qmgr has moved it into the active queue and logged it.
accepted=$(grep -c 'qmgr\[[0-9]*\]: [0-9A-F]*: from=<[^>]*>, size=.*(queue active)' "$PF_LOG")
is "Postfix accepted $((2 * s)) messages" "$accepted" $((2 * s))
secs=$((SECONDS - start))
ids=$(find "$REL_STORE/rel/mailboxes/c/new" -type f -exec grep -h -m1 -oE \
    'by relay\.test \(Postfix\) with E?SMTP id [0-9A-Za-z]+' {} + | sed 's/.* //' | sort)
files=$(find "$REL_STORE/rel/mailboxes/c/new" -type f | wc -l)
unique=$(printf '%s\n' "$ids" | grep -c .)
dups=$((unique - $(printf '%s\n' "$ids" | sort -u | grep -c .)))
is "$s messages stored in c/new" "$files" "$s"
is "each under its own queue id" "$unique $dups" "$s 0"
acked "$W/acks" >"$W/ids"
out=$(rel_check --ids "$W/ids")
is "sessions held together: every message once, byte for byte" \
    "$(field unique "$out") $(field lost "$out") $(field dups "$out") $(field partial "$out")" "$s 0 0 0"
files=$((files + $(field unique "$out"))) dups=$((dups + $(field dups "$out")))
trouble=$(grep -E 'warning:.*milter|reject:|status=deferred|status=bounced' "$PF_LOG")
is "no milter trouble, no reject, no defer" "$(printf '%s' "$trouble" | grep -c .)" 0
[ -z "$trouble" ] || diag "$(printf '%s\n' "$trouble" | head -3)"
check "pogate-milter still running" kill -0 "$MILTER_PID"
result R9 "$s concurrent SMTP sessions (twice)" $((2 * s)) "$files" $((2 * s - files > 0 ? 2 * s - files : 0)) "$dups" "$secs" \
    "at most $peak smtpd processes at once, smtp-source exit $st"
done_testing
