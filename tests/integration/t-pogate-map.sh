#!/bin/bash
# t-pogate-map.sh - the real pogate-map binary: directory compile and its
# cross-checks, file:line errors and exit codes, postmap habits (-q, -q -, -s,
# -n, -r, -w, -i, -f), and the maps Postfix reads with its own cdb: type
# giving the same answers as pogate-map -q.
. "$(dirname "$0")/../lib/tap.sh"
need setpriv postmap

PM=$BUILDDIR/maps/pogate-map
[ -x "$PM" ] || { echo "Bail out! $PM not built"; exit 1; }

D=$TESTTMP/conf
mkdir -p "$D"
cat >"$D/postoffices" <<'M'
# two postoffices and a downstream one
SALES  domain=sales.example.com alias_domains=sales.example.org,s.example
       internal=sales.po maxsize=10M quota=2G
HUB    domain=hub.example.com store=mailbag postmaster=admin
BRANCH domain=branch.example.com via=HUB
M
cat >"$D/mailboxes" <<'M'
SALES/JSMITH  address=john.smith@sales.example.com name="John Smith" quota=500M
SALES/POSTMASTER
SALES/INBOX   outbound=no
HUB/ADMIN
BRANCH/POSTMASTER
M
cat >"$D/aliases" <<'M'
js@sales.example.com  SALES/JSMITH
@sales.example.org    SALES/INBOX
M
cat >"$D/access" <<'M'
192.0.2.0/24   TRUST
2001:db8::/32  REJECT
203.0.113.7    OK
M

# ---- whole directory ----
out=$("$PM" -c "$D" 2>&1); rc=$?
is "pogate-map -c DIR compiles a good directory" "$rc:$out" "0:"
for f in index.cdb postoffices.cdb mailboxes.cdb aliases.cdb access.cdb relay_domains.cdb transport.cdb \
         sendmail/relay-domains sendmail/mailertable; do
    check "$f written" test -s "$D/$f"
done
is "no temporary files left" "$(find "$D" -name '.*' -type f | wc -l)" 0
is "index: public address -> PO/MBX" "$("$PM" -c "$D" -q A:john.smith@sales.example.com)" "sales/jsmith"
is "index: internal address -> PO/MBX" "$("$PM" -c "$D" -q F:jsmith@sales.po)" "sales/jsmith"
is "index: postmaster@ alias domain" "$("$PM" -c "$D" -q A:postmaster@s.example)" "sales/postmaster"
is "index: domain -> PO" "$("$PM" -c "$D" -q D:sales.po)" "sales"
is "relay_domains: alias domain -> OK" "$("$PM" -q sales.example.org "$D/relay_domains")" "OK"
is "transport: default mta_transport" "$("$PM" -q hub.example.com "$D/transport")" "pogate:"
is "sendmail relay-domains text" "$(tr '\n' ' ' <"$D/sendmail/relay-domains")" \
   "sales.example.com sales.example.org s.example hub.example.com branch.example.com "
# A rebuild leaves unchanged maps alone (Postfix restarts the processes that
# have a map open when its file changes) and replaces the changed ones.
before=$(stat -c %i "$D/relay_domains.cdb" "$D/transport.cdb" | tr '\n' ' ')
check_exit "pogate-map -c DIR again, nothing changed" 0 "$PM" -c "$D"
is "... relay_domains.cdb and transport.cdb are the same files" \
   "$(stat -c %i "$D/relay_domains.cdb" "$D/transport.cdb" | tr '\n' ' ')" "$before"
printf 'mta_transport = lmtp:unix:private/pogate-lmtp\n' >"$D/pogate.conf"
check_exit "pogate-map DIR (directory as argument)" 0 "$PM" "$D"
is "... relay_domains.cdb unchanged, kept" "$(stat -c %i "$D/relay_domains.cdb")" "${before%% *}"
after=$(stat -c %i "$D/transport.cdb")
check "... transport.cdb changed, replaced" test "$after" != "$(echo "$before" | cut -d' ' -f2)"
is "transport follows pogate.conf mta_transport" "$("$PM" -q sales.po "$D/transport.cdb")" "lmtp:unix:private/pogate-lmtp"
printf 'bogus = 1\n' >"$D/pogate.conf"
out=$("$PM" -c "$D" 2>&1); rc=$?
is "bad pogate.conf: exit 1" "$rc" 1
like "... with file:line" "$out" "pogate.conf:1: unknown parameter name"
rm -f "$D/pogate.conf"
"$PM" -c "$D"

