#!/bin/bash
# t-content-postfix.sh - content=7bit behind a real private Postfix, through
# both delivery agents: LEGACY (content=7bit max_line=100) is reached over
# LMTP (pogate-lmtp), LATIN (content=7bit charset=ISO-8859-1) through
# pipe(8) and pogate-lda, SALES (content raw) over LMTP as the control.
# Postfix's own changes are off, so that what the store holds is pogate's
# work: its 8-bit downgrade (disable_mime_output_conversion), its splitting
# of lines longer than line_length_limit (2048) on input, and its LMTP
# client's breaking of lines over lmtp_line_length_limit (998) with a line
# end and a space, which cuts text (pogate-lmtp(8) says so). Each stored file is read back by
# Python's email package, an independent MIME reader: the same text as was
# sent, every line 7-bit and within max_line. A multipart/signed message
# with an 8-bit signed part is stored byte for byte; the raw postoffice gets
# the 8-bit message as it was sent. A 3 MB message goes through
# pogate-lmtp's spool file rather than its memory; one pogate-lda run reads
# a message from a pipe once for a raw and a content=7bit postoffice, in
# both orders (the second file copies the bytes of the first as received).
# Broken messages (no closing boundary, 10,000 nested multiparts, a 50 MB
# header, bad base64, an unknown charset) are delivered, as received where
# the structure cannot be trusted, each with its log line.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"
. "$SRCDIR/tests/lib/postfix.sh"
. "$SRCDIR/tests/lib/lda.sh"

