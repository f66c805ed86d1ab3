# table.awk - fold RESULT lines into one row per (section, variant, metric):
# median, min, max and count of the repetitions, messages per day for
# throughputs, and the last note given. Used by tests/bench/run.
#
# input:  RESULT<TAB>section<TAB>variant<TAB>metric<TAB>value[<TAB>note]
# output (-v fmt=csv|md|text): the table; rows keep the order in which their
#         key first appeared. A key with any value "FAIL..." shows FAIL, one
#         with only non-numeric values shows the first of them (e.g. "n/a").
# -v old=10000 is the old gateway's messages per day, the seed unit.

function num(v) { return v ~ /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }

function fmt_num(v,   a) {
    a = v < 0 ? -v : v
    if (a >= 1000) return sprintf("%.0f", v)
    if (a >= 10) return sprintf("%.1f", v)
    return sprintf("%.3f", v)
}

function per_day(v,   d) {
    d = v * 86400
    if (d >= 1e6) return sprintf("%.1fM/day = %.0fx old", d / 1e6, d / old)
    return sprintf("%.0fk/day = %.1fx old", d / 1e3, d / old)
}

function csvq(s) {
    if (s ~ /[",]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
    return s
}

BEGIN { FS = "\t"; if (old == "") old = 10000 }

$1 == "RESULT" && NF >= 5 {
    k = $2 SUBSEP $3 SUBSEP $4
    if (!(k in seen)) { seen[k] = 1; order[++nk] = k; sec[k] = $2; var[k] = $3; met[k] = $4 }
    if (num($5)) vals[k, ++nv[k]] = $5 + 0
    else if ($5 ~ /^FAIL/) fail[k] = $5
    else if (!(k in text)) text[k] = $5
    if (NF >= 6 && $6 != "") note[k] = $6
}

function stats(k,   i, j, t, n, a) {
    n = nv[k]
    for (i = 1; i <= n; i++) a[i] = vals[k, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    MED = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    MIN = a[1]; MAX = a[n]; N = n
}

END {
    split("section variant metric median min-max n messages/day note", head, " ")
    for (j = 1; j <= 8; j++) { cell[0, j] = head[j]; w[j] = length(head[j]) }
    for (i = 1; i <= nk; i++) {
        k = order[i]; pd = ""; lo = hi = ""
        why = ""
        if (k in fail) { med = fail[k]; cnt = nv[k] + 0 }
        else if (nv[k] > 0) {
            stats(k); med = fmt_num(MED); cnt = N; lo = fmt_num(MIN); hi = fmt_num(MAX)
            if (met[k] == "msg/s") pd = per_day(MED)
        } else { med = text[k]; cnt = 0 }
        # Only the verdict in the number column; the reason goes to the note.
        if (!num(med) && match(med, /^(FAIL|n\/a)[:]? */)) {
            why = substr(med, RLENGTH + 1); med = substr(med, 1, RLENGTH); sub(/[: ]+$/, "", med)
            gsub(/^\(|\)$/, "", why)
        }
        row[i, "lo"] = lo; row[i, "hi"] = hi
        cell[i, 1] = sec[k]; cell[i, 2] = var[k]; cell[i, 3] = met[k]; cell[i, 4] = med
        cell[i, 5] = cnt > 1 ? lo "-" hi : ""; cell[i, 6] = cnt; cell[i, 7] = pd
        cell[i, 8] = (k in note) ? note[k] : ""
        if (why != "") cell[i, 8] = why (cell[i, 8] != "" ? "; " cell[i, 8] : "")
        for (j = 1; j <= 8; j++) if (length(cell[i, j]) > w[j]) w[j] = length(cell[i, j])
    }
    if (fmt == "csv") {
        print "section,variant,metric,median,min,max,n,per_day,note"
        for (i = 1; i <= nk; i++)
            print csvq(cell[i, 1]) "," csvq(cell[i, 2]) "," csvq(cell[i, 3]) "," csvq(cell[i, 4]) "," \
                  row[i, "lo"] "," row[i, "hi"] "," cell[i, 6] "," csvq(cell[i, 7]) "," csvq(cell[i, 8])
    } else if (fmt == "md") {
        print "| section | variant | metric | median | min-max | n | messages/day | note |"
        print "|---|---|---|---:|---:|---:|---|---|"
        for (i = 1; i <= nk; i++)
            print "| " cell[i, 1] " | " cell[i, 2] " | " cell[i, 3] " | " cell[i, 4] " | " cell[i, 5] " | " \
                  cell[i, 6] " | " cell[i, 7] " | " cell[i, 8] " |"
    } else {
        for (i = 0; i <= nk; i++) {
            line = sprintf("%-" w[1] "s  %-" w[2] "s  %-" w[3] "s  %" w[4] "s  %" w[5] "s  %" w[6] "s  %-" w[7] "s  %s",
                           cell[i, 1], cell[i, 2], cell[i, 3], cell[i, 4], cell[i, 5], cell[i, 6], cell[i, 7], cell[i, 8])
            sub(/ +$/, "", line); print line
        }
    }
}
