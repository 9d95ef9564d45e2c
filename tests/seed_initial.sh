#!/bin/sh
# seed_initial.sh ICTUNE - starting from what is known: --seed-from a results
# file with another space takes exactly its finished measurements whose
# points still exist (and the restrictions allow), never runs them, counts
# them against no budget and keeps them on resume; a table seeds too;
# search.initial points are the first stage; `ictune best` in its formats.
# Real runs of the binary (local processes). Run from tests/.
ICTUNE=$1
. ./lib.sh
cd "$tmp" || exit 1
# f(x, z) = (x - 13)^2 + z: the program prints it
cat > a.yaml <<'Y'
name: a
command: ["sh", "-c", "echo [ictune] loss=$(( ({x}-13)*({x}-13) + {z} ))"]
parameters:
  x: {from: 0, to: 20, step: 1}
  z: {from: 0, to: 10, step: 1}
objective: {metric: loss, goal: minimize}
search: {max_evaluations: 60}
Y
"$ICTUNE" run a.yaml -q > a.out 2>&1; rc=$?
ok "run a: exit 0" '[ $rc = 0 ]'
"$ICTUNE" report a.h5 --csv a.csv > /dev/null
# another space: even x only, up to 24, z without 3 (a restriction)
cat > b.yaml <<'Y'
name: b
command: ["sh", "-c", "echo [ictune] loss=$(( ({x}-13)*({x}-13) + {z} ))"]
parameters:
  x: {from: 0, to: 24, step: 2}
  z: {from: 0, to: 10, step: 1}
restrictions: ["z != 3"]
objective: {metric: loss, goal: minimize}
search: {max_evaluations: 12}
Y
# what must be taken: a's OK rows with an even x and z != 3
awk -F, 'NR > 1 && $7 == "OK" && $4 % 2 == 0 && $5 != 3 { print $4 "," $5 "," $6 }' a.csv | sort > want
"$ICTUNE" run b.yaml --seed-from a.h5 > b.out 2>&1; rc=$?
ok "run b seeded: exit 0" '[ $rc = 0 ]'
nw=$(wc -l < want)
ok "the log says how many were taken ($nw)" 'grep -q "seeded from a.h5: $nw measurements taken" b.out'
ok "and why the others were not" 'grep -q "outside this space, [0-9]* excluded by the restrictions" b.out'
"$ICTUNE" report b.h5 --csv b.csv > /dev/null
awk -F, 'NR > 1 && $8 == 0 { print $4 "," $5 "," $6 }' b.csv | sort > got
ok "exactly the matching finished points, with their values" 'cmp -s want got'
ok "each seeded row names its origin" '[ "$(grep -c ",seeded from a.h5 evaluation [0-9]*," b.csv)" = "$nw" ]'
ok "the budget counts only runs: the search took 12" '[ "$(awk -F, "NR > 1 && \$8 != 0 && \$2 > 0" b.csv | wc -l)" = 12 ]'
ok "no seeded point is run again" '[ -z "$(awk -F, "NR > 1 { print \$4 \",\" \$5 }" b.csv | sort | uniq -d)" ]'
ok "no run breaks the restriction" '[ -z "$(awk -F, "NR > 1 && \$5 == 3" b.csv)" ]'
ok "the summary counts the seeds apart" 'grep -q "$nw measurements seeded (not run, not counted)" b.out'
"$ICTUNE" run b.yaml --resume --set max_evaluations=16 > b2.out 2>&1; rc=$?
ok "resume keeps the seeds, runs 4 more" '[ $rc = 0 ] && grep -q "budget reached: 16 evaluations" b2.out && grep -q "$nw measurements seeded" b2.out'
"$ICTUNE" run b.yaml --resume --seed-from a.h5 > b3.out 2>&1; rc=$?
ok "--seed-from with --resume is refused" '[ $rc != 0 ] && grep -q "starts a new results file" b3.out'
"$ICTUNE" report b.h5 > b.rep
ok "report: the seeds apart" 'grep -q "seeded: $nw rows taken from another file" b.rep'
# a table seeds as well (simulate's format)
printf 'x,z,loss\n12,0,1\n14,0,1\n12,3,4\n7,1,37\n' > t.csv
sed 's/^name: b/name: c/' b.yaml > c.yaml
"$ICTUNE" run c.yaml --seed-from t.csv > c.out 2>&1; rc=$?
ok "a table: 2 taken (12,3 excluded, 7 outside)" '[ $rc = 0 ] && grep -q "2 measurements taken (of 4 rows: 1 outside this space, 1 excluded" c.out'
"$ICTUNE" best c.h5 > best.yaml
ok "best (yaml): the seeded optimum, its origin" 'grep -q "^x: 12$" best.yaml && grep -q "^z: 0$" best.yaml && grep -q "seeded from t.csv row 1" best.yaml'
ok "best (json)" '[ "$("$ICTUNE" best c.h5 --format json)" = "{\"x\": 12, \"z\": 0}" ]'
ok "best (env)" '[ "$("$ICTUNE" best c.h5 --format env | tr "\n" " ")" = "x=12 z=0 " ]'
ok "best (args)" '[ "$("$ICTUNE" best c.h5 --format args)" = "--x=12 --z=0" ]'
ok "best (defines)" '[ "$("$ICTUNE" best c.h5 --format defines)" = "-Dx=12 -Dz=0" ]'
"$ICTUNE" best c.h5 --format xml > /dev/null 2>&1; rc=$?
ok "best: a bad format is a usage error" '[ $rc = 2 ]'
# a Kernel Tuner cache file (JSON, also gzipped): a failure string is not
# a measurement, a value outside the space is skipped, arrays are ignored
cat > kt.json <<'J'
{"tune_params_keys": ["x", "z"], "objective": "loss",
 "cache": {"12,0": {"x": 12, "z": 0, "loss": 1.5, "times": [1.4, 1.6]},
           "14,1": {"x": 14, "z": 1, "loss": "CompilationFailedConfig"},
           "7,1": {"x": 7, "z": 1, "loss": 37},
           "16,2": {"x": 16, "z": 2, "loss": 11, "note": "caf\u00e9"}}}
