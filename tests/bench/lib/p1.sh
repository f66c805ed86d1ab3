# shellcheck shell=bash
# p1.sh - P1 (end to end through a private Postfix), its profile variants and
# P6 (P1(b) with 1,000,000 mailboxes in the maps): sourced by tests/bench/run.
#
# Every variant is one smtp-source run of N messages of 8 KB in 20 parallel
# SMTP sessions (each session sends its share over one connection, -d) to one
# recipient in the variant's domain. The clock starts before smtp-source and
# stops at the newest ctime among the delivered files (the kernel sets ctime
# when a file is linked or renamed into new/, so polling adds no error). A run
# passes only when new/ holds exactly N files and the queue is empty; anything
# else is reported as FAIL with the count.
#
#   p1_setup              maps, store, daemons; fills V_* for every variant
#   p1_measure VARIANT    one measurement; prints msg/s, or FAIL..., or n/a...
#   p1_teardown           stop what p1_setup started (by PID)

declare -A V_PORT V_RCPT V_NEW V_KIND V_NEED V_LABEL
P1_PIDS=()
# The pogate-milter and pogate-lmtp that P1 (b), (c), (a+m), (c0) use: their own
# CPU time over each run is measured apart from the MTA's (daemon_ticks).
P1_MILTER_PID= P1_LMTP_PID=
CLK_TCK=$(getconf CLK_TCK)

# pogate_conf DIR STORE PO DOMAIN MAILBOXES: a config directory with one postoffice.
pogate_conf() {
    local dir=$1 store=$2 po=$3 dom=$4 n=$5 lpo
    lpo=$(printf '%s' "$po" | tr '[:upper:]' '[:lower:]')
    mkdir -p "$dir/run" "$store/$lpo/mailboxes/user/tmp" "$store/$lpo/mailboxes/user/new" \
        "$store/$lpo/mailboxes/user/cur"
    # No maxsize, and spoof=off unless P1_SPOOF says otherwise: with a
    # maxsize pogate-milter must count every message to judge it at end of
    # message, with spoof=tag (the default) read its headers there, and the
    # native path (f) would give it every client too (pogate(7)).
    echo "$po domain=$dom state=active postmaster=USER spoof=${P1_SPOOF:-off}" >>"$dir/postoffices"
    echo "$po/USER address=user@$dom name=\"Bench User\"" >>"$dir/mailboxes"
    # The other mailboxes of this postoffice, so the maps have the size asked for.
    awk -v po="$po" -v dom="$dom" -v n="$n" 'BEGIN {
        for (i = 1; i < n; i++) printf "%s/U%07d address=u%07d@%s\n", po, i, i, dom }' >>"$dir/mailboxes"
    touch "$dir/aliases" "$dir/access"
    chown -R "$BENCH_USER" "$store" "$dir/run"
    chmod 755 "$dir"
}

# pogate_conf_write DIR STORE: pogate.conf for every program of the benchmark.
pogate_conf_write() {
    cat >"$1/pogate.conf" <<CONF
store = $2
user = $BENCH_USER
spf = off
socket_mode = 0660
socket_group = postfix
milter_pid_file = $1/run/milter.pid
lmtp_pid_file = $1/run/lmtp.pid
CONF
}

# start_daemon LOG WAIT-PATTERN CMD...: run CMD in the background, wait for PATTERN in LOG.
start_daemon() {
    local log=$1 pat=$2
    shift 2
    # Not through in_cg: $! must be the daemon itself (sh execs it), to stop it by PID.
    if [ -n "${CG:-}" ]; then
        sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@" >>"$log" 2>&1 &
    else
        "$@" >>"$log" 2>&1 &
    fi
    P1_PIDS+=($!)
    wait_for 30 grep -q "$pat" "$log"
}

# variant NAME PORT RCPT NEWDIR KIND NEEDS LABEL
variant() {
    V_PORT[$1]=$2 V_RCPT[$1]=$3 V_NEW[$1]=$4 V_KIND[$1]=$5 V_NEED[$1]=$6 V_LABEL[$1]=$7
}

