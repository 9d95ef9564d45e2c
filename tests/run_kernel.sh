#!/bin/sh
# run_kernel.sh ICTUNE - the Kernel Tuner-style example end to end: the
# blocked matrix multiply of configs/kernels/matmul.c, compiled per
# evaluation into its run folder, tuned with configs/matmul.yaml (its
# restrictions, repeat: 5, remeasure: 5). No evaluation breaks a
# restriction, each is 5 runs of one compiled binary, the best points are
# re-measured into /remeasured, and `ictune best` gives flags that build
# the best kernel. Run from tests/.
ICTUNE=$1
. ./lib.sh
command -v cc > /dev/null || { echo "SKIP: no C compiler (cc)"; exit 77; }
command -v h5dump > /dev/null || { echo "SKIP: h5dump not found (apt-get install hdf5-tools)"; exit 77; }
mkdir -p "$tmp/configs" && cp -r ../configs/matmul.yaml ../configs/kernels "$tmp/configs/" || exit 1
cd "$tmp" || exit 1
"$ICTUNE" check configs/matmul.yaml > check.out 2>&1; rc=$?
ok "check: exit 0, the valid count" '[ $rc = 0 ] && grep -q "valid: 1,160 of 1,600 points" check.out'
"$ICTUNE" run configs/matmul.yaml --jobs 2 --set max_evaluations=24 > run.out 2>&1; rc=$?
ok "run: exit 0, the budget" '[ $rc = 0 ] && grep -q "budget reached: 24 evaluations (0 failed" run.out'
"$ICTUNE" report matmul.h5 --csv rows.csv > /dev/null
# columns: id,stage,level,ti,tj,tk,order,time,repeats,spread,status,...
# the search's 24 (stage > 0), all OK; besides them only rows run ahead of
# the search (speculation: OK, or stopped when it ended)
ok "the search took 24 rows, all OK" '[ "$(awk -F, "NR > 1 && \$2 > 0 && \$11 == \"OK\"" rows.csv | wc -l)" = 24 ] && [ -z "$(awk -F, "NR > 1 && (\$2 > 0 && \$11 != \"OK\" || \$11 != \"OK\" && \$11 != \"INTERRUPTED\")" rows.csv)" ]'
ok "no evaluation breaks a restriction" '[ -z "$(awk -F, "NR > 1 && (\$4 * \$5 > 4096 || \$6 * \$5 > 16384 || (\$7 != \"ikj\" && \$6 < 4))" rows.csv)" ]'
ok "each objective is the median of 5 runs" '[ -z "$(awk -F, "NR > 1 && \$11 == \"OK\" && \$9 != 5" rows.csv)" ]'
d=$(awk -F, 'NR == 2 { print $0 }' rows.csv | grep -o 'matmul-runs/[0-9-]*' | head -1)
ok "a run folder: 5 numbered outputs, one compiled binary" '[ -f "$d/stdout.5" ] && [ ! -e "$d/stdout.6" ] && [ -x "$d/mm" ] && grep -q "time=" "$d/stdout.3"'
ok "the best points re-measured (printed)" 'grep -q "re-measured 5 points, 5 runs each (median)" run.out'
h5dump -d /remeasured -H matmul.h5 > rem.h5dump 2>&1
ok "/remeasured holds 5 rows" 'grep -q "DATASPACE  SIMPLE { ( 5 ) / ( H5S_UNLIMITED ) }" rem.h5dump'
"$ICTUNE" report matmul.h5 > rep.out
ok "report: the re-measured ranking" 'grep -q "re-measured: 5 points" rep.out'
flags=$("$ICTUNE" best matmul.h5 --format defines)
ok "best: four -D flags" '[ "$(echo $flags | wc -w)" = 4 ]'
# the flags build the best kernel (the order as the config's command names it)
set -- $flags
order=$(echo "$4" | sed 's/-Dorder=//')
cc -O2 -DTI=${1#-Dti=} -DTJ=${2#-Dtj=} -DTK=${3#-Dtk=} -DORDER_$order configs/kernels/matmul.c -o best.mm 2> cc.err; rc=$?
ok "the best configuration builds and runs" '[ $rc = 0 ] && ./best.mm | grep -q "^\[ictune\] time="'
done_tests run_kernel