# ---- cross-check errors: file:line, exit 1, nothing written ----
ino=$(stat -c %i "$D/index.cdb")
cp "$D/aliases" "$TESTTMP/aliases.good"
printf 'js@sales.example.com SALES/JSMITH\nx@sales.example.com SALES/NOBODY\n' >"$D/aliases"
out=$("$PM" -c "$D" 2>&1); rc=$?
is "alias to a missing mailbox: exit 1" "$rc" 1
like "... FILE:LINE: message" "$out" "$D/aliases:2: alias to a missing mailbox \(sales/nobody\)"
is "... index.cdb not replaced" "$(stat -c %i "$D/index.cdb")" "$ino"
cp "$TESTTMP/aliases.good" "$D/aliases"
cp "$D/postoffices" "$TESTTMP/po.good"
printf 'OTHER domain=sales.example.org postmaster=x\n' >>"$D/postoffices"
out=$("$PM" -c "$D" 2>&1)
like "domain owned by two POs" "$out" "postoffices:6: domain sales.example.org belongs to postoffice sales \(line 2\) and postoffice other"
printf 'SALES/EVIL name="x\rBcc: y"\n' >>"$D/mailboxes"
out=$("$PM" -c "$D" 2>&1)
like "CR in a display name refused" "$out" "mailboxes:6: control character 0x0d in line"
like "every error is reported in one run" "$out" "3 errors, nothing written"
cp "$TESTTMP/po.good" "$D/postoffices"
sed -i '$d' "$D/mailboxes"
printf 'SALES\xe9 domain=x.example\n' >>"$D/postoffices"
out=$("$PM" -c "$D" 2>&1); rc=$?
like "8-bit PO name refused" "$rc:$out" "^1:.*postoffices:6: postoffice name is not a safe name"
cp "$TESTTMP/po.good" "$D/postoffices"
check_exit "-n validates a good directory" 0 "$PM" -n -c "$D"
check_exit "directory good again" 0 "$PM" -c "$D"

# ---- one map, postmap habits ----
M=$TESTTMP/virtual
printf '# a map\nAlpha  one\nbeta two\n   continued\ngamma\t3\n' >"$M"
check_exit "compile FILE" 0 "$PM" "$M"
is "-q KEY (keys lowercased)" "$("$PM" -q ALPHA "$M")" "one"
is "continuation joined" "$("$PM" -q beta "$M")" "two continued"
check_exit "-q absent key: exit 1" 1 "$PM" -q delta "$M"
is "-q - batch: key<TAB>value for found keys" "$(printf 'alpha\ndelta\ngamma\n' | "$PM" -q - "$M")" \
   "$(printf 'alpha\tone\ngamma\t3')"
check_exit "-q - with nothing found: exit 1" 1 sh -c "echo nope | '$PM' -q - '$M'"
# A coprocess writes one key and waits for its answer before the next:
# the answer comes while the input is still open.
coproc PMQ { "$PM" -q - "$M"; }
echo gamma >&"${PMQ[1]}"
read -r -t 10 ans <&"${PMQ[0]}" || ans=timeout
echo ALPHA >&"${PMQ[1]}"
read -r -t 10 ans2 <&"${PMQ[0]}" || ans2=timeout
exec {pmq_in}>&"${PMQ[1]}"-
exec {pmq_in}>&-
wait "$PMQ_PID"
is "-q - answers each key at once (coprocess)" "$ans|$ans2" "$(printf 'gamma\t3|ALPHA\tone')"
is "-s dumps in file order" "$("$PM" -s "$M")" "$(printf 'alpha\tone\nbeta\ttwo continued\ngamma\t3')"
"$PM" -f "$M"
is "-f keeps the case of keys" "$("$PM" -f -q Alpha "$M")" "one"
check_exit "... so the lowercase key is absent" 1 "$PM" -f -q alpha "$M"
"$PM" "$M"

printf 'a 1\nb 2\na 3\n' >"$M.dup"
out=$("$PM" "$M.dup" 2>&1); rc=$?
is "duplicate key: exit 1" "$rc" 1
like "... FILE:LINE" "$out" "virtual.dup:3: duplicate key \(a\)"
check "... no .cdb written" test ! -e "$M.dup.cdb"
check_exit "-n also finds the duplicate" 1 "$PM" -n "$M.dup" 2>/dev/null
"$PM" -r "$M.dup"
is "-r: the last value wins" "$("$PM" -q a "$M.dup")" "3"
is "-r: the dump shows the live value once" "$("$PM" -s "$M.dup")" "$(printf 'b\t2\na\t3')"
"$PM" -w "$M.dup"
is "-w: the first value stays" "$("$PM" -q a "$M.dup")" "1"
printf 'c 4\n' >"$M.ok"
check_exit "-n on a good map" 0 "$PM" -n "$M.ok"
check "-n writes nothing" test ! -e "$M.ok.cdb"

printf 'delta 4\n' | "$PM" -i "$M"
is "-i adds from stdin" "$("$PM" -q delta "$M")" "4"
is "-i keeps the old records" "$("$PM" -q alpha "$M")" "one"
out=$(printf 'alpha uno\n' | "$PM" -i "$M" 2>&1); rc=$?
is "-i on an existing key without -r: exit 1" "$rc" 1
is "... map unchanged" "$("$PM" -q alpha "$M")" "one"
printf 'alpha uno\n' | "$PM" -i -r "$M"
is "-i -r replaces" "$("$PM" -q alpha "$M")" "uno"

