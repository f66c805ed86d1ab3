#!/bin/bash
# t-smtputf8.sh - internationalised mail through a real Postfix
# (smtputf8_enable = yes, contrib/postfix/main.cf and master.cf): a
# postoffice whose domain the maps write in U-labels (bücher.example), a
# mailbox with a UTF-8 local part, an alias written in upper case U-labels;
# LEGACY (contrib/demo/conf) with utf8=no. The Internet sends from
# 127.0.0.2 with Python's smtplib (MAIL FROM ... SMTPUTF8).
# Checked: pogate-map -q finds the alias and the domain in either form;
# SMTPUTF8 messages to the U-label and to the A-label domain delivered by
# pogate-milter and pogate-lda, each into its mailbox once; an address of
# the alias in U-labels reaches its mailbox; a UTF-8 sender to the utf8=no
# postoffice refused at RCPT with 553 5.6.7 and nothing stored; then the same
# through pogate-lmtp (which announces SMTPUTF8: Postfix's lmtp client
# bounces SMTPUTF8 mail otherwise), and pogate-lmtp and pogate-lda asked
# directly: 553 5.6.7 for the utf8=no postoffice.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
mta_use postfix
LDA=$BUILDDIR/lda/pogate-lda LMTP=$BUILDDIR/lda/pogate-lmtp
if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
for p in "$MILTER" "$LDA" "$LMTP" "$POGATE_MAP"; do
    [ -x "$p" ] || { skip "$p not built"; done_testing; }
done
need postfix postconf python3

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run
log=$TESTTMP/pogate.log mlog=$TESTTMP/milter.log sock=$run/milter.sock lsock=$run/lmtp.sock llog=$TESTTMP/lmtp.log
LMTP_PID=''
lmtp_stop() { [ -z "$LMTP_PID" ] || { kill "$LMTP_PID"; wait "$LMTP_PID"; LMTP_PID=''; }; }
stop_all() { lmtp_stop; mta_stop; milter_stop; }
at_exit stop_all

mta_init "$TESTTMP/postfix" || { not_ok "mta_init"; done_testing; }
e2e_conf "$conf" "$store" "$run" "$log" "socket_group = postfix"
sed -i 's/^LEGACY .*/& utf8=no/' "$conf/postoffices"
cat >>"$conf/postoffices" <<'MAP'
BOOKS   domain=bücher.example internal=books.po postmaster=ANNA
MAP
cat >>"$conf/mailboxes" <<'MAP'
BOOKS/ANNA      address=anna@bücher.example name="Anna Müller"
BOOKS/JORG      address=jörg@xn--bcher-kva.example name="Jörg Weiß"
MAP
echo 'info@BÜCHER.EXAMPLE    BOOKS/ANNA' >>"$conf/aliases"
check "pogate-map compiles U-labels, A-labels and a UTF-8 local part" "$POGATE_MAP" -c "$conf"
q() { "$POGATE_MAP" -c "$conf" -q "$1" "$conf/$2" 2>&1; }
is "pogate-map -q info@bücher.example aliases" "$(q 'info@bücher.example' aliases)" "books/anna"
is "pogate-map -q info@xn--bcher-kva.example aliases: the same" "$(q 'info@xn--bcher-kva.example' aliases)" "books/anna"
is "pogate-map -q Info@Bücher.Example aliases: the same" "$(q 'Info@Bücher.Example' aliases)" "books/anna"
is "pogate-map -q bücher.example transport" "$(q 'bücher.example' transport)" "pogate:"
is "pogate-map -q xn--bcher-kva.example relay_domains" "$(q 'xn--bcher-kva.example' relay_domains)" "OK"
out=$(cd "$TESTTMP" && mkdir -p bad && cp "$conf"/postoffices "$conf"/mailboxes "$conf"/pogate.conf bad/ &&
      echo 'LEGACY/JURGEN   address=jürgen@legacy.example.net' >>bad/mailboxes &&
      echo 'BAD  domain=xn--zz.example postmaster=X' >>bad/postoffices && "$POGATE_MAP" -c bad -n 2>&1)
like "a UTF-8 address in a utf8=no postoffice: an error with file and line" "$out" \
    'mailboxes:[0-9]+: address jürgen@legacy\.example\.net has a UTF-8 local part, but postoffice legacy has utf8=no'
like "an A-label that does not decode: an error" "$out" \
    'postoffices:[0-9]+: domain is not a valid internationalised domain name: .*\(xn--zz\.example\)'

check "pogate-milter starts" milter_start "$conf" "$sock" "$mlog"
sed -e "s|/etc/pogate|$conf|g" -e "s|unix:/run/pogate/milter.sock|unix:$sock|g" \
    "$SRCDIR/contrib/postfix/main.cf" >>"$PF_DIR/etc/main.cf"
sed -e "s|/usr/sbin/pogate-lda|$LDA|g" -e "s|/etc/pogate|$conf|g" -e '/^submission/,/^[^ ]/{/^submission/d;/^ /d}' \
    "$SRCDIR/contrib/postfix/master.cf" >>"$PF_DIR/etc/master.cf"
pf_conf "mynetworks = 127.0.0.1/32" "smtpd_milter_maps =" "smtputf8_enable = yes" \
    "default_transport = error:no Internet here" "relay_transport = error:no Internet here"
check "postfix starts (smtputf8_enable = yes)" mta_start

