#!/bin/sh
# run_failures.sh ICTUNE - a command that fails every time (issue 19): the
# failure lines name the run folder and the last line of the program's
# stderr; limits.max_failures_in_a_row (default 10) stops the run with exit 1
# and a message naming the cause; without the limit a run that ends with no
# valid evaluation exits 1; after fixing the command --resume measures.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
cd "$tmp"
cat > prog.sh <<'SH'
#!/bin/sh
[ -f fixed ] || { echo "Traceback (most recent call last):" >&2
                  echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 2; }
echo "[ictune] score=$(( $1 * $1 ))"
SH
write() { # extra limits
    cat > f.yaml <<YAML
name: f
output: f.h5
workdir: runs
command: ["sh", "$tmp/prog.sh", "{x}"]
parameters:
  x: {from: -20, to: 20, step: 1}
objective: {metric: score}
search: {strategy: dsice, max_evaluations: 30}
limits: {retries: 0$1}
YAML
}
for how in local mpi; do
    rm -rf f.h5 runs fixed
    write ""
    run() { if [ $how = mpi ]; then $MPIEXEC -n 3 "$ICTUNE" run f.yaml "$@"; else "$ICTUNE" run f.yaml --jobs 2 "$@"; fi; }
    run > out.txt 2>&1; rc=$?
    ok "$how: all failing: exit 1" '[ $rc = 1 ] || { tail -3 out.txt; false; }'
    ok "$how: the message says 10 in a row failed and what to do" \
       'grep -q "10 evaluations in a row failed" out.txt && grep -q "resume with --resume" out.txt && grep -q "max_failures_in_a_row" out.txt'
    ok "$how: the message quotes the stderr" 'grep -q "stderr ends: .ModuleNotFoundError: No module named .torch.." out.txt'
    ok "$how: each failure line names its run folder" \
       '[ "$(grep -c "FAILED after 1 attempt: exit code 2; run folder .*runs/[0-9]*; stderr ends" out.txt)" -ge 10 ]'
    "$ICTUNE" report f.h5 --csv rows.csv --top 0 > /dev/null 2>&1
    # the rows the search took (stage > 0): a run-ahead (speculative) row
    # it never took is not one of the 10 in a row
    nf=$(awk -F, '$2 > 0 && $6 == "FAILED"' rows.csv | wc -l)
    ok "$how: stopped within the limit (10 failed rows, a few more in flight): $nf" '[ "$nf" -ge 10 ] && [ "$nf" -le 14 ]'
    ok "$how: no OK row" '! grep -q ",OK," rows.csv'
    # the program fixed: the resume goes on and measures
    touch fixed
    run --resume > out2.txt 2>&1; rc=$?
    ok "$how: after the fix, --resume: exit 0" '[ $rc = 0 ] || { tail -3 out2.txt; false; }'
    ok "$how: after the fix, a best" 'grep -q "^best score = " out2.txt'
done
# no limit: the budget is spent, and the run still exits 1
rm -rf f.h5 runs fixed
write ", max_failures_in_a_row: 0"
"$ICTUNE" run f.yaml --jobs 2 > out.txt 2>&1; rc=$?
ok "no limit: exit 1" '[ $rc = 1 ]'
ok "no limit: the whole budget spent" 'grep -q "^budget reached: 30 evaluations (30 failed" out.txt || grep -q "^finished: [0-9]* evaluations ([0-9]* failed" out.txt'
ok "no limit: says there is no valid evaluation" 'grep -q "no valid evaluation: every evaluation failed" out.txt'
# the limit is checked like any other
write ", max_failures_in_a_row: lots"
"$ICTUNE" check f.yaml > out.txt 2>&1; rc=$?
ok "check: a bad limit is refused with its place" '[ $rc = 2 ] && grep -q "f.yaml:9:[0-9]*: limits.max_failures_in_a_row" out.txt'
done_tests run_failures
