#!/bin/sh
# run_signals.sh ICTUNE - stopping and resuming: SIGTERM to mpiexec
# mid-run (no program is left running, the master records "stopped
# (resumable)" with code 3), SIGUSR1 through mpiexec (exit code 3), SIGTERM
# in local mode (exit code 3, a second signal stops at once), a job stop
# that kills the programs before ictune (INTERRUPTED, not FAILED), resume to the
# uninterrupted run's result without running a finished evaluation twice,
# the prepare step (once, skipped on resume), and results never overwritten.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
cd "$tmp"
write_kyaml sig.yaml sig "line_search: full" \
    "prepare: {command: \"echo model > {prepare_dir}/model.txt; echo prepared >> $tmp/prepare.log\"}"
# the reference: uninterrupted, local
"$ICTUNE" run sig.yaml --jobs 2 --quiet > ref.txt 2>&1; rc=$?
ok "reference run" '[ $rc = 0 ]'
rows sig.h5 3 > ref.rows
mv sig.h5 ref.h5; rm -rf runs prepare.log
ok "reference has rows" '[ "$(wc -l < ref.rows)" -gt 30 ]'

# the file exists: no overwrite without --resume
cp ref.h5 sig.h5
"$ICTUNE" run sig.yaml --quiet > o.txt 2>&1; rc=$?
ok "existing file without --resume: exit 2" '[ $rc = 2 ] && grep -q "exists: results are never overwritten; use --resume" o.txt'
ok "existing file untouched" 'cmp -s ref.h5 sig.h5'
rm -f sig.h5

# SIGTERM to mpiexec mid-run
export ICT_SLEEP=0.3 ICT_LAUNCH_LOG=$tmp/launch.log
: > launch.log
# starts N S: wait (at most S seconds) until N more programs have started
starts() {
    sb=$(grep -c "^start" launch.log); si=0
    while [ "$(grep -c "^start" launch.log)" -lt $((sb + $1)) ] && [ $si -lt $(($2 * 10)) ]; do
        sleep 0.1; si=$((si + 1))
    done
}
$MPIEXEC -n 4 "$ICTUNE" run sig.yaml --grace 0.5 --progress 1000 > t1.txt 2>&1 &
pid=$!
starts 2 30; sleep 1
kill -TERM $pid
wait $pid; rc=$?
ok "SIGTERM to mpiexec: mpiexec exits non-zero ($rc)" '[ $rc != 0 ]'
ok "SIGTERM: the master stopped cleanly" 'grep -q "^stopped early:" t1.txt && grep -q "resume with: mpiexec ... ictune run sig.yaml --resume" t1.txt && grep -q "^stopped cleanly" t1.txt'
"$ICTUNE" report sig.h5 --status > st.txt; rc=$?
ok "SIGTERM: the file says resumable (report --status exits 3)" '[ $rc = 3 ] && grep -q "stopped (resumable)" st.txt'
ok "SIGTERM: no program left running" 'gone "programs/func.sh" 5'
ok "SIGTERM: h5dump reads the file" 'h5dump sig.h5 > /dev/null'
ok "prepare ran once" '[ "$(wc -l < prepare.log)" = 1 ] && [ -f runs/prepare/model.txt ]'

# SIGUSR1 (what Slurm's --signal sends) goes through mpiexec: exit code 3
$MPIEXEC -n 3 "$ICTUNE" run sig.yaml --resume --grace 0.2 --progress 1000 > t2.txt 2>&1 &
pid=$!
# mpiexec forwards a signal only to the processes it has started: on a
# loaded machine the ranks may not exist 1.5 s after mpiexec does, so wait
# until programs run (the job is then under way on every rank)
starts 2 30; sleep 0.3
kill -USR1 $pid
wait $pid; rc=$?
ok "SIGUSR1 to mpiexec: exit code 3" '[ $rc = 3 ] || { cat t2.txt; false; }'
ok "SIGUSR1 to mpiexec: ictune says the stop was clean, and what Open MPI's lines mean" \
   'grep -q "^stopped cleanly: every finished evaluation is in" t2.txt && grep -q "not a crash" t2.txt'
ok "resume skipped the prepare step" '[ "$(wc -l < prepare.log)" = 1 ] && grep -q "prepare step already done" t2.txt'

