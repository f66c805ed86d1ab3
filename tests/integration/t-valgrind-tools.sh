#!/bin/bash
# t-valgrind-tools.sh - pogate-map, pogate-lda and pogate-lmtp under valgrind
# memcheck over their main paths, with real files on disk: each run must give
# its normal result (exit code, files, replies) and a clean memcheck (no memory
# error, no definitely or indirectly lost block). Possibly lost and still
# reachable blocks are not errors: what a program holds at exit() (the log,
# the maps cache of a one-shot tool) is reclaimed by the kernel.
#
# pogate-lda is linked statically by default (configure --disable-static-lda
# turns that off), and memcheck cannot replace malloc and free in a static
# binary: it would see neither leaks nor heap overruns. make check therefore
# also builds lda/pogate-lda-dynamic, the same sources linked dynamically, and
# this test runs that one; when pogate-lda itself is dynamic it runs
# pogate-lda. No suppression is needed (pogate-milter's libmilter is tested by
# t-milter-valgrind.sh).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lda.sh"
. "$SRCDIR/tests/lib/lmtp.sh"

if grep -q 'fsanitize' "$BUILDDIR/config.log" 2>/dev/null; then skip "sanitizer build: valgrind cannot run it"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "needs root (pogate-lda runs as user pogate)"; done_testing; exit 0; fi
need valgrind setpriv

# The pogate-lda memcheck can watch.
if ldd "$LDA" >/dev/null 2>&1; then
    VLDA=$LDA
elif [ -x "$BUILDDIR/lda/pogate-lda-dynamic" ]; then
    VLDA=$BUILDDIR/lda/pogate-lda-dynamic
else
    VLDA=
fi

vg=$TESTTMP/vg
mkdir -p "$vg" && chown pogate "$vg"
vgn=0
# --vgdb=no: pogate-lmtp drops root, and could then not remove the FIFOs
# valgrind makes in /tmp for gdb.
VG=(valgrind --tool=memcheck --leak-check=full "--errors-for-leak-kinds=definite,indirect"
    "--show-leak-kinds=definite,indirect" --error-exitcode=99 --vgdb=no)
# memcheck NAME CMD...: run CMD under memcheck, its log in $vg/NAME.log; sets
# RC to CMD's exit status (99 is memcheck's: an error or a leak).
memcheck() {
    local name=$1
    shift
    vgn=$((vgn + 1))
    "${VG[@]}" --log-file="$vg/$name.log" "$@"
    RC=$?
}
# clean NAME: the memcheck log of run NAME shows no error and no leak.
clean() {
    if grep -q 'ERROR SUMMARY: 0 errors' "$vg/$1.log" 2>/dev/null; then
        ok "memcheck clean: $1"
    else
        not_ok "memcheck clean: $1"
        grep -E -A14 'Invalid|uninitialised|definitely lost in|indirectly lost in|ERROR SUMMARY' \
            "$vg/$1.log" 2>/dev/null | head -60 | sed 's/^/# /'
    fi
}

started=$(date +%s)

