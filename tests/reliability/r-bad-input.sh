#!/bin/bash
# r-bad-input.sh (R6) - a catalogue of bad and extreme input over SMTP into
# Postfix + pogate-milter + pogate-lda (as contrib/postfix ships them): path
# tricks and odd bytes in local parts (../, %2f, quotes, NUL, CR), bare CR and
# LF, CRLF smuggled into a header value, a 1 MB header, a 0-byte message, a big
# message (bounded 10 MB, long 100 MB), many recipients in one message
# (bounded 200, long 1000), duplicate recipients. Each gets its answer: the
# path tricks a 5xx at RCPT, the rest 250; whatever got 250 is in its mailbox
# exactly once (one mailbox per case) and whatever was refused nowhere; no file
# is written outside the store, and the store holds only mailbox directories.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
big=$(scale 10 100) many=$(scale 200 1000)
trap 'rel_cleanup' EXIT
C=$TESTTMP/conf W=$TESTTMP/work
mkdir -p "$W"
rel_conf "$C" "$TESTTMP/store" || { not_ok "pogate-map compiles the maps"; done_testing; }
# One mailbox per case, and the many recipients.
{
    for c in path nul bare_lf bare_cr hdr_cr crlf_hdr big_hdr folded_hdr empty big dup; do
        echo "REL/X_$c address=x.$c@rel.example"
    done
    for i in $(seq -w 1 "$many"); do echo "REL/M$i address=m$i@rel.example"; done
} >>"$C/mailboxes"
echo "alias.dup@rel.example REL/X_DUP" >>"$C/aliases"
check "pogate-map compiles the case mailboxes" "$POGATE_MAP" -c "$C"
check "pogate-milter starts" rel_milter
check "Postfix starts with the milter" rel_postfix 26206
touch "$W/marker"
sleep 1
start=$SECONDS
P=$PF_PORT
session() { rel_py session --port "$P" --from sender@ext.example "$@"; }
msg() { printf '%s\r\n' "From: <sender@ext.example>" "Subject: case $1" "Message-ID: <case.$1@rel.test>" ""; }
files() { find "$REL_STORE/rel/mailboxes/$1/new" -type f 2>/dev/null | wc -l; }
msg ok >"$W/plain"; printf 'body\r\n' >>"$W/plain"

# Path tricks and odd bytes in the local part: refused at RCPT, never stored.
n=0
for r in '../x.path@rel.example' '../../etc/passwd@rel.example' '..%2fx.path@rel.example' \
    'x.path%2f..@rel.example' 'x.path/../a@rel.example' '"../../x.path"@rel.example' \
    '"x.path/b"@rel.example' '".."@rel.example' 'x.path\x00@rel.example' 'x.path\r@rel.example' \
    '\x00@rel.example' 'x.path\x7f@rel.example' '"a b"@rel.example' '%2e%2e@rel.example'; do
    out=$(session --rcpt "$r" --data "$W/plain")
    like "local part $r: 5xx at RCPT" "$out" 'rcpt=5[0-9][0-9] data=-'
    n=$((n + 1))
done

# NUL, bare LF, bare CR in the message; CRLF in a header value (RFC 2047).
{ msg nul; printf 'a NUL \0 here\r\nend\r\n'; } >"$W/nul"
{ msg bare_lf; printf 'line one\nline two\r\nend\n'; } >"$W/bare_lf"
{ msg bare_cr; printf 'line one\rline two\r\nend\r\n'; } >"$W/bare_cr"
{ printf 'Subject: case hdr_cr\rDelivered-To: a@rel.example\r\n'; msg hdr_cr; printf 'body\r\n'; } >"$W/hdr_cr"
{ printf 'Subject: =?utf-8?q?x=0D=0ADelivered-To:_a@rel.example=0D=0A?=\r\n'; msg crlf_hdr; printf 'body\r\n'; } >"$W/crlf_hdr"
# A 1 MB header on one line, and 1 MB of one folded header.
{ printf 'X-Big: '; head -c 1048576 /dev/zero | tr '\0' 'h'; printf '\r\n'; msg big_hdr; printf 'body\r\n'; } >"$W/big_hdr"
{ printf 'X-Folded: start\r\n'; for _ in $(seq 16384); do printf '\t%063d\r\n' 0; done; msg folded_hdr; printf 'body\r\n'; } >"$W/folded_hdr"
: >"$W/empty"
for c in nul bare_lf bare_cr hdr_cr crlf_hdr big_hdr folded_hdr empty; do
    out=$(session --rcpt "x.$c@rel.example" --data "$W/$c")
    like "$c: accepted" "$out" 'rcpt=250 data=250'
    n=$((n + 1))
