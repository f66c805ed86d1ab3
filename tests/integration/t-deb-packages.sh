#!/bin/bash
# t-deb-packages.sh - the Debian packages, built, checked, installed, purged.
#
# A clean `git clone` of this tree's HEAD is built with dpkg-buildpackage
# -us -uc -b (what is not committed is not in the packages; a tree without
# .git, as CI copies the files git tracks, is copied without what builds and
# test runs leave in it), lintian must
# report no error and no warning, and the packages are installed into a root
# that is not the host's (tests/lib/deb-root.sh: an overlay of / with a fresh
# upper layer, in a mount namespace of its own; no network is needed, the
# dependencies are the host's): the user pogate is made (a system user and
# group), /etc/pogate holds the shipped config as conffiles, the store and the
# hold directory are the user's, every program make install installs is
# there with its man page, the units are installed and not enabled, their
# systemd-analyze security exposure is at most 1.5; the shipped config
# compiles (pogate-map), pogate-milter -n and pogate-lmtp -n accept it, each
# daemon starts in the foreground with only -c /etc/pogate and no /run/pogate
# (its socket given to the group postfix, mode 0660); a reinstall keeps an
# edited conffile; the purge removes the user and everything the packages
# and their tools made: the upper layer then holds what it held before the
# install, but for dpkg's own database and log, man-db's cache and the
# backups passwd-, group-, shadow-, gshadow- that the user tools keep. Then
# installed again, a message delivered by pogate-lda: a purge keeps the store
# with the mail, and the user who owns it.
. "$SRCDIR/tests/lib/tap.sh"

if [ "$(id -u)" != 0 ]; then skip "needs root (installs into an overlay of / in a mount namespace)"; done_testing; exit 0; fi
need git /usr/bin/time dpkg-buildpackage dpkg-deb lintian unshare mount chroot systemd-analyze
if ! grep -qw overlay /proc/filesystems && ! modprobe overlay 2>/dev/null; then
    skip "the kernel has no overlay filesystem: no root to install into"; done_testing; exit 0
fi

src=$TESTTMP/src
if git -C "$SRCDIR" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    what="a clean clone of HEAD"
    git clone -q "$SRCDIR" "$src" && git -C "$src" checkout -q "$(git -C "$SRCDIR" rev-parse HEAD)"
else
    what="a copy of the source tree"
    mkdir -p "$src" && tar -C "$SRCDIR" --exclude=./build --exclude=./tests/.out --exclude=./tests/.sendmail \
        --exclude=./tests/bench/results --exclude=./autom4te.cache -cf - . | tar -xf - -C "$src"
fi
# No -dbgsym packages (nothing here reads them); make -j as many as the CPUs.
(cd "$src" && DEB_BUILD_OPTIONS="noddebs parallel=$(nproc)" \
    /usr/bin/time -f '%e s, CPU %U s user %S s system' -o "$TESTTMP/build.time" \
    dpkg-buildpackage -us -uc -b) >"$TESTTMP/build.log" 2>&1
rc=$?
secs=$(tail -1 "$TESTTMP/build.time")
is "dpkg-buildpackage -us -uc -b on $what ($secs)" "$rc" 0
[ "$rc" = 0 ] || diag "$(tail -30 "$TESTTMP/build.log")"
like "... dh_auto_test ran the unit tests" "$(grep -c '^tests/unit/t_' "$TESTTMP/build.log")" "^[1-9][0-9]*$"
mkdir -p "$TESTTMP/debs"
for name in pogate pogate-tools pogate-milter pogate-lda; do
    f=$(printf '%s\n' "$TESTTMP/${name}"_*.deb | head -1)
    check "... built $name" test -f "$f" && cp "$f" "$TESTTMP/debs/"
