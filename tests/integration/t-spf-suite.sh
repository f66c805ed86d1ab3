#!/bin/bash
# t-spf-suite.sh - pogate-milter's SPF checker against the RFC 7208 test suite
# that pyspf publishes (tests/spf/rfc7208-tests.yml, its licence beside it):
# tests/spf/yaml2zone.py turns each scenario's zone data into an
# spf_zone_file and the cases into a list, and tests/unit/spf_suite runs
# every case through spf_check(), the milter's own code path. Prints
# "N of M as the suite expects" and the cases that come out otherwise, each
# of which must be listed in tests/spf/deviations (libspf2's, see there).
. "$SRCDIR/tests/lib/tap.sh"

suite=$BUILDDIR/tests/unit/spf_suite
if [ ! -x "$suite" ]; then skip "tests/unit/spf_suite not built (make check TESTS=)"; done_testing; fi
need python3
if ! python3 -c 'import yaml' 2>/dev/null; then
    not_ok "needs PyYAML: Debian package python3-yaml, not installed (tests/deps.sh installs it)"
    done_testing
fi

check "the suite's YAML converts to zone files" python3 "$SRCDIR/tests/spf/yaml2zone.py" \
    "$SRCDIR/tests/spf/rfc7208-tests.yml" "$TESTTMP/zones"
cases=$(wc -l <"$TESTTMP/zones/cases")
is "every case of the suite is listed ($cases)" "$cases" 203
"$suite" "$TESTTMP/zones" "$SRCDIR/tests/spf/deviations" 2>"$TESTTMP/libspf2.log" >"$TESTTMP/suite.tap"
status=$?
# The driver's own TAP, renumbered into this script's.
while IFS= read -r line; do
    case $line in
    "ok "*) ok "${line#ok [0-9]* - }" ;;
    "not ok "*) not_ok "${line#not ok [0-9]* - }" ;;
    "#"*) echo "$line" ;;
    esac
done <"$TESTTMP/suite.tap"
is "the driver exits 0" "$status" 0
like "the figure is printed" "$(cat "$TESTTMP/suite.tap")" '# [0-9]+ of 203 as the suite expects'
done_testing