# ---- pogate-map: a whole directory, queries, dump, dry run, errors ----
D=$TESTTMP/mapconf
mkdir -p "$D"
cp "$SRCDIR"/tests/lda/conf/* "$D"/
memcheck map-compile "$POGATE_MAP" -c "$D"
is "pogate-map -c DIR: exit 0" "$RC" 0
for f in index.cdb postoffices.cdb mailboxes.cdb aliases.cdb access.cdb relay_domains.cdb transport.cdb \
         sendmail/mailertable; do
    [ -s "$D/$f" ] || not_ok "pogate-map -c DIR wrote $f"
done
check "... index.cdb, the per-map and the MTA maps written" test -s "$D/transport.cdb"
clean map-compile
memcheck map-query "$POGATE_MAP" -c "$D" -q A:john.smith@sales.example.com >"$TESTTMP/q.out"
is "pogate-map -q KEY: the index answers" "$RC:$(cat "$TESTTMP/q.out")" "0:sales/jsmith"
clean map-query
printf 'sales.example.com\nnot-here.example\nbag.example.com\n' >"$TESTTMP/keys"
memcheck map-query-stream "$POGATE_MAP" -q - "$D/relay_domains" <"$TESTTMP/keys" >"$TESTTMP/q.out"
is "pogate-map -q -: key<TAB>value for the found keys" "$RC:$(tr '\t\n' ' |' <"$TESTTMP/q.out")" \
   "0:sales.example.com OK|bag.example.com OK|"
clean map-query-stream
memcheck map-dump "$POGATE_MAP" -s "$D/mailboxes.cdb" >"$TESTTMP/s.out"
is "pogate-map -s: every mailbox dumped" "$RC:$(grep -c . "$TESTTMP/s.out")" "0:$(grep -c '^[A-Z]' "$D/mailboxes")"
clean map-dump
ino=$(stat -c %i "$D/index.cdb")
echo 'SALES/EXTRA address=extra@sales.example.com' >>"$D/mailboxes"
memcheck map-dry-run "$POGATE_MAP" -n -c "$D"
is "pogate-map -n -c DIR: exit 0, index.cdb untouched" "$RC:$(stat -c %i "$D/index.cdb")" "0:$ino"
clean map-dry-run
printf 'x@sales.example.com SALES/NOBODY\n' >>"$D/aliases"
printf 'bad\001line here\n' >"$D/access"
memcheck map-errors "$POGATE_MAP" -c "$D" 2>"$TESTTMP/err.out"
is "pogate-map with a bad line and a bad alias: exit 1" "$RC" 1
err=$(cat "$TESTTMP/err.out")
like "... the bad line reported with file:line" "$err" "access:1: control character 0x01 in line"
like "... the bad alias too" "$err" "aliases:3: alias to a missing mailbox \(sales/nobody\)"
like "... nothing written" "$err" ": 2 errors, nothing written"
is "... index.cdb not replaced" "$(stat -c %i "$D/index.cdb")" "$ino"
clean map-errors

# ---- pogate-lda: Maildir with twins, mailbag, unknown, paused, quota ----
C=$TESTTMP/ldaconf S=$TESTTMP/store
lda_conf "$C" "$S" || { not_ok "pogate-map compiles the pogate-lda test maps"; done_testing; exit 1; }
M=$TESTTMP/msg
printf 'From: Alice <alice@example.org>\nSubject: memcheck\n\nbody line\n' >"$M"
# vlda NAME ARGS... <MSG: pogate-lda under memcheck as user pogate; LDA_OUT, LDA_RC.
vlda() {
    local name=$1
    shift
    vgn=$((vgn + 1))
    LDA_OUT=$("${AS_POGATE[@]}" "${VG[@]}" --log-file="$vg/$name.log" "$VLDA" -c "$C" "$@" 2>&1)
    LDA_RC=$?
}
if [ -z "$VLDA" ]; then
    skip "pogate-lda is static and lda/pogate-lda-dynamic is not built (make check builds it)"
else
    diag "pogate-lda under memcheck: ${VLDA#"$BUILDDIR"/}"
    # john.smith@ and its alias js@ are twins: one mailbox, one link.
    vlda lda-maildir -q VG1 -f alice@example.org -- john.smith@sales.example.com admin@sales.example.com \
        js@sales.example.com anyone@sales.example.org <"$M"
    is "Maildir, four recipients (two twins): exit 0, status line" "$LDA_RC:$LDA_OUT" "0:2.0.0 delivered to 4 recipients"
    is "... one file each in jsmith, admin, inbox" \
       "$(lda_files "$S" sales/mailboxes/jsmith/new | wc -l) $(lda_files "$S" sales/mailboxes/admin/new | wc -l) $(lda_files "$S" sales/mailboxes/inbox/new | wc -l)" "1 1 1"
    is "... one inode, three links" "$(stat -c %h "$(lda_files "$S" sales/mailboxes/admin/new)")" 3
    is "... tmp/ empty" "$(find "$S"/sales/mailboxes/*/tmp -type f | wc -l)" 0
    clean lda-maildir
    vlda lda-mailbag -q VG2 -f alice@example.org -- anna@bag.example.com gate@bag.example.com <"$M"
    is "mailbag, two recipients: exit 0" "$LDA_RC" 0
    B=$(lda_files "$S" bag/mailbag/new)
    is "... one file with the envelope block" "$(echo "$B" | grep -c .):$(grep -c '^X-Pogate-Recipient:' "$B")" "1:2"
    clean lda-mailbag
    vlda lda-unknown -f alice@example.org -- nobody@sales.example.com <"$M"
    is "unknown mailbox: exit 67, 5.1.1" "$LDA_RC:${LDA_OUT%% *}" "67:5.1.1"
    clean lda-unknown
    vlda lda-paused -f alice@example.org -- admin@paused.example.com <"$M"
    is "paused postoffice: exit 75, 4.2.1, nothing stored" "$LDA_RC:${LDA_OUT%% *}:$(lda_files "$S" paused | wc -l)" "75:4.2.1:0"
    clean lda-paused
    head -c 700 /dev/zero | tr '\0' x | sed 's/^/Subject: q\n\n/' >"$TESTTMP/700"
    lda_run "$C" -f alice@example.org -- tiny@sales.example.com <"$TESTTMP/700"
    vlda lda-quota -f alice@example.org -- tiny@sales.example.com <"$TESTTMP/700"
    is "mailbox quota exceeded: exit 75, 4.2.2, the first message only" \
       "$LDA_RC:${LDA_OUT%% *}:$(lda_files "$S" sales/mailboxes/tiny/new | wc -l)" "75:4.2.2:1"
    clean lda-quota
