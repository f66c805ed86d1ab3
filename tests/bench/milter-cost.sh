#!/bin/bash
# milter-cost.sh - CPU cost of pogate-milter per message, in instructions
# (valgrind callgrind: repeatable to about 0.1 %), against a no-op libmilter
# filter (tests/bench/noop-milter.c) on the same traffic (tests/milter/traffic.lua:
# one connection per message, 2 recipients, 6 headers, 2 KB body).
# Per message = (Ir of a run with N messages - Ir of a run with none) / N,
# so start-up and shutdown do not count. Prints a table; goal <= 1.25x.
#
# usage: milter-cost.sh [--quick]     (--quick: 20 messages instead of 200)
#        KEEP_CG=DIR milter-cost.sh    (keeps the callgrind files for callgrind_annotate)
. "$SRCDIR/tests/lib/tap.sh" 2>/dev/null || { SRCDIR=$(cd "$(dirname "$0")/../.." && pwd); . "$SRCDIR/tests/lib/tap.sh"; }
. "$SRCDIR/tests/lib/milter.sh"

n=200
[ "${1:-}" = --quick ] && n=20
NOOP=${NOOP_MILTER:-$BUILDDIR/tests/bench/noop-milter}
if [ ! -x "$MILTER" ]; then echo "milter-cost.sh: skipped, pogate-milter not built"; exit 0; fi
for p in "$MILTER" "$NOOP"; do
    [ -x "$p" ] || { echo "milter-cost.sh: $p not built" >&2; exit 1; }
done
for c in valgrind miltertest setpriv; do
    command -v "$c" >/dev/null || { echo "milter-cost.sh: $c is not installed (tests/deps.sh installs it)" >&2; exit 1; }
done

work=$TESTTMP/cost
as_user=
[ "$(id -u)" = 0 ] && as_user="setpriv --reuid=pogate --regid=pogate --init-groups"
mkdir -p "$work/cg" && chown pogate "$work/cg" && chmod 777 "$work/cg"

# ir PROGRAM-LABEL MESSAGES CMD...: total instructions of CMD serving MESSAGES messages.
ir() {
    local label=$1 msgs=$2 sock=$work/cg/$1.sock out=$work/cg/$1.$2.out log=$work/$1.$2.log pid
    shift 2
    rm -f "$sock" "$out"
    # Started as the daemon user: a setuid() under callgrind could not write its output.
    $as_user valgrind --tool=callgrind --callgrind-out-file="$out" "$@" "unix:$sock" >"$log" 2>&1 &
    pid=$!
    wait_for 60 grep -q 'ready:' "$log" || { echo "$label did not start" >&2; cat "$log" >&2; return 1; }
    if [ "$msgs" -gt 0 ]; then
        miltertest -D sock="unix:$sock" -D lib="$SRCDIR/tests/milter/lib.lua" -D n="$msgs" \
            -s "$SRCDIR/tests/milter/traffic.lua" >"$work/mt.out" 2>&1 ||
            { echo "traffic failed against $label" >&2; cat "$work/mt.out" >&2; kill "$pid"; return 1; }
    fi
    kill -TERM "$pid"; wait "$pid"; [ -n "${KEEP_CG:-}" ] && cp "$out" "$KEEP_CG"/ 2>/dev/null
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out" | head -1
}

per_msg() {     # LABEL CMD...: instructions per message
    local label=$1 base full
    shift
    base=$(ir "$label" 0 "$@") && full=$(ir "$label" "$n" "$@") || return 1
    echo $(( (full - base) / n ))
}

conf=$work/conf
milter_conf "$conf" || exit 1
confoff=$work/conf-off
milter_conf "$confoff" "spf = off" || exit 1
sed -i 's/^spf = reject$/spf = header/' "$conf/pogate.conf"

noop=$(per_msg noop "$NOOP") || exit 1
pg=$(per_msg pogate "$MILTER" -f -c "$conf" -p) || exit 1
pgoff=$(per_msg pogate-nospf "$MILTER" -f -c "$confoff" -p) || exit 1
# Each figure was counted, or there is nothing to compare (a 0.00x is no result).
for v in noop pg pgoff; do
    [ "${!v:-0}" -gt 0 ] 2>/dev/null ||
        { echo "milter-cost.sh: no instruction count for $v ('${!v}'): callgrind gave no summary" >&2; exit 1; }
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
r=$(ratio "$pg" "$noop") roff=$(ratio "$pgoff" "$noop")

printf '%-34s %14s %8s\n' "milter ($n messages)" "Ir/message" "ratio"
printf '%-34s %14d %8s\n' "no-op libmilter filter" "$noop" "1.00x"
printf '%-34s %14d %7.2fx\n' "pogate-milter, spf = off" "$pgoff" "$roff"
printf '%-34s %14d %7.2fx\n' "pogate-milter, spf = header (zone)" "$pg" "$r"
# For tests/bench/run (see the RESULT convention at its top).
printf 'RESULT\tP2\t%s\tIr/msg\t%s\t%s\n' "no-op libmilter filter" "$noop" "$n messages" \
    "pogate-milter, spf = off" "$pgoff" "$n messages" "pogate-milter, spf = header (zone)" "$pg" "$n messages"
printf 'RESULT\tP2\t%s\tratio to no-op\t%s\tgoal <= 1.25\n' \
    "pogate-milter, spf = off" "$roff" "pogate-milter, spf = header (zone)" "$r"