# local mode: SIGTERM gives 3; a second signal stops at once
ICT_SLEEP=2 "$ICTUNE" run sig.yaml --resume --jobs 2 --grace 100 --progress 1000 > t3.txt 2>&1 &
pid=$!
before=$(grep -c "^start" launch.log)
for i in $(seq 100); do                   # until a program is running
    [ "$(grep -c "^start" launch.log)" -gt "$before" ] && break
    sleep 0.1
done
kill -TERM $pid; sleep 0.2; kill -TERM $pid
wait $pid; rc=$?
ok "local SIGTERM twice: exit code 3 without waiting the 100 s grace" '[ $rc = 3 ]'
ok "local: the running evaluations were stopped and recorded INTERRUPTED" 'grep -q "interrupted; it runs again on resume" t3.txt'
ok "local: no program left running" 'gone "programs/func.sh" 5'

# a job stop signals every process (scancel, Ctrl-C): the programs die of
# SIGTERM an instant before ictune gets its own; they were cut short, not
# failed, and run again on resume
ICT_SLEEP=2 "$ICTUNE" run sig.yaml --resume --jobs 2 --grace 5 --progress 1000 > t5.txt 2>&1 &
pid=$!
before=$(grep -c "^start" launch.log)
for i in $(seq 100); do
    [ "$(grep -c "^start" launch.log)" -ge $((before + 2)) ] && break
    sleep 0.1
done
pkill -TERM -f "programs/func.sh"; sleep 0.05; kill -TERM $pid
wait $pid; rc=$?
ok "job stop (programs first): exit code 3" '[ $rc = 3 ] || { cat t5.txt; false; }'
ok "job stop (programs first): recorded INTERRUPTED, not FAILED" \
   'grep -q "interrupted; it runs again on resume" t5.txt && ! "$ICTUNE" report sig.h5 --csv - --top 0 | grep -q ",FAILED,"'

# resume to the end
unset ICT_SLEEP
$MPIEXEC -n 3 "$ICTUNE" run sig.yaml --resume --quiet > t4.txt 2>&1; rc=$?
ok "final resume: exit 0" '[ $rc = 0 ] || { cat t4.txt; false; }'
rows sig.h5 3 > got.rows
ok "resumed result = uninterrupted result (same evaluations and values)" 'cmp -s ref.rows got.rows || { diff ref.rows got.rows | head; false; }'
ok "the same best point" '[ "$(grep "^best" ref.txt)" = "$(grep "^best" t4.txt)" ] || { grep "^best" ref.txt t4.txt; false; }'
# every finished evaluation was launched exactly once after... no OK point twice
"$ICTUNE" report sig.h5 --csv all.csv --top 0 > /dev/null
ok "no point has two final results" '[ "$(awk -F, "NR>1 && \$8==\"OK\" {print \$4,\$5,\$6}" all.csv | sort | uniq -d | wc -l)" = 0 ]'
# launches: every completed launch ("end") of a point with an OK row happened once
awk '$1 == "end" { print $3, $4, $5 }' launch.log | sort | uniq -c | awk '$1 > 1' > twice.txt
ok "no finished evaluation was run twice (launch log)" '[ ! -s twice.txt ] || { cat twice.txt; false; }'
ok "every launch is accounted for: launches = rows in the file" \
   '[ "$(grep -c "^start" launch.log)" = "$(awk -F, "NR>1" all.csv | wc -l)" ]'
ok "the file has 5 job segments" '[ "$("$ICTUNE" report sig.h5 | sed -n "s/.*rows, \([0-9]*\) job segments.*/\1/p")" = 5 ]'

# a failing prepare step: nothing is evaluated, exit 1
cat > badprep.yaml <<YAML
name: badprep
output: badprep.h5
workdir: runs2
prepare: {command: "echo cannot >&2; exit 4"}
command: ["sh", "$TESTS/programs/func.sh", "{x}", "1", "a"]
parameters: {x: [1, 2, 3]}
objective: {metric: f}
limits: {retries: 1}
YAML
"$ICTUNE" run badprep.yaml --quiet > bp.txt 2>&1; rc=$?
ok "failing prepare: exit 1 and a clear message" '[ $rc = 1 ] && grep -q "the prepare step failed 2 times; nothing was evaluated" bp.txt'
ok "failing prepare: no evaluation, 2 prepare rows" '"$ICTUNE" report badprep.h5 | grep -q "no valid evaluation" && h5dump -d /prepare badprep.h5 | grep -q "( 2 )"'
done_tests run_signals
