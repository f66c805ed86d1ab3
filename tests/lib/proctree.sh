# shellcheck shell=bash
# proctree.sh - proc_tree PID: PID and all its descendants alive now, one per
# line. The private MTAs (postfix.sh, sendmail.sh) stop exactly these, by PID.
proc_tree() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            want[root] = 1; changed = 1
            while (changed) {
                changed = 0
                for (i = 1; i <= NR; i++) {
                    p = pids[i]
                    if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 }
                }
            }
            for (p in want) if (p in parent) print p
        }'
}
