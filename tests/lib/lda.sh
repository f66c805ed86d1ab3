# shellcheck shell=bash
# lda.sh - run pogate-lda for tests as the MTA would: as the unprivileged user
# pogate, message on stdin, one status line on stdout. Sourced after tap.sh.
#
#   lda_conf DIR STORE [EXTRA-CONF-LINES]  copy tests/lda/conf, write pogate.conf
#                                         (log_file DIR/lda.log), run pogate-map
#   lda_run DIR ARGS... <MSG               run pogate-lda -c DIR ARGS as pogate;
#                                         sets LDA_OUT (stdout+stderr) and LDA_RC
#   lda_files STORE PATH                   the files under STORE/PATH (sorted)

LDA=${LDA:-$BUILDDIR/lda/pogate-lda}
POGATE_MAP=${POGATE_MAP:-$BUILDDIR/maps/pogate-map}
AS_POGATE=(setpriv --reuid=pogate --regid=pogate --clear-groups --)

lda_conf() {
    local dir=$1 store=$2 extra=${3:-}
    mkdir -p "$dir" "$store"
    cp "$SRCDIR"/tests/lda/conf/* "$dir"/
    cat >"$dir/pogate.conf" <<CONF
store = $store
log_file = $dir/lda.log
$extra
CONF
    chmod 755 "$dir"
    chown pogate "$store"
    : >"$dir/lda.log"
    chown pogate "$dir/lda.log"
    "$POGATE_MAP" -c "$dir" >"$dir/pogate-map.log" 2>&1 || { cat "$dir/pogate-map.log"; return 1; }
}

lda_run() {
    local dir=$1
    shift
    LDA_OUT=$("${AS_POGATE[@]}" "$LDA" -c "$dir" "$@" 2>&1)
    LDA_RC=$?
}

lda_files() {
    find "$1/$2" -type f 2>/dev/null | sort
}