# send FROM TO SUBJECT: one SMTPUTF8 message from 127.0.0.2; prints the
# server's reply to RCPT (or "250 accepted") and fails when it was refused.
send() {
    python3 - "$MTA_PORT" "$@" <<'PY'
import smtplib, sys
from email.message import EmailMessage
from email import policy
port, frm, to, subj = sys.argv[1:5]
m = EmailMessage(policy=policy.SMTPUTF8)
m['From'], m['To'], m['Subject'] = frm, to, subj
m.set_content('Grüße aus der Bücherei, ' + subj + '\n')
s = smtplib.SMTP('127.0.0.1', int(port), source_address=('127.0.0.2', 0))
try:
    s.sendmail(frm, [to], m.as_bytes(policy=policy.SMTPUTF8), mail_options=['SMTPUTF8'])
    print('250 accepted')
except smtplib.SMTPRecipientsRefused as e:
    for code, text in e.recipients.values():
        print(code, text.decode('utf-8', 'replace'))
    sys.exit(1)
finally:
    s.quit()
PY
}
stored() { grep -rl -- "Subject: $2" "$store/$1/new" 2>/dev/null | wc -l; }
has_one() { [ "$(stored "$1" "$2")" -eq 1 ]; }
token=utf8-$$

out=$(send 'rené@exämple.org' 'jörg@bücher.example' "$token-u" 2>&1)
like "SMTPUTF8 to jörg@bücher.example (U-labels): accepted" "$out" '^250 accepted$'
check "... delivered into books/jorg" wait_for 30 has_one books/mailboxes/jorg "$token-u"
f=$(grep -rl -- "Subject: $token-u" "$store/books/mailboxes/jorg/new" 2>/dev/null | head -n 1)
like "... the UTF-8 sender kept in Return-Path" "$(sed -n '1,/^$/p' "$f" 2>/dev/null)" '^Return-Path: <rené@exämple\.org>'
like "... Delivered-To is the mailbox's address" "$(sed -n '1,/^$/p' "$f" 2>/dev/null)" '^Delivered-To: jörg@xn--bcher-kva\.example'
like "... the UTF-8 body as sent" "$(cat "$f" 2>/dev/null)" "Grüße aus der Bücherei, $token-u"
like "... Postfix sent it to pogate (the recipient rewritten to the mailbox's address)" "$(grep -v postlog "$PF_LOG")" \
    'to=<jörg@xn--bcher-kva\.example>, relay=pogate.*status=sent'
out=$(send 'rené@exämple.org' 'anna@xn--bcher-kva.example' "$token-a" 2>&1)
like "SMTPUTF8 to anna@xn--bcher-kva.example (A-labels): accepted" "$out" '^250 accepted$'
check "... delivered into books/anna" wait_for 30 has_one books/mailboxes/anna "$token-a"
out=$(send 'rené@exämple.org' 'info@bücher.example' "$token-alias" 2>&1)
like "the alias written INFO@BÜCHER.EXAMPLE, sent to in lower case U-labels: accepted" "$out" '^250 accepted$'
check "... delivered into books/anna" wait_for 30 has_one books/mailboxes/anna "$token-alias"
out=$(send 'rené@exämple.org' 'gate@legacy.example.net' "$token-legacy" 2>&1)
like "a UTF-8 sender to the utf8=no postoffice: 553 5.6.7 at RCPT" "$out" \
    '^553 5\.6\.7 <gate@legacy\.example\.net>: postoffice legacy cannot store the UTF-8 sender address <rené@exämple\.org>'
sleep 1
is "... nothing stored in its mailbag" "$(stored legacy/mailbag "$token-legacy")" 0

# The same through pogate-lmtp.
"$LMTP" -f -c "$conf" -p "unix:$lsock" >>"$llog" 2>&1 &
LMTP_PID=$!
check "pogate-lmtp starts" wait_for 20 test -S "$lsock"
pf_conf "transport_maps = inline:{ bücher.example=lmtp:unix:$lsock, xn--bcher-kva.example=lmtp:unix:$lsock }"
pf_reload >/dev/null 2>&1
out=$(send 'rené@exämple.org' 'jörg@bücher.example' "$token-lmtp" 2>&1)
like "SMTPUTF8 to jörg@bücher.example, delivered by LMTP: accepted" "$out" '^250 accepted$'
check "... delivered into books/jorg" wait_for 30 has_one books/mailboxes/jorg "$token-lmtp"
like "... by Postfix's lmtp client (pogate-lmtp announces SMTPUTF8)" "$(grep -v postlog "$PF_LOG")" \
    'to=<jörg@xn--bcher-kva\.example>.*relay=.*lmtp\.sock.*status=sent'
out=$(printf 'LHLO t\r\nMAIL FROM:<jörg@bücher.example> SMTPUTF8\r\nRCPT TO:<gate@legacy.example.net>\r\nRCPT TO:<anna@bücher.example>\r\nQUIT\r\n' |
      runuser -u pogate -- "$LMTP" -i -c "$conf" 2>/dev/null | tr -d '\r')
like "pogate-lmtp -i: LHLO announces SMTPUTF8" "$out" '250-SMTPUTF8'
like "... MAIL with SMTPUTF8 accepted" "$out" '250 2\.1\.0 Ok'
like "... a recipient of the utf8=no postoffice: 553 5.6.7" "$out" \
    '553 5\.6\.7 <jörg@bücher\.example>: a UTF-8 sender, which postoffice legacy cannot store \(utf8=no\)'
like "... one of a postoffice that stores UTF-8: 250" "$out" '250 2\.1\.5 Ok'
out=$(printf 'Subject: x\n\nx\n' | runuser -u pogate -- "$LDA" -c "$conf" -f 'jörg@bücher.example' -- gate@legacy.example.net)
rc=$?
is "pogate-lda: the utf8=no postoffice refuses the UTF-8 sender (exit 69)" "$rc" 69
like "... 5.6.7 on its status line" "$out" '^5\.6\.7 '
done_testing
