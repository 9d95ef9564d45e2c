#!/bin/bash
# e2e_slurm.sh ICTUNE - jobscripts/slurm.sbatch on a real one-node Slurm
# cluster started here (and stopped, no daemon left behind):
# 1. a 4-rank job cancelled with scancel mid-run, then resubmitted: the
#    result equals an uninterrupted run, nothing finished ran twice;
# 2. a job with a wall-time limit shorter than the run and the warning
#    signal: it stops cleanly with the resumable code, resubmits itself
#    (ICTUNE_RESUBMIT) and the chain finishes the search.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
for b in sbatch scancel scontrol slurmctld slurmd munged; do
    command -v $b > /dev/null || { echo "SKIP: $b not found (apt-get install slurmctld slurmd slurm-client munge)"; exit 77; }
done
S=$tmp/slurm
cleanup() { bash "$TESTS/slurm_cluster.sh" stop "$S"; cd /; rm -rf "$tmp"; }
trap cleanup EXIT
SLURM_CONF=$(bash "$TESTS/slurm_cluster.sh" start "$S") || { echo "FAIL: slurm did not start"; exit 1; }
export SLURM_CONF
cd "$tmp"
write_kyaml k.yaml k
"$ICTUNE" run k.yaml --jobs 3 --quiet > ref.txt 2>&1
rows k.h5 3 > ref.rows
rm -rf k.h5 runs
export ICTUNE ICT_SLEEP=0.4 ICT_LAUNCH_LOG=$tmp/launch.log
SB="$TESTS/../jobscripts/slurm.sbatch"

# 1. scancel mid-run, resubmit
j1=$(sbatch --parsable -n 4 -t 5 -o "$tmp/job-%j.out" "$SB" k.yaml --progress 1000)
ok "sbatch accepted the job ($j1)" '[ -n "$j1" ]'
ok "job $j1 runs" 'wait_state $j1 30 RUNNING'
for i in $(seq 100); do [ -f k.h5 ] && [ -s launch.log ] && [ "$(grep -c ^end launch.log)" -ge 6 ] && break; sleep 0.2; done
scancel "$j1"
ok "scancel: job $j1 cancelled" 'wait_state $j1 30 CANCELLED'
ok "scancel: no program or rank left running" 'gone "programs/func.sh" 10 && gone "ictune run k.yaml" 10'
ok "scancel: h5dump reads the file" 'h5dump -H k.h5 > /dev/null'
ok "scancel: did not resubmit itself" '! grep -q "resubmitted as job" job-$j1.out'
j2=$(sbatch --parsable -n 4 -t 5 -o "$tmp/job-%j.out" "$SB" k.yaml --progress 1000)
ok "resubmitted job $j2 completes" 'wait_state $j2 120 COMPLETED || { cat job-$j2.out; false; }'
ok "it resumed" 'grep -q "(resuming)" job-$j2.out && grep -q "exit code 0" job-$j2.out'
rows k.h5 3 > got.rows
ok "cancel + resubmit = uninterrupted (evaluations and values)" 'cmp -s ref.rows got.rows || { diff ref.rows got.rows | head; false; }'
awk '$1 == "end" { print $3, $4, $5 }' launch.log | sort | uniq -d > twice.txt
ok "nothing finished was run twice" '[ ! -s twice.txt ] || { cat twice.txt; false; }'
ok "the job's output says where the results are" 'grep -q "^results: k.h5" job-$j2.out && grep -q "ictune report k.h5" job-$j2.out'

# 2. the wall-time limit with the warning signal, and a resubmission chain
rm -rf k.h5 runs launch.log
export ICT_SLEEP=0.9
j3=$(ICTUNE_RESUBMIT=6 ICTUNE_GRACE=5 sbatch --parsable -n 4 -t 1 --signal=B:USR1@40 \
     -o "$tmp/chain-%j.out" "$SB" k.yaml --progress 1000)
ok "chain: first job $j3 ends" 'wait_state $j3 120 COMPLETED FAILED TIMEOUT'
ok "chain: the first job stopped cleanly with the resumable code" \
   'grep -q "SIGUSR1 received" chain-$j3.out && grep -q "exit code 3" chain-$j3.out && grep -q "resubmitted as job" chain-$j3.out'
ok "chain: Slurm saw exit code 3" 'scontrol show job -o $j3 | grep -q "ExitCode=3:0"'
# follow the chain to the end
for i in $(seq 600); do
    "$ICTUNE" report k.h5 --status > st.txt 2>&1; src=$?
    [ $src = 0 ] && break
    sleep 0.5
done
ok "chain: the search finished" '[ $src = 0 ] || { cat st.txt; tail chain-*.out; false; }'
rows k.h5 3 > got.rows
ok "chain: the same result as uninterrupted" 'cmp -s ref.rows got.rows || { diff ref.rows got.rows | head; false; }'
nseg=$("$ICTUNE" report k.h5 | sed -n 's/.*rows, \([0-9]*\) job segment.*/\1/p')
ok "chain: more than one job segment ($nseg)" '[ "$nseg" -ge 2 ]'
awk '$1 == "end" { print $3, $4, $5 }' launch.log | sort | uniq -d > twice.txt
ok "chain: nothing finished was run twice" '[ ! -s twice.txt ] || { cat twice.txt; false; }'
for i in $(seq 50); do squeue -h 2>/dev/null | grep -q . || break; sleep 0.2; done
ok "no job left in the queue" '[ -z "$(squeue -h 2>/dev/null)" ]'
done_tests e2e_slurm
