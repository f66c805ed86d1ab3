# shellcheck shell=bash
# sendmail.sh - a private sendmail on loopback, for tests and the demo. It runs
# the binaries that tests/deps.sh unpacks into tests/.sendmail (Debian's
# sendmail-bin, never installed, never the system MTA): the sendmail
# implementation of the driver API of mta.sh (mta_use sendmail), and
# sendmail's own configuration functions. Sourced with bash, after tap.sh when
# there is one; sources mta.sh (and through it common.sh); needs root, unshare
# and swaks.
#
# Everything lives under one directory:
#   DIR/sendmail.mc, DIR/sendmail.cf   the config (built from Debian's sendmail-cf)
#   DIR/bin/sendmail    a copy of the binary without its setgid bit
#   DIR/queue           the queue            DIR/sendmail.pid  the daemon's pid file
#   DIR/aliases         the alias file (sm_start rebuilds aliases.db)
#   DIR/mail            what the daemon sees as /var/mail (mail.local's mailboxes)
#   DIR/etc             hosts, resolv.conf, nsswitch.conf it sees in /etc
#   DIR/sendmail.out    stderr of the commands the library runs
# The daemon listens on 127.0.0.1:$SM_PORT and, with IPv6 loopback, [::1]:$SM_PORT.
# A recipient in a local domain ($SM_HOSTNAME, localhost) goes to the alias file,
# then to the local mailer: mail.local (LMTP mode) into DIR/mail/USER. Any other
# domain that nothing routes (mailertable, say) is refused at RCPT with
# 550 5.7.1: no mail leaves the machine.
#
#   sm_init DIR        write the .mc (not built yet); sets SM_DIR, SM_PORT (free_port
#                      unless already set), SM_IPV6 (1/0), SM_HOSTNAME (relay.test
#                      unless set), SM_BIN (the private binaries)
#   sm_mc 'LINE'...    add .mc lines: after the harness's defines (so they can
#                      override them) and before the MAILER() lines
#   sm_mc_end 'LINE'...  add .mc lines after the MAILER() lines (a site's own
#                      mailer definitions go there)
#   sm_build           m4 -> DIR/sendmail.cf (sm_start does it when the .mc is newer)
#   sm_start           build, newaliases, start the daemon, wait until it listens;
#                      sets SM_PID
#   sm_stop            SIGTERM by PID, wait until the daemon and every process it
#                      started are gone (safe twice, safe in a trap)
#   sm_pids            PIDs of the daemon and all its descendants, one a line
#   sm_run ARGS...     run the private sendmail with -C DIR/sendmail.cf in the
#                      daemon's surroundings (sm_run -bp lists the queue, sm_run -q
#                      runs it, sm_run -bv ADDR shows how ADDR resolves)
#   sm_makemap TYPE MAP <SOURCE   the private makemap with -C of the instance
#                      (hash or btree; no cdb)
#   sm_queue_size      messages in the queue
#   sm_wait_queue_empty SECS   wait until the queue is empty; on timeout print
#                      the queue (as TAP comments) and return 1
#   sm_send FROM TO [SWAKS-ARGS...]  one message over SMTP with swaks to
#                      ${SM_HOST:-127.0.0.1}:$SM_PORT (SM_HOST=::1 for IPv6)
#   sm_syslog_start FILE  from now on the log of every sendmail the library
#                      starts goes to FILE, as classic syslog lines named
#                      $SM_HOSTNAME (see "No syslog" below); before sm_start
#   sm_syslog_stop     stop the receiver (safe twice, safe in a trap)
# Behind mta.sh's names: mta_init sm_init, mta_start sm_start, mta_stop sm_stop,
# mta_pids sm_pids, mta_send sm_send, mta_queue_size sm_queue_size,
# mta_wait_queue_empty sm_wait_queue_empty, mta_flush sm_run -q, mta_mailq
# sm_run -bp; MTA_PID is SM_PID.
#
# What bites (sendmail 8.17.1 from Debian 12, as root in a container):
# - Name lookups. Sendmail looks up its own name at every start (daemon, -bv,
#   -bi, queue runs) and canonifies names through the "hosts" service; an
#   unqualified host name with a slow DNS has been seen to cost 60 s a start.
#   Here nothing it looks up can leave loopback: every command runs in new UTS
#   and mount namespaces (unshare --uts --mount; private propagation) with the
#   host name $SM_HOSTNAME, and a private /etc/hosts naming it, /etc/nsswitch.conf
#   with "hosts: files" and /etc/resolv.conf with "nameserver 127.0.0.1" (a query
#   is refused at once) bind-mounted over the real ones for that process tree
#   only. $j is set as well (confDOMAIN_NAME), its ServiceSwitchFile says
#   "hosts files", interfaces are not probed. Checked with strace -f: the only
#   inet traffic is to 127.0.0.1/::1 (including mail.local's biff notice, UDP to
#   127.0.0.1:512, which mail.local cannot be told to skip).
# - No syslog in a container (no /dev/log, and making one means writing to the
#   host's /dev): sendmail's log is lost unless sm_syslog_start asked for it.
#   Then the namespace sees an overlay of /dev (the host's /dev its lower,
#   read-only layer) whose upper layer holds /dev/log, a symbolic link to the
#   datagram socket DIR/log.sock of tests/lib/syslog-sink.py (a socket in the
#   overlay itself refuses connections: it is another inode). Otherwise look
#   at the queue (sm_run -bp shows why a message waits) and at the delivered
#   files. Startup errors that come before it detaches are in DIR/sendmail.out.
# - The packaged binary is setgid (smmsp; "mail" after dpkg -x here): the copy in
#   DIR/bin has the bit removed, so it never runs set-ID. (Run by root, the
#   setgid copy behaved the same in a test here.)
# - Debian's ostype (debian.m4) pulls in paths under /usr/share/sendmail and
#   /etc/mail, and linux.m4 makes procmail the local mailer: the .mc uses
#   OSTYPE(linux) and then FEATURE(local_lmtp) with the private mail.local.
#   Every path the .cf would take from /etc/mail or /var is set to DIR.
# - mail.local needs liblockfile.so.1, which is in tests/.sendmail and not on
#   the system; mailers get a scrubbed environment, so the .cf passes
#   LD_LIBRARY_PATH with an E line.
# - mail.local writes to the compiled-in /var/mail: DIR/mail is bind-mounted
#   there inside the namespace. It takes the USER.lock dot-lock as the user
#   (liblockfile); Debian's /var/mail (2775 root:mail) relies on the setgid
#   dotlockfile helper of liblockfile-bin for that, and without it a user's
#   delivery defers "451 4.3.0 lockmailbox USER failed; error code 75" (root's
#   works). DIR/mail is mode 1777 instead.
# - A path through a world-writable directory (/tmp, where TESTTMP is) is
#   unsafe for sendmail: building aliases.db fails ("Cannot create database for
#   alias file"), and a milter socket under /tmp makes the daemon refuse to start
#   ("Xpogate: local socket name ... unsafe: World writable directory"; it
#   checks at start-up). GroupWritableDirPathSafe does not help there (the
#   milter check always wants a safe directory path); DontBlameSendmail
#   TrustStickyBit does, for sticky directories like /tmp, and is all it takes.
# - The queue must be owned by root, mode 0700; the alias file root-owned and
#   not group/world-writable.
# - QueueLA defaults to 8 and RefuseLA to 12 per CPU: a loaded test machine can
#   pass them, and then sendmail queues instead of delivering, or refuses
#   connections. Both are raised. The listen backlog (Listen=) defaults to 10:
#   raised to 1024.
# - It asks ident (port 113) of every SMTP client: Timeout.ident is 0.
# - Default checks that need DNS: the sender's domain must resolve
#   (FEATURE(accept_unresolvable_domains)) and be qualified
#   (FEATURE(accept_unqualified_senders)).
# - Refusing remote recipients in ruleset 0 (LOCAL_NET_CONFIG) must test
#   {addr_type}: the sender address goes through the same rules, and an error
#   there is "550 5.7.1" at MAIL FROM for every remote sender.
# - Files and programs named in a root-owned alias file run as DefaultUser:
#   $SM_USER (default pogate, which tests/deps.sh creates), so they need a
#   directory that user can write.
# - No cdb maps in this build (sendmail -d0.1 lists NEWDB, not CDB): use hash
#   maps made with the private makemap (sm_makemap), or a socket map.
# - It offers AUTH (Cyrus SASL, configured from the system's /etc/sasl2): harmless
#   for tests, which do not authenticate.