# missing NEEDS: print the first program of NEEDS that is not built.
missing() {
    local p
    for p in $1; do [ -x "$p" ] || { echo "${p#"$BUILDDIR"/}"; return 0; }; done
    return 1
}

p1_setup() {
    local store=$W/store maxmbx=$1
    cg_init
    MILTER=$BUILDDIR/milter/pogate-milter LDA=$BUILDDIR/lda/pogate-lda
    LMTPD=$BUILDDIR/lda/pogate-lmtp PMAP=$BUILDDIR/maps/pogate-map NOOP=$BUILDDIR/tests/bench/noop-milter
    NULLD=$BUILDDIR/tests/bench/null-lmtp NULLA=$BUILDDIR/tests/bench/null-lda
    PORT=$(free_port); MPORT=$((PORT + 1)); NPORT=$((PORT + 2)); BPORT=$((PORT + 3)); FPORT=$((PORT + 4))
    mkdir -p "$store" "$W/sock" && chown "$BENCH_USER" "$store" "$W/sock"
    S=$W/sock
    variant a "$PORT" user@a.bench.test "$store/virtual/user/new" virtual "" \
        "(a) virtual(8) Maildir, no milter"
    variant b "$MPORT" user@pb.bench.test "$store/pogate/pb/mailboxes/user/new" pogate \
        "$MILTER $LDA $PMAP" "(b) pogate-milter + pogate-lda (pipe)"
    variant c "$MPORT" user@pc.bench.test "$store/pogate/pc/mailboxes/user/new" pogate \
        "$MILTER $LMTPD $PMAP" "(c) pogate-milter + pogate-lmtp (LMTP)"
    variant d "$PORT" user@d.bench.test "$store/dovecot/d.bench.test/user/Maildir/new" dovecot \
        "$DOVECOT_LDA" "(d) dovecot-lda (pipe)"
    variant e "$PORT" user@e.bench.test "$store/dovecot/e.bench.test/user/Maildir/new" dovecot \
        /usr/lib/dovecot/lmtp "(e) Dovecot LMTP"
    variant f "$FPORT" user@pc.bench.test "$store/pogate/pc/mailboxes/user/new" pogate \
        "$MILTER $LMTPD $PMAP" "(f) native inbound + pogate-lmtp"
    variant g "$FPORT" user@pb.bench.test "$store/pogate/pb/mailboxes/user/new" pogate \
        "$MILTER $LDA $PMAP" "(g) native inbound + pogate-lda (pipe)"
    variant n "$PORT" user@n.bench.test "$W/null.count" null "$NULLD" \
        "(n) lmtp to a server that stores nothing"
    variant p "$PORT" user@p.bench.test "$W/nullpipe.count" null "$NULLA" \
        "(p) pipe(8) to a program that stores nothing"
    variant am "$MPORT" user@a.bench.test "$store/virtual/user/new" virtual "$MILTER $PMAP" \
        "(a+m) virtual(8) + pogate-milter"
    variant an "$NPORT" user@a.bench.test "$store/virtual/user/new" virtual "$NOOP" \
        "(a+n) virtual(8) + no-op milter"
    variant b0 "$PORT" user@pb.bench.test "$store/pogate/pb/mailboxes/user/new" pogate \
        "$LDA $PMAP" "(b0) pogate-lda (pipe), no milter"
    variant c0 "$PORT" user@pc.bench.test "$store/pogate/pc/mailboxes/user/new" pogate \
        "$LMTPD $PMAP" "(c0) pogate-lmtp (LMTP), no milter"
    variant b1m "$BPORT" user@pm.bench.test "$store/pogate1m/pm/mailboxes/user/new" pogate \
        "$MILTER $LDA $PMAP" "(b) with $maxmbx mailboxes"

    # The pogate config: PB and PC with 100 mailboxes each; a second directory with one
    # postoffice PM of $maxmbx mailboxes for P6.
    CONF=$W/conf CONF1M=$W/conf1m
    mkdir -p "$CONF" "$CONF1M"
    pogate_conf "$CONF" "$store/pogate" PB pb.bench.test 100
    pogate_conf "$CONF" "$store/pogate" PC pc.bench.test 100
    pogate_conf_write "$CONF" "$store/pogate"
    pogate_conf "$CONF1M" "$store/pogate1m" PM pm.bench.test "$maxmbx"
    pogate_conf_write "$CONF1M" "$store/pogate1m"
    if [ -x "$PMAP" ]; then
        "$PMAP" -c "$CONF" >"$W/pogate-map.log" 2>&1 || { echo "pogate-map failed:"; cat "$W/pogate-map.log"; }
        local t0 t1
        t0=$(date +%s.%N)
        "$PMAP" -c "$CONF1M" >"$W/pogate-map-1m.log" 2>&1 || { echo "pogate-map (P6) failed:"; cat "$W/pogate-map-1m.log"; }
        t1=$(date +%s.%N)
        result P6 "pogate-map, $maxmbx mailboxes" "compile s" "$(calc "$t1 - $t0")"
    fi

    bdc_init "$W/dovecot" "$store"
    bdc_start "$W/dovecot" || { echo "private Dovecot did not start:"; cat "$W/dovecot/start.log" "$W/dovecot/log" 2>/dev/null; }
    bpf_init "$W/pf" "$PORT" "$MPORT" "$S/milter.sock" "$S/lmtp.sock" "$store" "$W/dovecot" \
        "$LDA -c $CONF" "$NPORT:$S/noop.sock" "$BPORT:$S/milter1m.sock" "$LDA -c $CONF1M" \
        "$FPORT:$CONF" "$NULLA $W/nullpipe.count"
    [ -x "$MILTER" ] && [ -x "$PMAP" ] && {
        start_daemon "$W/milter.log" 'ready:' "$MILTER" -f -c "$CONF" -p "unix:$S/milter.sock" ||
            echo "pogate-milter did not start"
        P1_MILTER_PID=${P1_PIDS[-1]}
        start_daemon "$W/milter1m.log" 'ready:' "$MILTER" -f -c "$CONF1M" -p "unix:$S/milter1m.sock" ||
            echo "pogate-milter (P6) did not start"
    }
    [ -x "$NOOP" ] && { start_daemon "$W/noop.log" 'ready:' "$NOOP" "unix:$S/noop.sock" || echo "no-op milter did not start"; }
    : >"$W/nullpipe.count" && chown "$BENCH_USER" "$W/nullpipe.count"     # null-lda's, as pipe(8)'s user
    [ -x "$NULLD" ] && { start_daemon "$W/null.log" 'listening on' "$NULLD" "$S/null.sock" "$W/null.count" ||
        echo "null-lmtp did not start"; }
    [ -x "$LMTPD" ] && [ -x "$PMAP" ] && {
        start_daemon "$W/lmtp.log" 'listening on' "$LMTPD" -f -c "$CONF" -p "unix:$S/lmtp.sock" ||
            echo "pogate-lmtp did not start"
        P1_LMTP_PID=${P1_PIDS[-1]}
    }
    # smtpd and lmtp run as user postfix and must reach the sockets.
    for s in "$S/milter.sock" "$S/milter1m.sock" "$S/noop.sock" "$S/lmtp.sock" "$S/null.sock"; do
        [ -S "$s" ] && chmod 666 "$s"
    done
    bpf_start "$W/pf" || { echo "private Postfix did not start:"; cat "$W/pf/start.log"; return 1; }
    wait_for 20 bash -c "ss -Hltn 'sport = :$BPORT' | grep -q ." || { echo "Postfix does not listen"; return 1; }
}

