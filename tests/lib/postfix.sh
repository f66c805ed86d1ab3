# shellcheck shell=bash
# postfix.sh - a private Postfix instance on loopback, for tests and the demo:
# the Postfix implementation of the driver API of mta.sh (mta_use postfix),
# and Postfix's own configuration functions. Sourced with bash, after tap.sh
# when there is one; sources mta.sh (and through it common.sh); needs root
# and swaks.
#
# The instance lives under one directory and shares nothing with the system
# Postfix (/etc/postfix is only read: postfix-files and dynamicmaps.cf):
#   DIR/etc      config_directory (main.cf, master.cf, maps you add)
#   DIR/queue    queue_directory   DIR/data  data_directory
#   DIR/maillog  the log (maillog_file via the postlog service; no syslog)
#   DIR/pf.log   output of the postfix start/stop/reload commands
# smtpd listens on 127.0.0.1:$PF_PORT and, when the host has IPv6 loopback,
# on [::1]:$PF_PORT. Nothing is chrooted. Whatever is not routed explicitly
# (default_transport, relay_transport) goes to error:, so no mail leaves the
# machine. mydestination is empty: a relay host, as pogate's are.
#
#   pf_init DIR              write the instance (does not start it); sets PF_DIR,
#                            PF_PORT (free_port unless already set), PF_IPV6 (1/0),
#                            PF_LOG (the maillog)
#   pf_conf 'name = value'.. set main.cf parameters (postconf -e)
#   pf_master 'LINE'...      append service lines to master.cf
#   pf_postconf ARGS         postconf -c of the instance
#   pf_postmap ARGS          postmap -c of the instance (pf_postalias likewise)
#   pf_start                 start; wait until smtpd listens; sets PF_MASTER_PID
#   pf_stop                  stop; wait until the master and every process it
#                            started are gone (safe twice, safe in a trap)
#   pf_reload                postfix reload
#   pf_pids                  PIDs of the master and all its descendants, one a line
#   pf_flush                 retry the deferred queue now (postqueue -f)
#   pf_queue_size            messages in maildrop/incoming/active/deferred
#   pf_wait_queue_empty SECS wait until pf_queue_size is 0; on timeout print
#                            the queue (as TAP comments) and return 1
#   pf_send FROM TO [SWAKS-ARGS...]  one message over SMTP with swaks to
#                            ${PF_HOST:-127.0.0.1}:$PF_PORT (PF_HOST=::1 for IPv6);
#                            swaks's transcript on stdout, its exit status
# Behind mta.sh's names: mta_init pf_init, mta_start pf_start, mta_stop pf_stop,
# mta_pids pf_pids, mta_send pf_send, mta_queue_size pf_queue_size,
# mta_wait_queue_empty pf_wait_queue_empty, mta_flush pf_flush, mta_mailq
# postqueue -p; MTA_PID is PF_MASTER_PID.
#
# Several instances in one script: call pf_init for each with PF_PORT emptied,
# and set PF_DIR and PF_PORT back before calling the other functions.
#
# What bites (Postfix 3.7, Debian 12):
# - "postfix -c DIR set-permissions" on an instance that the system main.cf
#   does not list in multi_instance_directories also re-applies owner and
#   mode to the system's shared files (/usr/sbin/postdrop, postqueue, ...):
#   chown+chgrp+chmod, which drops their setgid bit for a moment, under any
#   other Postfix running on the host. It took 12-14 s on a loaded test machine
#   too. pf_init creates the
#   queue and data directories itself from postfix-files instead, and pf_start
#   skips postfix-script's start-up checks (queue/quick-start, as "postfix
#   quick-stop" leaves it) that would otherwise cost 5 s on every start.
# - postconf/postmap/postalias/postqueue/postsuper need -c of the instance or
#   they read /etc/postfix, which has no main.cf here.
# - maillog_file must lie under a maillog_file_prefixes entry (default /var):
#   the prefix is set to DIR.
# - smtpd looks up the client's name; for ::1 /etc/hosts has no name, so the
#   lookup would go to the DNS server of the host: smtpd_peername_lookup = no.
# - Chrooted services (Debian's master.cf) resolve absolute unix: paths under
#   the queue directory: every service is set to chroot n.
# - "postfix stop" sends SIGTERM to the master and sleeps a whole second per
#   check; the daemons exit a little after the master. pf_stop sends the
#   SIGTERM itself and waits for every PID it saw.
# - When the master cannot start (a port taken, a bad master.cf line), the
#   reason is nowhere: postlogd is not up yet, there is no syslog, and
#   "postfix start" says only "mail system startup failed" (even on a
#   terminal). pf_start then prints the logs and what "postfix check" finds.
# - postmap/postalias run as the owner of the source file (the .db is theirs):
#   local(8) then delivers to the files and commands of an alias file as that
#   owner (as default_privs=nobody when the owner is root).

