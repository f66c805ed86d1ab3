# shellcheck shell=bash
# p1sm.sh - P1 with sendmail in front instead of Postfix: sourced by
# tests/bench/run after p1.sh, measured in the same rounds as the Postfix
# variants. Same traffic: one smtp-source run of N messages of 8 KB in 20
# sessions to one recipient in the variant's domain; the clock stops at the
# newest ctime among the delivered files; a run passes only when exactly N
# messages were delivered and sendmail's queue is empty.
#
# One private sendmail (tests/lib/sendmail.sh; the binaries of Debian's
# sendmail-bin, 8.17) on 127.0.0.1, ports P1SM_PORT (26300) and P1SM_PORT+1:
#   (s-a) sendmail + mail.local: its native local delivery (FEATURE(local_lmtp),
#         mail.local -l, one run per message) into the mbox DIR/mail/USER. The
#         peer baseline. Messages are counted by their "From " separators and
#         checked by the distinct queue ids of their Received headers.
#   (s-b) pogate-milter (MAIL_FILTER on a unix socket, F=T, only on the second
#         port) + the pogate mailer running pogate-lda once per message, the
#         mailer line of pogate-lda(8) (contrib/sendmail/pogate.m4)
#   (s-c) pogate-milter + pogate-lmtp as an LMTP mailer over TCP (P=[IPC],
#         F=z, A=TCP 127.0.0.1 P1SM_PORT+2) to one pogate-lmtp daemon
#   (s-d) pogate-milter + pogate-lmtp -i as an LMTP mailer on stdin/stdout
#         (P=pogate-lmtp, F=z; contrib/sendmail/pogate-lmtp.m4), one run a message
# The postoffice domains are routed by a hash mailertable and accepted for
# relay through the relay-domains class. Delivery is immediate
# (DeliveryMode=interactive: the SMTP child writes the queue file, fsynced,
# delivers, and answers 250 after the delivery); no DNS (nocanonify, hosts
# from a file, a private resolv.conf: see tests/lib/sendmail.sh).
# DeliveryMode=background (a forked process delivers after the 250) cost 80-110
# CPU ms a message here against 14 for interactive, and ran (s-a) at 12 msg/s
# against 75: P1SM_DELIVERY_MODE=background measures it.
#
#   p1sm_setup            after p1_setup: config, maps, daemons, sendmail
#   p1sm_measure VARIANT N SESSIONS   as p1_measure
#   p1sm_round            one measurement of each variant, RESULT lines, ratios
#   p1sm_teardown         stop sendmail (the pogate daemons are p1_teardown's)
# The sendmail processes run in the benchmark's cgroup: stop them (p1sm_teardown)
# before p1_teardown removes it.

. "$SRCDIR/tests/lib/sendmail.sh"

P1SM_ORDER="sa sb sc sd"
P1SM_UP=0 P1SM_STARTED=0

