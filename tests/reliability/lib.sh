# shellcheck shell=bash
# lib.sh - what the reliability tests (tests/reliability/r-*.sh) share: a
# pogate configuration directory with the postoffice REL (rel.example,
# tests/reliability/conf), a private Postfix set up from the shipped
# contrib/postfix/main.cf and master.cf (pogate-lda through pipe(8),
# optionally pogate-milter), the message generator and store checker rel.py,
# and the RESULT line every test prints. Sourced after tap.sh. Postfix is
# configured by its own functions (pf_init, pf_conf) and driven through the
# API of tests/lib/mta.sh (mta_use postfix: mta_start, mta_flush, ...).
#
# Size: R_SCALE=bounded (default; what tests/run runs, each test well under a
# minute) or long (tests/reliability/run). `scale BOUNDED LONG` prints the one
# that applies.
#
#   rel_conf DIR STORE [EXTRA-CONF-LINES]  maps + pogate.conf for milter and LDA, pogate-map
#   rel_milter                              start pogate-milter on $REL_SOCK (before
#                                           rel_postfix, whose smtpd then uses it)
#   rel_postfix PORT [LDA-COMMAND]          private Postfix from contrib/ (sets PF_*);
#                                           LDA-COMMAND replaces pogate-lda in the argv
#   rel_postfix_conf PORT [LDA-COMMAND]     the same, configured but not started; in
#                                           $REL_PF_DIR (default $TESTTMP/postfix)
#   rel_postfix_sessions PORT N             rel_postfix for N SMTP sessions at once from
#                                           loopback (process limit, no per-client limit)
#   rel_listen_queue                        the backlog of Postfix's listening socket
#   rel_py ARGS...                          rel.py ARGS...
#   rel_send ARGS...                        rel.py send --port $MTA_PORT ARGS...
#   rel_check ARGS...                       rel.py check --store $REL_STORE ARGS...
#   field NAME LINE                         the value of NAME= in a key=value line
#   result R NAME MESSAGES DELIVERED LOST DUPLICATES SECONDS [NOTE]
#                                           the RESULT line (see tests/reliability/run)
#   rel_wait_delivered SECS                 wait until the queue is empty, flushing it
#                                           every 5 s (see below); 1 on timeout
#   rel_hold / rel_release                  put the queue on hold and wait until no
#                                           delivery runs / release it and flush
#   rel_cleanup                             stop everything started here (an EXIT trap)

. "$SRCDIR/tests/lib/postfix.sh"
. "$SRCDIR/tests/lib/milter.sh"
mta_use postfix
LDA=${LDA:-$BUILDDIR/lda/pogate-lda}
REL=$SRCDIR/tests/reliability
R_SCALE=${R_SCALE:-bounded}
case $R_SCALE in bounded | long) ;; *) echo "R_SCALE must be bounded or long" >&2; exit 2 ;; esac

# python3 itself: a version manager's shim costs most of a second per start.
REL_PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)

scale() { if [ "$R_SCALE" = long ]; then echo "$2"; else echo "$1"; fi; }

rel_need() {
    local what
    for what in "$LDA" "$MILTER" "$POGATE_MAP"; do
        [ -x "$what" ] || { echo "1..0 # skip $(basename "$what") not built"; exit 0; }
    done
    [ "$(id -u)" = 0 ] || { echo "1..0 # skip needs root"; exit 0; }
    need postfix postconf postmap postsuper postqueue python3 ps ss
}