SM_ROOT=${SM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.sendmail}
# shellcheck source=mta.sh
. "$(dirname "${BASH_SOURCE[0]}")/mta.sh"
SM_BIN=$SM_ROOT/usr/libexec/sendmail
SM_CF_DIR=$SM_ROOT/usr/share/sendmail/cf
# The multiarch library directory that holds the unpacked liblockfile.
SM_LIBDIR=
for _sm_l in "$SM_ROOT"/usr/lib/*/liblockfile.so.1; do [ ! -e "$_sm_l" ] || SM_LIBDIR=${_sm_l%/*}; done
unset _sm_l
SM_USER=${SM_USER:-pogate}
SM_SWAKS=${SM_SWAKS:-swaks}
SM_QUEUE_INTERVAL=${SM_QUEUE_INTERVAL:-1m}

sm_init() {
    if [ ! -x "$SM_BIN/sendmail" ] || [ ! -f "$SM_CF_DIR/m4/cf.m4" ]; then
        echo "# sm_init: no private sendmail in $SM_ROOT (run tests/deps.sh)" >&2
        return 1
    fi
    mkdir -p "$1" || return 1
    SM_DIR=$(cd "$1" && pwd)
    SM_PORT=${SM_PORT:-$(free_port)}
    SM_HOSTNAME=${SM_HOSTNAME:-relay.test}
    SM_PID=
    SM_IPV6=0
    if have_ipv6_loopback; then SM_IPV6=1; fi
    mkdir -p "$SM_DIR/bin" "$SM_DIR/queue" "$SM_DIR/mail" "$SM_DIR/etc"
    chmod 755 "$SM_DIR" "$SM_DIR/bin" "$SM_DIR/etc"
    chmod 700 "$SM_DIR/queue"
    # 1777, not Debian's 2775 root:mail: see mail.local's locks at the top.
    chmod 1777 "$SM_DIR/mail"
    cp "$SM_BIN/sendmail" "$SM_DIR/bin/sendmail" && chmod 755 "$SM_DIR/bin/sendmail"
    cp "$SM_ROOT/etc/mail/helpfile" "$SM_DIR/helpfile" 2>/dev/null

    # What the daemon sees in /etc: its own name without DNS, and no DNS server
    # but loopback.
    printf '127.0.0.1\t%s localhost\n::1\tlocalhost ip6-localhost\n' "$SM_HOSTNAME" \
        >"$SM_DIR/etc/hosts"
    echo 'nameserver 127.0.0.1' >"$SM_DIR/etc/resolv.conf"
    sed -e 's/^hosts:.*/hosts: files/' /etc/nsswitch.conf >"$SM_DIR/etc/nsswitch.conf"
    printf 'hosts\tfiles\naliases\tfiles\npasswd\tfiles\n' >"$SM_DIR/service.switch"

    cat >"$SM_DIR/aliases" <<AL
