#!/bin/bash
# map-1m.sh - pogate-map against Postfix's postmap on one big map, in one run.
#
# usage: tests/bench/map-1m.sh [--quick] [-n KEYS] [-r REPEATS]
#   default 1,000,000 keys, 3 repetitions (interleaved); --quick: 10,000 keys, 1.
# Builds the same text map with `pogate-map FILE` and `postmap cdb:FILE`, then
# looks up 100,000 keys (a third of them absent) through `-q -` with each
# tool, and prints wall time and peak RSS (/usr/bin/time -v) of each step.
# Goal: pogate-map no slower and no larger. Also prints RESULT lines (see
# tests/bench/run). Exits non-zero only when a tool fails or the two tools
# answer the queries differently.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${SRCDIR:=$top}"
: "${BUILDDIR:=$top/build/normal}"
n=1000000 reps=3 nq=100000
while [ $# -gt 0 ]; do
    case $1 in
    --quick) n=10000 reps=1 nq=5000 ;;
    -n) n=$2; shift ;;
    -r) reps=$2; shift ;;
    *) sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2 ;;
    esac
    shift
done
PM=$BUILDDIR/maps/pogate-map
for tool in "$PM" /usr/bin/time postmap; do
    command -v "$tool" >/dev/null || { echo "map-1m.sh: $tool missing (tests/deps.sh)" >&2; exit 1; }
done
W=$(mktemp -d "${TESTTMP:-/tmp}/map1m.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
printf 'compatibility_level = 3.6\n' >"$W/main.cf"      # postmap needs a main.cf, nothing else

# The map: addresses to PO/MBX, as the postoffice maps look; keys in random order.
awk -v n="$n" 'BEGIN { srand(42); for (i = 0; i < n; i++)
    printf "user%07d@dept%d.example.com\tpo%d/mbx%07d\n", i, i % 97, i % 97, i }' |
    shuf --random-source=<(yes) >"$W/text"
awk -v n="$n" -v q="$nq" 'BEGIN { srand(7); for (i = 0; i < q; i++) {
    k = int(rand() * n * 1.5); printf "user%07d@dept%d.example.com\n", k, k % 97 } }' >"$W/keys"

# measure NAME CMD...: run with /usr/bin/time -v; sets SECS and RSS (KiB).
measure() {
    local name=$1; shift
    if ! /usr/bin/time -v -o "$W/time.$name" "$@" >"$W/out.$name" 2>"$W/err.$name"; then
        [ "$name" = "${name#q-}" ] && { echo "map-1m.sh: $name failed:"; cat "$W/err.$name"; exit 1; } >&2
    fi
    SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.3f", s }' "$W/time.$name")
    RSS=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$W/time.$name")
}

declare -A sum_s sum_r
for r in $(seq "$reps"); do
    for tool in pogate-map postmap; do
        cp "$W/text" "$W/$tool"
        if [ "$tool" = pogate-map ]; then measure build-$tool "$PM" "$W/$tool"
        else measure build-$tool postmap -c "$W" "cdb:$W/$tool"; fi
        echo -e "RESULT\tmap-1m\t$tool\tbuild s\t$SECS\t$n keys"
        echo -e "RESULT\tmap-1m\t$tool\tbuild peak RSS KiB\t$RSS"
        sum_s[build-$tool]="${sum_s[build-$tool]:-} $SECS" sum_r[build-$tool]="${sum_r[build-$tool]:-} $RSS"
        if [ "$tool" = pogate-map ]; then measure q-$tool "$PM" -q - "$W/$tool" <"$W/keys"
        else measure q-$tool postmap -c "$W" -q - "cdb:$W/$tool" <"$W/keys"; fi
        echo -e "RESULT\tmap-1m\t$tool\tquery s\t$SECS\t$nq keys by -q -"
        echo -e "RESULT\tmap-1m\t$tool\tquery peak RSS KiB\t$RSS"
        sum_s[q-$tool]="${sum_s[q-$tool]:-} $SECS" sum_r[q-$tool]="${sum_r[q-$tool]:-} $RSS"
    done
    if ! cmp -s "$W/out.q-pogate-map" "$W/out.q-postmap"; then
        echo "map-1m.sh: pogate-map and postmap answered differently" >&2
        diff "$W/out.q-pogate-map" "$W/out.q-postmap" | head -5 >&2
        exit 1
    fi
done
found=$(wc -l <"$W/out.q-pogate-map")
size_pm=$(stat -c %s "$W/pogate-map.cdb") size_pf=$(stat -c %s "$W/postmap.cdb")

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '\nmap-1m: %d keys (%d MB text), %d lookups (%d found), median of %d\n' \
    "$n" $(( $(stat -c %s "$W/text") / 1048576 )) "$nq" "$found" "$reps"
printf '%-8s | %14s | %14s | %8s | %16s | %16s | %8s\n' step "pogate-map s" "postmap s" ratio \
    "pogate-map KiB" "postmap KiB" ratio
for step in build q; do
    a=$(median <<<"${sum_s[$step-pogate-map]}") b=$(median <<<"${sum_s[$step-postmap]}")
    c=$(median <<<"${sum_r[$step-pogate-map]}") d=$(median <<<"${sum_r[$step-postmap]}")
    printf '%-8s | %14s | %14s | %8s | %16s | %16s | %8s\n' "$([ $step = q ] && echo query || echo build)" \
        "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a (%s s: below the timer)", b }')" \
        "$c" "$d" "$(awk -v a="$c" -v b="$d" 'BEGIN { if (b > 0) printf "%.2f", a / b }')"
done
printf 'cdb size: pogate-map %d bytes, postmap %d bytes (ratio < 1 = pogate-map faster / smaller)\n' \
    "$size_pm" "$size_pf"
