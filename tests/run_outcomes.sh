#!/bin/sh
# run_outcomes.sh ICTUNE - one evaluation per kind of ending, under mpiexec
# and in local mode: the recorded status, the reason, the number of
# attempts (retries: 2), nothing left running, and the search goes on.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
cd "$tmp"
cat > out.yaml <<YAML
name: outcomes
output: out.h5
workdir: runs
command: ["sh", "$TESTS/programs/outcome.sh", "{mode}"]
parameters:
  mode: [ok, segv, exit3, hang, silent, nan, garbage, big, missing, infeasible, resultfile]
objective: {metric: score}
metrics: [rmse]
constraints: ["rmse < 5"]
search: {strategy: exhaustive, batch: 11}
limits: {timeout: 2s, retries: 2}
YAML
for how in "mpi 4" "local 3"; do
    set -- $how
    rm -rf out.h5 runs
    if [ "$1" = mpi ]; then
        $MPIEXEC -n "$2" "$ICTUNE" run out.yaml --kill-grace 1 --progress 1000 > run.txt 2>&1; rc=$?
    else
        "$ICTUNE" run out.yaml --jobs "$2" --kill-grace 1 --progress 1000 > run.txt 2>&1; rc=$?
    fi
    ok "$how: the run finishes (exit 0)" '[ $rc = 0 ] || { tail run.txt; false; }'
    ok "$how: 11 final evaluations" 'grep -q "^finished: 11 evaluations (7 failed, 1 infeasible)" run.txt'
    ok "$how: the best is ok's score 1" 'grep -q "^best score = 1 at mode=ok" run.txt'
    "$ICTUNE" report out.h5 --csv rows.csv --top 0 > /dev/null
    # mode,status,attempt,exit_code,signal,reason (columns of report --csv)
    awk -F, 'NR > 1 { print $4 "," $7 "," $8 "," $9 "," $10 }' rows.csv > s.txt
    expect() { # mode status attempts [exit] [signal]
        got=$(grep -c "^$1,$2," s.txt)
        want=$3
        ok "$how: $1 -> $2 x $want" '[ "$got" = "$want" ] || { grep "^$1," s.txt; false; }'
        m=$1 st=$2 ec=${4:-} sg=${5:-}
        ok "$how: $m has no other rows" '[ "$(grep -c "^$m," s.txt)" = "$want" ]'
        [ -n "$ec" ] && ok "$how: $m exit code $ec" 'grep -q "^$m,$st,[0-9],$ec," s.txt'
        [ -n "$sg" ] && ok "$how: $m signal $sg" 'grep -q "^$m,$st,[0-9],[0-9-]*,$sg$" s.txt'
        ok "$how: $m attempts 1..$want" '[ "$(grep "^$m," s.txt | cut -d, -f3 | sort -n | tr "\n" " ")" = "$(seq 1 $want | tr "\n" " ")" ]'
    }
    expect ok OK 1
    expect segv FAILED 3 "" 11
    expect exit3 FAILED 3 3
    expect hang TIMEOUT 3
    expect silent NO_RESULT 3
    expect nan BAD_RESULT 3
    expect garbage BAD_RESULT 3
    expect big OK 1
    expect missing FAILED 3 127
    expect infeasible INFEASIBLE 1
    expect resultfile OK 1
    ok "$how: the reasons say why" 'grep -q "timed out after 2s" rows.csv && grep -q "exit 0 but no value for .score." rows.csv && grep -q "command not found" rows.csv && grep -q "constraint .rmse < 5. broken: rmse = 99" rows.csv && grep -q "killed by signal 11" rows.csv'
    ok "$how: the result file's last value wins (score=3)" 'grep -q "^[0-9]*,[0-9]*,[0-9]*,resultfile,3,2,OK" rows.csv'
    ok "$how: 100 MB of output kept in a file, not in memory" \
       '[ "$(stat -c %s runs/*/stdout | sort -n | tail -n 1)" -gt 104857600 ]'
    ok "$how: the hanging program and its grandchild are gone" 'gone "sleep 98[67]" 5'
    ok "$how: retries logged" 'grep -q "attempt 1: FAILED: killed by signal 11 .*retrying" run.txt'
    ok "$how: every evaluation has its folder with stdout, stderr, params" \
       '[ -f runs/0/stdout ] && [ -f runs/0/stderr ] && grep -q "^mode=ok$" runs/0/params'
done
# a list-form command whose program does not exist: the launcher's own path
cat > miss.yaml <<YAML
name: miss
output: miss.h5
command: ["/nonexistent/ictune-prog", "{a}"]
parameters: {a: [1, 2]}
objective: {metric: v}
search: {strategy: exhaustive}
limits: {retries: 1}
YAML
"$ICTUNE" run miss.yaml --quiet > run.txt 2>&1; rc=$?
ok "missing program: the run stops at once (exit 1), not a measurement" '[ $rc = 1 ] && grep -q "could not be started" run.txt'
ok "missing program: one INTERRUPTED row, 127, named" '"$ICTUNE" report miss.h5 --csv - | grep -c ",INTERRUPTED,1,127,.*program not found or not executable: /nonexistent/ictune-prog" | grep -qx 1'
# the objective parsed as the last number on stdout
cat > last.yaml <<YAML
name: last
output: last.h5
command: echo "time 3 ms, then {a} ms, \"{a}\" is it"
parameters: {a: [5, 2, 9]}
objective: {parse: last-number}
search: {strategy: exhaustive}
YAML
"$ICTUNE" run last.yaml --quiet > run.txt 2>&1; rc=$?
ok "parse: last-number" '[ $rc = 0 ] && grep -q "^best value = 2 at a=2" run.txt'
done_tests run_outcomes