fi

# ---- pogate-lmtp: one conversation on stdin (-i), then the daemon ----
L=$TESTTMP/lmtpconf LS=$TESTTMP/lmtpstore log=$TESTTMP/lmtp.log
lmtp_conf "$L" "$LS" || { not_ok "pogate-map compiles the pogate-lmtp test maps"; done_testing; exit 1; }
{
    printf '%s\r\n' "LHLO client.example" "MAIL FROM:<a@elsewhere.example>" "RCPT TO:<js@sales.example.com>" \
        "RCPT TO:<nobody@sales.example.com>" "DATA"
    printf 'Subject: one\r\n\r\nfirst\r\n.\r\n'
    printf '%s\r\n' "MAIL FROM:<b@elsewhere.example>" "RCPT TO:<someone@sales.example.org>" "RSET" \
        "FROB" "MAIL FROM:<b@elsewhere.example>" "RCPT TO:<someone@sales.example.org>" \
        "RCPT TO:<john.smith@sales.example.com>" "DATA"
    printf 'Subject: two\r\n\r\nsecond\r\n.\r\n'
    printf 'QUIT\r\n'
} >"$TESTTMP/lmtp.in"
memcheck lmtp-inetd "$LMTP" -i -c "$L" <"$TESTTMP/lmtp.in" >"$TESTTMP/lmtp.out" 2>>"$log"
is "pogate-lmtp -i: exit 0" "$RC" 0
is "... replies: two transactions, RSET, the bad command" \
   "$(tr -d '\r' <"$TESTTMP/lmtp.out" | sed "s/$(hostname)/HOST/" | grep -v '^250-' | cut -c1-9 | tr '\n' ' ')" \
   "220 HOST  250 SIZE  250 2.1.0 250 2.1.5 550 5.1.1 354 End d 250 2.0.0 250 2.1.0 250 2.1.5 250 2.0.0 500 5.5.2 250 2.1.0 250 2.1.5 250 2.1.5 354 End d 250 2.0.0 250 2.0.0 221 2.0.0 "
is "... stored: jsmith two, inbox one" \
   "$(lmtp_files "$LS" sales jsmith | wc -l) $(lmtp_files "$LS" sales inbox | wc -l)" "2 1"
clean lmtp-inetd

sock=$L/run/lmtp.sock
trap 'lmtp_stop KILL' EXIT
"${VG[@]}" --log-file="$vg/lmtp-daemon.log" "$LMTP" -f -c "$L" -p "unix:$sock" >>"$log" 2>&1 &
LMTP_PID=$!
vgn=$((vgn + 1))
check "pogate-lmtp daemon starts under memcheck" wait_for 60 grep -q "listening on unix:$sock" "$log"
out=$("$LMTP_LOAD" -s "unix:$sock" -c 1 -n 3 -t vg john.smith@sales.example.com admin@sales.example.com 2>&1)
like "one connection, three messages for two recipients acknowledged" "$out" '^sent 3 acked 6 failed 0 '
kill -TERM "$LMTP_PID"
wait "$LMTP_PID"
RC=$?
LMTP_PID=
is "SIGTERM: the daemon exits 0 (99: memcheck found something)" "$RC" 0
check_fail "... and removes its socket" test -e "$sock"
is "... stored: jsmith 5, admin 3" \
   "$(lmtp_files "$LS" sales jsmith | wc -l) $(lmtp_files "$LS" sales admin | wc -l)" "5 3"
clean lmtp-daemon

diag "$vgn programs under memcheck in $(( $(date +%s) - started )) s"
done_testing