p1_teardown() {
    local p
    bpf_stop "$W/pf"
    bdc_stop "$W/dovecot"
    for p in "${P1_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${P1_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    P1_PIDS=()
    cg_fini
}

# clean VARIANT: empty the variant's target before a run: its Maildir (for
# Dovecot, its whole domain, so its index starts empty) is renamed into
# $W/trash, which goes only at the end, and each deliverer makes it anew.
# Nothing is deleted between runs: on ext4 without a journal, the inode
# allocator skips every inode freed in the last 60 s (300 s while its inode
# table block is unwritten), checking each one (recently_deleted() in
# ialloc.c), so 2,000 files deleted just before a run made every file that
# run created cost a scan over them, on whichever variant came next.
clean() {
    local new=${V_NEW[$1]} dir
    case ${V_KIND[$1]} in
    virtual | pogate) dir=${new%/new} ;;
    dovecot) dir=${new%/user/Maildir/new} ;;
    null) : >"$new"; return 0 ;;     # null-lmtp's count: one byte a message
    esac
    mkdir -p "$W/trash"
    [ -d "$dir" ] && mv "$dir" "$(mktemp -d "$W/trash/$1.XXXXXX")/"
}

# count_new NEWDIR: the files delivered there (null-lmtp's count file: its size).
count_new() {
    if [ -f "$1" ]; then stat -c %s "$1"; else find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; fi
}