# Aliases of the private sendmail (tests/lib/sendmail.sh): add yours before sm_start.
MAILER-DAEMON: postmaster
postmaster: root
AL
    chmod 644 "$SM_DIR/aliases"

    local v6=
    [ "$SM_IPV6" = 0 ] ||
        v6="DAEMON_OPTIONS(\`Family=inet6, Addr=::1, Port=$SM_PORT, Name=MTA-v6, Listen=1024')dnl"
    cat >"$SM_DIR/mc.head" <<MC
divert(-1)
# A private sendmail for pogate's tests (tests/lib/sendmail.sh).
divert(0)dnl
VERSIONID(\`pogate private test instance')dnl
OSTYPE(\`linux')dnl
FEATURE(\`local_lmtp', \`$SM_BIN/mail.local')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nouucp', \`reject')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`accept_unqualified_senders')dnl
define(\`confDOMAIN_NAME', \`$SM_HOSTNAME')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM_DIR/service.switch')dnl
define(\`confHOSTS_FILE', \`$SM_DIR/etc/hosts')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`QUEUE_DIR', \`$SM_DIR/queue')dnl
define(\`ALIAS_FILE', \`$SM_DIR/aliases')dnl
define(\`confPID_FILE', \`$SM_DIR/sendmail.pid')dnl
define(\`STATUS_FILE', \`$SM_DIR/statistics')dnl
define(\`HELP_FILE', \`$SM_DIR/helpfile')dnl
define(\`confDEAD_LETTER_DROP', \`$SM_DIR/dead.letter')dnl
define(\`confEBINDIR', \`$SM_BIN')dnl
define(\`confDEF_USER_ID', \`$SM_USER:$SM_USER')dnl
define(\`confTO_IDENT', \`0s')dnl
define(\`confMAX_DAEMON_CHILDREN', \`64')dnl
define(\`confQUEUE_LA', \`1000')dnl
define(\`confREFUSE_LA', \`2000')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confCR_FILE', \`-o $SM_DIR/relay-domains')dnl
DAEMON_OPTIONS(\`Family=inet, Addr=127.0.0.1, Port=$SM_PORT, Name=MTA-v4, Listen=1024')dnl
$v6
LOCAL_CONFIG
ELD_LIBRARY_PATH=$SM_LIBDIR
divert(0)dnl
MC
    : >"$SM_DIR/mc.local"
    : >"$SM_DIR/mc.end"
    # Ruleset 0 refuses every remote recipient that nothing routed before it
    # (local names, mailertable). Only recipients: a sender address is parsed
    # by the same rules, and {addr_type} "e s" must pass.
    # shellcheck disable=SC2016 # sendmail's $ operators, not shell expansions
    {
        printf '%s\n' 'MAILER(`local'"')dnl" 'MAILER(`smtp'"')dnl" 'LOCAL_NET_CONFIG'
        printf 'R$* < @ $* > $*\t$: $&{addr_type} $| $1 < @ $2 > $3\n'
        printf 'Re r $| $* < @ $* > $*\t$#error $@ 5.7.1 $: "550 nothing leaves this test instance"\n'
        printf 'R$* $| $*\t$: $2\n'
    } >"$SM_DIR/mc.tail"
    _sm_mc_join
}