PF_SWAKS=${PF_SWAKS:-swaks}
# shellcheck source=mta.sh
. "$(dirname "${BASH_SOURCE[0]}")/mta.sh"

pf_init() {
    mkdir -p "$1" || return 1
    PF_DIR=$(cd "$1" && pwd)
    PF_PORT=${PF_PORT:-$(free_port)}
    PF_LOG=$PF_DIR/maillog
    PF_MASTER_PID=
    local protocols=ipv4 networks=127.0.0.0/8
    PF_IPV6=0
    if have_ipv6_loopback; then PF_IPV6=1 protocols=all networks="127.0.0.0/8 [::1]/128"; fi
    mkdir -p "$PF_DIR/etc"
    chmod 755 "$PF_DIR" "$PF_DIR/etc"
    cat >"$PF_DIR/etc/main.cf" <<CF
# A private Postfix instance for pogate's tests (tests/lib/postfix.sh).
compatibility_level = 3.6
config_directory = $PF_DIR/etc
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF_LOG
maillog_file_prefixes = $PF_DIR
myhostname = relay.test
mydomain = relay.test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = $protocols
mynetworks = $networks
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP pogate test
default_transport = error:5.7.1 nothing leaves this test instance
relay_transport = error:5.7.1 nothing leaves this test instance
append_dot_mydomain = no
biff = no
CF
    # Debian's master.cf without its public smtp service, nothing chrooted,
    # plus the postlog service that maillog_file needs and our listeners.
    sed -e '/^smtp  *inet /d' /usr/share/postfix/master.cf.dist |
        awk '/^[a-z0-9.:]+ +(inet|unix|fifo|pass|unix-dgram) /{ $5 = "n" } { print }' \
            >"$PF_DIR/etc/master.cf"
    local postlog=
    grep -q '^postlog ' "$PF_DIR/etc/master.cf" ||
        postlog='postlog   unix-dgram n  -       n       -       1       postlogd'
    {
        [ -z "$postlog" ] || echo "$postlog"
        echo "127.0.0.1:$PF_PORT inet n - n - - smtpd"
        [ "$PF_IPV6" = 0 ] || echo "[::1]:$PF_PORT inet n - n - - smtpd"
    } >>"$PF_DIR/etc/master.cf"
    chmod 644 "$PF_DIR/etc/main.cf" "$PF_DIR/etc/master.cf"
    _pf_mkdirs
}

