#!/bin/sh
# run_output.sh ICTUNE - what a user reads (issue 19): `report --csv -`
# writes CSV only, every row with the header's number of fields; numbers in
# the CSV and in the messages are the shortest that read back exactly (0.3,
# not 0.30000000000000004); a run piped into `head` is not killed by the
# closed pipe and records every evaluation.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
cd "$tmp"
cat > prog.sh <<'SH'
#!/bin/sh
awk -v x="$1" 'BEGIN { printf "[ictune] score=%.1f\n[ictune] rmse=%.1f\n", 0.1 * x, 0.1 * x + 0.2 }'
SH
cat > o.yaml <<YAML
name: o
output: o.h5
workdir: runs
command: ["sh", "$tmp/prog.sh", "{x}"]
parameters:
  x: {from: 0, to: 9, step: 1}
objective: {metric: score}
metrics: [rmse]
constraints: ["rmse < 0.75"]
search: {strategy: exhaustive, batch: 10}
YAML
"$ICTUNE" run o.yaml --jobs 2 --progress 0.1 | head -n 1 > head.txt; rc=$?
"$ICTUNE" report o.h5 --csv - > rows.csv 2> err.txt; rc2=$?
ok "a run piped into head: the file has all 10 rows" '[ "$(grep -c ",OK,\|,INFEASIBLE," rows.csv)" = 10 ]'
ok "report --csv -: exit 0" '[ $rc2 = 0 ]'
ok "report --csv -: the first line is the header" 'head -n 1 rows.csv | grep -q "^id,"'
ok "report --csv -: no summary line in the CSV" '! grep -q "^results: \|^best " rows.csv'
ok "report --csv -: every row has the header's fields" \
   '[ "$(/usr/bin/python3 -c "import csv,sys; r=list(csv.reader(open(\"rows.csv\"))); print(len(set(len(x) for x in r)), len(r))")" = "1 11" ]'
ok "CSV numbers are the shortest that read back: 0.3, 0.5 (%.17g: 0.29999999999999999)" \
   'grep -q ",3,0.3,0.5," rows.csv && ! grep -q "0000000000\|9999999999" rows.csv'
# one name per column: the CSV's header names are the file's members
h5dump -H -d /evaluations o.h5 | sed -n 's/^ *H5T_[A-Z_0-9]* "\([a-z_A-Z0-9]*\)";$/\1/p; s/^ *H5T_STRING { *$//p; s/^ *} "\([a-z_A-Z0-9]*\)";$/\1/p' | grep . | sort > h5cols
head -n 1 rows.csv | tr ',' '\n' | sort > csvcols
ok "CSV columns are HDF5 members (objective is 'objective' in both)" '[ -s csvcols ] && grep -qx objective csvcols && [ -z "$(comm -23 csvcols h5cols)" ] || { comm -23 csvcols h5cols; false; }'
"$ICTUNE" report o.h5 --csv all.csv --top 0 > /dev/null
ok "the reason names the metric's value shortest: rmse = 0.8" 'grep -q "broken: rmse = 0.8\b" all.csv'
# the resume hint keeps the overrides: run it and the budget is the one set
cat > slow.yaml <<YAML
name: slow
command: ["sh", "-c", "sleep 0.3; echo [ictune] v={x}"]
parameters:
  x: {from: 0, to: 99, step: 1}