for p in "$LMTP" "$LDA" "$POGATE_MAP"; do
    [ -x "$p" ] || { echo "1..0 # skip $(basename "$p") not built"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # skip needs root"; exit 0; }
need postfix postconf postmap python3 ss

conf=$TESTTMP/conf store=$TESTTMP/store log=$TESTTMP/lmtp.log msgs=$TESTTMP/msgs
sock=$TESTTMP/run/lmtp.sock
mkdir -p "$TESTTMP/run" "$msgs" && chmod 755 "$TESTTMP/run" "$TESTTMP"
trap 'lmtp_stop; pf_stop' EXIT
lmtp_conf "$conf" "$store" "socket_group = postfix
log_file = $TESTTMP/pogate.log" || { not_ok "pogate-map compiles the test maps"; done_testing; }
cat >>"$conf/postoffices" <<'MAP'
LEGACY domain=legacy.example.com content=7bit max_line=100 postmaster=ADMIN
LATIN  domain=latin.example.com content=7bit charset=ISO-8859-1 postmaster=ADMIN
MAP
cat >>"$conf/mailboxes" <<'MAP'
LEGACY/ADMIN address=admin@legacy.example.com
LEGACY/ANNA address=anna@legacy.example.com
LATIN/ADMIN address=admin@latin.example.com
MAP
touch "$TESTTMP/pogate.log" && chown pogate "$TESTTMP/pogate.log"
check "pogate-map takes content=, max_line= and charset=" "$POGATE_MAP" -c "$conf"
cp -r "$conf" "$TESTTMP/badconf"
printf 'BAD domain=bad.example.com content=7bit charset=NO-SUCH-CHARSET postmaster=X\n' >>"$TESTTMP/badconf/postoffices"
out=$("$POGATE_MAP" -n -c "$TESTTMP/badconf" 2>&1)
like "an unknown charset is refused with file and line" "$out" "postoffices:[0-9]+: charset is not one .*\(NO-SUCH-CHARSET\)"
check "pogate-lmtp starts" lmtp_start "$conf" "unix:$sock" "$log"

doms="sales.example.com legacy.example.com latin.example.com"
pf_init "$TESTTMP/postfix"
pf_master "pogate unix - n n - - pipe flags=Xq null_sender= user=pogate argv=$LDA -c $conf -q \${queue_id} -f \${sender} -- \${recipient}"
pf_conf "relay_domains = $doms" "relay_recipient_maps =" "disable_mime_output_conversion = yes" \
    "transport_maps = inline:{ sales.example.com=lmtp:unix:$sock, legacy.example.com=lmtp:unix:$sock, latin.example.com=pogate: }" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination" \
    "pogate_destination_recipient_limit = 1" "message_size_limit = 0" "queue_run_delay = 1h" \
    "line_length_limit = 100000" "lmtp_line_length_limit = 0"
check "private Postfix starts" pf_start

# The messages: UTF-8 text with 2,000-character lines and an 8-bit
# attachment; Latin-1-able text; a signed message with an 8-bit signed part.
python3 - "$msgs" <<'PY'
import sys, os
d = sys.argv[1]
line = ("Grüße aus Köln, déjà vu — " * 80)[:2000]
text = "\n".join([line, "short line", line, "trailing blank   ", "end"]) + "\n"
open(os.path.join(d, "text.txt"), "w", encoding="utf-8").write(text)
latin = "Déjà vu à Paris, très bien. " * 60 + "\nÇa va.\n"
open(os.path.join(d, "latin.txt"), "w", encoding="utf-8").write(latin)
def msg(mid, subject, body):
    return (f"From: \"Jörg Müller\" <jm@elsewhere.example>\nTo: someone@elsewhere.example\nSubject: {subject}\n"
            f"Message-ID: <{mid}@test>\nDate: Thu, 03 Dec 2026 17:00:00 +0000\n{body}").encode()
m1 = msg("m1", "Grüße, 8-bit and long", "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"=b1\"\n\n"
         "preamble\n--=b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
         + text + "--=b1\nContent-Type: text/plain\n\nseven bit part, untouched  \n"
         "--=b1\nContent-Type: application/octet-stream; name=\"bl\u00f6b d\u00e9j\u00e0.bin\"\nContent-Transfer-Encoding: binary\n\n")
m1 += bytes(b for b in range(1, 256) if b not in (10, 13)) * 4 + b"\n--=b1--\nepilogue\n"
open(os.path.join(d, "m1"), "wb").write(m1)
m2 = msg("m2", "très bien", "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: 8bit\n\n" + latin)
open(os.path.join(d, "m2"), "wb").write(m2)
m3 = msg("m3", "signed", "MIME-Version: 1.0\nContent-Type: multipart/signed; micalg=pgp-sha256;\n"
         " protocol=\"application/pgp-signature\"; boundary=\"sig\"\n\n--sig\n"
         "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + line + "\n"
         "--sig\nContent-Type: application/pgp-signature; name=signature.asc\n\n"
         "-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n--sig--\n")
open(os.path.join(d, "m3"), "wb").write(m3)
m4 = msg("m4", "3 MB", "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: 8bit\n\n" + (line + "\n") * 1200)
open(os.path.join(d, "m4"), "wb").write(m4)
for k in ("a", "b"):
    open(os.path.join(d, "m1" + k), "wb").write(m1.replace(b"<m1@test>", b"<m1%s@test>" % k.encode()))
PY

cat >"$TESTTMP/send.py" <<'PY'
import smtplib, sys
port, rcpt, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with smtplib.SMTP("127.0.0.1", port) as s:
    s.ehlo("client.test")
    data = open(path, "rb").read().replace(b"\n", b"\r\n")   # smtplib sends bytes as they are
    s.sendmail("sender@elsewhere.example", [rcpt], data, mail_options=["BODY=8BITMIME"])
PY
send() { python3 "$TESTTMP/send.py" "$PF_PORT" "$1" "$2" 2>&1; }
check "m1 to LEGACY (LMTP) accepted" send anna@legacy.example.com "$msgs/m1"
check "m1 to SALES (raw, LMTP) accepted" send john.smith@sales.example.com "$msgs/m1"
check "m2 to LATIN (pipe, pogate-lda) accepted" send admin@latin.example.com "$msgs/m2"
check "m3 (signed) to LEGACY accepted" send anna@legacy.example.com "$msgs/m3"
check "m3 (signed) to LATIN accepted" send admin@latin.example.com "$msgs/m3"
check "m4 (3 MB) to LEGACY accepted" send anna@legacy.example.com "$msgs/m4"
wait_for 60 bash -c "[ \$(grep -c 'status=sent' '$PF_LOG') -ge 6 ]"
is "Postfix delivered all six" "$(grep -c 'status=sent' "$PF_LOG")" 6

stored() { grep -l "^Message-ID: <$2@test>" "$store/$1"/new/* 2>/dev/null | head -1; }
l1=$(stored legacy/mailboxes/anna m1) s1=$(stored sales/mailboxes/jsmith m1) t2=$(stored latin/mailboxes/admin m2)
l3=$(stored legacy/mailboxes/anna m3) t3=$(stored latin/mailboxes/admin m3)

cat >"$TESTTMP/check.py" <<'PY'
# check.py FILE MAX_LINE SENT: the stored FILE is 7-bit within MAX_LINE, and
# the email package reads from it what it reads from the message as SENT:
# each part's text (or bytes), and the decoded header fields.
import email, email.policy, sys
path, max_line, sent = sys.argv[1], int(sys.argv[2]), sys.argv[3]
raw = open(path, "rb").read()
lines = raw.split(b"\n")
bad = [l for l in lines if len(l) > max_line or any(c >= 0x80 for c in l)]
print("lines over max_line or 8-bit:", len(bad), "of", len(lines), "longest", max(len(l) for l in lines))
got, want = (email.message_from_bytes(b, policy=email.policy.default) for b in (raw, open(sent, "rb").read()))
gp, wp = list(got.walk()), list(want.walk())
def content(p):             # the text, or the bytes of a charset Python does not know
    try:
        return p.get_content()
    except LookupError:
        return p.get_payload(decode=True)
print("parts:", len(gp), "sent:", len(wp))
for i, (g, w) in enumerate(zip(gp, wp)):
    if g.is_multipart():
        continue
    same = content(g) == content(w) and g.get_content_type() == w.get_content_type() \
        and g.get_param("name") == w.get_param("name")
    print("part", i, g.get_content_type(), "charset", g.get_content_charset(), "chars", len(content(g)),
          "encoding", g["content-transfer-encoding"], "name", g.get_param("name"), "same:", same)
for h in ("subject", "from", "to"):
    print(h, "same:", str(got[h]) == str(want[h]), got[h])
PY
out=$(python3 "$TESTTMP/check.py" "$l1" 100 "$msgs/m1" 2>&1); diag "$out"
like "LEGACY (LMTP): every line 7-bit and within max_line 100" "$out" "lines over max_line or 8-bit: 0 of"
like "the part with 2,000-character lines reads back as the same text, quoted-printable" "$out" \
    "part 1 text/plain charset utf-8 chars 4034 encoding quoted-printable name None same: True"
like "the 7-bit part reads back the same" "$out" "part 2 text/plain charset None chars [0-9]+ encoding None name None same: True"
like "the binary part reads back as the same bytes, base64, its 8-bit name the same" "$out" \
    "part 3 application/octet-stream .*encoding base64 name blöb déjà.bin same: True"
like "the 8-bit Subject reads back the same" "$out" "subject same: True Grüße, 8-bit and long"
like "the 8-bit display name reads back the same" "$out" "from same: True Jörg Müller <jm@elsewhere.example>"
contains() { local c; c=$(cat "$1" 2>/dev/null); [[ $c == *"$2"* ]]; }
check "the 7-bit part, its boundaries and the preamble byte for byte" contains "$l1" \
    $'\n\npreamble\n--=b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n'
check "... and the 7-bit part and the epilogue" contains "$l1" \
    $'\n--=b1\nContent-Type: text/plain\n\nseven bit part, untouched  \n--=b1\n'
check "... and the closing boundary and the epilogue" contains "$l1" $'\n--=b1--\nepilogue'
out=$(python3 "$TESTTMP/check.py" "$t2" 998 "$msgs/m2" 2>&1); diag "$out"
like "LATIN (pipe, pogate-lda): 7-bit within 998" "$out" "lines over max_line or 8-bit: 0 of"
like "converted to ISO-8859-1 and read back as the same text" "$out" \
    "part 0 text/plain charset iso-8859-1 chars [0-9]+ encoding quoted-printable name None same: True"
like "its Subject in ISO-8859-1 encoded-words" "$(grep '^Subject:' "$t2")" '^Subject: =\?ISO-8859-1\?Q\?tr=E8s\?= bien$'
ok_signed() { [ -n "$1" ] && [ "$(tail -c "$(stat -c %s "$msgs/m3")" "$1" | cmp - "$msgs/m3" && echo same)" = same ]; }
check "a multipart/signed message stored byte for byte (LMTP)" ok_signed "$l3"
check "a multipart/signed message stored byte for byte (pogate-lda)" ok_signed "$t3"
is "the raw postoffice stores the 8-bit message as it was sent" \
   "$(tail -c "$(stat -c %s "$msgs/m1")" "$s1" | cmp - "$msgs/m1" && echo same)" same
out=$(python3 "$TESTTMP/check.py" "$(stored legacy/mailboxes/anna m4)" 100 "$msgs/m4" 2>&1 | tr '\n' ' ')
like "3 MB through pogate-lmtp's spool file: 7-bit within 100, the same text" "$out" \
    "lines over max_line or 8-bit: 0 of .*part 0 text/plain charset utf-8 chars [0-9]+ encoding quoted-printable name None same: True"

# pogate-lda from a pipe, one run for both postoffices, in both orders.
lda_run "$conf" -f sender@elsewhere.example -- john.smith@sales.example.com anna@legacy.example.com <"$msgs/m1a"
is "pogate-lda: raw first, then content=7bit" "$LDA_RC" 0
lda_run "$conf" -f sender@elsewhere.example -- anna@legacy.example.com john.smith@sales.example.com <"$msgs/m1b"
is "pogate-lda: content=7bit first, then raw" "$LDA_RC" 0
for k in a b; do
    f=$(stored sales/mailboxes/jsmith m1$k)
    is "m1$k: the raw postoffice's file is the message as received" \
       "$(tail -c "$(stat -c %s "$msgs/m1$k")" "$f" | cmp - "$msgs/m1$k" && echo same)" same
    out=$(python3 "$TESTTMP/check.py" "$(stored legacy/mailboxes/anna m1$k)" 100 "$msgs/m1$k" 2>&1 | tr '\n' ' ')
    like "m1$k: the content=7bit file is 7-bit and reads back the same" "$out" \
        "lines over max_line or 8-bit: 0 of .*part 1 text/plain .* same: True.*part 3 .* same: True"
done
# Broken input straight to pogate-lda: each is delivered (exit 0), the
# structure it cannot trust stored as received, and a line says why.
python3 - "$msgs" <<'PY'
import os, sys
d = sys.argv[1]
def m(name, mid, rest):
    open(os.path.join(d, name), "wb").write(b"From: a@elsewhere.example\nMessage-ID: <%s@test>\n" % mid + rest)
m("noclose", b"noclose", b"Content-Type: multipart/mixed; boundary=B\n\n--B\n\nd\xc3\xa9j\xc3\xa0\n")
deep = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(10000))
m("deep", b"deep", deep + b"\nd\xc3\xa9j\xc3\xa0\n" + b"".join(b"--b%d--\n" % i for i in reversed(range(10000))))
m("bighdr", b"bighdr", b"Subject: " + b"x\xc3\xa9 " * (50 * 1024 * 1024 // 4) + b"\n\nd\xc3\xa9j\xc3\xa0\n")
m("unkcs", b"unkcs", b"Content-Type: text/plain; charset=x-no-such\nContent-Transfer-Encoding: 8bit\n\nna\xefve\n")
m("badb64", b"badb64", b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
  b"Content-Transfer-Encoding: base64\n\nZMOpas*Og!IHZ1\n")
PY
as_received() {     # as_received NAME PO/MBX: delivered, the file ends with the message as it was
    lda_run "$conf" -f sender@elsewhere.example -- "$2" <"$msgs/$1" || return 1
    [ "$LDA_RC" = 0 ] || return 1
    local f
    f=$(stored "$3" "$1") && [ -n "$f" ] || return 1
    tail -c "$(stat -c %s "$msgs/$1")" "$f" | cmp -s - "$msgs/$1"
}
check "no closing boundary: delivered as received" as_received noclose anna@legacy.example.com legacy/mailboxes/anna
like "... and the reason logged" "$(cat "$TESTTMP/pogate.log")" "warning: content 7bit: no closing boundary \(byte [0-9]+\): message stored as received"
check "10,000 nested multiparts: delivered as received" as_received deep anna@legacy.example.com legacy/mailboxes/anna
like "... and the reason logged" "$(cat "$TESTTMP/pogate.log")" "content 7bit: MIME entities nested deeper than 64 \(byte [0-9]+\): message stored as received"
check "a 50 MB 8-bit header: delivered as received" as_received bighdr anna@legacy.example.com legacy/mailboxes/anna
like "... and the reason logged" "$(cat "$TESTTMP/pogate.log")" "content 7bit: a header block over 1 MB to rewrite \(byte 0\): message stored as received"
check "bad base64 to LATIN: delivered as received" as_received badb64 admin@latin.example.com latin/mailboxes/admin
like "... and logged" "$(cat "$TESTTMP/pogate.log")" "content 7bit: part at byte [0-9]+: bad base64: left as it is"
lda_run "$conf" -f sender@elsewhere.example -- admin@latin.example.com <"$msgs/unkcs"
is "an unknown charset to LATIN: delivered" "$LDA_RC" 0
out=$(python3 "$TESTTMP/check.py" "$(stored latin/mailboxes/admin unkcs)" 998 "$msgs/unkcs" 2>&1 | tr '\n' ' ')
like "... 7-bit, its bytes read back the same, its charset kept" "$out" \
    "lines over max_line or 8-bit: 0 of .*part 0 text/plain charset x-no-such .*encoding quoted-printable name None same: True"
like "... and logged" "$(cat "$TESTTMP/pogate.log")" "content 7bit: part at byte 0: charset x-no-such unknown here: not converted to ISO-8859-1"
rm -f "$msgs/bighdr" "$store"/legacy/mailboxes/anna/new/*bighdr* 2>/dev/null
like "the conversion is logged with the queue id" "$(cat "$TESTTMP/pogate.log" "$log")" \
    "[0-9A-F]+: content 7bit: 2 parts re-encoded"
done_testing
