#!/bin/bash
# t-e2e-sendmail.sh - the gateway end to end behind a real sendmail,
# configured by contrib/sendmail/pogate.mc and pogate.m4 themselves (only
# the installed paths replaced): pogate-milter on a unix socket, pogate-lda
# as the pogate mailer, the demo postoffices. The "Internet" is a client on
# 127.0.0.2 (untrusted, not allowed to relay) and Postfix's smtp-sink on
# 127.0.0.1 for what leaves; postoffice users send from 127.0.0.1 (access
# TRUST). Checked: inbound to a mailbox, an alias, a catch-all and a mailbag
# postoffice, recipients rewritten to the canonical address, unknown mailbox,
# a local part past RFC 5321's 64 octets
# and foreign or internal domains refused at RCPT; outbound sender and From:
# rewritten, byte for byte at the sink, outbound=no refused, a second
# daemon named in outbound_services ({daemon_name}) marks outbound; a postoffice
# added with pogate-map while everything runs is reachable at once; a store
# error (pogate-lda exit 75) keeps the message queued until a retry
# delivers it; with the milter stopped mail is refused with 4xx, and
# delivered again once it is back.
# With E2E_SM_MAILER=lmtp (t-e2e-sendmail-lmtp.sh) the same runs with
# contrib/sendmail/pogate-lmtp.m4, pogate-lmtp -i as an F=z mailer, instead
# of pogate.m4; with E2E_SM_DELAY_CHECKS=1 (t-e2e-sendmail-delay.sh) behind a
# sendmail with FEATURE(delay_checks) and an access map that rejects a
# sender, which must still be rejected for postoffice recipients.
# sendmail is configured with sm_* and driven with mta.sh's API, as
# t-e2e-postfix.sh drives Postfix; the demo postoffices and the sink are
# e2e.sh's, shared with it.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
mta_use sendmail

mailer=${E2E_SM_MAILER:-lda}
case $mailer in
lda) prog=pogate-lda m4=pogate.m4 SM_PORT=26010 sink_port=26011 msa_port=26012
    # sendmail notes only the exit status of a plain mailer; or, when
    # pogate-lda gave up before reading the message, its own failed write.
    deferred='^MDeferred: pogate mailer .* exited with EX_TEMPFAIL|^Mputbody: write error: Broken pipe' ;;
lmtp) prog=pogate-lmtp m4=pogate-lmtp.m4 SM_PORT=26020 sink_port=26021 msa_port=26022
    # An LMTP mailer's reply is the reason itself.
    deferred='^MDeferred: 451 4\.3\.0 store: Permission denied' ;;
*) echo "E2E_SM_MAILER: lda or lmtp" >&2; exit 1 ;;
esac
delay=${E2E_SM_DELAY_CHECKS:-0}
[ "$delay" = 0 ] || SM_PORT=26030 sink_port=26031 msa_port=26032
LDA=$BUILDDIR/lda/$prog
if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
need swaks unshare mount m4 ss smtp-sink postfix
if [ ! -x "$SM_BIN/sendmail" ]; then not_ok "no private sendmail in $SM_ROOT (tests/deps.sh unpacks it)"; done_testing; fi
for p in "$MILTER" "$LDA" "$POGATE_MAP"; do
    [ -x "$p" ] || { skip "$p not built"; done_testing; }
done

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink
log=$TESTTMP/pogate.log mlog=$TESTTMP/milter.log
sock=$run/milter.sock
# shellcheck disable=SC2317 # stop_all runs from the EXIT trap
stop_all() {
    mta_stop
    milter_stop
    e2e_sink_stop
}
at_exit stop_all

# The demo postoffices: SALES (Maildir, alias domain, internal domain
# sales.po, TEMP with outbound=no), LEGACY (mailbag); 127.0.0.1 TRUST.
e2e_conf "$conf" "$store" "$run" "$log" "outbound_services = MSA"
check "pogate-map compiles the demo maps" "$POGATE_MAP" -c "$conf"
is "pogate-map writes the sendmail mailertable (text)" "$(sort "$conf/sendmail/mailertable")" \
    "$(printf '%s\tpogate:%s\n' legacy.example.net legacy.example.net legacy.po legacy.po \
        sales.example.com sales.example.com sales.example.org sales.example.org sales.po sales.po)"
