#!/bin/sh
# e2e_sr.sh ICTUNE - the real workload: configs/sr.yaml (tools/sr/sr.py, a
# small super-resolution network) with a budget of 30 evaluations on 2
# workers under mpiexec, killed with kill -9 after some evaluations and
# resumed: the prepare step ran once (not again on resume), every row has
# both metrics, the rows that break "rmse < 11" are INFEASIBLE and never the
# best, and the run ends with the budget.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
/usr/bin/python3 -c 'import torch, skimage' 2>/dev/null ||
    { echo "SKIP: /usr/bin/python3 lacks torch or skimage (apt-get install python3-torch python3-skimage)"; exit 77; }
command -v setsid > /dev/null || { echo "SKIP: setsid not found"; exit 77; }
ROOT=$TESTS/..
cd "$tmp"
sed -e "s|tools/sr/sr.py|$ROOT/tools/sr/sr.py|" -e "s|max_evaluations: 200|max_evaluations: 30|" \
    "$ROOT/configs/sr.yaml" > sr.yaml
setsid $MPIEXEC -n 3 "$ICTUNE" run sr.yaml --progress 1000 > run1.txt 2>&1 &
pid=$!
for i in $(seq 900); do             # until the prepare step and 4 evaluations are done
    n=$(ls -d sr-runs/[0-9]* 2>/dev/null | wc -l)
    [ "$n" -ge 6 ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.2
done
pkill -9 -s $pid 2>/dev/null
wait $pid 2>/dev/null
# mpiexec can be reaped before the master rank is gone, and a live writer's
# HDF5 file lock makes h5dump fail: wait for every rank and program first
ok "killed mid-run: no rank or program left" 'gone "ictune run sr.yaml" 10 && gone "sr.py finetune" 10'
ok "killed mid-run: h5dump reads the file" 'h5dump -H sr.h5 > /dev/null'
ok "the prepare step finished before the kill" 'grep -q "prepare step done" run1.txt || { cat run1.txt; false; }'
$MPIEXEC -n 3 "$ICTUNE" run sr.yaml --resume --progress 1000 > run2.txt 2>&1; rc=$?
ok "resume: exit 0 with the budget reached" '[ $rc = 0 ] && grep -q "^budget reached: 30 evaluations" run2.txt || { tail run2.txt; false; }'
ok "resume did not run the prepare step again" 'grep -q "prepare step already done" run2.txt && [ "$(ls -d sr-runs/prepare* | wc -l)" = 1 ]'
ok "/prepare has one OK row" 'h5dump -d /prepare sr.h5 | grep -q "( 1 )"'
"$ICTUNE" report sr.h5 --csv rows.csv --top 0 > rep.txt
# id,stage,level,lr,w1,w2,w3,w4,dssim,rmse,status,...
ok "every finished row has both metrics" '[ -z "$(awk -F, "NR > 1 && (\$11 == \"OK\" || \$11 == \"INFEASIBLE\") && (\$9 == \"\" || \$10 == \"\")" rows.csv)" ]'
ok "rows with rmse >= 11 are INFEASIBLE, the others OK" '[ -z "$(awk -F, "NR > 1 && \$10 != \"\" && ((\$10 >= 11) != (\$11 == \"INFEASIBLE\"))" rows.csv)" ]'
ok "the constraint really excluded something" '[ "$(grep -c ",INFEASIBLE," rows.csv)" -ge 1 ]'
# the line may end " (a speculative row)" when a run ahead of the search was best
best=$(sed -n 's/^best dssim = [0-9.e+-]* at .*, rmse = \([0-9.e+-]*\)\( (a speculative row)\)\{0,1\}$/\1/p' run2.txt)
ok "the best is feasible (rmse $best < 11)" '[ -n "$best" ] && awk -v r="$best" "BEGIN { exit !(r < 11) }"'
run_best=$(sed -n 's/^best dssim = \([0-9.e+-]*\) .*/\1/p' run2.txt)
ok "report's best = the run's best ($run_best)" '[ -n "$run_best" ] && [ "$run_best" = "$(sed -n "s/^best dssim = \([0-9.e+-]*\) .*/\1/p" rep.txt)" ]'
"$ICTUNE" report sr.h5 --plot plots > /dev/null
ok "the plots are PNG files" 'file plots/objective.png | grep -q "PNG image data" && file plots/timeline.png | grep -q "PNG image data"'
done_tests e2e_sr