rel_conf() {
    local dir=$1 store=$2 extra=${3:-}
    REL_CONF=$dir REL_STORE=$store REL_SOCK=$dir/run/milter.sock
    mkdir -p "$dir/run" "$store"
    cp "$REL"/conf/* "$dir"/
    cat >"$dir/pogate.conf" <<CONF
store = $store
user = pogate
log_file = $dir/pogate.log
milter_pid_file = $dir/run/milter.pid
socket_group = postfix
spf = off
$extra
CONF
    chmod 755 "$dir"
    : >"$dir/pogate.log"
    chown pogate "$dir/run" "$store" "$dir/pogate.log"
    "$POGATE_MAP" -c "$dir" >"$dir/pogate-map.log" 2>&1 || { cat "$dir/pogate-map.log"; return 1; }
}

# The main.cf lines of contrib/postfix/main.cf (continuations joined), with the
# paths of this test.
_rel_contrib_main() {
    awk '/^[ \t]*#/ || /^[ \t]*$/ { next }
         /^[ \t]/ { line = line " " $0; next }
         { if (line != "") print line; line = $0 }
         END { if (line != "") print line }' "$SRCDIR/contrib/postfix/main.cf" |
        sed -e "s|/etc/pogate|$REL_CONF|g" -e "s|unix:/run/pogate/milter.sock|unix:$REL_SOCK|g"
}

# The pogate service of contrib/postfix/master.cf, with this test's paths.
_rel_contrib_master() {
    local lda=$1
    awk '/^pogate[ \t]/ { on = 1; print; next }
         on && /^[ \t]/ { print; next }
         { on = 0 }' "$SRCDIR/contrib/postfix/master.cf" |
        sed -e "s|/usr/sbin/pogate-lda|$lda|" -e "s|/etc/pogate|$REL_CONF|g"
}

rel_postfix() {
    rel_postfix_conf "$@" && mta_start
}

# Set before the start: Postfix sizes a service's listen queue from
# default_process_limit when it opens the socket, and a reload keeps the
# socket. With a queue of 100, most of 1000 connections made at once went
# unaccepted while the master started processes, and their clients waited for
# a greeting that never came. Sessions may wait long after RCPT (tests that
# hold them together): more than the 300 s smtpd_timeout on a loaded machine.
rel_postfix_sessions() {
    rel_postfix_conf "$1" &&
        pf_conf "default_process_limit = $(($2 + 50))" "smtpd_client_event_limit_exceptions = 127.0.0.0/8" \
            "smtpd_timeout = 1800s" &&
        mta_start
}

rel_listen_queue() {
    ss -Hltn "( sport = :$MTA_PORT )" | awk '$4 ~ /^127\.0\.0\.1:/ { print $3 }'
}

rel_postfix_conf() {
    local port=$1 lda=${2:-$LDA} line
    MTA_PORT=$port
    pf_init "${REL_PF_DIR:-$TESTTMP/postfix}" || return 1
    while IFS= read -r line; do pf_conf "$line" || return 1; done < <(_rel_contrib_main)
    # Loopback stands for the Internet here: mynetworks is not loopback. The
    # milter is used only when the test started it (rel_milter).
    [ -n "${MILTER_PID:-}" ] || pf_conf "smtpd_milters =" "non_smtpd_milters =" || return 1
    pf_conf "mynetworks = 192.0.2.0/24" \
        "queue_run_delay = 1s" "minimal_backoff_time = 1s" "maximal_backoff_time = 2s" \
        "message_size_limit = 0" "mailbox_size_limit = 0" || return 1
    _rel_contrib_master "$lda" >>"$PF_DIR/etc/master.cf"
    grep -q "argv=$lda " "$PF_DIR/etc/master.cf" || { echo "# no pogate service in master.cf" >&2; return 1; }
}

rel_milter() {
    milter_start "$REL_CONF" "$REL_SOCK" "$REL_CONF/milter.log"
}

rel_py() { "$REL_PY" "$REL/rel.py" "$@"; }
rel_send() { "$REL_PY" "$REL/rel.py" send --port "$MTA_PORT" "$@"; }
rel_check() { "$REL_PY" "$REL/rel.py" check --store "$REL_STORE" "$@"; }

field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }

result() {
    printf 'RESULT\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${8:-}"
}

# Acknowledged ids (code 250) of an acks file.
acked() { awk '$2 == 250 { print $1 }' "$1"; }

# Postfix 3.7 now and then leaves a message that was deferred for one
# recipient and delivered to the other in incoming/ after qmgr logged
# "skipped, still being delivered"; qmgr looks at incoming/ again only when
# new mail arrives, which in a test may be never. A flush makes it look.
rel_wait_delivered() {
    local end=$((SECONDS + $1))
    while [ "$SECONDS" -lt "$end" ]; do
        wait_for 5 mta_queue_empty && return 0
        mta_flush 2>/dev/null
    done
    mta_wait_queue_empty 0 # no time left: lists what is queued, 1
}

_rel_no_lda() {
    local pids
    pids=$(mta_pids | tr '\n' ',')
    ! ps -o comm= -p "${pids%,}" 2>/dev/null | grep -q 'pogate-lda\|kill-lda'
}
_rel_all_held() { mta_queue_empty && _rel_no_lda; }
rel_hold() {
    postsuper -c "$PF_DIR/etc" -h ALL 2>/dev/null
    wait_for 60 _rel_all_held
}
rel_release() {
    postsuper -c "$PF_DIR/etc" -H ALL 2>/dev/null
    mta_flush
}

rel_cleanup() {
    mta_stop
    milter_stop
}
