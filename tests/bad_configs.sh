#!/bin/sh
# bad_configs.sh ICTUNE - every bad config in configs/bad gives exit code 2
# and a message "ictune: FILE:LINE:..." with the expected text; none crashes.
# Also a 10 MB file, generated here. Run from tests/.
ictune=$1
fail=0 n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
check() { # file line text
    n=$((n + 1))
    out=$("$ictune" check "$1" 2>&1 >/dev/null)
    rc=$?
    want="ictune: $1:$2:"
    case "$out" in
    "$want"*"$3"*) ;;
    *) echo "FAIL $1: message '$out' lacks '$want' ... '$3'"; fail=$((fail + 1)); return ;;
    esac
    if [ "$rc" != 2 ]; then
        echo "FAIL $1: exit code $rc, expected 2"; fail=$((fail + 1)); return
    fi
    if [ "$(printf '%s\n' "$out" | wc -l)" != 1 ]; then
        echo "FAIL $1: the message is printed more than once:"; echo "$out"
        fail=$((fail + 1))
    fi
}
while IFS='|' read -r file line text; do
    case "$file" in ''|'#'*) continue ;; esac
    check "configs/bad/$file" "$line" "$text"
done < configs/bad/EXPECT
# every file in the folder is listed
for f in configs/bad/*; do
    b=$(basename "$f")
    [ "$b" = EXPECT ] && continue
    grep -q "^$b|" configs/bad/EXPECT || { echo "FAIL $b is not in EXPECT"; fail=$((fail + 1)); }
done
# a 10 MB file
big="$tmp/big.yaml"
{ printf 'name: big\n'; head -c 10485760 /dev/zero | tr '\0' '#'; } > "$big"
check "$big" 1 "expected a config of at most"
# a missing file and a folder
out=$("$ictune" check "$tmp/none.yaml" 2>&1); rc=$?
[ $rc = 2 ] && case "$out" in *"cannot open"*) ;; *) false ;; esac || { echo "FAIL missing file: $rc $out"; fail=$((fail + 1)); }
out=$("$ictune" check "$tmp" 2>&1); rc=$?
[ $rc = 2 ] || { echo "FAIL folder: $rc $out"; fail=$((fail + 1)); }
echo "bad configs: $n checked, $fail failed"
[ $fail = 0 ]
