#!/bin/bash
# t-e2e-postfix.sh - pogate end to end behind a private Postfix configured by
# the shipped contrib/postfix/main.cf and master.cf themselves: both appended
# to the instance's files with only paths, the milter socket and the
# submission port replaced. pogate-milter on a unix socket, pogate-lda through
# the snippet's pipe(8) service (user=pogate), and Postfix's smtp-sink on
# 127.0.0.1 standing in for the Internet (default_transport and
# relay_transport). Postoffices: contrib/demo/conf. The postoffices' own
# clients send from 127.0.0.1 (mynetworks, access TRUST); the Internet sends
# from 127.0.0.2, which neither Postfix nor pogate trusts.
#
# Checked on disk, in SMTP replies and in the bytes the sink captured:
# inbound to a mailbox, an alias, a catch-all and a mailbag PO; unknown
# mailbox refused at RCPT; a bounce to two POs; outbound rewriting; the
# outbound refusals; no open relay; the submission service (TLS, then SASL
# through a private Dovecot auth service; the authenticated user's mail
# rewritten); a PO added by pogate-map while everything runs; milter down ->
# tempfail, back up -> a sending MTA (a second private Postfix on 127.0.0.2)
# retries and the mail is delivered; pogate-lda exit 75 -> the mail stays
# queued until the PO is resumed and the queue flushed. Postfix is configured
# with pf_* and driven with mta.sh's API, as t-e2e-sendmail.sh drives sendmail;
# the demo postoffices and the sink are e2e.sh's, shared with it.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
mta_use postfix
LDA=${LDA:-$BUILDDIR/lda/pogate-lda}

for p in "$MILTER" "$LDA" "$POGATE_MAP"; do
    [ -x "$p" ] || { echo "1..0 # skip $(basename "$p") not built"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # skip needs root"; exit 0; }
need postfix postconf postmap postqueue smtp-sink swaks python3 dovecot openssl ss

# Free ports from this test's range 26100-26199: take_port VAR.
taken=" "
take_port() {
    local p
    for p in $(seq 26100 26199); do
        case $taken in *" $p "*) continue ;; esac
        ss -Hltn "sport = :$p" | grep -q . && continue
        taken="$taken$p "
        printf -v "$1" %s "$p"
        return 0
    done
    echo "# no free port in 26100-26199" >&2
    exit 1
}
smtp_port='' sub_port='' sink_port='' inet_port=''
take_port smtp_port
take_port sub_port
take_port sink_port
take_port inet_port

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink
sock=$run/milter.sock mlog=$TESTTMP/milter.log plog=$TESTTMP/pogate.log
relay_pid='' inet_pid='' inet_stopped=''
# Two private Postfix instances: the relay host (pogate's) and, for the
# retry case, an MTA of the Internet. use_relay / use_inet point the
# pf_* and mta_* functions at one of them.
use_relay() { PF_DIR=$TESTTMP/postfix PF_PORT=$smtp_port PF_LOG=$TESTTMP/postfix/maillog PF_MASTER_PID=$relay_pid; }
use_inet() { PF_DIR=$TESTTMP/inet PF_PORT=$inet_port PF_LOG=$TESTTMP/inet/maillog PF_MASTER_PID=$inet_pid; }
cleanup() {
    if [ -d "$TESTTMP/inet" ] && [ -z "$inet_stopped" ]; then use_inet; mta_stop; fi
    if [ -d "$TESTTMP/postfix" ]; then use_relay; mta_stop; fi
    milter_stop
    e2e_sink_stop
    e2e_sasl_stop
}
at_exit cleanup

# --- pogate: the demo postoffices, a config for milter and LDA ---------------
e2e_conf "$conf" "$store" "$run" "$plog" "socket_group = postfix
# contrib/postfix/master.cf marks its submission service so.
outbound_services = ORIGINATING"
remap() { "$POGATE_MAP" -c "$conf" >"$TESTTMP/pogate-map.log" 2>&1 || { cat "$TESTTMP/pogate-map.log"; return 1; }; }
check "pogate-map compiles the demo postoffices" remap
check "pogate-milter starts on a unix socket" milter_start "$conf" "$sock" "$mlog"
milter_pid=$MILTER_PID

