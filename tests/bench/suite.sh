#!/bin/bash
# suite.sh - the whole benchmark suite (tests/bench/run) under the name tests/run
# looks for: tests/run calls every tests/bench/*.sh with --quick, so this keeps
# the runner, its private MTAs and the RESULT folding of the other scripts from
# rotting. In quick mode the table goes to the scratch directory, not results/.
# usage: suite.sh [--quick] [other tests/bench/run options]
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --quick ]; then
    out=$(mktemp -d /tmp/pgb-quick.XXXXXX) || exit 1
    # The other scripts run on their own in tests/run: do not run them twice.
    bash "$here/run" "$@" --only p1,profile,p5 -o "$out"
    st=$?
    # Every measurement, for tests/bench/lib/quick.sh to check each figure.
    [ -f "$out/raw.tsv" ] && cat "$out/raw.tsv"
    rm -rf "$out"
    exit $st
fi
exec bash "$here/run" "$@"