# The queue and data directories, with the owners and modes of Postfix's own
# postfix-files (what "postfix set-permissions" would create; see the top).
_pf_mkdirs() {
    local meta path type owner group mode key
    local -a paths=()
    local -A by_owner=() by_mode=()
    meta=$(postconf -d -h meta_directory) || return 1
    # shellcheck disable=SC2034 # type is read to skip it
    while IFS=: read -r path type owner group mode _; do
        path=${path/\$queue_directory/queue}
        path=${path/\$data_directory/data}
        owner=${owner/\$mail_owner/postfix}
        group=${group/\$setgid_group/postdrop}
        [ "$group" != - ] || group=root
        paths+=("$path")
        by_owner[$owner:$group]+="$path "
        by_mode[$mode]+="$path "
    done < <(cat "$meta/postfix-files" "$meta"/postfix-files.d/* 2>/dev/null |
        grep -E '^[$](queue|data)_directory[^:]*:d:')
    [ "${#paths[@]}" -gt 0 ] || { echo "# pf_init: no queue directories in $meta/postfix-files" >&2; return 1; }
    # Few commands: a fork costs 50-100 ms on a loaded test machine. The paths
    # are relative to PF_DIR (and from postfix-files: without spaces).
    (
        cd "$PF_DIR" || exit 1
        mkdir -p "${paths[@]}" || exit 1
        # shellcheck disable=SC2086
        for key in "${!by_owner[@]}"; do chown "$key" ${by_owner[$key]} || exit 1; done
        # shellcheck disable=SC2086
        for key in "${!by_mode[@]}"; do chmod "$key" ${by_mode[$key]} || exit 1; done
    )
}

pf_conf() {
    postconf -c "$PF_DIR/etc" -e "$@"
}

pf_master() {
    printf '%s\n' "$@" >>"$PF_DIR/etc/master.cf"
}

pf_postconf() { postconf -c "$PF_DIR/etc" "$@"; }
pf_postmap() { postmap -c "$PF_DIR/etc" "$@"; }
pf_postalias() { postalias -c "$PF_DIR/etc" "$@"; }

# The master's PID from its pid file ("%10d\n"), empty when there is none.
_pf_pidfile_pid() { pid_file_pid "$PF_DIR/queue/pid/master.pid"; }

pf_pids() { proc_tree "${PF_MASTER_PID:-$(_pf_pidfile_pid)}"; }

pf_start() {
    PF_MASTER_PID=
    # The start-up checks (create-missing, a queue scan, warnings about the
    # shared files) cost seconds and find nothing in a fresh private queue.
    touch "$PF_DIR/queue/quick-start"
    if ! postfix -c "$PF_DIR/etc" start >>"$PF_DIR/pf.log" 2>&1 ||
        ! wait_for 30 _pf_pidfile_pid_alive || ! wait_for 30 loopback_listens "$PF_PORT" "$PF_IPV6"; then
        echo "# pf_start: the private Postfix did not start" >&2
        tail -n 20 "$PF_DIR/pf.log" "$PF_LOG" 2>/dev/null | sed 's/^/# /' >&2
        echo "# postfix check says:" >&2
        postfix -c "$PF_DIR/etc" check 2>&1 | tail -n 20 | sed 's/^/# /' >&2
        return 1
    fi
    PF_MASTER_PID=$(_pf_pidfile_pid)
}

_pf_pidfile_pid_alive() {
    local pid
    pid=$(_pf_pidfile_pid)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# What "postfix stop" does, without its script's fixed one-second sleep.
pf_stop() {
    [ -n "${PF_DIR:-}" ] || return 0
    stop_tree "pf_stop: Postfix" "${PF_MASTER_PID:-$(_pf_pidfile_pid)}"
    PF_MASTER_PID=
}

pf_reload() {
    postfix -c "$PF_DIR/etc" reload >>"$PF_DIR/pf.log" 2>&1
}

pf_flush() {
    postqueue -c "$PF_DIR/etc" -f
}

pf_queue_size() {
    find "$PF_DIR/queue/maildrop" "$PF_DIR/queue/incoming" "$PF_DIR/queue/active" \
        "$PF_DIR/queue/deferred" -type f 2>/dev/null | wc -l
}

pf_wait_queue_empty() { _mta_wait_empty postfix "$@"; }

pf_send() {
    "$PF_SWAKS" --server "${PF_HOST:-127.0.0.1}" --port "$PF_PORT" --from "$1" --to "$2" "${@:3}"
}

# The driver of mta.sh.
# shellcheck disable=SC2034 # read by mta_use
_MTA_VARS_postfix="PF_DIR PF_PORT PF_IPV6 PF_HOST PF_MASTER_PID"
_mta_postfix() {
    local op=$1
    shift
    case $op in
    daemon_pid) _pf_pidfile_pid ;;
    mailq) postqueue -c "$PF_DIR/etc" -p ;;
    *) "pf_$op" "$@" ;;
    esac
}
