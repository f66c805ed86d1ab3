#!/bin/bash
# r-store-full.sh (R2) - the store runs out of space, then turns read-only,
# under mail through Postfix: pogate-lda answers 75 (4.3.1 disk full, 4.3.0
# read-only), Postfix keeps every message queued, nothing partial appears in
# new/ and nothing is left in tmp/; once space returns (the tmpfs grown) or the
# store is writable again, a flush delivers every queued message exactly once.
# R_SCALE=bounded: 40 x 200 KB into 4 MB, then 20 while read-only; long: 200, 100.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
need mount umount setpriv
n=$(scale 40 200) m=$(scale 20 100)
S=$TESTTMP/store
mkdir -p "$S"
if ! mount -t tmpfs -o size=4m,mode=0755 tmpfs "$S" 2>/dev/null; then
    echo "1..0 # skip cannot mount a tmpfs"
    exit 0
fi
trap 'rel_cleanup; umount "$S" 2>/dev/null' EXIT
rel_conf "$TESTTMP/conf" "$S" || { not_ok "pogate-map compiles the maps"; done_testing; }
check "Postfix starts" rel_postfix 26202
start=$SECONDS

# Disk full.
rel_send --to a@rel.example --ids r2full --count "$n" --sessions 2 \
    --min 200000 --max 200000 --acks "$TESTTMP/acks"
is "disk full: all $n messages accepted by Postfix" "$(acked "$TESTTMP/acks" | wc -l)" "$n"
files_plus_queue() { [ $(($(find "$S" -path '*/new/*' -type f | wc -l) + $(pf_queue_size))) -eq "$1" ]; }
wait_for 60 grep -q 'dsn=4\.3\.1, status=deferred' "$PF_LOG"
check "disk full: every message is delivered or still queued" wait_for 30 files_plus_queue "$n"
stored=$(find "$S" -path '*/new/*' -type f | wc -l) queued=$(pf_queue_size)
diag "disk full: $stored stored, $queued queued"
ok_q=$([ "$queued" -gt 0 ] && [ "$stored" -gt 0 ] && echo yes || echo "no ($stored stored, $queued queued)")
is "disk full: some stored, the rest queued" "$ok_q" yes
like "disk full: Postfix logs pogate-lda's 4.3.1 as deferred" \
    "$(grep -m1 'dsn=4\.3\.1' "$PF_LOG")" 'dsn=4\.3\.1, status=deferred \(store: No space left on device'
check "disk full: nothing bounced" sh -c "! grep -q 'status=bounced' '$PF_LOG'"
rel_python_msg() { rel_py message "$1" "$2"; }
rel_python_msg direct 3000 >"$TESTTMP/big"
OUT=$(setpriv --reuid=pogate --regid=pogate --clear-groups -- "$LDA" -c "$REL_CONF" \
    -f x@ext.example -- a@rel.example <"$TESTTMP/big" 2>&1)
is "disk full: pogate-lda exits 75 with 4.3.1" "$? ${OUT%% *}" "75 4.3.1"
check "disk full: queue held, no delivery running" rel_hold
out=$(rel_check)
is "disk full: no partial file in new/" "$(field partial "$out")" 0
is "disk full: nothing left in tmp/" "$(field tmp "$out")" 0

mount -o remount,size=256m "$S"
rel_release
check "space back: the queue empties" rel_wait_delivered 120
acked "$TESTTMP/acks" >"$TESTTMP/ids"
out=$(rel_check --ids "$TESTTMP/ids")
diag "$out"
is "space back: no message lost" "$(field lost "$out")" 0
is "space back: every message once" "$(field unique "$out") $(field dups "$out")" "$n 0"
is "space back: no partial file" "$(field partial "$out")" 0

# Read-only store.
mount -o remount,ro "$S"
rel_send --to b@rel.example --ids r2ro --count "$m" --sessions 2 \
    --min 2000 --max 20000 --acks "$TESTTMP/acks-ro"
is "read-only: all $m messages accepted by Postfix" "$(acked "$TESTTMP/acks-ro" | wc -l)" "$m"
ro_deferred() { [ "$(grep -c 'to=<b@rel.example>.*status=deferred' "$PF_LOG")" -ge "$m" ]; }
check "read-only: every message deferred at least once" wait_for 60 ro_deferred
like "read-only: the reason is the read-only store" \
    "$(grep -m1 'to=<b@rel.example>.*status=deferred' "$PF_LOG")" 'dsn=4\.3\.0, status=deferred \(store: Read-only file system'
check "read-only: queue held, no delivery running" rel_hold
is "read-only: all still queued" "$(find "$PF_DIR/queue/hold" -type f | wc -l)" "$m"
is "read-only: nothing in new/ or tmp/ of b" "$(find "$S/rel/mailboxes/b" -type f 2>/dev/null | wc -l)" 0
rel_python_msg direct2 10 >"$TESTTMP/small"
OUT=$(setpriv --reuid=pogate --regid=pogate --clear-groups -- \
    "$LDA" -c "$REL_CONF" -f x@ext.example -- b@rel.example <"$TESTTMP/small" 2>&1)
is "read-only: pogate-lda exits 75" "$?" 75
mount -o remount,rw "$S"
rel_release
check "writable again: the queue empties" rel_wait_delivered 120
acked "$TESTTMP/acks-ro" >>"$TESTTMP/ids"
out=$(rel_check --ids "$TESTTMP/ids")
diag "$out"
secs=$((SECONDS - start))
is "writable again: no message lost" "$(field lost "$out")" 0
is "writable again: every message once, nothing partial, nothing in tmp/" \
    "$(field unique "$out") $(field dups "$out") $(field partial "$out") $(field tmp "$out")" "$((n + m)) 0 0 0"
result R2 "store full (4 MB tmpfs), then read-only" $((n + m)) "$(field unique "$out")" \
    "$(field lost "$out")" "$(field dups "$out")" "$secs" \
    "while full: $stored stored, $queued queued; partial $(field partial "$out")"
done_testing
