#!/bin/bash
# track-1g.sh - pogate-track over a 1 GB mail log, next to grep on the same file.
#
# usage: tests/bench/track-1g.sh [--quick] [-s MEGABYTES] [-r REPEATS] [-o FILE]
#   default 1024 MB and 1 repetition; --quick: 16 MB (what tests/run runs).
# Writes a log of that size with tests/bench/lib/maillog-gen.py (a Postfix
# relay host with pogate: per message smtpd, pogate-milter, cleanup, qmgr,
# pogate-lda and pipe lines, about ten messages in flight, 50 postoffices),
# reads it once so that every run finds it in the page cache, then measures
# wall time, CPU and peak RSS (/usr/bin/time) of:
#   grep QUEUEID FILE                      the admin's way today
#   pogate-track -f FILE QUEUEID           the same question, one block out
#   grep ADDRESS FILE
#   pogate-track -f FILE ADDRESS           every line parsed, messages joined
#   pogate-track -f FILE po=po7            2 % of the messages out (to /dev/null)
#   pogate-track -f FILE ADDRESS, 1/16 of the log: the memory is the same (streamed)
# and prints a table and RESULT lines (see tests/bench/run), section P7.
# Exits non-zero only when a tool fails or pogate-track does not find the
# message grep finds.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${SRCDIR:=$top}"
: "${BUILDDIR:=$top/build/normal}"
mb=1024 reps=1 outfile=
while [ $# -gt 0 ]; do
    case $1 in
    --quick) mb=16 ;;
    -s) mb=$2; shift ;;
    -r) reps=$2; shift ;;
    -o) outfile=$2; shift ;;
    *) sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2 ;;
    esac
    shift
done
TRACK=$BUILDDIR/maps/pogate-track
for tool in "$TRACK" /usr/bin/time python3 grep; do
    command -v "$tool" >/dev/null || { echo "track-1g.sh: $tool missing (tests/deps.sh)" >&2; exit 1; }
done
W=$(mktemp -d "${TESTTMP:-/tmp}/track1g.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
log=$W/mail.log

echo "# writing a ${mb} MB log"
read -r n qid addr < <(python3 "$SRCDIR/tests/bench/lib/maillog-gen.py" "$mb" "$log") || exit 1
head -c $((1024 * 1024 * mb / 16)) "$log" | sed '$d' >"$W/small.log"
read -r small_addr < <(sed -n 's/.*pogate-milter.*to=<\(user[0-9]*@po[0-9]*\.example\.com\)>.*/\1/p' "$W/small.log" |
    sed -n "$(($(grep -c pogate-milter "$W/small.log") / 2))p")
bytes=$(stat -c %s "$log")
cat "$log" >/dev/null
echo "# $n messages, $bytes bytes; the middle one: $qid $addr"

# measure LABEL OUT CMD...: /usr/bin/time of CMD (stdout to OUT), one line "wall user sys rss".
measure() {
    local label=$1 out=$2 t
    shift 2
    t=$(/usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >"$out" | tail -1)
    printf '%s\t%s\n' "$label" "$t" >>"$W/times"
}
: >"$W/times"
for r in $(seq 1 "$reps"); do
    measure "grep QUEUEID" "$W/grep.out" grep "$qid" "$log"
    measure "pogate-track QUEUEID" "$W/track.out" "$TRACK" -c "$W" -f "$log" "$qid"
    measure "grep ADDRESS" "$W/grepa.out" grep -F "$addr" "$log"
    measure "pogate-track ADDRESS" "$W/tracka.out" "$TRACK" -c "$W" -f "$log" "$addr"
    measure "pogate-track po=po7" /dev/null "$TRACK" -c "$W" -f "$log" po=po7
    measure "pogate-track ADDRESS, 1/16 log" /dev/null "$TRACK" -c "$W" -f "$W/small.log" "$small_addr"
done
fail=0
[ "$(grep -c "$qid" "$W/grep.out")" -ge 6 ] || { echo "FAIL: grep found $(wc -l <"$W/grep.out") lines" >&2; fail=1; }
grep -q "^$qid  .* delivered" "$W/track.out" || { echo "FAIL: pogate-track did not find $qid" >&2; fail=1; }
grep -q "^$qid  .* delivered" "$W/tracka.out" || { echo "FAIL: pogate-track did not find $addr" >&2; fail=1; }

{
    printf '\nP7: pogate-track over a %s MB log (%s messages, in the page cache), next to grep\n\n' "$mb" "$n"
    printf '%-32s %9s %9s %9s %10s %9s\n' "command" "wall s" "user s" "sys s" "peak RSS" "MB/s"
    awk -F '\t' -v mb="$mb" '
        { split($2, v, " "); n[$1]++; w[$1] = w[$1] " " v[1]; u[$1] += v[2]; s[$1] += v[3]
          if (v[4] > m[$1]) m[$1] = v[4]; if (!($1 in order)) { order[$1] = ++k; name[k] = $1 } }
        function median(list,   a, c, i, j, x) { c = split(list, a, " ")
            for (i = 2; i <= c; i++) { x = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            return a[int((c + 1) / 2)] }
        END { for (i = 1; i <= k; i++) { c = name[i]; wall = median(w[c])
              size = c ~ /1\/16/ ? mb / 16 : mb
              printf "%-32s %9.2f %9.2f %9.2f %7d KB %9.0f\n", c, wall, u[c] / n[c], s[c] / n[c], m[c],
                     (wall > 0 ? size / wall : 0) } }' "$W/times"
    echo
    echo "grep prints the matching lines; pogate-track prints the joined block (client, sender,"
    echo "recipient, postoffice, mailbox, both statuses, stored file). A queue id query parses only"
    echo "the lines that hold the id; an address or po= query parses every line and joins messages."
} | tee "${outfile:-/dev/null}"
awk -F '\t' '{ split($2, v, " "); printf "RESULT\tP7\t%s\ts\t%s\nRESULT\tP7\t%s\tKiB\t%s\n", $1, v[1], $1, v[4] }' "$W/times"
exit "$fail"
