#!/bin/bash
# r-kill-lda.sh (R1) - kill -9 of pogate-lda at random points of its delivery,
# through a real Postfix: pipe(8) runs pogate-lda through tests/reliability/
# kill-lda, which SIGKILLs one run in three after 0-40 ms (before the write,
# mid-write on the larger messages, after fsync, around link); Postfix retries
# every second. Afterwards every accepted message is in new/, its body byte for
# byte (a file in new/ is never changed or removed later, so a partial file
# that had been visible would still be there), exactly once: no second copy,
# also where a run was killed after its link and before its exit (the retry
# finds the file under its deterministic name, pogate-lda(8) "Exactly once"),
# and the only tmp/ leftovers come from killed runs.
# R_SCALE=bounded: 200 messages; long: 1000.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
n=$(scale 200 1000)
trap 'rel_cleanup' EXIT
rel_conf "$TESTTMP/conf" "$TESTTMP/store" || { not_ok "pogate-map compiles the maps"; done_testing; }
kills=$TESTTMP/kills
: >"$kills"
chown pogate "$kills"
check "Postfix starts with pogate-lda behind kill-lda" \
    rel_postfix 26201 "$REL/kill-lda $kills 3 40 $LDA"

start=$SECONDS
rel_send --to a@rel.example,b@rel.example --ids r1 --count "$n" --sessions 4 \
    --min 300 --max 300000 --acks "$TESTTMP/acks"
is "all $n messages accepted by Postfix" "$(acked "$TESTTMP/acks" | wc -l)" "$n"
check "the queue empties (every message delivered in the end)" rel_wait_delivered "$(scale 120 600)"
secs=$((SECONDS - start))

killed=$(grep -c ' killed ' "$kills")
survived=$(grep -c ' finished ' "$kills")
awk '$2 == "killed" { print $1 }' "$kills" >"$TESTTMP/killed-pids"
# Each message went to two recipients: two expected files per id.
acked "$TESTTMP/acks" >"$TESTTMP/ids"
out=$(rel_check --ids "$TESTTMP/ids" --killed-pids "$TESTTMP/killed-pids" --list "$TESTTMP/list")
diag "$out; $killed runs killed, $survived finished before the kill"
diag "Postfix: $(grep -c 'skipped, still being delivered' "$PF_LOG") times \"skipped, still being delivered\""
ok_killed=$([ "$killed" -ge $((n / 10)) ] && echo yes || echo "no ($killed)")
is "at least one run in ten killed" "$ok_killed" yes
is "no message lost" "$(field lost "$out")" 0
is "no partial file in new/" "$(field partial "$out")" 0
# Both recipients of every id: the files per (id, mailbox) pair.
pairs=$(awk '$1 != "-" { print $1, $2 }' "$TESTTMP/list" | sort -u | wc -l)
is "every message in both mailboxes" "$pairs" $((2 * n))
dups=$(field dups "$out")
is "exactly once: no second copy, not even after a run killed after its link" "$dups" 0
named=$(awk '$1 != "-" { print $NF }' "$TESTTMP/list" | grep -cE '/[0-9]+\.Q[A-Za-z0-9]+_[0-9a-f]{16}\.[^/]+,S=[0-9]+$')
is "every file has its deterministic name (queue id and Received date known)" "$named" "$(awk '$1 != "-"' "$TESTTMP/list" | wc -l)"
found=$(grep -c 'already in new/ (an earlier attempt delivered it)' "$TESTTMP/conf/pogate.log" 2>/dev/null)
diag "retries that found an earlier attempt's file: ${found:-0}"
tmp=$(field tmp "$out")
ok_tmp=$([ "$tmp" -le "$killed" ] && echo yes || echo "no ($tmp > $killed)")
is "tmp/ leftovers ($tmp) no more than killed runs" "$ok_tmp" yes
check "Postfix logged the killed runs as deferred, not bounced" \
    sh -c "! grep -q 'status=bounced' '$PF_LOG'"

runs=$(grep -c " relay=pogate," "$PF_LOG")
result R1 "kill -9 of pogate-lda ($killed of $runs runs)" \
    $((2 * n)) "$pairs" "$(field lost "$out")" "$dups" "$secs" \
    "partial $(field partial "$out"), tmp leftovers $tmp, retries that found the file ${found:-0}"
done_testing
