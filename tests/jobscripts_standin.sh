#!/bin/bash
# jobscripts_standin.sh ICTUNE - the PBS and PJM scripts (no PBS or PJM in
# Debian) under stand-in qsub/pjsub/mpiexec that check the directives and
# record how they were called: the ictune command line, restart with
# --resume, the wall-time stop (--stop-after) and the resubmission chain to
# the same result as an uninterrupted run. And bash -n on every job script.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
JS=$TESTS/../jobscripts
for s in slurm.sbatch pbs.sh pjm.sh; do
    ok "bash -n $s" 'bash -n "$JS/$s"'
done
cd "$tmp"
write_kyaml k.yaml k
"$ICTUNE" run k.yaml --jobs 2 --quiet > ref.txt 2>&1
rows k.h5 3 > ref.rows
rm -rf k.h5 runs
export STANDIN_REAL_PATH=$PATH PATH=$TESTS/standin:$PATH
export STANDIN_LOG=$tmp/log STANDIN_COUNTER=$tmp/counter
for sys in pbs pjm; do
    rm -rf k.h5 runs log counter
    if [ $sys = pbs ]; then
        sub() { qsub -v "CONFIG=k.yaml,ICTUNE=$ICTUNE$1" "$JS/pbs.sh"; }
    else
        sub() { pjsub -x "CONFIG=k.yaml,ICTUNE=$ICTUNE$1" "$JS/pjm.sh"; }
    fi
    STANDIN_PROCS=3 sub ",ICTUNE_WALLTIME=100,ICTUNE_MARGIN=10" > /dev/null
    ok "$sys: the job finished (exit 0)" 'grep -q "^job 1.* exit 0$" log || { cat log $sys-1*.out; false; }'
    ok "$sys: the ictune command line" 'grep -q "^mpiexec -n 3 --bind-to none --oversubscribe $ICTUNE run k.yaml --stop-after 90$" log || { cat log; false; }'
    ok "$sys: the results" 'rows k.h5 3 | cmp -s - ref.rows'
    STANDIN_PROCS=3 sub ",ICTUNE_WALLTIME=100" > /dev/null
    ok "$sys: run again: --resume" 'grep -q "^mpiexec -n 3 .* run k.yaml --resume --stop-after" log'
    # the wall-time stop and the resubmission chain
    rm -rf k.h5 runs log counter
    ICT_SLEEP=0.3 STANDIN_PROCS=3 sub ",ICTUNE_WALLTIME=3,ICTUNE_MARGIN=0,ICTUNE_RESUBMIT=20,ICT_SLEEP=0.3" > /dev/null
    ok "$sys: the first job stopped resumably (exit 3) at its wall time" 'grep -q "^job 1.* exit 3$" log'
    ok "$sys: it resubmitted itself" '[ "$(grep -c "^\(qsub\|pjsub\)" log)" -ge 3 ]'
    [ $sys = pbs ] && ok "pbs: the resubmission depends on the job" 'grep -q "^qsub -v .*ICTUNE_RESUBMIT=19.* -W depend=afterany:1.standin " log'
    ok "$sys: the chain finished" '"$ICTUNE" report k.h5 --status > /dev/null'
    ok "$sys: the chain's result = uninterrupted" 'rows k.h5 3 | cmp -s - ref.rows'
done
done_tests jobscripts_standin