is "pogate-map writes the sendmail relay domains (public and alias only)" \
    "$(sort "$conf/sendmail/relay-domains" | tr '\n' ' ')" "legacy.example.net sales.example.com sales.example.org "

check "pogate-milter starts on a unix socket" milter_start "$conf" "$sock" "$mlog"

check "the Internet sink listens" e2e_sink_start "$sink" "$sink_port"

# sendmail from the contrib files, with this test's paths in place of the
# installed ones; nothing else of pogate's set-up is added.
paths() {
    sed -e "s|/etc/pogate|$conf|g" -e "s|/run/pogate|$run|g" -e "s|/usr/sbin/$prog|$LDA|g"
}
mta_init "$TESTTMP/sendmail" || { not_ok "mta_init writes the instance"; done_testing; }
if [ "$delay" != 0 ]; then
    # A site's own checks, before pogate.mc as contrib/sendmail/README says.
    printf 'From:spammer@internet.example\tREJECT\n' | sm_makemap hash "$SM_DIR/access"
    sm_mc "FEATURE(\`access_db', \`hash -T<TMPF> $SM_DIR/access')dnl" "FEATURE(\`delay_checks')dnl"
fi
# pogate.mc before the MAILER() lines, the mailer after them, as
# contrib/sendmail/README says.
sm_mc "$(paths <"$SRCDIR/contrib/sendmail/pogate.mc")"
sm_mc_end "$(paths <"$SRCDIR/contrib/sendmail/$m4")"
# A second daemon named MSA: pogate-milter sees its {daemon_name}.
sm_mc "DAEMON_OPTIONS(\`Family=inet, Addr=127.0.0.1, Port=$msa_port, Name=MSA, Listen=1024')dnl"
# The test's Internet: internet.example is the smtp-sink (the harness refuses
# every other remote domain).
# shellcheck disable=SC2016 # sendmail's $ operators
sm_mc "define(\`ESMTP_MAILER_ARGS', \`TCP \$h $sink_port')dnl" 'LOCAL_RULE_0' \
    'R$* < @ internet.example . > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example . > $2' \
    'R$* < @ internet.example > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example > $2' \
    'divert(0)dnl'
check "sendmail.cf builds from contrib/sendmail" sm_build
check "sendmail starts" mta_start
check "... with its MSA daemon" wait_for 10 bash -c "ss -Hltn 'src 127.0.0.1:$msa_port' | grep -q ."
sm_pid0=$MTA_PID milter_pid0=$MILTER_PID

token=e2e-sm-$$-$RANDOM
# from_net FROM TO [swaks args]: from the Internet (127.0.0.2).
from_net() { mta_send "$1" "$2" --local-interface 127.0.0.2 "${@:3}" 2>&1; }
# from_po FROM TO [swaks args]: from a postoffice user (127.0.0.1, TRUST).
from_po() { mta_send "$@" 2>&1; }
files() { find "$store/$1" -type f 2>/dev/null | sort; }
# shellcheck disable=SC2317 # run by wait_for
one_file() { [ "$(files "$1" | wc -l)" -eq "${2:-1}" ]; }
hdr() { sed -n '1,/^$/p' "$1"; }

like "sendmail -bv: a PO domain goes to the pogate mailer with the full address" \
    "$(sm_run -bv john.smith@sales.example.com 2>&1)" \
    'deliverable: mailer pogate, host sales\.example\.com, user john\.smith@sales\.example\.com'

# --- inbound
r=$(from_net someone@internet.example john.smith@sales.example.com --header "Subject: $token mbx" --body "body $token mbx")
like "inbound to a mailbox: accepted" "$r" '<-  250 2\.0\.0 .* Message accepted for delivery'
check "inbound to a mailbox: one file in SALES/JSMITH new/" wait_for 20 one_file sales/mailboxes/jsmith/new
f=$(files sales/mailboxes/jsmith/new | head -n 1)
h=$(hdr "$f")
like "mailbox: Return-Path is the envelope sender" "$h" '^Return-Path: <someone@internet\.example>'
like "mailbox: Delivered-To is the address" "$h" '^Delivered-To: john\.smith@sales\.example\.com'
like "mailbox: received from the Internet client 127.0.0.2" "$h" '^Received: from .*\[127\.0\.0\.2\]'
like "mailbox: the body arrived" "$(cat "$f")" "^body $token mbx\$"
qid=$(printf '%s\n' "$r" | sed -n 's/.*250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p')
like "$prog logs sendmail's queue id (\$i)" "$(cat "$log")" \
    "$prog\\[[0-9]+\\]: ${qid:-none}: to=<john\\.smith@sales\\.example\\.com>, from=<someone@internet\\.example>.*status=delivered"
