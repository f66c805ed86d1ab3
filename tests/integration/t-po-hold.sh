#!/bin/bash
# t-po-hold.sh - transfer modes through a real MTA: a postoffice's outbound
# direction paused with pogate-po holds its users' mail in the MTA (Postfix's
# hold queue, sendmail's quarantine) while the client is told 250, and resume
# releases exactly the messages held for that postoffice and delivers them.
# Postoffices: contrib/demo/conf (SALES, LEGACY); the postoffices' clients
# send from 127.0.0.1 (TRUST); the Internet is Postfix's smtp-sink.
# Checked: pause outbound (active -> inbound-only); N messages of SALES held,
# each with a record under hold_dir and nothing at the sink; LEGACY's mail
# leaves meanwhile; LEGACY paused too, its message held; show counts the held
# messages; resume SALES releases its N (and not LEGACY's), which reach the
# sink rewritten; inbound to SALES still flowed while outbound was held; a
# resume of an unknown postoffice is refused. With POHOLD_MTA=sendmail
# (t-po-hold-sendmail.sh) the same behind sendmail; default Postfix.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
kind=${POHOLD_MTA:-postfix}
mta_use "$kind"
LDA=$BUILDDIR/lda/pogate-lda POGATE_PO=$BUILDDIR/maps/pogate-po
if [ "$(id -u)" != 0 ] || ! command -v swaks >/dev/null || [ ! -x /usr/sbin/smtp-sink ]; then
    skip "needs root, swaks and smtp-sink"; done_testing
fi
for p in "$MILTER" "$LDA" "$POGATE_MAP" "$POGATE_PO"; do
    [ -x "$p" ] || { skip "$p not built"; done_testing; }
done
if [ "$kind" = sendmail ] && [ ! -x "$SM_BIN/sendmail" ]; then skip "no private sendmail (run tests/deps.sh)"; done_testing; fi

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink hold=$TESTTMP/hold
log=$TESTTMP/pogate.log mlog=$TESTTMP/milter.log sock=$run/milter.sock
sink_port=$(free_port)
stop_all() { mta_stop; milter_stop; e2e_sink_stop; }
at_exit stop_all

mta_init "$TESTTMP/$kind" || { not_ok "mta_init"; done_testing; }
mkdir -p "$hold" && chown pogate "$hold"
if [ "$kind" = postfix ]; then
    mta_conf="mta = postfix
mta_config = $PF_DIR/etc"
else
    # The private sendmail runs in its own namespaces (sendmail.sh): the
    # commands pogate-po runs go through sm_run.
    cat >"$TESTTMP/sendmail-cmd" <<SH
#!/bin/bash
. "$SRCDIR/tests/lib/sendmail.sh"
SM_DIR=$SM_DIR SM_HOSTNAME=$SM_HOSTNAME
sm_run "\$@"
SH
    chmod 755 "$TESTTMP/sendmail-cmd"
    mta_conf="mta = sendmail
sendmail_path = $TESTTMP/sendmail-cmd"
fi
e2e_conf "$conf" "$store" "$run" "$log" "socket_group = postfix
hold_dir = $hold
$mta_conf"
check "pogate-map compiles the demo maps" "$POGATE_MAP" -c "$conf"
check "pogate-milter starts" milter_start "$conf" "$sock" "$mlog"
check "the Internet sink listens" e2e_sink_start "$sink" "$sink_port"

if [ "$kind" = postfix ]; then
    e2e_pf_contrib "$conf" "$sock" "$LDA" "$sink_port"
else
    paths() { sed -e "s|/etc/pogate|$conf|g" -e "s|/run/pogate|$run|g" -e "s|/usr/sbin/pogate-lda|$LDA|g"; }
    sm_mc "$(paths <"$SRCDIR/contrib/sendmail/pogate.mc")"
    sm_mc_end "$(paths <"$SRCDIR/contrib/sendmail/pogate.m4")"
    # shellcheck disable=SC2016 # sendmail's $ operators
    sm_mc "define(\`ESMTP_MAILER_ARGS', \`TCP \$h $sink_port')dnl" 'LOCAL_RULE_0' \
        'R$* < @ internet.example . > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example . > $2' \
        'R$* < @ internet.example > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example > $2' \
        'divert(0)dnl'
fi
check "$kind starts" mta_start

