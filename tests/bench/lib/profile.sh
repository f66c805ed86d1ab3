# shellcheck shell=bash
# profile.sh - where the time of P1 (b) and (c) goes, beside P1's own
# with-and-without-milter variants: system calls per message of whole Postfix
# runs (strace -c -f over Postfix's master, the milter and pogate-lmtp),
# fork+exec rates (hyperfine), and instructions per delivery (callgrind, which
# also counts the dynamic loader's share). Sourced by tests/bench/run after
# p1_setup; the daemons are running.
#
#   profile_run

# syscalls VARIANT MSGS: one traced run; per-message counts of the calls that matter.
syscalls() {
    local v=$1 m=$2 out=$W/strace.$1 pids p tr st
    if p=$(missing "${V_NEED[$v]}"); then
        result P1-profile "${V_LABEL[$v]}" "syscalls/msg" "n/a (not built: $p)"; return
    fi
    # Make Postfix fork fresh processes, which strace -f then follows.
    bpf_reload "$W/pf"; sleep 2
    pids="-p $(head -1 "$W/pf/queue/pid/master.pid" | tr -d ' ')"
    for p in "${P1_PIDS[@]}"; do pids="$pids -p $p"; done
    # Dovecot: its master (for what it forks) and the processes it already runs.
    if [ "${V_KIND[$v]}" = dovecot ] && [ -s "$W/dovecot/run/master.pid" ]; then
        p=$(cat "$W/dovecot/run/master.pid")
        pids="$pids -p $p$(pgrep -P "$p" | sed 's/^/ -p /' | tr -d '\n')"
    fi
    # shellcheck disable=SC2086
    strace -c -f -o "$out" $pids 2>/dev/null &
    tr=$!
    sleep 1
    st=$(p1_measure "$v" "$m" 5)
    kill -INT "$tr"; wait "$tr" 2>/dev/null
    if ! isnum "${st%% *}"; then result P1-profile "${V_LABEL[$v]}" "syscalls/msg" "$st"; return; fi
    # strace -c: "% time seconds usecs/call calls errors syscall", errors column optional.
    awk -v m="$m" -v label="${V_LABEL[$v]}" '
        $NF ~ /^[a-z_0-9]+$/ && $1 ~ /^[0-9.]+$/ && NF >= 5 {
            c[$NF] = $4; total += $4 }
        END {
            n = split("execve clone clone3 fsync fdatasync openat connect rename link", want, " ")
            for (i = 1; i <= n; i++) if (want[i] in c)
                printf "RESULT\tP1-profile\t%s\tsyscalls/msg: %s\t%.2f\n", label, want[i], c[want[i]] / m
            printf "RESULT\tP1-profile\t%s\tfsyncs/msg\t%.2f\tfsync + fdatasync of every process, Postfix and Dovecot included\n",
                label, (c["fsync"] + c["fdatasync"]) / m
            printf "RESULT\tP1-profile\t%s\tsyscalls/msg: all\t%.1f\n", label, total / m
        }' "$out" | tee -a "$RAW" | cut -f3- | tr '\t' ' ' | sed 's/^/  /'
}

# execrate LABEL CMD...: fork+exec+exit per second (hyperfine, no shell).
execrate() {
    local label=$1 json=$W/hf.json
    shift
    local runs=500; [ "$quick" = 1 ] && runs=50
    if hyperfine -N -i --runs "$runs" --warmup 20 --export-json "$json" "$*" >/dev/null 2>&1; then
        result P1-profile "$label" "exec/s" "$(sed -n 's/.*"mean": *\([0-9.e-]*\).*/\1/p' "$json" | head -1 | awk '{ print 1 / $1 }')" "wall clock: counts waiting for a CPU"
        result P1-profile "$label" "CPU ms/exec" "$(awk -F: '/"user"|"system"/ { gsub(/[ ,]/, "", $2); s += $2 } END { print s * 1000 }' "$json")" "user + system"
    else
        result P1-profile "$label" "exec/s" "FAIL (hyperfine)"
    fi
}

# ir_split LABEL CMD...: instructions of one delivery (the message on stdin), with
# every program it execs (Dovecot's programs re-exec themselves through doveconf),
# and the dynamic loader's share (ld.so's functions and glibc's elf/ sources).
ir_split() {
    local label=$1 cg=$W/cg f
    shift
    rm -rf "$cg" && mkdir -p "$cg" && chmod 777 "$cg"
    # Started as the delivery user: a setuid() under callgrind could not write its output.
    if ! setpriv --reuid="$BENCH_USER" --regid="$BENCH_USER" --init-groups \
        valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$cg/cg.%p" "$@" \
        <"$W/msg-8k" >"$cg/log" 2>&1; then
        result P1-profile "$label" "Ir/delivery" "FAIL (exit $?: $(grep -v '^==' "$cg/log" | head -1))"
        return
    fi
    for f in "$cg"/cg.*; do
        [ -s "$f" ] && callgrind_annotate --threshold=100 "$f" 2>/dev/null
    done | awk -v label="$label" '
        /PROGRAM TOTALS/ { v = $1; gsub(",", "", v); total += v; progs++ }
        /^ *[0-9,]+ \(/ && !/PROGRAM TOTALS/ && (/\[.*ld-linux.*\]/ || / \.\/elf\//) { v = $1; gsub(",", "", v); ld += v }
        END {
            printf "RESULT\tP1-profile\t%s\tIr/delivery\t%d\tcallgrind; the last image if it re-execs itself\n", label, total
            if (total > 0) printf "RESULT\tP1-profile\t%s\tld.so share\t%.3f\tdynamic linking and loading\n", label, ld / total
        }' | tee -a "$RAW" | cut -f3-5 | tr '\t' ' ' | sed 's/^/  /'
}

profile_run() {
    local m=200 lda=$BUILDDIR/lda/pogate-lda
    [ "$quick" = 1 ] && m=20
    for v in a b c e f; do syscalls "$v" "$m"; done
    for ((r = 1; r <= reps; r++)); do
        execrate "fork+exec /bin/true" /bin/true
        if [ -x "$lda" ]; then execrate "fork+exec pogate-lda (usage, no delivery)" "$lda"
        else result P1-profile "fork+exec pogate-lda (usage, no delivery)" "exec/s" "n/a (not built)"; fi
        execrate "fork+exec dovecot-lda (usage, no delivery)" "$DOVECOT_LDA" --help
    done
    p5_message "$W/msg-8k" 8
    if [ -x "$lda" ] && [ -x "$PMAP" ]; then
        ir_split "one pogate-lda delivery, 8 KB" "$lda" -c "$CONF" -f bench@src.bench.test -- user@pb.bench.test
        find "${V_NEW[b]}" -type f -delete
    else result P1-profile "one pogate-lda delivery, 8 KB" "Ir/delivery" "n/a (not built)"; fi
    ir_split "one dovecot-lda delivery, 8 KB" "$DOVECOT_LDA" -c "$W/dovecot/dovecot.conf" \
        -f bench@src.bench.test -d user@d.bench.test
}
