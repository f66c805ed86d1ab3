#!/bin/bash
# r-two-hosts.sh (R8) - two relay hosts on one store: two network namespaces
# made here (ip netns, a veth pair from this host into each, a /30 of
# 10.77.0.0/16 each), in each a private Postfix listening on its veth address
# with its own pogate-milter and its own pogate-lda (pipe), each with its own
# pogate configuration directory whose store is the one shared directory; both
# maps the same: the Maildir postoffice REL and the mailbag postoffice BAG.
# Two senders on this host send to both relays at once (several SMTP sessions
# each; one, two or three recipients a message, two of one postoffice in some).
# Afterwards every message is in the store exactly once per recipient mailbox,
# byte for byte: nothing lost, no duplicate, no collision (no tmp/ leftover,
# no "File exists" and no file name found taken in the logs, no deferred or
# bounced delivery in either Postfix log).
#
# To make a collision of store file names as likely as it can be here: both
# relays have the same host name (ip netns keeps the UTS namespace, so they
# share this machine's), and each Postfix runs in a PID namespace of its own
# (unshare --pid inside ip netns exec; its master is PID 1 there), so the two
# pogate-lda of one moment often have the same PID: neither host name nor PID
# tells their file names apart, only what else pogate-lda puts in a name
# (time, queue id, random or hash parts; the test does not depend on the
# format). Where a PID namespace cannot be made, the test says so and runs
# without.
# R_SCALE=bounded: 1000 messages (500 a relay); long: 10000.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
need ip unshare
n=$(scale 500 5000)
port=27225
A=pogate-r8a-$$ B=pogate-r8b-$$
# Host-side veth names (15 bytes at most).
VA=pg8a$$ VB=pg8b$$
# Two /30s of 10.77.0.0/16 chosen by PID: .1 this host, .2 the relay.
base=$((($$ % 8192) * 8))
net() { echo "10.77.$((($1) / 256)).$((($1) % 256))"; }
HA=$(net $((base + 1))) RA=$(net $((base + 2)))
HB=$(net $((base + 5))) RB=$(net $((base + 6)))

# Can this process make a namespace, with a veth pair into it?
probe() { ip netns add "$A" && ip -n "$A" link set lo up && ip link add "$VA" type veth peer name eth0 netns "$A"; }
if ! probe 2>/dev/null; then
    ip link del "$VA" 2>/dev/null
    ip netns del "$A" 2>/dev/null
    echo "1..0 # skip cannot make a network namespace with a veth pair (needs root: CAP_SYS_ADMIN, CAP_NET_ADMIN)"
    exit 0
fi
ip link del "$VA"
ip netns del "$A"

W=$TESTTMP/work S=$TESTTMP/store
mkdir -p "$W"
MASTER_BIN=$(postconf -d -h daemon_directory)/master
declare -A NS=([a]=$A [b]=$B) VETH=([a]=$VA [b]=$VB) HADDR=([a]=$HA [b]=$HB) RADDR=([a]=$RA [b]=$RB)
declare -A PFD=() MPID=() JOB=() MIL=() CONF=() SENDER=()