po() { "$POGATE_PO" -c "$conf" "$@" 2>&1; }
# The milter sees a rebuilt index.cdb within a second by itself; SIGUSR1
# makes it now, so the next message is judged by the new state.
reloaded() {
    local n
    n=$(grep -c 'reload: configuration and maps reloaded' "$mlog")
    kill -USR1 "$MILTER_PID"
    wait_for 10 bash -c "[ \$(grep -c 'reload: configuration and maps reloaded' '$mlog') -gt $n ]"
}
at_sink() { grep -lr -- "$1" "$sink" 2>/dev/null | wc -l; }
sink_has() { [ "$(at_sink "$1")" -ge "$2" ]; }
held_ids() {
    if [ "$kind" = postfix ]; then
        postqueue -c "$PF_DIR/etc" -j | sed -n 's/.*"queue_name": "hold", "queue_id": "\([0-9A-Za-z]*\)".*/\1/p'
    else
        sm_run -bp -qQ | sed -n 's/^\([0-9A-Za-z]\{6,\}\)[*X-]\{0,1\} .*/\1/p'
    fi
}
held_count() { held_ids | grep -c .; }
records() { find "$hold/$1" -type f 2>/dev/null | wc -l; }
token=po-hold-$kind-$$

is "pause sales outbound: active -> inbound-only" "$(po pause sales outbound)" "sales: active -> inbound-only"
check "... the milter has the new maps" reloaded
N=3
ok250=0
for i in $(seq 1 $N); do
    r=$(mta_send jsmith@sales.po friend@internet.example --header "Subject: $token-$i" --body "body $token-$i" 2>&1)
    case $r in *"<-  250 "*) ok250=$((ok250 + 1)) ;; esac
done
is "$N outbound messages of the paused postoffice: the client is told 250 for each" "$ok250" "$N"
check "... the MTA holds them" wait_for 20 test "$(held_count)" -ge "$N"
is "... $N held" "$(held_count)" "$N"
is "... $N records under hold_dir/sales" "$(records sales)" "$N"
like "... the milter's tracking line says verdict=hold" "$(cat "$log")" "outbound=sales/jsmith .*hold=sales verdict=hold"
r=$(mta_send gate@legacy.po friend@internet.example --header "Subject: $token-legacy" --body "body $token-legacy" 2>&1)
check "another postoffice's outbound mail leaves meanwhile" wait_for 20 sink_has "$token-legacy" 1
is "... nothing of the paused postoffice reached the Internet" "$(at_sink "$token-[0-9]")" 0
r=$(mta_send someone@internet.example john.smith@sales.example.com \
    --header "Subject: $token-in" --body "body $token-in" 2>&1)
if wait_for 20 bash -c "grep -rlq -- '$token-in' '$store/sales/mailboxes/jsmith/new'"; then
    ok "inbound to sales still flows (inbound-only)"
else
    not_ok "inbound to sales still flows (inbound-only)"
    diag "$(printf '%s\n' "$r" | tail -n 6)"
    diag "$(mta_mailq 2>&1 | tail -n 6)"
    [ "$kind" != postfix ] || diag "$(grep -v postfix/postlog "$PF_LOG" | tail -n 12)"
    diag "$(tail -n 5 "$log")"
fi

is "pause legacy: active -> paused" "$(po pause legacy)" "legacy: active -> paused"
check "... the milter has the new maps" reloaded
mta_send gate@legacy.po friend@internet.example --header "Subject: $token-lheld" --body "body $token-lheld" >/dev/null 2>&1
check "... its outbound message is held too" wait_for 20 test "$(held_count)" -ge $((N + 1))
out=$(po show sales)
like "show sales: outbound held" "$out" "^outbound: held in the MTA\$"
like "... the held messages counted" "$out" "^held messages: $N \\(oldest held since "

out=$(po resume sales)
like "resume sales: inbound-only -> active" "$out" "^sales: inbound-only -> active"
like "... released $N held messages" "$out" "sales: released $N held messages\$"
check "... they reach the Internet" wait_for 30 sink_has "$token-[0-9]" "$N"
is "... all $N" "$(at_sink "$token-[0-9]")" "$N"
f=$(grep -lr -- "$token-1" "$sink" | head -n 1)
like "... sent as the public address (rewritten before it was held)" "$(sed -n '1,/^$/p' "$f")" \
    '^From: .*john\.smith@sales\.example\.com'
is "... the MTA still holds exactly the other postoffice's message" "$(held_count)" 1
is "... the records of sales are gone" "$(records sales)" 0
is "... legacy's record stays" "$(records legacy)" 1
is "held and released, counted" "held=$N released=$(at_sink "$token-[0-9]")" "held=$N released=$N"
diag "$kind: held $N for sales (+1 for legacy), released $N; legacy's 1 still held"
out=$(po resume legacy)
like "resume legacy: released its 1" "$out" "legacy: released 1 held message\$"
check "... it reaches the Internet" wait_for 30 sink_has "$token-lheld" 1
is "... nothing held any more" "$(held_count)" 0

out=$(po resume nosuch); rc=$?
is "resume of an unknown postoffice: exit 1" "$rc" 1
like "... says which" "$out" "postoffices: no postoffice nosuch"
done_testing
