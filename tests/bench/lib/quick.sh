#!/bin/bash
# quick.sh SCRIPT: one benchmark script in its short form (SCRIPT --quick), as
# TAP for tests/run: the script completes, prints RESULT lines, and every
# figure in them was computed (tests/bench/lib/check.awk: n/a shows as a skip
# with its reason, a missing or zero figure fails). The script's own output
# comes first, each line as "  | LINE".
here=$(cd "$(dirname "$0")" && pwd)
b=$1 name=$(basename "$1" .sh)
: "${TESTTMP:=$(mktemp -d /tmp/pogate-test.XXXXXX)}"
out=$TESTTMP/quick.$name.out
bash "$b" --quick >"$out" 2>&1 </dev/null
st=$?
sed 's/^/  | /' "$out"
ok=0
if [ "$st" = 0 ]; then echo "ok 1 - $name --quick completed"
else echo "not ok 1 - $name --quick exited with status $st"; ok=1; fi
if grep -qP '^RESULT\t' "$out"; then
    awk -v tap=1 -v first=2 -f "$here/check.awk" "$out" >"$out.tap" || ok=1
    cat "$out.tap"
    echo "1..$(( $(grep -cE '^(ok|not ok) ' "$out.tap") + 1 ))"
else
    echo "not ok 2 - $name --quick printed no RESULT line"
    echo "1..2"
    ok=1
fi
exit $ok
