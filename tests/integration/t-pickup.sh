#!/bin/bash
# t-pickup.sh - file-only outbound through a real MTA: the LEGACY postoffice
# (contrib/demo/conf, with pickup=yes) leaves message files in its outbag,
# pogate-pickup submits them through the MTA's own sendmail(1) and
# pogate-milter's outbound policy applies to them (Postfix: non_smtpd_milters
# of contrib/postfix/main.cf; sendmail: its submission program relays to the
# daemon, whose milter it is). The Internet is Postfix's smtp-sink.
# Checked: a file written into tmp/ and renamed into new/ is sent within
# seconds (inotify, with pickup_interval at an hour), with the envelope it
# names, the sender rewritten to the mailbox's public address (envelope and
# From:), and gone from new/ and cur/; four recipients in one file; refused
# and set aside in bad/ with a reason beside them: a file without envelope,
# a sender of another postoffice, the null sender, a sender that is no
# mailbox, a symbolic link (its target untouched), a FIFO; a file the MTA
# refuses; a file that an earlier pickup left in cur/ (its pid gone) set
# aside unsent, another live pickup's left alone; SIGTERM: exit 0, pid file
# gone. PICKUP_MTA=sendmail (t-pickup-sendmail.sh) runs it behind sendmail.
#
# Postfix's sendmail(1), run by a user other than root with -C of a private
# instance, needs that directory in the default main.cf's
# alternate_config_directories (postdrop is setgid): pogate-pickup runs in a
# mount namespace where /etc/postfix is a copy that says so. Behind sendmail
# it runs in the private sendmail's namespaces (sendmail.sh's _sm_ns).
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
kind=${PICKUP_MTA:-postfix}
mta_use "$kind"
LDA=$BUILDDIR/lda/pogate-lda PICKUP=$BUILDDIR/lda/pogate-pickup
if [ "$(id -u)" != 0 ] || ! command -v swaks >/dev/null || [ ! -x /usr/sbin/smtp-sink ]; then
    skip "needs root, swaks and smtp-sink"; done_testing
fi
for p in "$MILTER" "$LDA" "$POGATE_MAP" "$PICKUP"; do
    [ -x "$p" ] || { skip "$p not built"; done_testing; }
done
need unshare m4
if [ "$kind" = sendmail ] && [ ! -x "$SM_BIN/sendmail" ]; then skip "no private sendmail (run tests/deps.sh)"; done_testing; fi

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink
log=$TESTTMP/pogate.log mlog=$TESTTMP/milter.log sock=$run/milter.sock plog=$TESTTMP/pickup.log
outbag=$store/legacy/outbag
sink_port=$(free_port)
# PICKUP_JOB is the shell's job (its status is pogate-pickup's: unshare
# execs it), PICKUP_PID pogate-pickup's own pid, from its pid file.
PICKUP_JOB='' PICKUP_PID=''
pickup_stop() {
    [ -n "$PICKUP_JOB" ] || return 0
    [ -z "$PICKUP_PID" ] || kill -TERM "$PICKUP_PID" 2>/dev/null
    wait "$PICKUP_JOB"
    PICKUP_STATUS=$?
    PICKUP_JOB='' PICKUP_PID=''
}
stop_all() { pickup_stop; mta_stop; milter_stop; e2e_sink_stop; }
at_exit stop_all

mta_init "$TESTTMP/$kind" || { not_ok "mta_init"; done_testing; }
e2e_conf "$conf" "$store" "$run" "$log" "socket_group = postfix
sendmail_path = $TESTTMP/sendmail-cmd
pickup_pid_file = $run/pickup.pid
pickup_interval = 3600s"
sed -i 's/^LEGACY .*/& pickup=yes/' "$conf/postoffices"
echo 'LEGACY/MUTE     address=mute@legacy.example.net outbound=no' >>"$conf/mailboxes"
check "pogate-map compiles the demo maps with pickup=yes" "$POGATE_MAP" -c "$conf"
check "pogate-milter starts" milter_start "$conf" "$sock" "$mlog"
check "the Internet sink listens" e2e_sink_start "$sink" "$sink_port"