printf 'k v\nbad\x00line here\nnovalue\nok 1\n  \x01x\n' >"$M.bad"
out=$("$PM" "$M.bad" 2>&1); rc=$?
is "bad text: exit 1" "$rc" 1
like "NUL byte reported at its line" "$out" "virtual.bad:2: NUL byte in line"
like "key without value reported" "$out" "virtual.bad:3: expected \"key value\""
like "control character reported" "$out" "virtual.bad:5: control character 0x01"
head -c 100000 /dev/zero | tr '\0' x >"$M.long"
out=$("$PM" "$M.long" 2>&1); rc=$?
like "huge line: exit 1, clear message" "$rc:$out" "^1:.*virtual.long:1: line longer than 65536 bytes"
out=$("$PM" "$TESTTMP/missing" 2>&1); rc=$?
like "missing input: exit 1" "$rc:$out" "^1:.*missing: cannot open: No such file"

# ---- temporary trouble: 75 ----
mkdir "$TESTTMP/x.cdb"
printf 'a b\n' >"$TESTTMP/x"
out=$("$PM" "$TESTTMP/x" 2>&1); rc=$?
like "cannot replace the .cdb: exit 75" "$rc:$out" "^75:.*cannot write"
is "... no temporary file left" "$(find "$TESTTMP" -maxdepth 1 -name '.x.*' | wc -l)" 0
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$TESTTMP/ro" && printf 'a b\n' >"$TESTTMP/ro/m" && chmod 755 "$TESTTMP/ro"
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$PM" "$TESTTMP/ro/m" 2>&1); rc=$?
    like "unwritable directory: exit 75" "$rc:$out" "^75:.*cannot create"
else
    skip "needs root"
fi

# ---- corrupt compiled maps ----
cp "$M.cdb" "$TESTTMP/c.cdb"
truncate -s 1500 "$TESTTMP/c.cdb"
out=$("$PM" -q alpha "$TESTTMP/c.cdb" 2>&1); rc=$?
like "truncated .cdb: exit 1, says truncated" "$rc:$out" "^1:.*truncated"
cp "$M.cdb" "$TESTTMP/c.cdb"
size=$(stat -c %s "$TESTTMP/c.cdb")
truncate -s $((size - 20)) "$TESTTMP/c.cdb"
out=$("$PM" -s "$TESTTMP/c.cdb" 2>&1); rc=$?
like "hash tables cut short: refused" "$rc:$out" "^1:.*(truncated|corrupt)"
cp "$M.cdb" "$TESTTMP/c.cdb"
printf '\xff\xff\xff\x7f' | dd of="$TESTTMP/c.cdb" bs=1 seek=2048 conv=notrunc 2>/dev/null
out=$("$PM" -s "$TESTTMP/c.cdb" 2>&1); rc=$?
like "damaged record: error, not a crash" "$rc:$out" "^1:.*corrupt"
cp "$D/index.cdb" "$TESTTMP/idx.cdb"
head -c 3000 /dev/urandom | dd of="$TESTTMP/idx.cdb" bs=1 seek=2048 conv=notrunc 2>/dev/null
"$PM" -s "$TESTTMP/idx.cdb" >/dev/null 2>&1; rc=$?
check "random bytes over the records: no crash (exit $rc)" test "$rc" -lt 128

# ---- Postfix reads the same maps with its own cdb: type ----
if grep -q '^cdb' /etc/postfix/dynamicmaps.cf /etc/postfix/dynamicmaps.cf.d/* 2>/dev/null; then
    . "$SRCDIR/tests/lib/postfix.sh"
    pf_init "$TESTTMP/pf" >/dev/null 2>&1
    same=0 total=0
    for map in relay_domains transport; do
        for key in sales.example.com sales.example.org s.example hub.example.com branch.example.com \
                   sales.po not.example.net; do
            total=$((total + 1))
            a=$(pf_postmap -q "$key" "cdb:$D/$map" 2>&1); ra=$?
            b=$("$PM" -q "$key" "$D/$map" 2>&1); rb=$?
            if [ "$ra:$a" = "$rb:$b" ]; then same=$((same + 1)); else diag "$map $key: postmap $ra:'$a' pogate-map $rb:'$b'"; fi
        done
    done
    is "postmap -q cdb: and pogate-map -q agree on relay_domains and transport" "$same/$total" "$total/$total"
    is "... a PO domain is found by Postfix" "$(pf_postmap -q sales.example.com "cdb:$D/transport")" "pogate:"
    printf 'Key1 value one\nkey2 two\n' >"$TESTTMP/pf/etc/fromfix"
    pf_postmap "cdb:$TESTTMP/pf/etc/fromfix"
    is "pogate-map reads a map written by postmap" "$("$PM" -q key1 "$TESTTMP/pf/etc/fromfix")" "value one"
    is "pogate-map dumps it" "$("$PM" -s "$TESTTMP/pf/etc/fromfix" | sort | tr '\n' ' ')" "key1	value one key2	two "
    is "postmap reads a map written by pogate-map" "$(pf_postmap -q beta "cdb:$M")" "two continued"
else
    not_ok "postmap has no cdb: maps: Debian package postfix-cdb, not installed (tests/deps.sh installs it)"
fi

done_testing
