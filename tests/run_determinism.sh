#!/bin/sh
# run_determinism.sh ICTUNE - a real run (local pool of 1 and 3, mpiexec
# with 2, 4 and 8 ranks) follows exactly the trajectory of `ictune simulate`
# on the same function: same evaluations, ids, stages, levels and values.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
cd "$tmp"
sh "$TESTS/programs/table.sh" > table.csv
for mode in "line_search: ippe" "line_search: full"; do
write_kyaml det.yaml det "$mode" 'constraints: ["g <= 20"]'
"$ICTUNE" simulate det.yaml --table table.csv --trace trace.csv --quiet > sim.json; rc=$?
ok "simulate ($mode)" '[ $rc = 0 ]'
# trace: order,stage,level,x,y,k,f,status -> id(1-based stage),...
awk -F, 'NR > 1 && $8 == "OK" { printf "%d,%d,%s,%s,%s,%.6f\n", $2, $3, $4, $5, $6, $7 }' trace.csv | sort > want.txt
ok "simulate has evaluations" '[ "$(wc -l < want.txt)" -gt 20 ]'
for how in "local 1" "local 3" "mpi 2" "mpi 4" "mpi 8"; do
    set -- $how
    rm -rf det.h5 runs
    if [ "$1" = local ]; then
        "$ICTUNE" run det.yaml --jobs "$2" --quiet > out.txt 2>&1; rc=$?
    else
        $MPIEXEC -n "$2" "$ICTUNE" run det.yaml --quiet > out.txt 2>&1; rc=$?
    fi
    ok "$mode, $how: exit 0" '[ $rc = 0 ] || { cat out.txt; false; }'
    "$ICTUNE" report det.h5 --csv det.csv --top 0 > /dev/null
    awk -F, 'NR > 1 && $9 == "OK" && $2 != 0 {
        printf "%d,%d,%s,%s,%s,%.6f\n", $2, $3, $4, $5, $6, $7 }' det.csv | sort > got.txt
    ok "$mode, $how: the same evaluations, stages and values as simulate" \
       'cmp -s want.txt got.txt || { diff want.txt got.txt | head -5; false; }'
    ok "$mode, $how: no point measured twice" 'once det.h5 3'
    ok "$mode, $how: h5dump reads the file" 'h5dump -H det.h5 > /dev/null'
    ok "$mode, $how: best reported as simulate's" \
       'grep -q "best f = $(sed -n "s/.*\"best\":\([0-9.e+-]*\).*/\1/p" sim.json | awk "{printf \"%.6g\", \$1}")" out.txt'
done
done
done_tests run_determinism
