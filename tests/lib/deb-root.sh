#!/bin/bash
# deb-root.sh - install and purge pogate's packages in a root that is not the
# host's, for tests/integration/t-deb-packages.sh. Runs as root in a mount
# namespace of its own (unshare -m), with no network of its own to reach.
#
#   deb-root.sh DIR     DIR/debs: the .deb files; results go to DIR/res
#
# The root is an overlay whose lower layer is the host's / and whose upper
# layer is a fresh tmpfs: whatever the packages write lands in the upper
# layer only, and the host's files are never touched. The dependencies come
# from the lower layer (the suite has them installed), so nothing is fetched.
# /run and /tmp in the root are empty tmpfs, as after a boot. The host's user
# pogate (deps.sh makes it for the suite) is removed in the root first, so
# that the package's own adduser runs. The steps in the root are
# deb-steps.sh's; after its "pre" step and after the purge ("main") the upper
# layer is listed (DIR/res/upper-before, upper-after) with each file's
# checksum; then "keep" installs again, delivers, and purges.
set -u
dir=$1 res=$1/res lib=$(cd "$(dirname "$0")" && pwd)

mount --make-rprivate / || exit 1
ovl=$dir/ovl
mkdir -p "$ovl" "$res"
mount -t tmpfs -o mode=0755 tmpfs "$ovl" || exit 1
mkdir "$ovl/upper" "$ovl/work" "$ovl/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$ovl/upper,workdir=$ovl/work" "$ovl/root" || exit 1
root=$ovl/root
mount -t proc proc "$root/proc" &&
    mount --rbind /dev "$root/dev" &&
    mount -t tmpfs -o mode=0755 tmpfs "$root/run" &&
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp" || exit 1
mkdir "$root/tmp/res" "$root/tmp/debs"
mount --bind "$res" "$root/tmp/res" || exit 1
cp "$dir"/debs/*.deb "$root/tmp/debs/"
cp "$lib/deb-steps.sh" "$root/tmp/steps.sh"

# upper NAME: what the upper layer holds, one entry a line, type, mode,
# owner and checksum (the overlay's whiteouts are character devices 0/0). A
# directory that is the host's own, with its mode and owner, is left out: the
# overlay copies a directory up when a file is made in it, and a purge that
# removed the file leaves the copy, which changes nothing.
upper() {
    (cd "$ovl/upper" && find . -mindepth 1 -printf '%p %y %m %u:%g\n' | sort |
        while read -r p t rest; do
            case $t in
            f) echo "$p $t $rest $(md5sum <"$p" | cut -c1-32)" ;;
            d) [ -d "/$p" ] && [ "$(stat -c '%a %U:%G' "/$p")" = "$rest" ] || echo "$p $t $rest" ;;
            *) echo "$p $t $rest" ;;
            esac
        done) >"$res/upper-$1"
}

env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$root" /bin/bash /tmp/steps.sh pre >"$res/pre.log" 2>&1
upper before
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 chroot "$root" /bin/bash /tmp/steps.sh main >"$res/main.log" 2>&1
echo $? >"$res/main.rc"
upper after
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 chroot "$root" /bin/bash /tmp/steps.sh keep >"$res/keep.log" 2>&1