done
debs=("$TESTTMP"/debs/*.deb)
[ ${#debs[@]} = 4 ] || { done_testing; exit 1; }

t0=$(date +%s)
lint=$(lintian --pedantic --display-info "$TESTTMP"/pogate_*.changes 2>&1 | grep -v '^running with root privileges')
diag "lintian --pedantic --display-info:"
printf '%s\n' "${lint:-(nothing)}" | sed 's/^/#   /'
lint_secs=$(( $(date +%s) - t0 ))
is "lintian: no error, no warning" "$(printf '%s\n' "$lint" | grep -c '^[EW]: ')" 0

t0=$(date +%s)
unshare -m bash "$SRCDIR/tests/lib/deb-root.sh" "$TESTTMP" >"$TESTTMP/root.log" 2>&1
root_secs=$(( $(date +%s) - t0 ))
res=$TESTTMP/res
# rc_is WHAT NAME: the exit status in res/NAME.rc is 0, else res/NAME.log is shown.
rc_is() {
    is "$1" "$(cat "$res/$2.rc" 2>/dev/null)" 0
    [ "$(cat "$res/$2.rc" 2>/dev/null)" = 0 ] || diag "$(tail -20 "$res/$2.log" 2>/dev/null)"
}
is "the root is made and the steps run" "$(cat "$res/main.rc" 2>/dev/null)" 0
[ -s "$res/main.rc" ] || diag "$(cat "$TESTTMP/root.log" "$res/pre.log" 2>/dev/null)"
rc_is "dpkg -i of the four packages" install
like "user pogate: a system user, no home, no login" "$(cat "$res/passwd" 2>/dev/null)" \
     '^pogate:x:[1-9][0-9]?[0-9]?:[0-9]+:pogate mail gateway[^:]*:/nonexistent:/usr/sbin/nologin$'
like "... with a group of its own" "$(cat "$res/group" 2>/dev/null)" '^pogate:x:[0-9]+:$'
is "/etc/pogate, the store and the hold directory: owners and modes" "$(cat "$res/stat" 2>/dev/null)" \
"/etc/pogate root:root 755
/etc/pogate/access root:root 644
/etc/pogate/aliases root:root 644
/etc/pogate/mailboxes root:root 644
/etc/pogate/pogate.conf root:root 644
/etc/pogate/postoffices root:root 644
/var/spool/pogate pogate:pogate 750
/var/lib/pogate/hold pogate:pogate 750"
is "... the shipped config files are conffiles" "$(paste -sd' ' "$res/conffiles" 2>/dev/null)" \
   "/etc/pogate/access /etc/pogate/aliases /etc/pogate/mailboxes /etc/pogate/pogate.conf /etc/pogate/postoffices"
while read -r prog path man; do
    like "$prog installed, with its man page" "$path $man" "^/usr/s?bin/$prog /usr/share/man/man[18]/$prog\\.[18]\\.gz$"
done <"$res/programs"
is "pogate.conf(5), pogate-maps(5), pogate(7) installed" "$(grep -c '^/usr/share/man/man[57]/.*\.gz$' "$res/manpages")" 3
like "the Postfix and sendmail examples, native.cf among them" "$(paste -sd' ' "$res/examples")" "main.cf master.cf native.cf.*pogate.mc"
is "the units installed: both daemons, pogate-pickup, pogate-notify and its timer" "$(paste -sd' ' "$res/units")" \
   "/lib/systemd/system/pogate-lmtp.service /lib/systemd/system/pogate-milter.service /lib/systemd/system/pogate-notify.service /lib/systemd/system/pogate-notify.timer /lib/systemd/system/pogate-pickup.service"
is "... and not enabled (the admin enables them once the maps are the site's)" "$(cat "$res/enabled")" ""
for u in milter lmtp; do
    e=$(cat "$res/exposure-$u")
    like "systemd-analyze security pogate-$u.service: exposure $e, at most 1.5" "$e" '^(0\.[0-9]|1\.[0-5])$'
done
rc_is "pogate-map compiles the shipped config" map
rc_is "pogate-milter -n accepts it" milter-n
rc_is "pogate-lmtp -n accepts it" lmtp-n
check_fail "no /run/pogate before the daemons start" test -s "$res/run-before"
for d in milter lmtp; do
    want="socket pogate:postfix 660 rundir pogate:pogate 755 exit 0"
    is "pogate-$d -f -c /etc/pogate: starts, socket for Postfix, SIGTERM exit 0" "$(paste -sd' ' "$res/$d-fg" 2>/dev/null)" "$want"
    [ "$(paste -sd' ' "$res/$d-fg" 2>/dev/null)" = "$want" ] || diag "$(cat "$res/$d-fg.log" 2>/dev/null)"
done
rc_is "a reinstall" reinstall
is "... keeps the edited conffile" "$(cat "$res/kept")" "# edited by the admin"
rc_is "dpkg --purge" purge
is "... leaves no user, no group, no directory, no package" "$(grep -v 'not-installed' "$res/after-purge")" ""

# The upper layer after the purge against before the install.
skip_re='^\./(var/lib/dpkg|var/log/dpkg\.log|var/cache/man|etc/(passwd|group|shadow|gshadow)-)( |/)'
left=$(diff <(grep -Ev "$skip_re" "$res/upper-before") <(grep -Ev "$skip_re" "$res/upper-after"))
is "... and the root holds nothing the packages made" "$left" ""
# A purge never throws mail away: a store with a message stays, and its owner.
rc_is "installed again, maps compiled" keep-install
rc_is "pogate-lda delivers a message as user pogate" keep-lda
rc_is "dpkg --purge" keep-purge
is "... keeps the store with the message, and the user pogate who owns it" "$(paste -sd' ' "$res/kept-mail")" "1 pogate pogate"
like "... and says so" "$(cat "$res/keep-purge.log")" "/var/spool/pogate is not empty: kept"
diag "upper layer after the purge: $(wc -l <"$res/upper-after") entries (the host's directories left out), $(grep -Evc "$skip_re" "$res/upper-after") of them outside dpkg's database and log, man-db's cache and the user tools' backups, each as before the install"
diag "package build: $secs; lintian ${lint_secs}s; install, runs and purge in the root ${root_secs}s"
done_testing