_sm_mc_join() {
    cat "$SM_DIR/mc.head" "$SM_DIR/mc.local" "$SM_DIR/mc.tail" "$SM_DIR/mc.end" >"$SM_DIR/sendmail.mc"
}

sm_mc() {
    printf '%s\n' "$@" >>"$SM_DIR/mc.local"
    _sm_mc_join
}

sm_mc_end() {
    printf '%s\n' "$@" >>"$SM_DIR/mc.end"
    _sm_mc_join
}

sm_build() {
    if ! m4 -D_CF_DIR_="$SM_CF_DIR/" "$SM_CF_DIR/m4/cf.m4" "$SM_DIR/sendmail.mc" \
        >"$SM_DIR/sendmail.cf.new" 2>"$SM_DIR/m4.err" || [ -s "$SM_DIR/m4.err" ]; then
        echo "# sm_build: m4 failed:" >&2
        sed 's/^/# /' "$SM_DIR/m4.err" >&2
        return 1
    fi
    mv "$SM_DIR/sendmail.cf.new" "$SM_DIR/sendmail.cf"
}

# _sm_ns CMD ARGS...: run CMD in new UTS and mount namespaces, named
# $SM_HOSTNAME, with the private hosts, resolv.conf, nsswitch.conf and /var/mail,
# and with sm_syslog_start's /dev/log.
_sm_ns() {
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --uts --mount --propagation private -- /bin/sh -c '
        d=$1 h=$2 log=$3; shift 3
        for f in hosts resolv.conf nsswitch.conf; do
            mount --bind "$d/etc/$f" "/etc/$f" || exit 1
        done
        mount --bind "$d/mail" /var/mail || exit 1
        if [ -n "$log" ]; then
            mount -t overlay overlay -o "lowerdir=/dev,upperdir=$d/dev.up,workdir=$d/dev.work" /dev || exit 1
        fi
        hostname "$h" || exit 1
        exec "$@"' _sm_ns "$SM_DIR" "$SM_HOSTNAME" "${SM_SYSLOG_PID:+1}" "$@"
}