J
gzip -c kt.json > kt.json.gz
sed 's/^name: b/name: k/' b.yaml > k.yaml
"$ICTUNE" run k.yaml --seed-from kt.json.gz > k.out 2>&1; rc=$?
ok "a Kernel Tuner cache (gzip): 2 taken, 1 outside, 1 not finished" '[ $rc = 0 ] && grep -q "2 measurements taken (of 4 rows: 1 outside this space, 0 excluded by the restrictions, 1 not finished" k.out'
"$ICTUNE" report k.h5 --csv k.csv > /dev/null
ok "its values, and its origin" 'grep -q "^[0-9]*,0,0,12,0,1.5,OK,0,.*seeded from kt.json.gz entry 1," k.csv'
printf '{"cache": {"a": [1, 2' > bad.json
sed 's/^name: b/name: bj/' b.yaml > bj.yaml
"$ICTUNE" run bj.yaml --seed-from bad.json > bj.out 2>&1; rc=$?
ok "a damaged cache: refused, with the byte" '[ $rc != 0 ] && grep -q "bad.json: not valid JSON at byte" bj.out && [ ! -e bj.h5 ]'
# search.initial: measured first, in the given order
cat > d.yaml <<'Y'
name: d
command: ["sh", "-c", "echo [ictune] loss=$(( ({x}-13)*({x}-13) + {z} ))"]
parameters:
  x: {from: 0, to: 20, step: 1}
  z: {from: 0, to: 10, step: 1}
objective: {metric: loss, goal: minimize}
search:
  max_evaluations: 20
  initial:
    - {x: 4, z: 9}
    - {x: 16, z: 2}
Y
"$ICTUNE" run d.yaml -q > d.out 2>&1; rc=$?
"$ICTUNE" report d.h5 --csv d.csv > /dev/null
ok "initial: the first stage is the given points" '[ $rc = 0 ] && [ "$(awk -F, "\$2 == 1 { print \$4 \",\" \$5 }" d.csv | tr "\n" " ")" = "4,9 16,2 " ]'
sed 's/{x: 16, z: 2}/{x: 16, z: 2.5}/' d.yaml > e.yaml
"$ICTUNE" check e.yaml > e.out 2>&1; rc=$?
ok "initial: a value not in the space, with its line" '[ $rc = 2 ] && grep -q "e.yaml:11:.*search.initial, item 2: z: found .2.5.; expected one of its values" e.out'
sed 's/{x: 16, z: 2}/{x: 16}/' d.yaml > f.yaml
"$ICTUNE" check f.yaml > f.out 2>&1; rc=$?
ok "initial: a missing parameter" '[ $rc = 2 ] && grep -q "no value for .z." f.out'
done_tests seed_initial