check "smtp-sink listens" e2e_sink_start "$sink" "$sink_port"

# --- Postfix: the shipped snippets, appended ---------------------------------
PF_PORT=$smtp_port
mta_init "$TESTTMP/postfix" || { not_ok "mta_init"; done_testing; }
contrib() {
    sed -e "s|/etc/pogate|$conf|g" -e "s|unix:/run/pogate/milter.sock|unix:$sock|g" \
        -e "s|/usr/sbin/pogate-lda|$LDA|g" -e "s|^submission\([ $(printf '\t')]\)|127.0.0.1:$sub_port\1|" \
        "$SRCDIR/contrib/postfix/$1"
}
contrib main.cf >>"$PF_DIR/etc/main.cf"
contrib master.cf >>"$PF_DIR/etc/master.cf"
left=$(grep -hvE '^[[:space:]]*#' "$PF_DIR/etc/main.cf" "$PF_DIR/etc/master.cf" |
    grep -E '/etc/pogate|/run/pogate|/usr/sbin/pogate|^submission')
is "every installed path and port of the snippets replaced" "$left" ""
# Site settings a relay host has anyway: its own network, and where the
# Internet is.
pf_conf "mynetworks = 127.0.0.1/32" \
    "default_transport = smtp:[127.0.0.1]:$sink_port" "relay_transport = smtp:[127.0.0.1]:$sink_port"
# The submission service needs what every site gives it: a certificate and
# a SASL server. Dovecot's auth service (auth only, no mail protocols) with
# one postoffice user, when Dovecot is installed.
dc=$TESTTMP/dovecot
have_sub=0
if command -v dovecot >/dev/null && command -v openssl >/dev/null; then
    mkdir -p "$dc"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=relay.test \
        -keyout "$dc/key.pem" -out "$dc/cert.pem" >/dev/null 2>&1
    if e2e_sasl_start "$dc" jsmith@sales.po po-secret; then
        have_sub=1
        pf_conf "smtpd_tls_cert_file = $dc/cert.pem" "smtpd_tls_key_file = $dc/key.pem" \
            "smtpd_sasl_type = dovecot" "smtpd_sasl_path = $dc/auth"
    else
        diag "dovecot did not start: $(cat "$dc/dovecot.out" "$dc/dovecot.log" 2>/dev/null)"
    fi
fi
check "Postfix starts with contrib/postfix" mta_start
relay_pid=$PF_MASTER_PID