cleanup() {
    local h pids
    for h in a b; do
        [ -z "${SENDER[$h]:-}" ] || kill "${SENDER[$h]}" 2>/dev/null
        if [ -n "${PFD[$h]:-}" ]; then
            PF_DIR=${PFD[$h]} PF_MASTER_PID=${MPID[$h]:-}
            [ -z "$PF_MASTER_PID" ] || pf_stop
        fi
        if [ -n "${JOB[$h]:-}" ]; then
            # The unshare holding the master; its child is gone by now.
            pids=$(proc_tree "${JOB[$h]}")
            # shellcheck disable=SC2086
            [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
            wait "${JOB[$h]}" 2>/dev/null
        fi
        MILTER_PID=${MIL[$h]:-}
        milter_stop
    done
    for h in a b; do
        ip link del "${VETH[$h]}" 2>/dev/null
        ip netns del "${NS[$h]}" 2>/dev/null
    done
    return 0
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# The network: namespace, loopback, veth pair, addresses.
net_up() {
    local h=$1 ns=${NS[$1]} v=${VETH[$1]}
    ip netns add "$ns" &&
        ip -n "$ns" link set lo up &&
        ip link add "$v" type veth peer name eth0 netns "$ns" &&
        ip addr add "${HADDR[$h]}/30" dev "$v" &&
        ip link set "$v" up &&
        ip -n "$ns" addr add "${RADDR[$h]}/30" dev eth0 &&
        ip -n "$ns" link set eth0 up
}
# setup WHAT CMD...: a step everything after it needs.
# shellcheck disable=SC2154 # tap.sh's count of failures
setup() { check "$@"; [ "$_tap_failed" -eq 0 ] || done_testing; }
setup "namespace $A with a veth pair from here" net_up a
setup "namespace $B with a veth pair from here" net_up b

# A PID namespace inside the network namespace, when one can be made.
PIDNS=(unshare --pid --fork --mount-proc --kill-child)
if ! ip netns exec "$A" "${PIDNS[@]}" true 2>/dev/null; then
    diag "no PID namespace (unshare --pid failed): both Postfix share this one"
    PIDNS=()
fi

# The configuration of one relay: the maps of the other tests plus the
# mailbag postoffice BAG, the store shared.
conf_up() {
    local h=$1
    # pogate-map once, after the lines of BAG are in.
    POGATE_MAP=true rel_conf "$TESTTMP/$h/conf" "$S" || return 1
    echo 'BAG    domain=bag.example store=mailbag maxsize=200M state=active postmaster=GATE' \
        >>"$REL_CONF/postoffices"
    printf '%s\n' 'BAG/GATE address=gate@bag.example name="Bag Gateway"' \
        'BAG/ANNA address=anna@bag.example name="Anna"' >>"$REL_CONF/mailboxes"
    "$POGATE_MAP" -c "$REL_CONF" >"$REL_CONF/pogate-map.log" 2>&1 || { cat "$REL_CONF/pogate-map.log" >&2; return 1; }
    CONF[$h]=$REL_CONF
}

# wait until the relay's smtpd listens, while its master runs; 1 on timeout.
_wait_listening() {
    local ns=$1 addr=$2 job=$3 end=$((SECONDS + $4))
    while [ "$SECONDS" -lt "$end" ] && kill -0 "$job" 2>/dev/null; do
        ip netns exec "$ns" ss -Hltn "src $addr:$port" | grep -q . && return 0
        sleep 0.2
    done
    return 1
}
_master_pid() { ps -o pid= --ppid "$1" | tr -d ' ' | head -1; }
_has_master() { [ -n "$(_master_pid "$1")" ]; }

# One relay: pogate-milter and Postfix in the namespace. The master runs in
# the foreground (PID 1 of its PID namespace: master -i), here from the
# started unshare, whose child it is.
relay_up() {
    local h=$1 ns=${NS[$1]} addr=${RADDR[$1]} mflag=-i pid
    conf_up "$h" || return 1
    milter_start "$REL_CONF" "$REL_SOCK" "$REL_CONF/milter.log" ip netns exec "$ns" || return 1
    MIL[$h]=$MILTER_PID
    PF_PORT='' REL_PF_DIR=$TESTTMP/$h/postfix
    rel_postfix_conf "$port" || return 1
    PFD[$h]=$PF_DIR
    # Listen on the veth address only; smtpd is many processes at once.
    sed -i -e "/^127\.0\.0\.1:$port inet /d" -e "/^\[::1\]:$port inet /d" "$PF_DIR/etc/master.cf"
    pf_master "$addr:$port inet n - n - - smtpd"
    pf_conf "inet_interfaces = $addr" "inet_protocols = ipv4" "default_process_limit = 200" || return 1
    [ ${#PIDNS[@]} -gt 0 ] || mflag=-d
    ip netns exec "$ns" "${PIDNS[@]}" "$MASTER_BIN" -c "$PF_DIR/etc" "$mflag" >"$PF_DIR/pf.log" 2>&1 </dev/null &
    JOB[$h]=$!
    if [ ${#PIDNS[@]} -gt 0 ]; then
        wait_for 30 _has_master "${JOB[$h]}" || { cat "$PF_DIR/pf.log" >&2; return 1; }
        pid=$(_master_pid "${JOB[$h]}")
    else
        pid=${JOB[$h]}
    fi
    MPID[$h]=$pid
    PF_MASTER_PID=$pid
    _wait_listening "$ns" "$addr" "${JOB[$h]}" 60 || { tail -n 20 "$PF_DIR/pf.log" "$PF_LOG" | sed 's/^/# /' >&2; return 1; }
}
setup "relay a: pogate-milter and Postfix in $A on $RA:$port" relay_up a
setup "relay b: pogate-milter and Postfix in $B on $RB:$port" relay_up b
is "one store for both" "$(sed -n 's/^store = //p' "${CONF[a]}/pogate.conf" "${CONF[b]}/pogate.conf" | sort -u)" "$S"

# One, two or three recipients, across both postoffices and six mailboxes,
# two in one postoffice in some.
mix='a@rel.example;b@rel.example,c@rel.example;anna@bag.example;d@rel.example,gate@bag.example'
mix="$mix;anna@bag.example,gate@bag.example;c@rel.example,a@rel.example,anna@bag.example"
diag "both relays up after ${SECONDS}s"
start=$SECONDS
for h in a b; do
    rel_py send --host "${RADDR[$h]}" --port "$port" --to "$mix" --ids "r8$h" --count "$n" \
        --sessions 4 --min 500 --max 20000 --acks "$W/acks-$h" 2>"$W/send-$h.err" &
    SENDER[$h]=$!
done
for h in a b; do
    wait "${SENDER[$h]}"
    is "relay $h: sender done, no connection error" "$?" 0
    SENDER[$h]=
    is "relay $h: all $n messages accepted" "$(acked "$W/acks-$h" | wc -l)" "$n"
    [ ! -s "$W/send-$h.err" ] || diag "$(head -3 "$W/send-$h.err")"
done
diag "sent after $((SECONDS - start))s"
for h in a b; do
    PF_DIR=${PFD[$h]} PF_MASTER_PID=${MPID[$h]}
    check "relay $h: its queue empties" rel_wait_delivered "$(scale 300 1800)"
done
secs=$((SECONDS - start))

# Where each accepted message should be: a Maildir mailbox of REL, or the
# mailbag of BAG for each of its recipients there.
cat "$W/acks-a" "$W/acks-b" | awk '$2 == 250 {
    n = split($3, r, ","); line = $1
    for (i = 1; i <= n; i++) {
        split(r[i], p, "@")
        line = line " " (p[2] == "bag.example" ? "bag/mailbag/" : "rel/mailboxes/") p[1]
    }
    print line }' >"$W/expect"
out=$(rel_check --expect "$W/expect" --ids "$W/expect" --list "$W/list" 2>"$W/check.err")
diag "$out"
[ ! -s "$W/check.err" ] || diag "$(head -3 "$W/check.err")"
pairs=$(field pairs "$out") missing=$(field missing "$out") dups=$(field dups "$out")
is "every message stored: none lost" "$(field lost "$out") $missing" "0 0"
ok_pairs=$([ "$pairs" -ge $((2 * n)) ] && echo yes || echo "no ($pairs)")
is "as many deliveries as recipients ($pairs)" "$ok_pairs" yes
is "no duplicate, none in a mailbox it was not sent to" "$dups $(field misplaced "$out")" "0 0"
is "every file byte for byte" "$(field partial "$out")" 0
is "nothing else in the store" "$(field ours "$out") $(field outside "$out")" "$(field files "$out") 0"
is "no tmp/ leftovers" "$(field tmp "$out")" 0

# Collisions would show as errors or retries in the logs, or as a name found
# taken: pogate-lda takes a file already in new/ under its name for an
# earlier attempt's (and says so), but no delivery here is a retry.
collisions=0 sent=0
for h in a b; do
    log=${PFD[$h]}/maillog
    c=$(grep -ciE 'File exists|EEXIST|already in new/|already there' "$log" "${CONF[$h]}/pogate.log" |
        awk -F: '{ s += $NF } END { print s + 0 }')
    collisions=$((collisions + c))
    is "relay $h: no name found taken, no \"File exists\" in the logs" "$c" 0
    trouble=$(grep -E 'status=(deferred|bounced)|warning:.*milter|reject:|fatal:|panic:' "$log")
    is "relay $h: no deferred or bounced delivery, no reject, no milter trouble" \
        "$(printf '%s' "$trouble" | grep -c .)" 0
    [ -z "$trouble" ] || diag "$(printf '%s\n' "$trouble" | head -3)"
    runs=$(grep -c ' relay=pogate,.* status=sent' "$log")
    sent=$((sent + runs))
    diag "relay $h: $runs deliveries"
    check "relay $h: pogate-milter still running" kill -0 "${MIL[$h]}"
done
is "one delivery by either relay for every recipient" "$sent" "$pairs"
# The PIDs of pogate-lda on either relay (its log lines name them).
lda_pids() { sed -n 's/.*pogate-lda\[\([0-9]*\)\]: .*status=delivered.*/\1/p' "${CONF[$1]}/pogate.log" | sort -u; }
shared=$(comm -12 <(lda_pids a) <(lda_pids b) | wc -l)
diag "$shared PIDs were those of a pogate-lda on both relays"
# Queue ids the two Postfix gave alike (their queues share a file system).
qids() { sed -n 's/.* qmgr\[[0-9]*\]: \([0-9A-F]*\): from=.*/\1/p' "${PFD[$1]}/maillog" | sort -u; }
sameq=$(comm -12 <(qids a) <(qids b) | wc -l)
diag "$sameq queue ids on both relays"
[ ${#PIDNS[@]} -eq 0 ] || check "the two relays' pogate-lda had PIDs in common" test "$shared" -gt 0

result R8 "two relay hosts on one store ($((2 * n)) messages)" "$pairs" \
    $((pairs - missing)) "$missing" "$dups" "$secs" \
    "collisions $collisions, tmp $(field tmp "$out"), $shared pogate-lda PIDs and $sameq queue ids on both relays"
done_testing
