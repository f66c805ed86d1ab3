#!/bin/bash
# lda-5000.sh - pogate-lda against dovecot-lda and against the disk's limit.
#
# Delivers N (5000) messages of 8 KB, as the user pogate, into one Maildir, in
# three ways, R (3) rounds, the variants interleaved within each round so that
# the machine's drift hits all alike:
#   loop         tests/bench/lda_bench loop: P processes doing tmp O_EXCL, write,
#                fsync, close, link into new/, fsync new/, unlink in a loop (no
#                fork+exec, no parsing): what the disk allows
#   pogate-lda   tests/bench/lda_bench run: fork+exec pogate-lda per message with
#                the message on stdin, P at a time (as Postfix runs pipe(8) with a
#                destination concurrency)
#   dovecot-lda  the same driver, /usr/lib/dovecot/dovecot-lda with a private
#                config: mail_location = maildir:~/Maildir:INDEX=MEMORY (no index
#                files), mail_fsync = always (durable like the others), no -d (no
#                auth/userdb lookup, the user running it), log to a file, stats off
# Prints msg/s per round, the medians side by side, and the ratios of the
# medians (goals: pogate-lda >= 0.9 x loop, >= 2.5 x dovecot-lda).
#
# usage: lda-5000.sh [--quick] [-n N] [-r ROUNDS] [-P CONCURRENCY]
#   --quick: 100 messages, 1 round (what tests/run runs so nothing rots)
. "$SRCDIR/tests/lib/tap.sh" 2>/dev/null || { SRCDIR=$(cd "$(dirname "$0")/../.." && pwd); . "$SRCDIR/tests/lib/tap.sh"; }

n=5000 rounds=3 P=4
while [ $# -gt 0 ]; do
    case $1 in
    --quick) n=100 rounds=1 ;;
    -n) n=$2; shift ;;
    -r) rounds=$2; shift ;;
    -P) P=$2; shift ;;
    *) sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2 ;;
    esac
    shift
done
LDA=$BUILDDIR/lda/pogate-lda DRIVE=$BUILDDIR/tests/bench/lda_bench MAP=$BUILDDIR/maps/pogate-map
DOVECOT_LDA=${DOVECOT_LDA:-/usr/lib/dovecot/dovecot-lda}
for p in "$LDA" "$DRIVE" "$MAP"; do
    [ -x "$p" ] || { echo "lda-5000.sh: $p not built, nothing to measure"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "lda-5000.sh: needs root (runs the deliveries as user pogate)" >&2; exit 1; }
AS=(setpriv --reuid=pogate --regid=pogate --clear-groups --)

W=$TESTTMP/lda5000
mkdir -p "$W"
chmod 755 "$TESTTMP" "$W"
# An 8 KB message with ordinary headers.
{
    printf 'Received: from client.example.org (client.example.org [192.0.2.1])\n\tby relay.example.com (Postfix) with ESMTP id 4ABC123\n'
    printf 'From: Bench Sender <bench@example.org>\nTo: John Smith <john.smith@sales.example.com>\n'
    printf 'Subject: benchmark message\nMessage-ID: <bench.1@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n'
    printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
    head -c 8000 /dev/urandom | base64 -w 76
} | head -c 8192 >"$W/msg"
chmod 644 "$W/msg"