p1sm_setup() {
    local store=$W/store/sm conf=$W/confsm s=$W/smsock
    P1SM_PORT=${P1SM_PORT:-26300}
    local mport=$((P1SM_PORT + 1)) lport=$((P1SM_PORT + 2))
    variant sa "$P1SM_PORT" "$BENCH_USER@relay.bench.test" "$W/sm/mail/$BENCH_USER" mbox \
        "$SM_BIN/mail.local" "(s-a) sendmail + mail.local (mbox), no milter"
    variant sb "$mport" user@psb.bench.test "$store/sb/mailboxes/user/new" pogate \
        "$MILTER $LDA $PMAP" "(s-b) sendmail + pogate-milter + pogate-lda (mailer)"
    variant sc "$mport" user@psc.bench.test "$store/sc/mailboxes/user/new" pogate \
        "$MILTER $LMTPD $PMAP" "(s-c) sendmail + pogate-milter + pogate-lmtp (LMTP, TCP)"
    variant sd "$mport" user@psd.bench.test "$store/sd/mailboxes/user/new" pogate \
        "$MILTER $LMTPD $PMAP" "(s-d) sendmail + pogate-milter + pogate-lmtp -i (LMTP, pipe)"

    SM_PORT=$P1SM_PORT SM_HOSTNAME=relay.bench.test SM_USER=$BENCH_USER
    if ss -Hltn "sport = :$P1SM_PORT or sport = :$mport or sport = :$lport" | grep -q .; then
        echo "p1sm: ports $P1SM_PORT-$lport are taken"; return 1
    fi
    sm_init "$W/sm" || return 1

    # pogate: three postoffices in a config of their own, daemons on their own sockets.
    mkdir -p "$conf" "$store" "$s"
    chown "$BENCH_USER" "$store"
    pogate_conf "$conf" "$store" SB psb.bench.test 100
    pogate_conf "$conf" "$store" SC psc.bench.test 100
    pogate_conf "$conf" "$store" SD psd.bench.test 100
    pogate_conf_write "$conf" "$store"
    if [ -x "$PMAP" ]; then
        "$PMAP" -c "$conf" >"$W/pogate-map-sm.log" 2>&1 || { echo "pogate-map (sendmail) failed:"; cat "$W/pogate-map-sm.log"; }
    fi
    [ -x "$MILTER" ] && [ -x "$PMAP" ] && {
        start_daemon "$W/smmilter.log" 'ready:' "$MILTER" -f -c "$conf" -p "unix:$s/milter.sock" ||
            echo "pogate-milter (sendmail) did not start"
    }
    [ -x "$LMTPD" ] && [ -x "$PMAP" ] && {
        start_daemon "$W/smlmtp.log" 'listening on' "$LMTPD" -f -c "$conf" -p "inet:$lport@127.0.0.1" ||
            echo "pogate-lmtp (sendmail) did not start"
    }

    # Routing and relaying of the postoffice domains: one mailer each.
    printf '%s\n' psb.bench.test psc.bench.test psd.bench.test >"$SM_DIR/relay-domains"
    printf '%s\t%s\n' psb.bench.test pogate:psb.bench.test psc.bench.test pogatelmtp:psc.bench.test \
        psd.bench.test pogatelmtpi:psd.bench.test | sm_makemap hash "$SM_DIR/mailertable" ||
        { echo "p1sm: makemap failed"; return 1; }
    # shellcheck disable=SC2016 # sendmail's $ macros
    sm_mc "define(\`confDELIVERY_MODE', \`${P1SM_DELIVERY_MODE:-interactive}')dnl" \
        "FEATURE(\`mailertable', \`hash -o $SM_DIR/mailertable')dnl" \
        "MAIL_FILTER(\`pogate', \`S=unix:$s/milter.sock, F=T, T=S:30s;R:1m;E:5m')dnl" \
        "DAEMON_OPTIONS(\`Family=inet, Addr=127.0.0.1, Port=$mport, Name=MTA-pogate, Listen=1024, InputMailFilters=pogate')dnl" \
        "define(\`confMILTER_MACROS_CONNECT', \`\`j, _, {daemon_name}, {if_name}, {if_addr}'')dnl" \
        "define(\`confMILTER_MACROS_ENVFROM', \`\`i, {auth_type}, {auth_authen}, {auth_ssf}, {auth_author}, {mail_mailer}, {mail_host}, {mail_addr}'')dnl" \
        "define(\`confMILTER_MACROS_ENVRCPT', \`\`i, {rcpt_mailer}, {rcpt_host}, {rcpt_addr}'')dnl" \
        "define(\`confMILTER_MACROS_EOM', \`\`i, {msg_id}'')dnl" \
        'MAILER_DEFINITIONS' \
        "Mpogate,	P=$LDA, F=lsn8DFM, S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP/HdrToSMTP,
		T=DNS/RFC822/X-Unix, U=$BENCH_USER:$BENCH_USER,
		A=pogate-lda -c $conf -q \$i -f \$g -- \$u" \
        "Mpogatelmtp,	P=[IPC], F=lsmnz9, S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP/HdrToSMTP,
		T=DNS/RFC822/SMTP, A=TCP 127.0.0.1 $lport" \
        "Mpogatelmtpi,	P=$LMTPD, F=lsmnz9, S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP/HdrToSMTP,
		T=DNS/RFC822/SMTP, U=$BENCH_USER:$BENCH_USER,
		A=pogate-lmtp -i -c $conf" \
        'divert(0)dnl'
    [ -S "$s/milter.sock" ] || { echo "p1sm: no milter socket"; return 1; }
    # sendmail (and every delivery it forks) in the benchmark's cgroup. SM_PID
    # stays unset out here: sm_stop finds the daemon by its pid file.
    P1SM_STARTED=1
    if ! ( [ -z "${CG:-}" ] || echo "$BASHPID" >"$CG/cgroup.procs"; sm_start ) >"$W/sm-start.log" 2>&1; then
        echo "private sendmail did not start:"; cat "$W/sm-start.log"; return 1
    fi
    P1SM_UP=1
    wait_for 20 bash -c "ss -Hltn 'sport = :$mport' | grep -q ." || { echo "sendmail does not listen on $mport"; return 1; }
}

p1sm_teardown() {
    [ "$P1SM_STARTED" = 1 ] || return 0
    sm_stop
    P1SM_UP=0 P1SM_STARTED=0
}

# sm_count VARIANT [N]: messages delivered so far. An mbox shorter than N
# messages of 8 KB is not read (0): polling must not compete with sendmail.
sm_count() {
    local size
    case ${V_KIND[$1]} in
    mbox) size=$(stat -c %s "${V_NEW[$1]}" 2>/dev/null || echo 0)
          if [ "$size" -lt $(( ${2:-0} * 8192 )) ]; then echo 0; return 0; fi
          grep -c '^From ' "${V_NEW[$1]}" 2>/dev/null || echo 0 ;;
    *) count_new "${V_NEW[$1]}" ;;
    esac
}

sm_flush() {
    find "$SM_DIR/queue" -maxdepth 1 -type f -delete 2>/dev/null
}

