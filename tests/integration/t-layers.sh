#!/bin/bash
# t-layers.sh - the library layers of the tree link only downward.
#
#   maps/util     knows no mail                   includes util
#   maps/global   the postoffice model            includes util, global
#   maps          pogate-map and its compiler     includes util, global, maps
#   lda           the delivery core, pogate-lda, pogate-lmtp   util, global, lda
#   milter        pogate-milter and its core      includes util, global, milter
#
# Every "quoted" include of every product file is resolved to the folder that
# holds the header; an include of a layer above, of a sibling program's
# folder, or of a header that no allowed folder holds fails. The include
# graph (edges counted per pair of layers) is printed for the record. The
# compiler's -I flags enforce the same; this test says it in one place.
. "$SRCDIR/tests/lib/tap.sh"
cd "$SRCDIR" || exit 1

layers="maps/util maps/global maps lda milter"
allowed() {
    case $1 in
    maps/util) echo "maps/util" ;;
    maps/global) echo "maps/util maps/global" ;;
    maps) echo "maps/util maps/global maps" ;;
    lda) echo "maps/util maps/global lda" ;;
    milter) echo "maps/util maps/global milter" ;;
    esac
}

# The layer folder that holds header H, searched in every layer; a file the
# including layer's Makefile.am generates (BUILT_SOURCES) is its own.
holder() {
    local l
    for l in $layers; do
        [ -f "$l/$1" ] && { echo "$l"; return; }
    done
    if grep -q "^BUILT_SOURCES.*[[:space:]]$1\b" "$2/Makefile.am" 2>/dev/null; then
        echo "$2"; return
    fi
    echo "?"
}

declare -A edges
bad=0 files=0
for layer in $layers; do
    ok_dirs=$(allowed "$layer")
    for f in "$layer"/*.c "$layer"/*.h; do
        [ -f "$f" ] || continue
        files=$((files + 1))
        while read -r h; do
            [ "$h" = config.h ] && continue
            to=$(holder "$h" "$layer")
            edges["$layer -> $to"]=$(( ${edges["$layer -> $to"]:-0} + 1 ))
            case " $ok_dirs " in
            *" $to "*) ;;
            *) diag "$f includes $h, which is in ${to}: not a layer $layer may use"; bad=$((bad + 1)) ;;
            esac
        done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
    done
done

diag "include graph (quoted includes between layers, $files files):"
for e in "${!edges[@]}"; do
    printf '%s\t%s\n' "$e" "${edges[$e]}"
done | sort | while IFS=$'\t' read -r e n; do diag "  $e: $n"; done

check "every layer was found" test "$files" -gt 50
is "no include of a layer above or beside" "$bad" 0
for layer in maps/util maps/global; do
    is "$layer includes nothing above it" \
        "$(for e in "${!edges[@]}"; do case $e in "$layer -> "*) echo "${e#* -> }";; esac; done |
           grep -cvxF -e maps/util -e "$layer")" 0
done
check "lda and milter never include each other's headers" \
    test -z "${edges[lda -> milter]}${edges[milter -> lda]}"
check "no program includes pogate-map's compiler" \
    test -z "${edges[lda -> maps]}${edges[milter -> maps]}"
done_testing
