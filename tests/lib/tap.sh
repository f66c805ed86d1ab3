# shellcheck shell=bash
# tap.sh - the TAP helpers every shell test in tests/ sources.
#
# A test script prints one "ok N - what" or "not ok N - what" line per check and
# ends with done_testing; tests/run counts those lines. A script that dies before
# done_testing is counted as a failure by the runner (its exit code is non-zero).
#
# Environment set by tests/run (defaults let a script run on its own from a
# configured build tree):
#   SRCDIR    source tree (top)
#   BUILDDIR  build tree holding maps/ lda/ milter/ binaries
#   TESTTMP   a scratch directory for this script, removed by the runner

: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build/normal}"
if [ -z "${TESTTMP:-}" ]; then
    TESTTMP=$(mktemp -d /tmp/pogate-test.XXXXXX)
    chmod 755 "$TESTTMP"
    trap 'rm -rf "$TESTTMP"' EXIT
fi
export SRCDIR BUILDDIR TESTTMP

_tap_n=0
_tap_failed=0

ok()      { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok()  { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }
skip()    { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # skip $*"; }
diag()    { echo "# $*"; }

# check "what" CMD ARGS...: passes when CMD exits 0.
check() {
    _what=$1; shift
    if "$@"; then ok "$_what"; else not_ok "$_what (exit $?: $*)"; fi
}

# check_fail "what" CMD ARGS...: passes when CMD exits non-zero.
check_fail() {
    _what=$1; shift
    if "$@"; then not_ok "$_what (unexpected success: $*)"; else ok "$_what"; fi
}

# check_exit "what" CODE CMD ARGS...: passes when CMD exits with CODE.
check_exit() {
    _what=$1; _want=$2; shift 2
    "$@"; _got=$?
    if [ "$_got" = "$_want" ]; then ok "$_what"; else not_ok "$_what (exit $_got, want $_want)"; fi
}

# is "what" GOT WANT: string equality.
is() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "got:  '$2'"; diag "want: '$3'"; fi
}

# like "what" GOT PATTERN: grep -E match.
like() {
    if printf '%s\n' "$2" | grep -qE -- "$3"; then ok "$1"; else not_ok "$1"; diag "got: '$2'"; diag "want match: '$3'"; fi
}

# wait_for SECONDS CMD ARGS...: poll every 0.1 s until CMD succeeds; 1 on timeout.
wait_for() {
    _limit=$(( $1 * 10 )); shift
    _i=0
    while [ "$_i" -lt "$_limit" ]; do
        if "$@" 2>/dev/null; then return 0; fi
        sleep 0.1; _i=$((_i + 1))
    done
    return 1
}

# free_port: print a TCP port on 127.0.0.1 nobody listens on now.
free_port() {
    _p=$(( 20000 + ($$ * 7 + $(date +%N | sed 's/^0*//;s/^$/0/') ) % 20000 ))
    while ss -Hltn "sport = :$_p" 2>/dev/null | grep -q .; do _p=$((_p + 1)); done
    echo "$_p"
}

done_testing() {
    echo "1..$_tap_n"
    [ "$_tap_failed" -eq 0 ]
    exit $?
}
