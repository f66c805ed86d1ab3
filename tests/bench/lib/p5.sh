# shellcheck shell=bash
# p5.sh - P5, memory: pogate-milter's resident set with many milter sessions
# held open (against the no-op libmilter filter on the same traffic), and the
# peak RSS of one delivery of a 1 MB and a 100 MB message by pogate-lda
# (against dovecot-lda), from /usr/bin/time. Sourced by tests/bench/run, which
# has run p1_setup (config directories, store, Dovecot) before.
#
#   p5_run CONNS BIGMB

# proc_kib PID FIELD: a VmRSS/VmHWM-style field of /proc/PID/status, in KiB.
proc_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

# p5_hold LABEL CONNS CMD...: start a milter on a fresh socket, hold CONNS sessions.
p5_hold() {
    local label=$1 conns=$2 sock=$S/p5.sock log=$W/p5-$1.log pid idle held hwm thr hold_pid
    shift 2
    rm -f "$sock"
    "$@" "unix:$sock" >"$log" 2>&1 &
    pid=$!
    if ! wait_for 30 grep -q 'ready:' "$log"; then
        result P5 "$label, $conns sessions" "VmRSS KiB" "FAIL (did not start: $(tail -1 "$log"))"
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return
    fi
    chmod 666 "$sock"
    idle=$(proc_kib "$pid" VmRSS)
    mkfifo "$W/p5.fifo"
    perl "$SRCDIR/tests/bench/lib/milter-hold.pl" "$sock" "$conns" <"$W/p5.fifo" >"$W/p5-hold.out" 2>&1 &
    hold_pid=$!
    exec 9>"$W/p5.fifo"
    if wait_for 120 grep -q "^held $conns" "$W/p5-hold.out"; then
        held=$(proc_kib "$pid" VmRSS) hwm=$(proc_kib "$pid" VmHWM) thr=$(proc_kib "$pid" Threads)
        result P5 "$label, idle" "VmRSS KiB" "$idle"
        result P5 "$label, $conns sessions" "VmRSS KiB" "$held" "$thr threads"
        result P5 "$label, $conns sessions" "VmHWM KiB" "$hwm"
        result P5 "$label, per session" "KiB" "$(calc "($held - $idle) / $conns")"
    else
        result P5 "$label, $conns sessions" "VmRSS KiB" "FAIL ($(tail -1 "$W/p5-hold.out"))"
    fi
    exec 9>&-
    wait "$hold_pid" 2>/dev/null
    rm -f "$W/p5.fifo"
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}

# p5_message FILE KBYTES: a message of about KBYTES with 76-column body lines.
p5_message() {
    { printf 'From: bench@src.bench.test\nTo: user@pb.bench.test\nSubject: big\nMessage-ID: <%s@bench>\n\n' "$2"
      head -c $(( $2 * 1024 * 3 / 4 )) /dev/urandom | base64 -w 76; } >"$1"
    chmod 644 "$1"
}

# peak_kib OUT CMD...: run CMD as the delivery user, print its maximum RSS in KiB.
peak_kib() {
    local out=$1
    shift
    if /usr/bin/time -f 'maxrss %M' -o "$out" \
        setpriv --reuid="$BENCH_USER" --regid="$BENCH_USER" --init-groups "$@" >"$out.err" 2>&1; then
        sed -n 's/^maxrss //p' "$out"
    else
        echo "FAIL (exit $?: $(head -1 "$out.err"))"
    fi
}

p5_run() {
    local conns=$1 big=$2 r mb label
    local milter=$BUILDDIR/milter/pogate-milter noop=$BUILDDIR/tests/bench/noop-milter
    local lda=$BUILDDIR/lda/pogate-lda pmap=$BUILDDIR/maps/pogate-map
    for ((r = 1; r <= reps; r++)); do
        if [ -x "$milter" ] && [ -x "$pmap" ]; then
            p5_hold pogate-milter "$conns" "$milter" -f -c "$CONF" -p
        else result P5 "pogate-milter, $conns sessions" "VmRSS KiB" "n/a (not built)"; fi
        if [ -x "$noop" ]; then p5_hold "no-op milter" "$conns" "$noop"
        else result P5 "no-op milter, $conns sessions" "VmRSS KiB" "n/a (not built)"; fi
    done
    p5_message "$W/msg-1m" 1024
    p5_message "$W/msg-big" $((big * 1024))
    for ((r = 1; r <= reps; r++)); do
        for mb in 1 "$big"; do
            local f=$W/msg-1m; [ "$mb" = 1 ] || f=$W/msg-big
            label="$mb MB message"
            if [ -x "$lda" ] && [ -x "$pmap" ]; then
                result P5 "pogate-lda, $label" "peak RSS KiB" \
                    "$(peak_kib "$W/time.out" sh -c '"$1" -c "$2" -f bench@src.bench.test -- user@pb.bench.test <"$3"' \
                        sh "$lda" "$CONF" "$f")"
            else result P5 "pogate-lda, $label" "peak RSS KiB" "n/a (not built)"; fi
            result P5 "dovecot-lda, $label" "peak RSS KiB" \
                "$(peak_kib "$W/time.out" sh -c '"$1" -c "$2" -f bench@src.bench.test -d user@d.bench.test <"$3"' \
                    sh "$DOVECOT_LDA" "$W/dovecot/dovecot.conf" "$f")"
        done
    done
}
