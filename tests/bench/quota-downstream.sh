#!/bin/bash
# quota-downstream.sh - what a downstream postoffice's quota costs a delivery
# when its hub's mailbag holds a backlog. The hub BAG's mailbag/new is filled
# with N (5000) files named as pogate names them (,S=SIZE), one in ten of them
# the downstream postoffice DOWN's (via=BAG, its envelope naming it), the
# rest BAG's own; then M (200) messages to clerk@down.example.com go through
# one pogate-lmtp (one connection, 4 KB each), which measures DOWN's usage
# before each delivery when DOWN has a quota. Rows: DOWN without a quota (what
# a delivery costs anyway) and with quota=1G, each run twice: timed (msg/s),
# and under strace -c -f (system calls per delivery, all and openat alone;
# the first delivery's scan is in the mean). Then one pogate-lda delivery to
# DOWN with its quota under strace -c -f: a process that measures once and
# exits.
#
# usage: quota-downstream.sh [--quick] [-n FILES] [-m MESSAGES]
#   --quick: 500 files, 20 messages (what tests/run runs so nothing rots)
. "$SRCDIR/tests/lib/tap.sh" 2>/dev/null || { SRCDIR=$(cd "$(dirname "$0")/../.." && pwd); . "$SRCDIR/tests/lib/tap.sh"; }
. "$SRCDIR/tests/lib/lmtp.sh"

n=5000 m=200
while [ $# -gt 0 ]; do
    case $1 in
    --quick) n=500 m=20 ;;
    -n) n=$2; shift ;;
    -m) m=$2; shift ;;
    *) sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2 ;;
    esac
    shift
done
LDA=$BUILDDIR/lda/pogate-lda
for p in "$LMTP" "$LMTP_LOAD" "$POGATE_MAP" "$LDA"; do
    [ -x "$p" ] || { echo "quota-downstream.sh: $p not built, nothing to measure"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "quota-downstream.sh: needs root (the server drops to user pogate)" >&2; exit 1; }
if ! command -v strace >/dev/null; then
    printf 'RESULT\tquota-downstream\tpogate-lmtp, DOWN quota=1G\tsyscalls/delivery\tn/a (no strace)\n'
    exit 0
fi

work=$TESTTMP/qd
conf=$work/conf store=$work/store sock=$work/run/lmtp.sock
mkdir -p "$work/run"
trap 'lmtp_stop' EXIT

# The maps with DOWN (its quota: $1, may be empty), and BAG's mailbag holding N files.
setup() {
    rm -rf "$store"
    lmtp_conf "$conf" "$store" >/dev/null || exit 1
    echo "DOWN domain=down.example.com via=BAG $1 maxsize=10M state=active postmaster=CLERK" >>"$conf/postoffices"
    echo "DOWN/CLERK address=clerk@down.example.com" >>"$conf/mailboxes"
    "$POGATE_MAP" -c "$conf" >"$conf/pogate-map.log" 2>&1 || { cat "$conf/pogate-map.log" >&2; exit 1; }
    mkdir -p "$store/bag/mailbag/new" "$store/bag/mailbag/cur" "$store/bag/mailbag/tmp"
    local body i po text
    body=$(head -c 3000 /dev/zero | tr '\0' x)
    for ((i = 0; i < n; i++)); do
        po=bag
        [ $((i % 10)) = 0 ] && po=down
        printf -v text 'X-Pogate-Envelope: 1\nX-Pogate-Sender: <a@example.org>\nX-Pogate-Postoffice: %s\nX-Pogate-Recipient: <x@%s.example.com>\n\nSubject: backlog %d\n\n%s\n' \
            "$po" "$po" "$i" "$body"
        printf '%s' "$text" >"$store/bag/mailbag/new/1796000000.Q$i.bench,S=${#text}"
    done
    chown -R pogate "$store"
}

# One pogate-lmtp run of M messages to DOWN; "$@" before the server (strace).
run() {
    local log=$work/lmtp.log pid
    : >"$log"
    rm -f "$conf/run/lmtp.pid"
    "$@" "$LMTP" -f -c "$conf" -p "unix:$sock" >>"$log" 2>&1 &
    LMTP_PID=$!
    wait_for 30 grep -q "listening on unix:$sock" "$log" || { echo "pogate-lmtp did not start:" >&2; cat "$log" >&2; exit 1; }
    out=$("$LMTP_LOAD" -s "unix:$sock" -c 1 -n "$m" -k 4 clerk@down.example.com)
    # Under strace the server is strace's child: stop the server, strace follows.
    pid=$(cat "$conf/run/lmtp.pid" 2>/dev/null)
    [ -n "$pid" ] && [ "$pid" != "$LMTP_PID" ] && kill -TERM "$pid"
    lmtp_stop
    read -r _ sent _ acked _ failed _ secs _ rate <<<"$out"
    [ "$failed" = 0 ] && [ "$acked" = "$sent" ] || { echo "deliveries failed: $out" >&2; cat "$log" >&2; exit 1; }
}

# strace -c's total calls and those of SYSCALL in FILE.
calls() { awk -v s="$2" '$NF == s { c = $4 } END { print c + 0 }' "$1"; }

per() { awk -v a="$1" -v b="$m" 'BEGIN { printf "%.1f", a / b }'; }
printf '%s files in the hub'"'"'s bag (%s of DOWN'"'"'s), %s deliveries to DOWN:\n' "$n" "$((n / 10))" "$m"
printf '  %-34s %8s %18s %16s\n' "" msg/s syscalls/delivery openat/delivery
for quota in "" quota=1G; do
    setup "$quota"
    run
    r=$rate
    setup "$quota"
    run strace -f -c -o "$work/lmtp.strace"
    all=$(per "$(calls "$work/lmtp.strace" total)") open=$(per "$(calls "$work/lmtp.strace" openat)")
    v="pogate-lmtp, DOWN ${quota:-without a quota}"
    printf '  %-34s %8s %18s %16s\n' "$v" "$r" "$all" "$open"
    printf 'RESULT\tquota-downstream\t%s, %s files in the hub bag\tmsg/s\t%s\n' "$v" "$n" "$r"
    printf 'RESULT\tquota-downstream\t%s, %s files in the hub bag\tsyscalls/delivery\t%s\n' "$v" "$n" "$all"
    printf 'RESULT\tquota-downstream\t%s, %s files in the hub bag\topenat/delivery\t%s\n' "$v" "$n" "$open"
done

printf 'Subject: one\n\nbody\n' >"$work/msg"
strace -f -c -o "$work/lda.strace" setpriv --reuid=pogate --regid="$(id -g pogate)" --clear-groups \
    "$LDA" -c "$conf" -f a@example.org -- clerk@down.example.com <"$work/msg" >/dev/null ||
    { echo "pogate-lda failed" >&2; exit 1; }
all=$(calls "$work/lda.strace" total) open=$(calls "$work/lda.strace" openat)
printf '  %-34s %8s %18s %16s (one process a message)\n' "pogate-lda, DOWN quota=1G" - "$all" "$open"
printf 'RESULT\tquota-downstream\tpogate-lda, DOWN quota=1G, %s files in the hub bag\tsyscalls/delivery\t%s\n' "$n" "$all"
printf 'RESULT\tquota-downstream\tpogate-lda, DOWN quota=1G, %s files in the hub bag\topenat/delivery\t%s\n' "$n" "$open"
