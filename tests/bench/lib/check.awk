# check.awk - every figure in a benchmark's RESULT lines was computed. A value
# is a number, "n/a (WHY)" for a variant that cannot run here, or "FAIL (WHY)";
# one that is empty, not a number, or, for a rate or a ratio, not above zero,
# was not computed (a missing tool, a division by nothing): a failure, never a
# 0.00x or a blank in the table.
#
# input:  RESULT<TAB>section<TAB>variant<TAB>metric<TAB>value[<TAB>note] lines
#         (other lines are ignored)
# output: -v tap=1: one TAP line a figure, numbered from -v first (default 1),
#         n/a as a skip with its reason; then "# figures: N" (no plan line).
#         Otherwise the bad figures only, as RESULT lines with the value
#         replaced by "FAIL (...)" (tests/bench/run folds them into its table).
# exit:   1 when a figure is bad.

function num(v) { return v ~ /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }

BEGIN { FS = "\t"; if (first == "") first = 1; n = first - 1; bad = 0 }

$1 == "RESULT" {
    what = $2 " / " $3 " / " $4; v = $5; why = ""
    if (v ~ /^FAIL/) why = v
    else if (v ~ /^n\/a/) { n++; if (tap) print "ok " n " # skip " what ": " v; next }
    else if (v == "") why = "not computed (empty)"
    else if (!num(v)) why = "not computed ('" v "' is not a number)"
    else if ($4 ~ /ratio|\/s$/ && v + 0 <= 0) why = "not computed (" v " for a rate or a ratio)"
    n++
    if (why == "") { if (tap) print "ok " n " - " what " = " v; next }
    bad++
    if (tap) print "not ok " n " - " what ": " why
    else printf "RESULT\t%s\t%s\t%s\tFAIL (%s)\t%s\n", $2, $3, $4, why, $6
}

END { if (tap) print "# figures: " (n - first + 1); exit bad > 0 }