# net FROM TO [SWAKS-ARGS]: from the Internet (127.0.0.2); po: from a postoffice client.
net() { mta_send "$1" "$2" --local-interface 127.0.0.2 "${@:3}" 2>&1; }
po() { mta_send "$1" "$2" "${@:3}" 2>&1; }
qid() { printf '%s\n' "$1" | sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p'; }
# one DIR TOKEN: the single file under DIR holding TOKEN (waits for it).
one() {
    wait_for 30 grep -rlF "$2" "$1" >/dev/null || { echo "# nothing with $2 in $1" >&2; return 1; }
    sleep 0.2
    local n
    n=$(grep -rlF "$2" "$1" | wc -l)
    [ "$n" = 1 ] || { echo "# $n files with $2 in $1" >&2; return 1; }
    grep -rlF "$2" "$1"
}
# head_of FILE: the header block (up to the first empty line), CR removed.
head_of() { tr -d '\r' <"$1" | sed '/^$/q'; }

# --- inbound ------------------------------------------------------------------
out=$(net someone@internet.example john.smith@sales.example.com --header "Subject: e2e-mbx" --body "body e2e-mbx")
like "inbound to a mailbox: queued" "$out" '<-  250 2\.0\.0 Ok: queued as'
q=$(qid "$out")
if f=$(one "$store/sales/mailboxes/jsmith/new" e2e-mbx); then
    is "mailbox: Return-Path and Delivered-To first" "$(head -2 "$f")" \
        "$(printf 'Return-Path: <someone@internet.example>\nDelivered-To: john.smith@sales.example.com')"
    is "mailbox: written by user pogate (pipe user=pogate)" "$(stat -c %U "$f")" pogate
    like "mailbox: Postfix's Received with the queue id" "$(head_of "$f")" "by relay\.test \(Postfix\) with ESMTP id $q"
    like "mailbox: body intact" "$(tr -d '\r' <"$f" | sed '1,/^$/d')" '^body e2e-mbx$'
else not_ok "inbound to a mailbox: in sales/mailboxes/jsmith/new"; fi
wait_for 10 grep -q "$q: to=<john.smith@sales.example.com>, relay=pogate,.*status=sent" "$PF_LOG"
like "Postfix handed it to pogate-lda (pipe)" "$(grep "$q: to=" "$PF_LOG")" \
    "$q: to=<john\.smith@sales\.example\.com>, relay=pogate, .*status=sent \(delivered via pogate service \(2\.0\.0 delivered"
like "pogate-lda logged it with the queue id" "$(cat "$plog")" \
    "pogate-lda\[[0-9]+\]: $q: to=<john\.smith@sales\.example\.com>.*status=delivered"

out=$(net someone@internet.example js@sales.example.com --header "Subject: e2e-alias" --body "body e2e-alias")
like "inbound to an alias: queued" "$out" '<-  250 2\.0\.0 Ok: queued as'
q=$(qid "$out")
if f=$(one "$store/sales/mailboxes/jsmith/new" e2e-alias); then
    is "alias: delivered to sales/jsmith as the canonical address" "$(sed -n 2p "$f")" \
        "Delivered-To: john.smith@sales.example.com"
else not_ok "inbound to an alias: in sales/mailboxes/jsmith/new"; fi
wait_for 10 grep -q "$q: to=<.*status=sent" "$PF_LOG"
is "alias: the queued recipient is the canonical one (milter rewrite)" \
    "$(grep -o "$q: to=<[^>]*>" "$PF_LOG" | sort -u)" "$q: to=<john.smith@sales.example.com>"

out=$(net someone@internet.example whoever@sales.example.org --header "Subject: e2e-catchall" --body "body e2e-catchall")
like "inbound to a catch-all: queued" "$out" '<-  250 2\.0\.0 Ok: queued as'
if f=$(one "$store/sales/mailboxes/inbox/new" e2e-catchall); then
    is "catch-all: delivered to sales/inbox as inbox@" "$(sed -n 2p "$f")" "Delivered-To: inbox@sales.example.com"
else not_ok "inbound to a catch-all: in sales/mailboxes/inbox/new"; fi

out=$(net someone@internet.example anna@legacy.example.net --header "Subject: e2e-bag" --body "body e2e-bag")
like "inbound to a mailbag PO: queued" "$out" '<-  250 2\.0\.0 Ok: queued as'
q=$(qid "$out")
if f=$(one "$store/legacy/mailbag/new" e2e-bag); then
    is "mailbag: the envelope block" "$(sed '/^$/q' "$f")" "$(printf '%s\n' 'X-Pogate-Envelope: 1' \
        'X-Pogate-Sender: <someone@internet.example>' 'X-Pogate-Postoffice: legacy' \
        'X-Pogate-Recipient: <anna@legacy.example.net> mailbox=anna' "X-Pogate-Queue-Id: $q" '')"
    like "mailbag: the message follows it" "$(sed '1,/^$/d' "$f" | head_of /dev/stdin)" 'Subject: e2e-bag'
else not_ok "inbound to a mailbag PO: in legacy/mailbag/new"; fi

# A bounce (null sender) to two postoffices: pipe(8) runs pogate-lda once
# per recipient (pogate_destination_recipient_limit = 1), and the null sender
# stays <> in the store: no MAILER-DAEMON in Return-Path or in the envelope.
out=$(net '<>' john.smith@sales.example.com,anna@legacy.example.net --header "Subject: e2e-bounce" --body "body e2e-bounce")
like "a bounce to two POs: MAIL FROM:<>" "$out" ' -> MAIL FROM:<>'
like "a bounce to two POs: queued" "$out" '<-  250 2\.0\.0 Ok: queued as'
q=$(qid "$out")
if f=$(one "$store/sales/mailboxes/jsmith/new" e2e-bounce); then
    is "bounce: Return-Path: <> in the mailbox" "$(head -1 "$f")" "Return-Path: <>"
else not_ok "a bounce: in sales/mailboxes/jsmith/new"; fi
if f=$(one "$store/legacy/mailbag/new" e2e-bounce); then
    like "bounce: X-Pogate-Sender: <> in the mailbag" "$(head_of "$f")" '^X-Pogate-Sender: <>$'
else not_ok "a bounce: in legacy/mailbag/new"; fi
wait_for 10 grep -q "$q: to=<anna@legacy.example.net>.*status=sent" "$PF_LOG"
is "bounce: one pogate-lda run per recipient" \
    "$(grep "$q: to=" "$PF_LOG" | grep -o 'postfix/pipe\[[0-9]*\]: [0-9A-F]*: to=<[^>]*>' | sed 's/\[[0-9]*\]//' | sort)" \
    "$(printf '%s\n' "postfix/pipe: $q: to=<anna@legacy.example.net>" "postfix/pipe: $q: to=<john.smith@sales.example.com>")"

out=$(net someone@internet.example nobody@sales.example.com --quit-after RCPT)
like "unknown mailbox: 550 5.1.1 at RCPT" "$out" '<\*\* 550 5\.1\.1 <nobody@sales\.example\.com>'

# --- outbound -----------------------------------------------------------------
msg=$TESTTMP/out.eml
printf '%s\r\n' 'From: jsmith@sales.po' 'Sender: <jsmith@sales.po>' 'Reply-To: J. <jsmith@sales.po>, friend@internet.example' \
    'To: friend@internet.example' 'Subject: e2e-out' 'Date: Wed, 25 Nov 2026 09:00:00 +0000' \
    'Message-ID: <e2e-out@sales.po>' '' 'body e2e-out' 'second line' >"$msg"
out=$(po jsmith@sales.po friend@internet.example --data "@$msg")
like "outbound from a postoffice client: queued" "$out" '<-  250 2\.0\.0 Ok: queued as'
q=$(qid "$out")
if f=$(one "$sink" e2e-out); then
    got=$(tr -d '\r' <"$f")
    like "outbound: envelope sender rewritten to the public address" "$got" \
        '^X-Mail-Args: <john\.smith@sales\.example\.com>$'
    like "outbound: envelope recipient kept" "$got" '^X-Rcpt-Args: <friend@internet\.example>( |$)'
    # What Postfix sent after the sink's own lines and Postfix's Received:.
    want=$(printf '%s\n' 'From: John Smith <john.smith@sales.example.com>' \
        'Sender: John Smith <john.smith@sales.example.com>' \
        'Reply-To: John Smith <john.smith@sales.example.com>, friend@internet.example' \
        'To: friend@internet.example' 'Subject: e2e-out' 'Date: Wed, 25 Nov 2026 09:00:00 +0000' \
        'Message-ID: <e2e-out@sales.po>' '' 'body e2e-out' 'second line')
    is "outbound: headers rewritten with the display name, the rest byte for byte" \
        "$(printf '%s\n' "$got" | sed -n '/^From: /,$p')" "$want"
    like "outbound: relayed by this Postfix" "$got" "by relay\.test \(Postfix\) with ESMTP id $q"
else not_ok "outbound: the sink captured it"; fi
like "milter tracking line: outbound, rewritten sender" "$(cat "$plog" "$mlog")" \
    "$q: client=.*from=<jsmith@sales\.po>.*outbound=sales/jsmith sender=<john\.smith@sales\.example\.com>"

out=$(po temp@sales.po friend@internet.example --quit-after RCPT)
like "outbound=no mailbox: 550 5.7.1" "$out" '<\*\* 550 5\.7\.1 <temp@sales\.po>: sales/temp may not send'
out=$(net jsmith@sales.po admin@sales.example.com --quit-after RCPT)
like "Internet client with an internal PO sender: 550 5.7.1" "$out" \
    '<\*\* 550 5\.7\.1 <jsmith@sales\.po>: postoffice senders must authenticate'
out=$(net john.smith@sales.example.com admin@sales.example.com --quit-after RCPT)
like "Internet client with a public PO sender: 550 5.7.1" "$out" \
    '<\*\* 550 5\.7\.1 <john\.smith@sales\.example\.com>: postoffice senders must authenticate'
# 554 is main.cf's reject_unauth_destination (Postfix's default would be 454).
out=$(net someone@internet.example friend@elsewhere.example --header "Subject: e2e-relay")
like "no open relay: Internet to a non-PO domain refused by main.cf" "$out" \
    '<\*\* 554 5\.7\.1 <friend@elsewhere\.example>: Relay access denied'

# The submission service of contrib/postfix/master.cf, used from a client
# that is not trusted by address (127.0.0.2): TLS first, then SASL; an
# authenticated postoffice user's mail leaves under the public address.
out=$(MTA_PORT=$sub_port net jsmith@sales.po friend@internet.example --quit-after RCPT)
like "submission: no mail without TLS" "$out" '<\*\* 530 5\.7\.0 Must issue a STARTTLS command first'
cat >"$TESTTMP/submit.py" <<'PY'
import smtplib, ssl, sys
port, user, password, sender, rcpt, path = sys.argv[1:7]
s = smtplib.SMTP("127.0.0.1", int(port), source_address=("127.0.0.2", 0))
s.ehlo("po-client.example")
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s.starttls(context=ctx)
s.ehlo("po-client.example")
if user:
    try:
        code, text = s.login(user, password)
        print("AUTH", code, text.decode())
    except smtplib.SMTPAuthenticationError as e:
        print("AUTH", e.smtp_code, e.smtp_error.decode())
        sys.exit(0)
for step in (lambda: s.mail(sender), lambda: s.rcpt(rcpt), lambda: s.data(open(path, "rb").read())):
    code, text = step()
    print(code, text.decode())
    if code >= 400:
        break
s.quit()
PY
submit() { python3 "$TESTTMP/submit.py" "$sub_port" "$@" 2>&1; }
if [ "$have_sub" = 1 ]; then
    printf '%s\r\n' 'From: jsmith@sales.po' 'To: friend@internet.example' 'Subject: e2e-sub' \
        'Message-ID: <e2e-sub@sales.po>' '' 'body e2e-sub' >"$TESTTMP/sub.eml"
    out=$(submit '' '' jsmith@sales.po friend@internet.example "$TESTTMP/sub.eml")
    like "submission: TLS without SASL refused" "$out" '^554 5\.7\.1 <unknown\[127\.0\.0\.2\]>: Client host rejected'
    out=$(submit jsmith@sales.po po-secret jsmith@sales.po friend@internet.example "$TESTTMP/sub.eml")
    like "submission: TLS + SASL: authenticated" "$out" '^AUTH 235 2\.7\.0'
    like "submission: TLS + SASL: queued" "$out" '^250 2\.0\.0 Ok: queued as'
    q=$(printf '%s\n' "$out" | sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p')
    if f=$(one "$sink" e2e-sub); then
        got=$(tr -d '\r' <"$f")
        like "submission: envelope sender rewritten" "$got" '^X-Mail-Args: <john\.smith@sales\.example\.com>$'
        like "submission: From: rewritten with the display name" "$got" '^From: John Smith <john\.smith@sales\.example\.com>$'
        like "submission: the client stays untrusted by address" "$got" 'from po-client\.example \(unknown \[127\.0\.0\.2\]\)'
    else not_ok "submission: the sink captured it"; fi
    like "submission: the milter saw the login and the service" "$(cat "$plog" "$mlog")" \
        "$q: client=.*\[127\.0\.0\.2\].*outbound=sales/jsmith sender=<john\.smith@sales\.example\.com>"
    # The SASL login alone makes the mail outbound: the same without
    # outbound_services (main.cf's milter_mail_macros carry {auth_authen}).
    milter_stop
    sed -i '/^outbound_services = /d' "$conf/pogate.conf"
    check "milter restarts without outbound_services" milter_start "$conf" "$sock" "$mlog"
    milter_pid=$MILTER_PID
    sed 's/e2e-sub/e2e-sasl/' "$TESTTMP/sub.eml" >"$TESTTMP/sasl.eml"
    out=$(submit jsmith@sales.po po-secret jsmith@sales.po friend@internet.example "$TESTTMP/sasl.eml")
    like "submission, SASL only: queued" "$out" '^250 2\.0\.0 Ok: queued as'
    if f=$(one "$sink" e2e-sasl); then
        like "submission, SASL only: envelope sender rewritten" "$(tr -d '\r' <"$f")" \
            '^X-Mail-Args: <john\.smith@sales\.example\.com>$'
    else not_ok "submission, SASL only: the sink captured it"; fi
    # Last: Dovecot delays the next login from an address after a failure.
    out=$(submit jsmith@sales.po wrong jsmith@sales.po friend@internet.example "$TESTTMP/sub.eml")
    like "submission: a wrong password refused" "$out" '^AUTH 535 5\.7\.8'
    check_fail "submission: nothing sent without a login" grep -q '^250' <<<"$out"
else
    skip "submission with TLS and SASL: needs dovecot and openssl"
fi

# --- a postoffice added while everything runs ----------------------------------
out=$(net someone@internet.example bob@new.example.com --quit-after RCPT)
like "new PO before pogate-map: not ours, relay denied" "$out" '<\*\* 554 5\.7\.1 <bob@new\.example\.com>: Relay access denied'
echo 'NEWPO   domain=new.example.com store=maildir maxsize=1M postmaster=BOB' >>"$conf/postoffices"
echo 'NEWPO/BOB   address=bob@new.example.com name="Bob New"' >>"$conf/mailboxes"
check "pogate-map adds the PO" remap
# Postfix's daemons re-open the changed cdb maps by themselves, a little
# later each. The probes ask for a new address each time: an smtpd process
# remembers its last address resolution, and a probe answered by a
# trivial-rewrite that had not re-opened the map yet would be remembered.
# The milter's 550 5.1.1 for an unknown mailbox of the new PO shows both
# Postfix (relays to the domain now) and the milter (knows the PO).
probe=0
new_po_known() {
    probe=$((probe + 1))
    net someone@internet.example "probe$probe@new.example.com" --quit-after RCPT |
        grep -q "<\*\* 550 5\.1\.1 <probe$probe@new\.example\.com>"
}
t0=$(date +%s)
check "Postfix and the milter take the new PO by themselves" wait_for 40 new_po_known
diag "new PO taken after $(($(date +%s) - t0)) s, $probe probes"
out=$(net someone@internet.example bob@new.example.com --header "Subject: e2e-newpo" --body "body e2e-newpo")
like "new PO: queued" "$out" '<-  250 2\.0\.0 Ok: queued as'
if f=$(one "$store/newpo/mailboxes/bob/new" e2e-newpo); then
    is "new PO: delivered to newpo/bob" "$(sed -n 2p "$f")" "Delivered-To: bob@new.example.com"
else not_ok "new PO: in newpo/mailboxes/bob/new"; fi
is "no Postfix restart" "$(mta_daemon_pid)" "$relay_pid"
check_fail "no postfix reload" grep -q 'reload' "$PF_LOG"
check "no milter restart" kill -0 "$milter_pid"
diag "$(grep -c 'has changed -- restarting' "$PF_LOG") Postfix daemons re-opened a changed map"

# --- milter down: tempfail; up again: the sending MTA retries -----------------
# The Internet's side is a real MTA here, sending from 127.0.0.2 and retrying
# by itself (short back-off times; a minimal back-off shorter than 2 s lets
# its queue manager race the delivery agent that still holds the deferred
# file, and it then waits a whole minute).
PF_PORT=$inet_port
mta_init "$TESTTMP/inet" >/dev/null
pf_conf "relayhost = [127.0.0.1]:$smtp_port" "smtp_bind_address = 127.0.0.2" \
    "default_transport = smtp" "relay_transport = smtp" "myhostname = mx.internet.example" \
    "queue_run_delay = 1s" "minimal_backoff_time = 2s" "maximal_backoff_time = 2s"
check "the Internet's MTA starts" mta_start
inet_pid=$PF_MASTER_PID
use_relay
milter_stop
use_inet
out=$(mta_send someone@internet.example admin@sales.example.com --header "Subject: e2e-down" --body "body e2e-down" 2>&1)
like "milter down: the Internet's MTA queued the message" "$out" '<-  250 2\.0\.0 Ok: queued as'
wait_for 30 grep -q 'status=deferred' "$PF_LOG"
like "milter down: the relay host answers 4xx, the sender defers" "$(grep 'status=deferred' "$PF_LOG" | head -1)" \
    'to=<admin@sales\.example\.com>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:[0-9]+, .*dsn=4\.[0-9.]+, status=deferred \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 4[0-9][0-9] '
is "milter down: nothing queued on the relay host" "$(use_relay; mta_queue_size)" 0
check_fail "milter down: nothing delivered" grep -rqF e2e-down "$store"
use_relay
check "milter restarts" milter_start "$conf" "$sock" "$mlog"
if f=$(one "$store/sales/mailboxes/admin/new" e2e-down); then
    is "milter up: the retry is delivered once to sales/admin" "$(sed -n 2p "$f")" "Delivered-To: admin@sales.example.com"
else not_ok "milter up: the retry in sales/mailboxes/admin/new"; fi
use_inet
wait_for 10 grep -q 'to=<admin@sales.example.com>.*status=sent' "$PF_LOG"
like "milter up: the Internet's MTA got 250 on its retry" "$(grep 'status=sent' "$PF_LOG")" \
    'to=<admin@sales\.example\.com>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:[0-9]+, .*status=sent \(250 2\.0\.0 Ok: queued as '
mta_stop
inet_stopped=1
use_relay

# --- pogate-lda exit 75: the mail waits in Postfix's queue ----------------------
# The PO is paused in the middle of an SMTP session: the milter finishes the
# session on the maps it started with (accepts), pogate-lda sees the pause.
cat >"$TESTTMP/midpause.py" <<'PY'
import smtplib, subprocess, sys
port, pause = int(sys.argv[1]), sys.argv[2]
s = smtplib.SMTP("127.0.0.1", port, source_address=("127.0.0.2", 0))
s.ehlo("internet.example")
subprocess.run(["bash", "-c", pause], check=True)
s.mail("someone@internet.example")
s.rcpt("gate@legacy.example.net")
code, text = s.data(b"Subject: e2e-paused\r\n\r\nbody e2e-paused\r\n")
print(code, text.decode())
s.quit()
PY
pause="sed -i 's/^LEGACY .*/& state=paused/' '$conf/postoffices' && '$POGATE_MAP' -c '$conf'"
out=$(python3 "$TESTTMP/midpause.py" "$PF_PORT" "$pause" 2>&1)
like "paused during the session: the milter still accepts it" "$out" '^250 2\.0\.0 Ok: queued as'
q=$(printf '%s\n' "$out" | sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p')
wait_for 30 grep -q "$q: to=<gate@legacy.example.net>.*status=deferred" "$PF_LOG"
like "pogate-lda exit 75: deferred with 4.2.1" "$(grep "$q: to=" "$PF_LOG")" \
    "$q: to=<gate@legacy\.example\.net>, relay=pogate, .*dsn=4\.2\.1, status=deferred \(postoffice legacy paused"
in_queue() { mta_mailq | tr -d '\n' | grep -q "^.*$q .*(postoffice legacy paused *)"; }
check "deferred: still in Postfix's queue" wait_for 10 in_queue
check_fail "deferred: nothing in the mailbag" grep -rqF e2e-paused "$store/legacy/mailbag"
paused_rcpt() { net someone@internet.example gate@legacy.example.net --quit-after RCPT | grep -q '<\*\* 451 4\.2\.1 '; }
check "paused PO: a new session gets 451 4.2.1 at RCPT" wait_for 10 paused_rcpt
sed -i 's/ state=paused$//' "$conf/postoffices"
check "pogate-map resumes the PO" remap
mta_flush
if f=$(one "$store/legacy/mailbag/new" e2e-paused); then
    like "resumed + postqueue -f: delivered into the mailbag" "$(head_of "$f")" "X-Pogate-Queue-Id: $q"
else not_ok "resumed + postqueue -f: in legacy/mailbag/new"; fi
check "queue empty at the end" mta_wait_queue_empty 30

# Nothing refused reached the Internet: the sink has the one outbound message.
is "the sink got only the outbound messages" "$(grep -rlE 'e2e-(relay|down|mbx)' "$sink" | wc -l) $(ls "$sink" | wc -l)" \
    "0 $((1 + 2 * have_sub))"
done_testing