if [ "$kind" = postfix ]; then
    e2e_pf_contrib "$conf" "$sock" "$LDA" "$sink_port"
    grep -q '^non_smtpd_milters = unix:' "$PF_DIR/etc/main.cf" && ok "contrib/postfix/main.cf gives sendmail(1) mail to the milter" \
        || not_ok "contrib/postfix/main.cf gives sendmail(1) mail to the milter"
    mkdir -p "$TESTTMP/etc-postfix"
    cp -r /etc/postfix/. "$TESTTMP/etc-postfix/"
    printf 'alternate_config_directories = %s\n' "$PF_DIR/etc" >"$TESTTMP/etc-postfix/main.cf"
    printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$PF_DIR/etc" >"$TESTTMP/sendmail-cmd"
    # shellcheck disable=SC2016 # expanded by the inner shell
    in_ns() { unshare --mount --propagation private -- /bin/sh -c 'mount --bind "$1" /etc/postfix && shift && exec "$@"' \
        in_ns "$TESTTMP/etc-postfix" "$@"; }
else
    paths() { sed -e "s|/etc/pogate|$conf|g" -e "s|/run/pogate|$run|g" -e "s|/usr/sbin/pogate-lda|$LDA|g"; }
    sm_mc "$(paths <"$SRCDIR/contrib/sendmail/pogate.mc")"
    sm_mc_end "$(paths <"$SRCDIR/contrib/sendmail/pogate.m4")"
    # shellcheck disable=SC2016 # sendmail's $ operators
    sm_mc "define(\`ESMTP_MAILER_ARGS', \`TCP \$h $sink_port')dnl" 'LOCAL_RULE_0' \
        'R$* < @ internet.example . > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example . > $2' \
        'R$* < @ internet.example > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example > $2' \
        'divert(0)dnl'
    # sendmail(1) as a user is the mail submission program: submit.cf relays
    # every message over SMTP to the daemon (as Debian's own submit.cf does).
    mkdir -p "$TESTTMP/clientmqueue" && chown pogate "$TESTTMP/clientmqueue" && chmod 770 "$TESTTMP/clientmqueue"
    cat >"$TESTTMP/submit.mc" <<MC
