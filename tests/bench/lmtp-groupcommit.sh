#!/bin/bash
# lmtp-groupcommit.sh - what group commit buys pogate-lmtp: the same LMTP load
# (tests/bench/lmtp_load.c: pipelined transactions, 8 KB messages) delivered
# with group commit on, then off (pogate-lmtp -G: each delivery fsyncs its new/
# directory alone), for 1 and 20 concurrent connections (Postfix's default
# lmtp_destination_concurrency_limit), to one mailbox and to three recipients
# in three directories. Prints a table: messages/s and directory fsyncs per
# delivered copy, and the on/off ratio. Compare ratios within one run: the
# machine is noisy.
#
# usage: lmtp-groupcommit.sh [--quick]     (--quick: 300 messages a row instead of 3000)
. "$SRCDIR/tests/lib/tap.sh" 2>/dev/null || { SRCDIR=$(cd "$(dirname "$0")/../.." && pwd); . "$SRCDIR/tests/lib/tap.sh"; }
. "$SRCDIR/tests/lib/lmtp.sh"

n=3000
[ "${1:-}" = --quick ] && n=300
for p in "$LMTP" "$LMTP_LOAD" "$POGATE_MAP"; do
    [ -x "$p" ] || { echo "lmtp-groupcommit.sh: $p not built, nothing to measure"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "lmtp-groupcommit.sh: needs root (the server drops to user pogate)" >&2; exit 1; }

work=$TESTTMP/gc
conf=$work/conf sock=$work/run/lmtp.sock
mkdir -p "$work/run"
trap 'lmtp_stop' EXIT

# run MODE CONNS RCPTS...: one row; the store is emptied first so every row starts alike.
run() {
    local mode=$1 conns=$2 log=$work/lmtp.$1.$2.log
    shift 2
    rm -rf "$work/store"
    lmtp_conf "$conf" "$work/store" >/dev/null || exit 1
    : >"$log"
    if [ "$mode" = on ]; then lmtp_start "$conf" "unix:$sock" "$log"; else lmtp_start "$conf" "unix:$sock" "$log" -G; fi ||
        { echo "pogate-lmtp did not start:" >&2; cat "$log" >&2; exit 1; }
    out=$("$LMTP_LOAD" -s "unix:$sock" -c "$conns" -n "$n" -k 8 "$@")
    lmtp_stop
    read -r _ sent _ acked _ failed _ secs _ rate <<<"$out"
    stats=$(sed -n 's/.*stopped: \([0-9]*\) directory syncs requested, \([0-9]*\) fsyncs performed.*/\1 \2/p' "$log")
    read -r calls fsyncs <<<"$stats"
    [ "$failed" = 0 ] && [ "$acked" = $((sent * $#)) ] || { echo "deliveries failed: $out" >&2; cat "$log" >&2; exit 1; }
    printf '%-4s %5s %5s %6s %8s %9s %11s %9s\n' "$mode" "$conns" "$#" "$sent" "$secs" "$rate" \
        "$fsyncs" "$(awk -v f="$fsyncs" -v c="$acked" 'BEGIN { printf "%.3f", c ? f / c : 0 }')"
    # For tests/bench/run (see the RESULT convention at its top).
    printf 'RESULT\tlmtp-gc\tgroup commit %s, %s conns, %s rcpts\tmsg/s\t%s\n' "$mode" "$conns" "$#" "$rate"
    printf 'RESULT\tlmtp-gc\tgroup commit %s, %s conns, %s rcpts\tdir fsyncs/copy\t%s\n' "$mode" "$conns" "$#" \
        "$(awk -v f="$fsyncs" -v c="$acked" 'BEGIN { printf "%.3f", c ? f / c : 0 }')"
    last_rate=$rate
}

one="john.smith@sales.example.com"
three="john.smith@sales.example.com boss@hr.example.com gate@bag.example.com"
printf '%-4s %5s %5s %6s %8s %9s %11s %9s\n' gc conns rcpts msgs seconds msg/s dir-fsyncs per-copy
for set in one three; do
    for conns in 1 20; do
        # shellcheck disable=SC2086
        run on "$conns" ${!set}; on=$last_rate
        # shellcheck disable=SC2086
        run off "$conns" ${!set}; off=$last_rate
        awk -v a="$on" -v b="$off" 'BEGIN { exit !(a > 0 && b > 0) }' ||
            { echo "lmtp-groupcommit.sh: no rate to compare ('$on' on, '$off' off)" >&2; exit 1; }
        printf '%-4s %5s %5s %6s %8s %9s %11s %9s\n' "" "" "" "" "" \
            "$(awk -v a="$on" -v b="$off" 'BEGIN { printf "x%.2f", a / b }')" "(on/off)" ""
    done
done