# pogate: the test maps, log_level warning (one info line per delivery is the
# production default; keep it: log_file like a host without syslog).
mkdir -p "$W/conf"
cp "$SRCDIR"/tests/lda/conf/* "$W/conf"/
printf 'store = %s\nlog_file = %s\n' "$W/store" "$W/pogate-lda.log" >"$W/conf/pogate.conf"
"$MAP" -c "$W/conf" >/dev/null || exit 1
cat >"$W/dovecot.conf" <<DC
base_dir = $W/dovecot-run
log_path = $W/dovecot-lda.log
mail_location = maildir:~/Maildir:INDEX=MEMORY
mail_fsync = always
ssl = no
first_valid_uid = 1
stats_writer_socket_path =
DC
chmod 644 "$W/dovecot.conf"

# fresh: empty stores, owned by pogate.
fresh() {
    rm -rf "$W/store" "$W/loop" "$W/home" "$W/dovecot-run" "$W/pogate-lda.log" "$W/dovecot-lda.log"
    mkdir -p "$W/store" "$W/loop/tmp" "$W/loop/new" "$W/loop/cur" "$W/home" "$W/dovecot-run"
    touch "$W/pogate-lda.log" "$W/dovecot-lda.log"
    chown -R pogate "$W/store" "$W/loop" "$W/home" "$W/dovecot-run" "$W/pogate-lda.log" "$W/dovecot-lda.log"
}

# measure VARIANT: one run; prints msg/s, checks that exactly n files arrived.
measure() {
    local out dir
    fresh
    sync
    case $1 in
    loop) out=$("${AS[@]}" "$DRIVE" loop "$W/loop" "$n" "$P" "$W/msg") dir=$W/loop/new ;;
    pogate-lda) out=$("${AS[@]}" "$DRIVE" run "$n" "$P" "$W/msg" -- "$LDA" -c "$W/conf" -f bench@example.org \
        -- john.smith@sales.example.com) dir=$W/store/sales/mailboxes/jsmith/new ;;
    dovecot-lda) out=$("${AS[@]}" env -i HOME="$W/home" USER=pogate PATH=/usr/bin:/bin "$DRIVE" run "$n" "$P" \
        "$W/msg" -- "$DOVECOT_LDA" -c "$W/dovecot.conf" -f bench@example.org) dir=$W/home/Maildir/new ;;
    esac
    got=$(find "$dir" -type f 2>/dev/null | wc -l)
    if [ "$got" != "$n" ]; then echo "FAIL ($1: $got of $n delivered)"; return 1; fi
    echo "${out##* }"
}

variants="loop pogate-lda dovecot-lda"
[ -x "$DOVECOT_LDA" ] || { echo "lda-5000.sh: no $DOVECOT_LDA (Debian package dovecot-core; tests/deps.sh installs it)" >&2; exit 1; }

status=0
echo "lda-5000: $n messages of 8 KB, concurrency $P, $rounds round(s); msg/s"
printf '%-6s %12s %12s %12s\n' round loop pogate-lda dovecot-lda
for r in $(seq "$rounds"); do
    row=()
    for v in $variants; do
        rate=$(measure "$v") || status=1

        row+=("$rate")
        printf 'RESULT\tlda-5000\t%s\tmsg/s\t%s\t%s x 8 KB, concurrency %s\n' "$v" "$rate" "$n" "$P"
    done
    printf '%-6s %12s %12s %12s\n' "$r" "${row[@]}"
done 2>&1 | tee "$W/out" | grep -v '^RESULT'
grep '^RESULT' "$W/out"
med() { grep -E '^[0-9.]+$' | sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; else print 0 }'; }
declare -A m
for v in $variants; do m[$v]=$(grep -P "^RESULT\tlda-5000\t$v\tmsg/s\t" "$W/out" | cut -f5 | med); done
printf '%-6s %12s %12s %12s\n' median "${m[loop]}" "${m[pogate-lda]}" "${m[dovecot-lda]:-n/a}"
# A ratio without both rates is no figure: printed empty, it fails the run
# (tests/bench/lib/check.awk), never as 0 or n/a.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b }'; }
echo "pogate-lda / loop        = $(ratio "${m[pogate-lda]}" "${m[loop]}")   (goal >= 0.9)"
echo "pogate-lda / dovecot-lda = $(ratio "${m[pogate-lda]}" "${m[dovecot-lda]:-0}")   (goal >= 2.5)"
printf 'RESULT\tlda-5000\tpogate-lda\tratio to loop\t%s\n' "$(ratio "${m[pogate-lda]}" "${m[loop]}")"
printf 'RESULT\tlda-5000\tpogate-lda\tratio to dovecot-lda\t%s\n' "$(ratio "${m[pogate-lda]}" "${m[dovecot-lda]:-0}")"
grep -q FAIL "$W/out" && status=1
if [ -z "$(ratio "${m[pogate-lda]}" "${m[loop]}")" ] || [ -z "$(ratio "${m[pogate-lda]}" "${m[dovecot-lda]:-0}")" ]; then
    echo "lda-5000.sh: a ratio could not be computed" >&2; status=1
fi
exit $status
