#!/bin/bash
# deb-steps.sh - the steps inside deb-root.sh's root: pre (the host's user
# pogate removed), then main: install, look, run, reinstall, purge, look
# again; then keep: install, one message delivered, purge: the mail and its
# owner stay. Each fact goes to a file in /tmp/res that t-deb-packages.sh
# checks.
set -u
r=/tmp/res
export DEBIAN_FRONTEND=noninteractive

if [ "$1" = pre ]; then
    if getent passwd pogate >/dev/null; then userdel pogate; fi
    if getent group pogate >/dev/null; then groupdel pogate; fi
    exit 0
fi

if [ "$1" = keep ]; then
    dpkg -i /tmp/debs/*.deb >"$r/keep-install.log" 2>&1 && pogate-map -c /etc/pogate >>"$r/keep-install.log" 2>&1
    echo $? >"$r/keep-install.rc"
    printf 'Subject: kept\n\nbody\n' |
        setpriv --reuid=pogate --regid=pogate --init-groups \
            pogate-lda -c /etc/pogate -f sender@elsewhere.example -- john.smith@example.com >"$r/keep-lda.log" 2>&1
    echo $? >"$r/keep-lda.rc"
    dpkg --purge pogate pogate-milter pogate-lda pogate-tools >"$r/keep-purge.log" 2>&1
    echo $? >"$r/keep-purge.rc"
    { find /var/spool/pogate -type f | wc -l; getent passwd pogate | cut -d: -f1; stat -c '%U' /var/spool/pogate; } >"$r/kept-mail" 2>&1
    exit 0
fi

# start NAME: pogate-NAME in the foreground with only the shipped config;
# waits for readiness, notes its socket, stops it with SIGTERM.
start() {
    local name=$1 log=$r/$1-fg.log pid i=0
    "/usr/sbin/pogate-$name" -f -c /etc/pogate >"$log" 2>&1 &
    pid=$!
    while ! grep -q 'ready: listening on' "$log" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then echo "not ready" >"$r/$name-fg"; kill -KILL $pid 2>/dev/null; return; fi
        sleep 0.1
    done
    stat -c "socket %U:%G %a" "/run/pogate/$name.sock" >"$r/$name-fg"
    stat -c "rundir %U:%G %a" /run/pogate >>"$r/$name-fg"
    kill -TERM $pid
    wait $pid
    echo "exit $?" >>"$r/$name-fg"
}

dpkg -i /tmp/debs/*.deb >"$r/install.log" 2>&1
echo $? >"$r/install.rc"
getent passwd pogate >"$r/passwd"
getent group pogate >"$r/group"
stat -c '%n %U:%G %a' /etc/pogate /etc/pogate/* /var/spool/pogate /var/lib/pogate/hold >"$r/stat" 2>&1
dpkg-query -W -f='${Conffiles}\n' pogate-tools | awk 'NF { print $1 }' >"$r/conffiles"
for p in pogate-map pogate-po pogate-notify pogate-check pogate-track pogate-stat pogate-lda pogate-lmtp pogate-pickup \
         pogate-milter; do
    echo "$p $(command -v "$p") $(man -w "$p" 2>&1)"
done >"$r/programs"
for m in pogate.conf.5 pogate-maps.5 pogate.7; do man -w "${m%.*}" "${m##*.}" 2>&1; done >"$r/manpages"
ls /usr/share/doc/pogate/examples/postfix /usr/share/doc/pogate/examples/sendmail >"$r/examples" 2>&1
ls /lib/systemd/system/pogate-* >"$r/units" 2>&1
find /etc/systemd -name 'pogate*' >"$r/enabled" 2>&1
for u in milter lmtp; do
    systemd-analyze security --offline=true "/lib/systemd/system/pogate-$u.service" 2>&1 |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' >"$r/exposure-$u"
done
pogate-map -c /etc/pogate >"$r/map.log" 2>&1; echo $? >"$r/map.rc"
pogate-milter -n -c /etc/pogate >"$r/milter-n.log" 2>&1; echo $? >"$r/milter-n.rc"
pogate-lmtp -n -c /etc/pogate >"$r/lmtp-n.log" 2>&1; echo $? >"$r/lmtp-n.rc"
[ -e /run/pogate ] && echo "/run/pogate there before the starts" >"$r/run-before"
start milter
start lmtp

# A reinstall (dpkg's upgrade path) keeps an edited conffile.
echo "# edited by the admin" >>/etc/pogate/pogate.conf
dpkg -i /tmp/debs/*.deb >"$r/reinstall.log" 2>&1
echo $? >"$r/reinstall.rc"
tail -1 /etc/pogate/pogate.conf >"$r/kept"

dpkg --purge pogate pogate-milter pogate-lda pogate-tools >"$r/purge.log" 2>&1
echo $? >"$r/purge.rc"
{ getent passwd pogate; getent group pogate
  ls -d /etc/pogate /var/spool/pogate /var/lib/pogate /run/pogate 2>/dev/null
  dpkg-query -W -f='${Package} ${Status}\n' 'pogate*' 2>/dev/null; } >"$r/after-purge"
exit 0