objective: {metric: v}
search: {strategy: exhaustive, batch: 4, max_evaluations: 20}
YAML
"$ICTUNE" run slow.yaml -q --jobs 2 --stop-after 1s --set max_evaluations=12 > slow.out 2>&1; rc=$?
hint=$(sed -n 's/^resume with: //p' slow.out)
ok "--stop-after takes a duration (1s); stopped: exit 3" '[ $rc = 3 ]'
ok "the resume hint repeats --set and --jobs" 'printf "%s" "$hint" | grep -q "^ictune run slow.yaml --resume --set .max_evaluations=12. --jobs 2$"'
eval "\"\$ICTUNE\" ${hint#ictune }" -q > slow2.out 2>&1; rc=$?
ok "the hint, run as printed, ends at the budget set (12, not 20)" '[ $rc = 0 ] && grep -q "^budget reached: 12 evaluations" slow2.out'
"$ICTUNE" run slow.yaml --stop-after 3x > bad.out 2>&1; rc=$?
ok "--stop-after 3x: a usage error naming the syntax" '[ $rc = 2 ] && grep -q "expected a duration" bad.out'
# progress: evaluations done of the budget (not stages), busy over time,
# the best and when; none per stage where stderr is not a terminal
rm -f slow.h5
"$ICTUNE" run slow.yaml --jobs 2 --set max_evaluations=12 --progress 0.2s > prog.out 2>&1
ok "progress: done of the budget, the last line 12/12" 'grep "evaluations done" prog.out | tail -n 1 | grep -q ": 12/12 evaluations done"'
ok "progress: failed and broken counted, busy since the last line" 'grep -q "(0 failed, 0 broke a constraint), [0-9]* running, workers busy [0-9]*% since the last line" prog.out'
ok "progress: the best, and when it was found" 'grep -q "best v=[0-9]* at x=[0-9]* (evaluation [0-9]*, 00:00:0[0-9] ago)" prog.out'
rm -f slow.h5
"$ICTUNE" run slow.yaml --jobs 2 --set max_evaluations=12 > quiet.out 2>&1
ok "not a terminal, no --progress: no line per stage" '! grep -q "finished stage" quiet.out && grep -q "^budget reached: 12" quiet.out'
# less noise: no GPU-hours without GPUs, no master CPU line unless asked
"$ICTUNE" report slow.h5 > noise.rep
ok "report without GPUs: seconds of evaluations, no GPU-hours" 'grep -q "^work: [0-9.]* s of evaluations (.* hours, no GPUs)" noise.rep && ! grep -q "GPU-hours" noise.rep'
ok "the run's summary: no master CPU line by default" '! grep -q "master CPU" prog.out && grep -q "^time: " prog.out'
# placeholders inside quotes, shell arithmetic and an awk program work
cat > q.yaml <<'Y'
name: q
command: "echo '[ictune] v={x}'; echo \"[ictune] w=$(( {x} * 2 ))\"; awk 'BEGIN { print \"[ictune] u={x}\" }'"
parameters: {x: [3, 5]}
objective: {metric: v}
metrics: [w, u]
search: {strategy: exhaustive}
Y
"$ICTUNE" run q.yaml -q > q.out 2>&1
"$ICTUNE" report q.h5 --csv q.csv > /dev/null
ok "a placeholder in '...', in \$((...)) and in an awk program gets its value" 'grep -q "^[0-9]*,1,0,3,3,6,3,OK," q.csv && grep -q "^[0-9]*,1,0,5,5,10,5,OK," q.csv'
# working folders: the default workdir is named after the config; a new
# results file beside an earlier run's folders says so
ok "the default workdir is <name>-runs" "[ -d slow-runs ] && [ -d slow-runs/0 ]"
rm -f slow.h5
"$ICTUNE" run slow.yaml --jobs 2 --set max_evaluations=4 > stale.out 2>&1
ok "a new file beside an earlier run's folders: a warning" 'grep -q "warning: the workdir .*slow-runs already holds [0-9]* entries from an earlier run" stale.out'
# cwd: run_dir runs each program in its run folder (a relative program
# path still names it where ictune started; $ICTUNE_START_DIR says where)
printf '#!/bin/sh\npwd > here.txt\necho "$ICTUNE_START_DIR" > start.txt\necho "[ictune] v=$1"\n' > where.sh
chmod +x where.sh
cat > cw.yaml <<'Y'
name: cw
command: ["./where.sh", "{x}"]
parameters: {x: [1, 2]}
objective: {metric: v}
search: {strategy: exhaustive}
cwd: run_dir
Y
"$ICTUNE" run cw.yaml -q > cw.out 2>&1; rc=$?
ok "cwd: run_dir: each program runs in its own run folder" '[ $rc = 0 ] && [ "$(cat cw-runs/0/here.txt)" = "$(cd cw-runs/0 && pwd)" ] && [ "$(cat cw-runs/1/here.txt)" = "$(cd cw-runs/1 && pwd)" ]'
ok "cwd: run_dir: \$ICTUNE_START_DIR is where ictune started" '[ "$(cat cw-runs/0/start.txt)" = "$(pwd)" ]'
sed 's/^cwd: run_dir$//; s/^name: cw$/name: cs/' cw.yaml > cs.yaml
"$ICTUNE" run cs.yaml -q > cs.out 2>&1
ok "by default, programs run where ictune started" '[ -f here.txt ] && [ "$(cat here.txt)" = "$(pwd)" ]'
sed 's/^cwd: run_dir$/cwd: rundir/; s/^name: cw$/name: cb/' cw.yaml > cb.yaml
"$ICTUNE" check cb.yaml > cb.out 2>&1; rc=$?
ok "cwd: a typo is refused with its line" '[ $rc = 2 ] && grep -q "cb.yaml:6:6: cwd: found .rundir.; expected run_dir" cb.out'
# a report of a file that a run is writing
rm -f slow.h5
"$ICTUNE" run slow.yaml -q --jobs 2 > live.out 2>&1 &
pid=$!
i=0; while [ $i -lt 100 ] && ! "$ICTUNE" report slow.h5 --csv - 2>/dev/null | grep -q ",OK,"; do sleep 0.1; i=$((i + 1)); done
"$ICTUNE" report slow.h5 > live.rep 2>&1; rc=$?
ok "report while the run writes: exit 0, and it says so" '[ $rc = 0 ] && grep -q "a run is writing this file now" live.rep && grep -q "^best v = " live.rep'
"$ICTUNE" report slow.h5 --status > live.st 2>&1; rc=$?
ok "--status while it runs: exit 4, running now" '[ $rc = 4 ] && grep -q "running now" live.st'
timeout 60 "$ICTUNE" report slow.h5 --watch 0.5s --top 0 > watch.out 2>&1; rc=$?
wait $pid
ok "--watch refreshes until the run ends, then stops" '[ $rc = 0 ] && [ "$(grep -c "^results: " watch.out)" -ge 2 ] && ! tail -n 12 watch.out | grep -q "a run is writing"'
"$ICTUNE" report slow.h5 --status > done.st 2>&1; rc=$?
ok "--status after it: exit 0" '[ $rc = 0 ] && grep -q "budget reached" done.st'
done_tests run_output