done
# Big message, byte-checked in the store.
rel_py message r6big $((big * 1048576 / 80)) --crlf >"$W/big"
out=$(session --rcpt x.big@rel.example --data "$W/big")
like "${big} MB message: accepted" "$out" 'rcpt=250 data=250'
# Many recipients in one message; duplicates (same address twice, other case, an alias).
# shellcheck disable=SC2046
out=$(session --rcpt $(for i in $(seq -w 1 "$many"); do echo "m$i@rel.example"; done) --data "$W/plain")
like "$many recipients: all accepted" "$out" "rcpt=(250,){$((many - 1))}250 data=250"
out=$(session --rcpt x.dup@rel.example x.dup@rel.example X.DUP@REL.EXAMPLE alias.dup@rel.example --data "$W/plain")
like "duplicate recipients: accepted" "$out" 'rcpt=250,250,250,250 data=250'
n=$((n + 3))

check "every accepted message delivered (queue empty)" pf_wait_queue_empty "$(scale 120 600)"
secs=$((SECONDS - start))
for c in nul bare_lf bare_cr hdr_cr crlf_hdr big_hdr folded_hdr empty big dup; do
    is "$c: exactly one copy stored" "$(files "x_$c")" 1
done
is "path tricks: nothing stored for them" "$(files x_path)" 0
# Mailboxes m* holding exactly one file.
manyok=$(find "$REL_STORE/rel/mailboxes" -path '*/m[0-9]*/new/*' -type f |
    awk -F/ '{ n[$(NF - 2)]++ } END { for (m in n) if (n[m] == 1) k++; print k + 0 }')
is "$many recipients: one copy in each mailbox" "$manyok" "$many"
out=$(rel_check --list "$W/list")
is "${big} MB message stored byte for byte" "$(awk '$1 == "r6big" { print $4 }' "$W/list")" 1
f=$(find "$REL_STORE/rel/mailboxes/x_crlf_hdr/new" -type f | head -1)
is "CRLF in a header value: no header smuggled in" "$(grep -c '^Delivered-To:' "$f")" 1
f=$(find "$REL_STORE/rel/mailboxes/x_hdr_cr/new" -type f | head -1)
is "bare CR in a header: Delivered-To only pogate-lda's own" "$(grep -ac '^Delivered-To: a@' "$f")" 0
check "nothing bounced" sh -c "! grep -q 'status=bounced' '$PF_LOG'"

# Nothing outside the store: every new file under TESTTMP is in the store, the
# Postfix instance, the configuration (logs, sockets) or this test's own work.
outside=$(find "$TESTTMP" \( -path "$REL_STORE" -o -path "$PF_DIR" -o -path "$C" -o -path "$W" \) -prune \
    -o -type f -newer "$W/marker" -print)
is "no file written outside the store" "$outside" ""
check "no passwd file anywhere under the test" test -z "$(find "$TESTTMP" -name passwd)"
odd=$(find "$REL_STORE" -mindepth 1 | sed "s|^$REL_STORE/||" |
    grep -vE '^rel(/mailboxes(/[a-z0-9_]+(/(new|cur|tmp)(/[^/]+)?)?)?)?$')
is "the store holds only PO, mailbox and maildir directories" "$odd" ""
stored=$(find "$REL_STORE" -path '*/new/*' -type f | wc -l)
result R6 "bad input catalogue (${big} MB message, $many recipients)" $((10 + many)) "$stored" \
    $((10 + many - stored)) "$(field dups "$out")" "$secs" \
    "$n SMTP transactions; 14 odd local parts refused at RCPT, nothing stored for them"
done_testing