like "pogate-milter logs it as well (macro i)" "$(cat "$log")" \
    "${qid:-none}: client=.*127\\.0\\.0\\.2.* to=<john\\.smith@sales\\.example\\.com>->sales/jsmith verdict=accept"

r=$(from_net someone@internet.example js@sales.example.com --header "Subject: $token alias" --body "body $token alias")
like "inbound to an alias: accepted" "$r" '<-  250 2\.0\.0 '
check "alias: delivered to SALES/JSMITH" wait_for 20 one_file sales/mailboxes/jsmith/new 2
f=$(grep -ls "body $token alias" "$store"/sales/mailboxes/jsmith/new/* | head -n 1)
like "alias: the recipient was rewritten to the canonical address (Delivered-To)" \
    "$(hdr "$f" | grep '^Delivered-To:')" '^Delivered-To: john\.smith@sales\.example\.com$'
like "alias: the To: header is left as sent" "$(hdr "$f")" '^To: js@sales\.example\.com'

r=$(from_net someone@internet.example whoever@sales.example.org --header "Subject: $token catch" --body "body $token catch")
like "inbound to a catch-all: accepted" "$r" '<-  250 2\.0\.0 '
check "catch-all: delivered to SALES/INBOX" wait_for 20 one_file sales/mailboxes/inbox/new
f=$(files sales/mailboxes/inbox/new | head -n 1)
like "catch-all: Delivered-To is the inbox's address" "$(hdr "$f")" '^Delivered-To: inbox@sales\.example\.com'

r=$(from_net someone@internet.example anna@legacy.example.net --header "Subject: $token bag" --body "body $token bag")
like "inbound to a mailbag PO: accepted" "$r" '<-  250 2\.0\.0 '
check "mailbag: one file in LEGACY's mailbag" wait_for 20 one_file legacy/mailbag/new
f=$(files legacy/mailbag/new | head -n 1)
like "mailbag: the envelope names the recipient" "$(cat "$f")" 'anna@legacy\.example\.net'
like "mailbag: the envelope names the sender" "$(cat "$f")" 'someone@internet\.example'
like "mailbag: the body arrived" "$(cat "$f")" "^body $token bag\$"

r=$(from_net '<>' john.smith@sales.example.com --header "Subject: $token null" --body "body $token null")
like "inbound with the null sender: accepted" "$r" '<-  250 2\.0\.0 '
check "null sender: delivered" wait_for 20 one_file sales/mailboxes/jsmith/new 3
f=$(grep -ls "body $token null" "$store"/sales/mailboxes/jsmith/new/* | head -n 1)
like "null sender: Return-Path: <>" "$(hdr "$f")" '^Return-Path: <>$'

r=$(from_net someone@internet.example nobody@sales.example.com --quit-after RCPT)
like "unknown mailbox: 550 5.1.1 at RCPT" "$r" '<\*\* 550 5\.1\.1 .*nobody@sales\.example\.com'
r=$(from_net someone@internet.example friend@internet.example --quit-after RCPT)
like "the Internet may not relay to other domains: 550 5.7.1 at RCPT" "$r" '<\*\* 550 5\.7\.1 .*[Rr]elaying denied'
r=$(from_net someone@internet.example jsmith@sales.po --quit-after RCPT)
like "an internal domain is not reachable from the Internet: 550 5.7.1" "$r" '<\*\* 550 5\.7\.1 .*[Rr]elaying denied'

r=$(from_net someone@internet.example '<@sales.example.com:friend@internet.example>' --quit-after RCPT)
like "a source route through a PO domain is no relay: 550 5.7.1" "$r" '<\*\* 550 5\.7\.1 .*[Rr]elaying denied'
r=$(from_net someone@internet.example 'friend%internet.example@sales.example.com' --quit-after RCPT)
like "a percent hack at a PO domain is no relay: 550 5.1.1" "$r" '<\*\* 550 5\.1\.1 '
r=$(from_net someone@internet.example John.Smith@SALES.Example.COM --quit-after RCPT)
like "a PO domain in capitals is relayed and resolved" "$r" '<-  250 2\.1\.5 '
# RFC 5321's limits: sendmail passes these on, pogate-milter refuses them naming the rule.
r=$(from_net someone@internet.example "$(printf 'a%.0s' $(seq 1 65))@sales.example.com" --quit-after RCPT)
like "a 65-octet local part: 501 5.1.3, the rule named" "$r" \
    '<\*\* 501 5\.1\.3 Bad recipient address syntax: local part longer than 64 octets \(RFC 5321 4\.5\.3\.1\.1\)'

if [ "$delay" != 0 ]; then
    r=$(from_net spammer@internet.example john.smith@sales.example.com --quit-after RCPT)
    like "delay_checks: a sender the access map rejects is refused for a PO recipient" "$r" \
        '<\*\* 550 5\.7\.1 <john\.smith@sales\.example\.com>\.\.\. Access denied'
fi

# --- outbound
r=$(from_po jsmith@sales.po friend@internet.example --header "From: jsmith@sales.po" \
    --header "Subject: $token out" --body "body $token out")
like "outbound from an internal address: accepted" "$r" '<-  250 2\.0\.0 '
check "outbound: the Internet sink got it" wait_for 20 bash -c "grep -qls 'body $token out' '$sink'/*"
f=$(grep -ls "body $token out" "$sink"/* | head -n 1)
is "outbound: envelope sender rewritten to the public address" \
    "$(grep -m1 '^X-Mail-Args: ' "$f" | tr -d '\r' | awk '{print $2}')" "<john.smith@sales.example.com>"
is "outbound: envelope recipient unchanged" \
    "$(grep -m1 '^X-Rcpt-Args: ' "$f" | tr -d '\r' | awk '{print $2}')" "<friend@internet.example>"
is "outbound: From: header rewritten with the display name (bytes)" \
    "$(grep -m1 '^From: ' "$f" | od -An -c | tr -s ' \n' ' ')" \
    "$(printf 'From: John Smith <john.smith@sales.example.com>\n' | od -An -c | tr -s ' \n' ' ')"
check_fail "outbound: the internal address is gone from the message" grep -q 'jsmith@sales\.po' "$f"

r=$(from_po temp@sales.po friend@internet.example --quit-after RCPT)
like "outbound=no mailbox: 550 5.7.1" "$r" '<\*\* 550 5\.7\.1 '

r=$(from_po anna@legacy.po jsmith@sales.po --header "From: anna@legacy.po" \
    --header "Subject: $token internal" --body "body $token internal")
like "postoffice to postoffice over the internal domains: accepted" "$r" '<-  250 2\.0\.0 '
check "internal: delivered to SALES/JSMITH" wait_for 20 bash -c "grep -qls 'body $token internal' '$store'/sales/mailboxes/jsmith/new/*"
f=$(grep -ls "body $token internal" "$store"/sales/mailboxes/jsmith/new/* | head -n 1)
like "internal: the sender is Anna's public address" "$(hdr "$f")" '^Return-Path: <anna@legacy\.example\.net>'

# {daemon_name}: the MSA daemon is in outbound_services, the MTA one is not.
r=$(from_net jsmith@sales.po john.smith@sales.example.com --quit-after RCPT)
like "an Internet client using a PO sender on the MTA port: 550 5.7.1 at MAIL" "$r" \
    '<\*\* 550 5\.7\.1 .*postoffice senders must authenticate or use a trusted relay'
r=$(MTA_PORT=$msa_port from_net jsmith@sales.po anna@legacy.example.net \
    --header "From: jsmith@sales.po" --header "Subject: $token msa" --body "body $token msa")
like "the same on the MSA port ({daemon_name} MSA): accepted" "$r" '<-  250 2\.0\.0 '
check "MSA: delivered to LEGACY's mailbag" wait_for 20 bash -c "grep -qls 'body $token msa' '$store'/legacy/mailbag/new/*"
f=$(grep -ls "body $token msa" "$store"/legacy/mailbag/new/* | head -n 1)
like "MSA: the envelope sender was rewritten" "$(cat "$f")" '^X-Pogate-Sender: <john\.smith@sales\.example\.com>'
like "MSA: so was From:" "$(cat "$f")" '^From: John Smith <john\.smith@sales\.example\.com>'

# --- a new postoffice while sendmail and the milter run
r=$(from_net someone@internet.example ops@new.example --quit-after RCPT)
like "before pogate-map: new.example is refused (not in the mailertable)" "$r" '<\*\* 550 5\.7\.1 '
sleep 1 # pogate-milter compares index.cdb's stat: a new mtime on any file system
echo 'NEWPO   domain=new.example postmaster=OPS' >>"$conf/postoffices"
echo 'NEWPO/OPS address=ops@new.example name="New Ops"' >>"$conf/mailboxes"
check "pogate-map adds the postoffice" "$POGATE_MAP" -c "$conf"
check "... to sendmail's relay domains" grep -qx 'new\.example' "$conf/sendmail/relay-domains"
check "... and to its mailertable" grep -qxF "$(printf 'new.example\tpogate:new.example')" "$conf/sendmail/mailertable"
r=$(from_net someone@internet.example ops@new.example --header "Subject: $token new" --body "body $token new")
like "the new postoffice takes mail at once" "$r" '<-  250 2\.0\.0 '
check "the new postoffice: delivered to NEWPO/OPS" wait_for 20 one_file newpo/mailboxes/ops/new
is "sendmail was not restarted" "$(mta_daemon_pid)" "$sm_pid0"
is "pogate-milter was not restarted" "$MILTER_PID" "$milter_pid0"
check "both still run" kill -0 "$sm_pid0" "$milter_pid0"

# --- a temporary store error (pogate-lda exit 75, pogate-lmtp 451): queued,
# then delivered by a retry
mode=$(stat -c %a "$store/sales")
chmod 000 "$store/sales"
r=$(from_net someone@internet.example admin@sales.example.com --header "Subject: $token retry" --body "body $token retry")
like "store trouble: the message is accepted" "$r" '<-  250 2\.0\.0 '
qid=$(printf '%s\n' "$r" | sed -n 's/.*250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p')
check "store trouble: $prog's 4.x.x keeps it in sendmail's queue" \
    wait_for 20 grep -qs "$qid: to=<admin@sales.example.com>.*status=deferred\|$qid: to=<admin@sales.example.com>.*4\.[0-9]\.[0-9]" "$log"
is "store trouble: one message queued" "$(mta_queue_size)" 1
# pogate-lda has answered, but sendmail may still hold the job (mailq marks
# it "*") until it has written the deferral into the queue file.
check "the queue file says why" wait_for 30 grep -qsE "$deferred" "$SM_DIR/queue/qf$qid"
job_idle() { ! mta_mailq 2>&1 | grep -q "^$qid\*"; }
wait_for 30 job_idle
like "mailq lists it" "$(mta_mailq 2>&1)" "^$qid .*<someone@internet\\.example>"
check_fail "not delivered meanwhile" one_file sales/mailboxes/admin/new
chmod "$mode" "$store/sales"
check "a queue run (sendmail -q) delivers it" mta_flush
check "retried: delivered to SALES/ADMIN" wait_for 20 one_file sales/mailboxes/admin/new
check "the queue is empty" mta_wait_queue_empty 20

# --- the milter down: nothing is accepted without its policy
milter_stop
r=$(from_net someone@internet.example john.smith@sales.example.com --header "Subject: $token down" --body "body $token down")
like "milter stopped: MAIL FROM gets 451 4.3.2 (F=T)" "$r" '<\*\* 451 4\.3\.2 '
check_fail "milter stopped: not accepted" bash -c "printf '%s\n' \"\$1\" | grep -q '<-  250 2\.0\.0 .*accepted'" _ "$r"
check "milter stopped: nothing queued" mta_wait_queue_empty 5
check "pogate-milter starts again" milter_start "$conf" "$sock" "$mlog.2"
r=$(from_net someone@internet.example john.smith@sales.example.com --header "Subject: $token back" --body "body $token back")
like "milter back: accepted" "$r" '<-  250 2\.0\.0 '
check "milter back: delivered" wait_for 20 bash -c "grep -qls 'body $token back' '$store'/sales/mailboxes/jsmith/new/*"

check "the queue is empty at the end" mta_wait_queue_empty 20
check "no dead.letter" test ! -e "$SM_DIR/dead.letter"
check "sendmail stops" mta_stop
done_testing
