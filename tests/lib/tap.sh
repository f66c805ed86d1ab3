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
#   TESTTMP   a scratch directory for this script, removed by the runner (made
#             here, and removed at exit, when a script runs on its own)

: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build/normal}"
if [ -z "${TESTTMP:-}" ]; then
    TESTTMP=$(mktemp -d /tmp/pogate-test.XXXXXX)
    chmod 755 "$TESTTMP"
    _tap_pid=$$
    # As tests/run marks the directories it makes: another run of the suite
    # on this machine then leaves this one alone (its not_ours), though no
    # process was started with it in its environment.
    echo $$ >"$TESTTMP/.runner"
    _tap_rmtmp() { rm -rf "$TESTTMP"; }
    builtin trap '_tap_rmtmp' EXIT
    # A script's own EXIT trap comes before the removal instead of replacing it:
    # `trap ACTION EXIT` (in the script itself, not in a subshell) becomes
    # ACTION followed by the removal; `trap - EXIT` leaves the removal alone.
    # shellcheck disable=SC2064 # the actions are passed on as given
    trap() {
        local action sig others=() exit=0
        if [ $# -lt 2 ] || [ "$BASHPID" != "$_tap_pid" ]; then builtin trap "$@"; return; fi
        case $1 in -p | -l | --) builtin trap "$@"; return ;; esac
        action=$1; shift
        for sig in "$@"; do
            case $sig in EXIT | exit | 0 | SIGEXIT) exit=1 ;; *) others+=("$sig") ;; esac
        done
        [ ${#others[@]} -eq 0 ] || builtin trap "$action" "${others[@]}"
        [ "$exit" = 0 ] && return
        case $action in
        - | '') builtin trap '_tap_rmtmp' EXIT ;;
        *) builtin trap "$action
_tap_rmtmp" EXIT ;;
        esac
    }
fi
export SRCDIR BUILDDIR TESTTMP

# wait_for, free_port, at_exit and the other small utilities: once, in common.sh.
# shellcheck source=common.sh
. "$SRCDIR/tests/lib/common.sh"

_tap_n=0
_tap_failed=0

ok()      { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok()  { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }
skip()    { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # skip $*"; }
diag()    { echo "# $*"; }

# need CMD...: the commands this test calls. Each missing one is a failure that
# names its Debian package (from the table in tests/deps.sh, which installs
# them all), and the test ends there: a missing tool never skips a test and
# never shows up as "command not found" halfway through. A CMD with a slash is
# checked as an executable file.
need() {
    local c pkg missing=0
    for c in "$@"; do
        case $c in */*) [ -x "$c" ] && continue ;; *) command -v "$c" >/dev/null && continue ;; esac
        pkg=$(sed -n "/^PACKAGES='$/,/^'$/p" "$SRCDIR/tests/deps.sh" 2>/dev/null |
              awk -v c="$c" '{ for (i = 2; i <= NF; i++) if ($i == c) { print $1; exit } }')
        not_ok "needs $c: ${pkg:+Debian package $pkg, }not installed (tests/deps.sh installs it)"
        missing=1
    done
    [ "$missing" = 0 ] || done_testing
}

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

done_testing() {
    echo "1..$_tap_n"
    [ "$_tap_failed" -eq 0 ]
    exit $?
}
