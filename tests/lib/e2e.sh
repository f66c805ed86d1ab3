# shellcheck shell=bash
# e2e.sh - what the end-to-end tests share around their MTA
# (t-e2e-postfix.sh, t-e2e-sendmail.sh and the variants that run the latter):
# pogate with the demo postoffices of contrib/demo/conf, and the Internet's
# receiving side, Postfix's smtp-sink on 127.0.0.1 (what leaves lands there).
# Sourced after tap.sh and mta.sh.
#
#   e2e_conf DIR STORE RUN LOG [EXTRA-CONF-LINES]  the demo postoffices in DIR
#                and a pogate.conf for the milter and the delivery agent:
#                store STORE, the milter on unix:RUN/milter.sock with its pid
#                file in RUN, no SPF, log_file LOG; STORE, RUN and LOG belong
#                to pogate (DIR is not compiled yet: pogate-map -c DIR)
#   e2e_sink_start DIR PORT  smtp-sink on 127.0.0.1:PORT as user postfix, a file
#                a message in DIR (its output in DIR.log); waits until it
#                listens; sets E2E_SINK_PID
#   e2e_sink_stop            stop it (safe twice, safe in a trap)
#   e2e_sasl_start DIR USER PASS  a private Dovecot auth service (auth only,
#                no mail protocols) under DIR with one user, its socket
#                DIR/auth for Postfix's smtpd_sasl_path (user postfix may
#                connect); waits for it; sets E2E_DC_PID (empty on failure,
#                then DIR/dovecot.out and dovecot.log say why)
#   e2e_sasl_stop            stop it (safe twice, safe in a trap)
#   e2e_pf_contrib CONF SOCK LDA PORT  the private Postfix (pf_init done)
#                configured as contrib/postfix says, with this test's CONF,
#                milter socket SOCK and pogate-lda LDA (the submission service
#                left out), 127.0.0.1 as the postoffices' trusted client,
#                every client to the milter, what leaves to the sink on PORT

e2e_pf_contrib() {
    local conf=$1 sock=$2 lda=$3 port=$4
    sed -e "s|/etc/pogate|$conf|g" -e "s|unix:/run/pogate/milter.sock|unix:$sock|g" \
        "$SRCDIR/contrib/postfix/main.cf" >>"$PF_DIR/etc/main.cf" || return 1
    sed -e "s|/usr/sbin/pogate-lda|$lda|g" -e "s|/etc/pogate|$conf|g" -e '/^submission/,/^[^ ]/{/^submission/d;/^ /d}' \
        "$SRCDIR/contrib/postfix/master.cf" >>"$PF_DIR/etc/master.cf" || return 1
    pf_conf "mynetworks = 127.0.0.1/32" "smtpd_milter_maps =" \
        "default_transport = smtp:[127.0.0.1]:$port" "relay_transport = smtp:[127.0.0.1]:$port"
}

e2e_conf() {
    local dir=$1 store=$2 run=$3 log=$4 extra=${5:-}
    mkdir -p "$dir" "$store" "$run"
    cp "$SRCDIR"/contrib/demo/conf/* "$dir"/
    cat >"$dir/pogate.conf" <<CONF
store = $store
user = pogate
milter_socket = unix:$run/milter.sock
milter_pid_file = $run/milter.pid
spf = off
log_file = $log
$extra
CONF
    chmod 755 "$dir"
    : >"$log"
    chown pogate "$store" "$run" "$log"
}

e2e_sink_start() {
    local dir=$1 port=$2 sink
    sink=$(command -v smtp-sink) || sink=/usr/sbin/smtp-sink
    mkdir -p "$dir"
    chown postfix "$dir"
    "$sink" -u postfix -d "$dir/%Y%m%d%H%M%S." "127.0.0.1:$port" 100 >"$dir.log" 2>&1 &
    E2E_SINK_PID=$!
    wait_for 10 loopback_listens "$port"
}

e2e_sasl_start() {
    local dc=$1 user=$2 pass=$3
    mkdir -p "$dc/run" "$dc/state"
    echo "$user:{PLAIN}$pass" >"$dc/passwd"
    cat >"$dc/dovecot.conf" <<DC
base_dir = $dc/run
state_dir = $dc/state
log_path = $dc/dovecot.log
protocols =
ssl = no
auth_mechanisms = plain
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dc/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $dc/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
DC
    dovecot -F -c "$dc/dovecot.conf" >"$dc/dovecot.out" 2>&1 &
    E2E_DC_PID=$!
    wait_for 20 test -S "$dc/auth" && return 0
    e2e_sasl_stop
    return 1
}

e2e_sasl_stop() {
    [ -n "${E2E_DC_PID:-}" ] || return 0
    kill "$E2E_DC_PID" 2>/dev/null
    wait "$E2E_DC_PID" 2>/dev/null
    E2E_DC_PID=
}

e2e_sink_stop() {
    [ -n "${E2E_SINK_PID:-}" ] || return 0
    kill "$E2E_SINK_PID" 2>/dev/null
    wait "$E2E_SINK_PID" 2>/dev/null
    E2E_SINK_PID=
}
