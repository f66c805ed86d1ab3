#!/bin/bash
# t-build.sh - the build system: configure names the missing Debian package,
# `make install` puts programs, man pages and units where an admin expects them.
. "$(dirname "$0")/../lib/tap.sh"

need man make
cfg="$TESTTMP/cfg"
mkdir -p "$cfg"

# With no pkg-config files visible, configure must stop and name the package.
out=$(cd "$cfg" && PKG_CONFIG_LIBDIR=/nonexistent "$SRCDIR/configure" 2>&1)
check_fail "configure fails without libmilter" test $? -eq 0
like "configure names libmilter-dev" "$out" "install Debian package libmilter-dev"

out=$(cd "$cfg" && PKG_CONFIG_LIBDIR=/nonexistent MILTER_CFLAGS=-I/usr/include MILTER_LIBS=-lmilter \
      "$SRCDIR/configure" 2>&1)
like "configure names libcdb-dev" "$out" "install Debian package libcdb-dev"

dest="$TESTTMP/dest"
out=$(make -C "$BUILDDIR" install DESTDIR="$dest" 2>&1)
check "make install succeeds" test $? -eq 0 || diag "$out"

# Everything built gets installed, each program with its man page.
for prog in "$BUILDDIR"/maps/pogate-map "$BUILDDIR"/maps/pogate-po "$BUILDDIR"/maps/pogate-notify "$BUILDDIR"/maps/pogate-check \
            "$BUILDDIR"/maps/pogate-track \
            "$BUILDDIR"/maps/pogate-stat "$BUILDDIR"/lda/pogate-lda "$BUILDDIR"/lda/pogate-lmtp "$BUILDDIR"/lda/pogate-pickup \
            "$BUILDDIR"/milter/pogate-milter; do
    name=$(basename "$prog")
    if [ ! -x "$prog" ]; then
        skip "$name not built yet"
        continue
    fi
    bin=$(find "$dest" -type f -name "$name" -perm -u+x | head -1)
    check "$name installed" test -n "$bin"
    man=$(find "$dest" -path '*/man/man*' -name "$name.[0-9]*" | head -1)
    check "$name man page installed" test -n "$man"
    if [ -n "$man" ]; then
        warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null)
        is "$name man page renders without warnings" "$warn" ""
    fi
done
# The administrator's guide, and the file formats.
for page in pogate.7 pogate.conf.5 pogate-maps.5; do
    man=$(find "$dest" -path "*/man/man${page##*.}/$page" | head -1)
    check "$page installed" test -n "$man"
    if [ -n "$man" ]; then
        warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null)
        is "$page renders without warnings" "$warn" ""
    fi
done
unit=$(find "$dest" -name pogate-milter.service | head -1)
check "systemd unit installed" test -n "$unit"
like "unit has this build's paths" "$(grep ExecStart= "$unit")" "ExecStart=/[^@]*/pogate-milter -f -c /"
notify=$(find "$dest" -name pogate-notify.service | head -1)
like "pogate-notify.service has this build's paths" "$(grep ExecStart= "$notify" 2>/dev/null)" \
    "ExecStart=/[^@]*/pogate-notify -c /"
check "pogate-notify.timer installed" test -n "$(find "$dest" -name pogate-notify.timer)"
check "sysusers entry installed" test -n "$(find "$dest" -path '*sysusers.d/pogate.conf')"
done_testing
