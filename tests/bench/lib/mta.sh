# shellcheck shell=bash
# mta.sh - the private MTAs of tests/bench/run: one Postfix on loopback whose
# transport map sends each benchmark variant's domain to a different delivery
# agent, and one private Dovecot (LMTP server, and the auth socket dovecot-lda
# needs). Sourced by tests/bench/run after tap.sh; needs root.
#
# One Postfix instance carries every variant so that all of them share the same
# queue, the same smtpd and the same disk: only the delivery agent (and the
# milter, on a second smtpd port) differs. Each variant has its own recipient
# domain:
#   a.bench.test   virtual(8) into a Maildir
#   pb.bench.test  pipe(8) -> pogate-lda          (a postoffice "PB")
#   pc.bench.test  lmtp(8) -> pogate-lmtp         (a postoffice "PC"; also (f),
#                  through the native inbound smtpd)
#   pm.bench.test  pipe(8) -> pogate-lda, P6's config with the big maps
#   d.bench.test   pipe(8) -> dovecot-lda
#   e.bench.test   lmtp(8) -> Dovecot's LMTP server
#
#   bpf_init DIR PORT MPORT MILTERSOCK LMTPSOCK STORE DOVECOTDIR LDACMD NPORT:NOOPSOCK
#            BPORT:MILTERSOCK2 LDACMD2 FPORT:POGATECONF
#       write main.cf/master.cf. smtpd listens on PORT without a milter, on MPORT with
#       pogate-milter, on NPORT with the no-op milter, on BPORT with the second
#       pogate-milter (P6's big maps, whose domain pm.bench.test goes to LDACMD2),
#       on FPORT as contrib/postfix/native.cf has it: the tables pogate-map wrote
#       in POGATECONF (recipients, access.cidr, trusted.cidr, senders; virtual in
#       a cleanup service of its own), pogate-milter only for the clients
#       milter.cidr gives it, and the benchmark's client outside mynetworks, as
#       the Internet is.
#   bpf_start DIR / bpf_stop DIR                        start and stop (by Postfix's own pid file)
#   bpf_flush DIR                                       drop whatever is left in the queue
#   bpf_queue_size DIR                                  messages still queued
#   bdc_init DIR STORE / bdc_start DIR / bdc_stop DIR   the private Dovecot
# Delivery runs as the unprivileged user `pogate` everywhere (tests/deps.sh creates it).

BENCH_USER=${BENCH_USER:-pogate}

# calc EXPR: the value of an arithmetic expression, 6 decimals (awk). Prints
# nothing and fails when there is no value (an empty operand, a division by
# zero), so that the figure shows as not computed (tests/bench/lib/check.awk).
calc() {
    awk "BEGIN { s = sprintf(\"%.6f\", ($1)); if (s ~ /^-?[0-9]+\\.[0-9]+\$/) print s; else exit 1 }" 2>/dev/null
}

# CPU accounting: the MTAs and daemons run in a cgroup of their own (v1 cpuacct),
# so the CPU time a variant costs per message is measured apart from whatever
# else the machine runs. Without the cgroup, CPU figures are "n/a".
#   cg_init / cg_fini       create and remove the group
#   in_cg CMD...            run CMD (and everything it forks) in the group
#   cg_usage                nanoseconds of CPU used by the group so far
cg_init() {
    CG=/sys/fs/cgroup/cpuacct/pogate-bench.$$
    mkdir "$CG" 2>/dev/null || CG=
}
in_cg() {
    if [ -n "${CG:-}" ]; then
        sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"
    else
        "$@"
    fi
}
cg_usage() { [ -n "${CG:-}" ] && cat "$CG/cpuacct.usage"; }
cg_fini() {
    [ -n "${CG:-}" ] || return 0
    wait_for 10 rmdir "$CG" || echo "cgroup $CG still busy: $(cat "$CG/cgroup.procs" | tr '\n' ' ')"
    CG=
}
DOVECOT_LDA=${DOVECOT_LDA:-/usr/lib/dovecot/dovecot-lda}