divert(0)dnl
define(\`confCF_VERSION', \`Submit')dnl
define(\`__OSTYPE__',\`')dnl
define(\`confTIME_ZONE', \`USE_TZ')dnl
define(\`confDONT_INIT_GROUPS', \`True')dnl
define(\`confDOMAIN_NAME', \`$SM_HOSTNAME')dnl
define(\`confRUN_AS_USER', \`pogate')dnl
define(\`MSP_QUEUE_DIR', \`$TESTTMP/clientmqueue')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $SM_PORT')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit,GroupWritableDirPathSafe')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM_DIR/service.switch')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
FEATURE(\`nocanonify')dnl
define(\`confQUEUE_LA', \`1000')dnl
define(\`confREFUSE_LA', \`2000')dnl
FEATURE(\`msp', \`[127.0.0.1]')dnl
MC
    m4 -D_CF_DIR_="$SM_CF_DIR/" "$SM_CF_DIR/m4/cf.m4" "$TESTTMP/submit.mc" >"$TESTTMP/submit.cf" 2>"$TESTTMP/m4.err"
    is "submit.cf builds" "$(cat "$TESTTMP/m4.err")" ""
    printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s -C %s "$@"\n' "$SM_LIBDIR" "$SM_DIR/bin/sendmail" "$TESTTMP/submit.cf" \
        >"$TESTTMP/sendmail-cmd"
    chmod 644 "$TESTTMP/submit.cf"
    in_ns() { _sm_ns "$@"; }
fi
chmod 755 "$TESTTMP/sendmail-cmd" "$TESTTMP"
check "$kind starts" mta_start

pickup_start() {
    : >"$plog" && chown pogate "$plog"
    in_ns "$PICKUP" -f -c "$conf" >>"$plog" 2>&1 &
    PICKUP_JOB=$!
    wait_for 20 grep -q 'ready: watching the outbags' "$plog" || return 1
    PICKUP_PID=$(pid_file_pid "$run/pickup.pid")
}
at_sink() { grep -lr -- "$1" "$sink" 2>/dev/null | wc -l; }
sink_has() { [ "$(at_sink "$1")" -ge "$2" ]; }
token=pickup-$kind-$$
# drop FILE-NAME ENVELOPE BODY: written into tmp/, renamed into new/, as a
# postoffice's software does (ENVELOPE without its empty line; "" for none).
drop() {
    local name=$1 env=$2 body=$3
    if [ -n "$env" ]; then printf '%s\n\n%s\n' "$env" "$body"; else printf '%s\n' "$body"; fi >"$outbag/tmp/$name"
    mv "$outbag/tmp/$name" "$outbag/new/$name"
}
envelope() {
    local from=$1 rcpt
    shift
    printf 'X-Pogate-Envelope: 1\nX-Pogate-Sender: <%s>' "$from"
    for rcpt in "$@"; do printf '\nX-Pogate-Recipient: <%s>' "$rcpt"; done
}
message() { printf 'From: %s\nTo: friend@internet.example\nSubject: %s\n\nbody of %s\n' "$1" "$2" "$2"; }
reason() { cat "$outbag/bad/$1.reason" 2>/dev/null; }
empty_dirs() {
    local d
    for d; do [ -z "$(ls -A "$outbag/$d")" ] || return 1; done
}

check "pogate-pickup starts (no socket)" pickup_start
check "... it made the outbag: tmp/ new/ cur/ bad/" test -d "$outbag/tmp" -a -d "$outbag/new" -a -d "$outbag/cur" -a -d "$outbag/bad"
check "... and its pid file" test -s "$run/pickup.pid"

drop "1.file" "$(envelope anna@legacy.po friend@internet.example)" "$(message 'Anna <anna@legacy.po>' "$token-one")"
if wait_for 20 sink_has "$token-one" 1; then
    ok "a file renamed into new/ reaches the Internet (inotify; pickup_interval is an hour)"
else
    not_ok "a file renamed into new/ reaches the Internet (inotify; pickup_interval is an hour)"
    diag "$(tail -n 5 "$plog")"; diag "$(tail -n 5 "$log")"; diag "$(mta_mailq 2>&1 | tail -n 5)"
fi
f=$(grep -lr -- "$token-one" "$sink" | head -n 1)
like "... its envelope sender rewritten to the public address" "$(cat "$f" 2>/dev/null)" \
    '^X-Mail-Args: <anna@legacy\.example\.net>'
like "... From: rewritten to the mailbox's name and public address" "$(sed -n '/^From:/p' "$f" 2>/dev/null)" \
    '^From: .*Anna Lind.*<anna@legacy\.example\.net>'
unlike_file() { ! grep -q -- "$1" "$2"; }
check "... the envelope block is not part of the message" unlike_file 'X-Pogate-' "$f"
check "... new/ and cur/ are empty, nothing in bad/" empty_dirs new cur bad
like "... pogate-pickup logged it with the file's name" "$(cat "$plog")" \
    '1\.file: sent: po=legacy from=<anna@legacy\.po> nrcpt=1 to=<friend@internet\.example>'
like "... pogate-milter judged it outbound" "$(cat "$log")" 'from=<anna@legacy\.po> .*outbound=legacy/anna sender=<anna@legacy\.example\.net> verdict=accept'

drop "2.file" "$(envelope gate@legacy.example.net a@internet.example b@internet.example c@internet.example d@internet.example)" \
    "$(message gate@legacy.example.net "$token-four")"
check "four recipients in one file: four deliveries at the sink" wait_for 20 sink_has "$token-four" 1
rcpts=$(grep -lr -- "$token-four" "$sink" | xargs -r grep -h '^X-Rcpt-Args' | sort -u | wc -l)
is "... to the four addresses of the envelope" "$rcpts" 4

# Refusals: set aside in bad/ with a reason, never sent.
drop "3.noenv" "" "$(message anna@legacy.po "$token-noenv")"
drop "4.other" "$(envelope jsmith@sales.po friend@internet.example)" "$(message jsmith@sales.po "$token-other")"
drop "5.null" "$(envelope '' friend@internet.example)" "$(message anna@legacy.po "$token-null")"
drop "6.ghost" "$(envelope ghost@legacy.po friend@internet.example)" "$(message ghost@legacy.po "$token-ghost")"
printf '%s\n\n%s\n' "$(envelope anna@legacy.po friend@internet.example)" "$(message anna@legacy.po "$token-link")" >"$TESTTMP/target"
cp "$TESTTMP/target" "$TESTTMP/target.orig"
ln -s "$TESTTMP/target" "$outbag/new/7.link"
mkfifo "$outbag/new/8.fifo"
check "the refused files are set aside" wait_for 20 test -f "$outbag/bad/8.fifo.reason"
for f in 3.noenv 4.other 5.null 6.ghost 7.link 8.fifo; do wait_for 10 test -f "$outbag/bad/$f.reason"; done
like "a file without envelope: in bad/, the reason says so" "$(reason 3.noenv)" \
    '^line 1: no envelope: the file does not begin with X-Pogate-Envelope: 1 \(From: anna@legacy.po\)$'
like "a sender of another postoffice: refused" "$(reason 4.other)" \
    '^sender <jsmith@sales\.po> is not a mailbox of postoffice legacy: a postoffice sends only as its own users$'
like "the null sender: refused" "$(reason 5.null)" '^the null sender <>: a postoffice sends only as its own users$'
like "a sender that is no mailbox: refused" "$(reason 6.ghost)" '^sender <ghost@legacy\.po> is not a mailbox of postoffice legacy'
like "a symbolic link: refused" "$(reason 7.link)" '^a symbolic link: refused'
check "... moved as a link, its target untouched" test -L "$outbag/bad/7.link" -a -f "$TESTTMP/target"
check "... byte for byte" cmp -s "$TESTTMP/target" "$TESTTMP/target.orig"
like "a FIFO: refused" "$(reason 8.fifo)" '^not a regular file: refused$'
check "... each file beside its reason" test -f "$outbag/bad/3.noenv" -a -f "$outbag/bad/4.other" -a -p "$outbag/bad/8.fifo"
sleep 1
is "none of them reached the Internet" "$(at_sink "$token-noenv\|$token-other\|$token-null\|$token-ghost\|$token-link")" 0
check "new/ and cur/ are empty" empty_dirs new cur

# Refused by the policy the MTA applies (pogate-milter: mute may not send).
drop "9.mute" "$(envelope mute@legacy.po friend@internet.example)" "$(message mute@legacy.po "$token-mute")"
if [ "$kind" = postfix ]; then
    # Postfix takes the file (postdrop, exit 0); its cleanup then asks the
    # milter, whose refusal becomes a bounce to the sender: the postoffice.
    check "refused by the milter: Postfix bounces it into the postoffice's mailbag" \
        wait_for 30 bash -c "grep -rlq -- 'Subject: $token-mute' '$store/legacy/mailbag/new'"
    f=$(grep -rl -- "Subject: $token-mute" "$store/legacy/mailbag/new" | head -n 1)
    like "... a bounce naming the refusal" "$(cat "$f" 2>/dev/null)" 'legacy/mute may not send mail to'
else
    check "refused by the MTA at RCPT (the milter: mute may not send): in bad/" wait_for 30 test -f "$outbag/bad/9.mute.reason"
    like "... the reason names the MTA's refusal" "$(reason 9.mute)" '^the MTA refused it: .*/sendmail-cmd exited 67 EX_NOUSER'
    check "... and sendmail told the sender: a bounce in the postoffice's mailbag" \
        wait_for 30 bash -c "grep -rlq -- 'Subject: $token-mute' '$store/legacy/mailbag/new'"
fi
is "... it did not reach the Internet" "$(at_sink "$token-mute")" 0
check "... and left new/ and cur/" empty_dirs new cur

pickup_stop
is "SIGTERM: exit 0" "$PICKUP_STATUS" 0
check "... the pid file removed" test ! -e "$run/pickup.pid"

# A crash while the MTA had a file: an earlier pickup of this host left it
# in cur/ and is gone. Found at start and set aside, not sent again; a file
# of a pickup that still runs (this shell stands in for it) is left alone.
host=$(hostname)
[ "$kind" = postfix ] || host=$SM_HOSTNAME
sh -c 'exit 0' & dead=$!; wait "$dead"
printf '%s\n\n%s\n' "$(envelope anna@legacy.po friend@internet.example)" "$(message anna@legacy.po "$token-crash")" \
    >"$outbag/cur/10.crash,H=$host,P=$dead"
printf '%s\n\n%s\n' "$(envelope anna@legacy.po friend@internet.example)" "$(message anna@legacy.po "$token-live")" \
    >"$outbag/cur/11.live,H=$host,P=$$"
drop "12.after" "$(envelope anna@legacy.po friend@internet.example)" "$(message anna@legacy.po "$token-after")"
out=$(in_ns "$PICKUP" -1 -c "$conf" 2>&1); rc=$?
is "pogate-pickup -1: one pass, exit 0" "$rc" 0
like "... a file an earlier pickup left in cur/ is set aside in bad/" "$(reason 10.crash)" \
    '^pogate-pickup stopped while the MTA had this file: whether the MTA took it is unknown, so it is not sent again'
check "... under its own name" test -f "$outbag/bad/10.crash"
check "... a live pickup's file stays in cur/" test -f "$outbag/cur/11.live,H=$host,P=$$"
check "... the new file is sent" wait_for 20 sink_has "$token-after" 1
like "... the pass summed up" "$out" 'pass: 1 sent, 0 set aside in bad/, 0 waiting, 1 recovered from cur/'
sleep 1
is "... the crashed one was not sent again" "$(at_sink "$token-crash\|$token-live")" 0
rm -f "$outbag/cur/11.live,H=$host,P=$$"
done_testing
