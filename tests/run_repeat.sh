#!/bin/sh
# run_repeat.sh ICTUNE - repeat, restrictions, wall_time and search.initial
# under the real mpiexec: the worker ranks run each evaluation's N runs
# (the task carries repeat and aggregate) in the run folder (cwd: run_dir),
# no rank runs an excluded point,
# and the initial points are the first stage. Run from tests/.
ICTUNE=$1
. ./lib.sh
cd "$tmp" || exit 1
cat > m.yaml <<'Y'
name: m
command: ["sh", "-c", "pwd > here.txt; echo \"[ictune] v=$ICTUNE_SAMPLE\""]
cwd: run_dir
parameters:
  x: {from: 0, to: 12, step: 1}
  y: [a, b, c]
restrictions: ["x % 3 != 1", "y != 'b' or x < 6"]
objective: {metric: wall_time, goal: minimize}
metrics: [v]
repeat: 3
aggregate: mean
search:
  strategy: exhaustive
  initial: [{x: 12, y: c}]
gpus: none
Y
$MPIEXEC -n 3 "$ICTUNE" run m.yaml -q > m.out 2>&1; rc=$?
ok "mpiexec -n 3: exit 0" '[ $rc = 0 ]'
"$ICTUNE" report m.h5 --csv m.csv > /dev/null
# columns: id,stage,level,x,y,wall_time,v,repeats,spread,status,...
valid=$(awk 'BEGIN { n = 0; for (x = 0; x <= 12; x++) for (y = 0; y < 3; y++) if (x % 3 != 1 && (y != 1 || x < 6)) n++; print n }')
ok "every valid point once ($valid), nothing else" '[ "$(awk -F, "NR > 1 && \$10 == \"OK\"" m.csv | wc -l)" = "$valid" ]'
ok "no excluded point ran" '[ -z "$(awk -F, "NR > 1 && (\$4 % 3 == 1 || (\$5 == \"b\" && \$4 >= 6))" m.csv)" ]'
ok "each row: the mean of 3 runs (v = 2), 3 samples, a wall time" '[ -z "$(awk -F, "NR > 1 && (\$7 != 2 || \$8 != 3 || \$6 <= 0)" m.csv)" ]'
ok "the initial point first" '[ "$(awk -F, "NR > 1 && \$2 == 1 { print \$4 \",\" \$5 }" m.csv)" = "12,c" ]'
d=$(awk -F, 'NR == 2' m.csv | grep -o '/[^,]*/m-runs/[0-9-]*' | head -1)
ok "numbered outputs on a worker rank" '[ -f "$d/stdout.3" ] && [ -L "$d/stdout" ]'
ok "cwd: run_dir on a worker rank: the program ran in its run folder" '[ "$(cat "$d/here.txt")" = "$(cd "$d" && pwd)" ] && [ ! -e here.txt ]'
done_tests run_repeat