bpf_init() {
    local pf=$1 port=$2 mport=$3 msock=$4 lsock=$5 store=$6 dc=$7 lda=$8 nport=${9%%:*} nsock=${9#*:}
    local bport=${10%%:*} bsock=${10#*:} lda2=${11} fport=${12%%:*} pc=${12#*:} nulla=${13} uid gid
    uid=$(id -u "$BENCH_USER") gid=$(id -g "$BENCH_USER")
    mkdir -p "$pf/queue" "$pf/data" "$store/virtual"
    chown postfix "$pf/data"
    chown "$BENCH_USER" "$store" "$store/virtual"
    cat >"$pf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.bench.test
mydomain = bench.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $pf/maillog
maillog_file_prefixes = $pf
biff = no
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
milter_default_action = tempfail
milter_protocol = 6
# As contrib/postfix/main.cf: the macros pogate-milter reads, one recipient per pogate-lda run.
milter_connect_macros = j {daemon_name} {daemon_addr} v _
milter_mail_macros = i {auth_type} {auth_authen} {auth_author} {mail_addr}
milter_rcpt_macros = i {rcpt_addr}
milter_end_of_header_macros = i
milter_end_of_data_macros = i
pogate_destination_recipient_limit = 1
pogate1m_destination_recipient_limit = 1
virtual_mailbox_domains = a.bench.test
virtual_mailbox_base = $store/virtual
virtual_mailbox_maps = inline:{ user@a.bench.test=user/ }
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
virtual_minimum_uid = 1
relay_domains = pb.bench.test pc.bench.test pm.bench.test d.bench.test e.bench.test n.bench.test p.bench.test
relay_recipient_maps =
transport_maps = inline:{ pb.bench.test=pogate:, pm.bench.test=pogate1m:, pc.bench.test=lmtp:unix:$lsock, d.bench.test=dovecot:, e.bench.test=lmtp:unix:$dc/run/lmtp, n.bench.test=lmtp:unix:${lsock%/*}/null.sock, p.bench.test=nullpipe: }
default_transport = error:nothing leaves the benchmark
dovecot_destination_recipient_limit = 1
nullpipe_destination_recipient_limit = 1
CF
    sed -e '/^smtp  *inet /d' /usr/share/postfix/master.cf.dist >"$pf/master.cf"
    # Nothing chrooted: the queue is private and the lmtp sockets live outside it.
    awk '/^[a-z0-9.:]+ +(inet|unix|fifo|pass|unix-dgram) /{ $5 = "n" } { print }' \
        "$pf/master.cf" >"$pf/m" && mv "$pf/m" "$pf/master.cf"
    cat >>"$pf/master.cf" <<MC
127.0.0.1:$port inet n - n - - smtpd
127.0.0.1:$mport inet n - n - - smtpd -o smtpd_milters=unix:$msock
127.0.0.1:$nport inet n - n - - smtpd -o smtpd_milters=unix:$nsock
127.0.0.1:$bport inet n - n - - smtpd -o smtpd_milters=unix:$bsock
127.0.0.1:$fport inet n - n - - smtpd -o mynetworks=127.0.0.2/32
  -o relay_recipient_maps=cdb:$pc/recipients
  -o { smtpd_client_restrictions = check_client_access cidr:$pc/access.cidr }
  -o { smtpd_sender_restrictions = permit_mynetworks, permit_sasl_authenticated,
       check_client_access cidr:$pc/trusted.cidr, check_sender_access cdb:$pc/senders }
  -o smtpd_milters=unix:$msock -o smtpd_milter_maps=cidr:$pc/milter.cidr
  -o cleanup_service_name=ncleanup
ncleanup unix n - n - 0 cleanup -o virtual_alias_maps=cdb:$pc/virtual
pogate1m unix - n n - - pipe flags=Xq user=$BENCH_USER argv=$lda2 -q \${queue_id} -f \${sender} -- \${recipient}
pogate unix - n n - - pipe flags=Xq user=$BENCH_USER argv=$lda -q \${queue_id} -f \${sender} -- \${recipient}
nullpipe unix - n n - - pipe flags=Xq user=$BENCH_USER argv=$nulla
dovecot unix - n n - - pipe flags=DRhu user=$BENCH_USER argv=$DOVECOT_LDA -c $dc/dovecot.conf -f \${sender} -d \${recipient}
MC
    grep -q '^postlog' "$pf/master.cf" || echo 'postlog unix-dgram n - n - 1 postlogd' >>"$pf/master.cf"
    postfix -c "$pf" set-permissions >/dev/null 2>&1
    postfix -c "$pf" check >"$pf/check.log" 2>&1
}

bpf_start() {
    # postfix reports start-up errors only to a terminal or syslog: give it a terminal.
    in_cg script -qec "postfix -c $1 start" /dev/null >>"$1/start.log" 2>&1
}

bpf_stop() {
    postfix -c "$1" stop >>"$1/start.log" 2>&1
    # postfix stop returns before master has gone: wait for its pid file to be released.
    wait_for 20 bash -c "! kill -0 \$(head -1 '$1/queue/pid/master.pid' 2>/dev/null) 2>/dev/null"
}

bpf_reload() {
    postfix -c "$1" reload >>"$1/start.log" 2>&1
}

bpf_queue_size() {
    find "$1/queue/incoming" "$1/queue/active" "$1/queue/deferred" "$1/queue/maildrop" \
        -type f 2>/dev/null | wc -l
}

bpf_flush() {
    postsuper -c "$1" -d ALL >/dev/null 2>&1
}

bdc_init() {
    local dc=$1 store=$2
    mkdir -p "$dc/run" "$store/dovecot"
    chown "$BENCH_USER" "$store/dovecot"
    cat >"$dc/dovecot.conf" <<DC
base_dir = $dc/run
state_dir = $dc/state
log_path = $dc/log
protocols = lmtp
ssl = no
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:~/Maildir
userdb {
  driver = static
  args = uid=$BENCH_USER gid=$BENCH_USER home=$store/dovecot/%d/%n allow_all_users=yes
}
passdb {
  driver = static
  args = nopassword=y
}
protocol lda {
  # dovecot-lda runs as the delivery user and cannot append to the master's log.
  log_path = $dc/lda.log
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0666
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
DC
    mkdir -p "$dc/state"
    touch "$dc/lda.log" && chown "$BENCH_USER" "$dc/lda.log"
}

bdc_start() {
    in_cg dovecot -c "$1/dovecot.conf" >>"$1/start.log" 2>&1 &&
        wait_for 20 test -S "$1/run/lmtp"
}

bdc_stop() {
    local pid
    pid=$(cat "$1/run/master.pid" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null
    wait_for 20 bash -c "! kill -0 $pid 2>/dev/null"
}