sm_syslog_start() {
    mkdir -p "$SM_DIR/dev.up" "$SM_DIR/dev.work"
    ln -sfn "$SM_DIR/log.sock" "$SM_DIR/dev.up/log"
    touch "$1"
    python3 "$(dirname "${BASH_SOURCE[0]}")/syslog-sink.py" "$SM_DIR/log.sock" "$1" "$SM_HOSTNAME" \
        >>"$SM_DIR/sendmail.out" 2>&1 &
    SM_SYSLOG_PID=$!
    wait_for 10 test -S "$SM_DIR/log.sock"
}

sm_syslog_stop() {
    [ -n "${SM_SYSLOG_PID:-}" ] || return 0
    kill "$SM_SYSLOG_PID" 2>/dev/null
    wait "$SM_SYSLOG_PID" 2>/dev/null
    SM_SYSLOG_PID=
}

sm_run() {
    _sm_ns "$SM_DIR/bin/sendmail" -C "$SM_DIR/sendmail.cf" "$@"
}

_sm_cf_fresh() {
    [ -f "$SM_DIR/sendmail.cf" ] && ! [ "$SM_DIR/sendmail.mc" -nt "$SM_DIR/sendmail.cf" ]
}

# makemap reads the .cf (for DontBlameSendmail and the like; without -C, the
# system's /etc/mail/sendmail.cf, and it fails when there is none). It warns
# about /tmp despite TrustStickyBit: that line is dropped.
sm_makemap() {
    _sm_cf_fresh || sm_build || return 1
    {
        LD_LIBRARY_PATH=$SM_LIBDIR "$SM_BIN/makemap" -C "$SM_DIR/sendmail.cf" "$@" 2>&1 1>&3 |
            grep -v '^WARNING: World writable directory' >&2
        return "${PIPESTATUS[0]}"
    } 3>&1
}

_sm_pidfile_pid() { pid_file_pid "$SM_DIR/sendmail.pid"; }

sm_pids() { proc_tree "${SM_PID:-$(_sm_pidfile_pid)}"; }

_sm_listening() {
    local pid
    pid=$(_sm_pidfile_pid)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && loopback_listens "$SM_PORT" "$SM_IPV6"
}

sm_start() {
    local pid
    pid=$(_sm_pidfile_pid)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        echo "# sm_start: already running (PID $pid)" >&2
        return 1
    fi
    SM_PID=
    _sm_cf_fresh || sm_build || return 1
    rm -f "$SM_DIR/sendmail.pid"
    # newaliases: sendmail -bi
    if ! sm_run -bi >>"$SM_DIR/sendmail.out" 2>&1; then
        echo "# sm_start: newaliases failed:" >&2
        tail -n 20 "$SM_DIR/sendmail.out" | sed 's/^/# /' >&2
        return 1
    fi
    # -bd: a daemon (it detaches, writes its pid file); -q: a queue run every interval.
    sm_run -bd -q"$SM_QUEUE_INTERVAL" >>"$SM_DIR/sendmail.out" 2>&1
    if ! wait_for 30 _sm_listening; then
        echo "# sm_start: the private sendmail does not listen on port $SM_PORT" >&2
        tail -n 20 "$SM_DIR/sendmail.out" | sed 's/^/# /' >&2
        return 1
    fi
    SM_PID=$(_sm_pidfile_pid)
}

sm_stop() {
    [ -n "${SM_DIR:-}" ] || return 0
    stop_tree "sm_stop: sendmail" "${SM_PID:-$(_sm_pidfile_pid)}"
    SM_PID=
}

sm_queue_size() {
    find "$SM_DIR/queue" -maxdepth 1 -type f -name 'qf*' 2>/dev/null | wc -l
}

sm_wait_queue_empty() { _mta_wait_empty sendmail "$@"; }

sm_send() {
    "$SM_SWAKS" --server "${SM_HOST:-127.0.0.1}" --port "$SM_PORT" --from "$1" --to "$2" "${@:3}"
}

# The driver of mta.sh.
# shellcheck disable=SC2034 # read by mta_use
_MTA_VARS_sendmail="SM_DIR SM_PORT SM_IPV6 SM_HOST SM_PID"
_mta_sendmail() {
    local op=$1
    shift
    case $op in
    daemon_pid) _sm_pidfile_pid ;;
    flush) sm_run -q ;;
    mailq) sm_run -bp ;;
    *) "sm_$op" "$@" ;;
    esac
}