p1sm_measure() {
    local v=$1 n=$2 s=$3 new=${V_NEW[$1]} m t0 t1 got limit i=0 qs c0 c1 ids
    if [ ! -x "$SM_BIN/sendmail" ]; then echo "n/a (no private sendmail: tests/deps.sh unpacks it)"; return 0; fi
    [ "$P1SM_UP" = 1 ] || { echo "FAIL the private sendmail did not start"; return 0; }
    if m=$(missing "${V_NEED[$v]}"); then echo "n/a (not built: $m)"; return 0; fi
    case ${V_KIND[$v]} in
    # The mbox is made beforehand, owned by its user: mail.local runs once
    # per message, and of several that find it missing at once, one can see
    # it still owned by root and bounce the message ("wrong ownership").
    mbox) rm -f "$new" "$new.lock"
          install -m 600 -o "${new##*/}" -g "$(id -gn "${new##*/}")" /dev/null "$new" ;;
    *) clean "$v" ;;
    esac
    sync
    # sendmail is slower than Postfix here (4 msg/s at the least, not 20).
    limit=$(( (${P1_TIMEOUT:-60} + n / 4) * 10 ))
    c0=$(cg_usage)
    t0=$(date +%s.%N)
    if ! smtp-source -s "$s" -d -m "$n" -l 8192 -f bench@src.bench.test -t "${V_RCPT[$v]}" \
        "127.0.0.1:${V_PORT[$v]}" >"$W/smtp-source.$v.log" 2>&1; then
        echo "FAIL smtp-source: $(tail -1 "$W/smtp-source.$v.log")"
        sm_flush; return 0
    fi
    while got=$(sm_count "$v" "$n"); [ "$got" -lt "$n" ] && [ "$i" -lt "$limit" ]; do
        sleep 0.1; i=$((i + 1))
    done
    # The mbox itself, or the files in new/ (-maxdepth 1 covers both).
    t1=$(find "$new" -maxdepth 1 -type f -printf '%C@\n' 2>/dev/null | sort -n | tail -1)
    wait_for 10 test "$(sm_queue_size)" = 0
    c1=$(cg_usage)
    qs=$(sm_queue_size) got=$(sm_count "$v")
    if [ "${V_KIND[$v]}" = mbox ]; then
        # Each message once: as many distinct sendmail queue ids as separators.
        ids=$(awk '/^Received: from / { r = 1; next } r && /^\t.* id [A-Za-z0-9]+/ {
                 for (i = 1; i < NF; i++) if ($i == "id") { print $(i + 1); break } } { r = 0 }' "$new" | sort -u | wc -l)
        [ "$ids" = "$got" ] || { echo "FAIL $got messages in the mbox, $ids distinct"; sm_flush; return 0; }
    fi
    if [ "$got" != "$n" ] || [ "$qs" != 0 ]; then
        echo "FAIL $got of $n delivered, $qs left in the queue"
        sm_flush; return 0
    fi
    echo "$(calc "$n / ($t1 - $t0)") $([ -n "$c0" ] && calc "($c1 - $c0) / 1000000 / $n" || echo n/a)"
}

# p1sm_round N SESSIONS [quiet]: one measurement of each variant, with RESULT
# lines and the ratios to (s-a) (and of (s-a) to Postfix's (a), when the round
# measured it: P1_GOT_A, P1_CPU_A).
p1sm_round() {
    local n=$1 s=$2 v out sec=P1-sendmail
    local -A got cpu
    for v in $P1SM_ORDER; do
        out=$(p1sm_measure "$v" "$n" "$s")
        if isnum "${out%% *}"; then
            got[$v]=${out%% *} cpu[$v]=${out#* }
            result "$sec" "${V_LABEL[$v]}" msg/s "${got[$v]}"
            result "$sec" "${V_LABEL[$v]}" "CPU ms/msg" "${cpu[$v]}" "MTA + milter + delivery, apart from the machine's other load"
        else
            got[$v]=$out; result "$sec" "${V_LABEL[$v]}" msg/s "$out"
        fi
    done
    for v in $P1SM_ORDER; do
        isnum "${got[$v]}" || continue
        if [ "$v" = sa ]; then
            isnum "${P1_GOT_A:-}" && result "$sec" "${V_LABEL[$v]}" "ratio to (a)" \
                "$(calc "${got[$v]} / $P1_GOT_A")" "over Postfix + virtual(8), same round"
            isnum "${cpu[$v]}" && isnum "${P1_CPU_A:-}" && result "$sec" "${V_LABEL[$v]}" "CPU ratio to (a)" \
                "$(calc "${cpu[$v]} / $P1_CPU_A")"
            continue
        fi
        isnum "${got[sa]}" && result "$sec" "${V_LABEL[$v]}" "ratio to (s-a)" \
            "$(calc "${got[$v]} / ${got[sa]}")" "msg/s over (s-a)'s"
        isnum "${cpu[$v]}" && isnum "${cpu[sa]}" && result "$sec" "${V_LABEL[$v]}" "CPU ratio to (s-a)" \
            "$(calc "${cpu[$v]} / ${cpu[sa]}")" "CPU per message over (s-a)'s"
    done
}