# daemon_ticks: user + system clock ticks so far of pogate-milter and pogate-lmtp.
daemon_ticks() {
    local p
    for p in "$P1_MILTER_PID" "$P1_LMTP_PID"; do
        awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0
    done | tr '\n' ' '
}

# p1_measure VARIANT N SESSIONS: print msg/s and CPU ms per message (or "n/a"),
# or FAIL/n-a with the reason.
p1_measure() {
    local v=$1 n=$2 s=$3 new=${V_NEW[$1]} m t0 t1 got limit i=0 qs c0 c1 d0 d1
    if m=$(missing "${V_NEED[$v]}"); then echo "n/a (not built: $m)"; return 0; fi
    clean "$v"; sync
    limit=$(( (${P1_TIMEOUT:-60} + n / 20) * 10 ))
    rm -f "$W/daemon-cpu.$v"
    c0=$(cg_usage) d0=$(daemon_ticks)
    t0=$(date +%s.%N)
    if ! smtp-source -s "$s" -d -m "$n" -l 8192 -f bench@src.bench.test -t "${V_RCPT[$v]}" \
        "127.0.0.1:${V_PORT[$v]}" >"$W/smtp-source.$v.log" 2>&1; then
        echo "FAIL smtp-source: $(tail -1 "$W/smtp-source.$v.log")"
        bpf_flush "$W/pf"; return 0
    fi
    while got=$(count_new "$new"); [ "$got" -lt "$n" ] && [ "$i" -lt "$limit" ]; do
        sleep 0.1; i=$((i + 1))
    done
    t1=$(find "$new" -maxdepth 1 -type f -printf '%C@\n' 2>/dev/null | sort -n | tail -1)
    wait_for 10 test "$(bpf_queue_size "$W/pf")" = 0
    c1=$(cg_usage) d1=$(daemon_ticks)
    # "MILTER-MS LMTP-MS": each daemon's CPU per message in this run (p1_rounds).
    echo "$d0 $d1" | awk -v hz="$CLK_TCK" -v n="$n" '{ printf "%.4f %.4f\n",
        ($3 - $1) * 1000 / hz / n, ($4 - $2) * 1000 / hz / n }' >"$W/daemon-cpu.$v"
    qs=$(bpf_queue_size "$W/pf") got=$(count_new "$new")
    if [ "$got" != "$n" ] || [ "$qs" != 0 ]; then
        echo "FAIL $got of $n delivered, $qs left in the queue"
        bpf_flush "$W/pf"; return 0
    fi
    echo "$(calc "$n / ($t1 - $t0)") $([ -n "$c0" ] && calc "($c1 - $c0) / 1000000 / $n" || echo n/a)"
}
