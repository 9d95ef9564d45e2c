#!/bin/sh
# cli.sh ICTUNE - the command line: help, version, exit codes, `check` on the
# shipped configs, setup.sh's arguments, `simulate` on the shipped real spaces (identical traces
# for 1 and 64 workers and shuffled delivery), and the Kernel Tuner
# converter. Run from tests/.
ictune=$1
fail=0 n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
ok() { n=$((n + 1)); if ! eval "$2"; then echo "FAIL: $1"; fail=$((fail + 1)); fi; }

"$ictune" --version > "$tmp/v"; rc=$?
ok "--version" '[ $rc = 0 ] && grep -q "^ictune [0-9]" "$tmp/v"'
for c in help "help check" "help simulate" "help run" "help report" "help topo" "check --help" "simulate --help" "run --help" "report --help" "topo --help" --help; do
    "$ictune" $c > "$tmp/h" 2>&1; rc=$?
    ok "$c exits 0 with usage" '[ $rc = 0 ] && grep -q "usage: ictune" "$tmp/h"'
done
"$ictune" frobnicate > "$tmp/o" 2>&1; rc=$?
ok "unknown command: exit 2 and one ictune: line" '[ $rc = 2 ] && [ "$(grep -c "^ictune: " "$tmp/o")" = 1 ]'
"$ictune" > /dev/null 2>&1; rc=$?
ok "no command: exit 2" '[ $rc = 2 ]'
"$ictune" check > /dev/null 2>&1; rc=$?
ok "check without CONFIG: exit 2" '[ $rc = 2 ]'
# tools/setup.sh checks its arguments before it installs anything
sh ../tools/setup.sh --help > "$tmp/o" 2>&1; rc=$?
ok "setup.sh --help: exit 0 with usage" '[ $rc = 0 ] && grep -q "^setup.sh \[--test\]" "$tmp/o"'
for a in --tset "--help x"; do   # never --test: an old setup.sh would run this suite again
    sh ../tools/setup.sh $a > "$tmp/o" 2>&1; rc=$?
    ok "setup.sh $a: exit 2, names it" '[ $rc = 2 ] && grep -q "unknown argument .$a." "$tmp/o" && ! grep -q installing "$tmp/o"'
done

# The reference config: 13,310 combinations and the four tuned parameters.
"$ictune" check ../configs/dbpn.yaml > "$tmp/dbpn" 2>&1; rc=$?
ok "check dbpn: exit 0" '[ $rc = 0 ]'
ok "check dbpn: 13,310 combinations" 'grep -q "space: 13,310 combinations (10 x 11 x 11 x 11)" "$tmp/dbpn"'
ok "check dbpn: lr has 10 values" 'grep -Eq "^  lr +10 values: 1e-05, " "$tmp/dbpn"'
for p in w2 w3 w4; do
    ok "check dbpn: $p has 11 values" 'grep -Eq "^  $p +11 values: 0, " "$tmp/dbpn"'
done
ok "check dbpn: w1 constant" 'grep -Eq "^  w1 +1 value \(constant\): 0.01" "$tmp/dbpn"'
ok "check dbpn: constraint" 'grep -q "^constraint: rmse < 12.5" "$tmp/dbpn"'
for f in ../configs/*.yaml data/benchmark_hub/*.yaml; do
    "$ictune" check "$f" > /dev/null 2>&1; rc=$?
    ok "check $f" '[ $rc = 0 ]'
done
"$ictune" check ../configs/dbpn.yaml --set strategy=random --set seed=4 > "$tmp/o" 2>&1; rc=$?
ok "check --set" '[ $rc = 0 ] && grep -q "^strategy: random (seed=4, batch=32, speculate=on" "$tmp/o"'
"$ictune" check ../configs/dbpn.yaml --set per_lin=3 > "$tmp/o" 2>&1; rc=$?
ok "check --set unknown option: exit 2" '[ $rc = 2 ] && grep -q "no option .per_lin." "$tmp/o"'

# option values and operands: one message each, naming the option and what
# was expected; exit 2
usage() { # expected-text command...
    want=$1; shift
    "$ictune" "$@" > "$tmp/o" 2>&1; rc=$?
    ok "$* -> exit 2, '$want'" '[ $rc = 2 ] && [ "$(grep -c "^ictune: " "$tmp/o")" = 1 ] && grep -q -- "$want" "$tmp/o"'
}
usage "--jobs abc: expected a whole number from 1 to 4096" run ../configs/demo.yaml --jobs abc
usage "--jobs 2.5: expected a whole number from 1 to 4096" run ../configs/demo.yaml --jobs 2.5
usage "--grace -1: expected a duration of at least 0s" run ../configs/demo.yaml --grace -1
# speculation's options, judged before anything runs
usage "speculate: found .maybe.; expected one of: off,on" check ../configs/demo.yaml --set speculate=maybe
usage "--set max_speculative=lots: expected auto or a whole number >= 0" check ../configs/demo.yaml --set max_speculative=lots
usage "lookahead: found '0'; expected a whole number from 1" check ../configs/demo.yaml --set lookahead=0
"$ictune" check ../configs/demo.yaml --set max_speculative=5 > "$tmp/o" 2>&1; rc=$?
ok "check: max_speculative=5 accepted" '[ $rc = 0 ] && grep -q "max_speculative=5" "$tmp/o"'
# the start, line order and restarts of dsice (issue 17)
usage "start: found .middle.; expected one of: centre,random,design,center" check ../configs/demo.yaml --set strategy=dsice --set start=middle
usage "design_points: found '0'; expected auto or a whole number from 1" check ../configs/demo.yaml --set strategy=dsice --set design_points=0
usage "wave: found 'many'; expected auto or a whole number from 0" check ../configs/demo.yaml --set strategy=dsice --set wave=many
usage "line_order: found 'best'; expected one of: given,predicted" check ../configs/demo.yaml --set strategy=dsice --set line_order=best
usage "restarts: found '-1'; expected auto or a whole number from 0" check ../configs/demo.yaml --set strategy=dsice --set restarts=-1
usage "start: found .design.; expected one of: centre,random,center" check ../configs/demo.yaml --set strategy=dsice-seq --set start=design
"$ictune" check ../configs/demo.yaml --set strategy=dsice > "$tmp/o" 2>&1; rc=$?
ok "check: dsice's defaults named" '[ $rc = 0 ] && grep -q "start=design" "$tmp/o" && grep -q "line_order=predicted" "$tmp/o" && grep -q "restarts=auto" "$tmp/o"'
usage "run: one CONFIG expected, found also 'b.yaml'" run ../configs/demo.yaml b.yaml
usage "run: unknown option or missing value '--jobs'" run ../configs/demo.yaml --jobs
usage "--shuffle x: expected a whole number" simulate ../configs/demo.yaml --shuffle x
usage "--workers 0: expected a whole number" simulate ../configs/demo.yaml --workers 0
usage "--workers 3x: expected a whole number from 1 to 4096" topo --workers 3x
usage "topo: unknown option or missing value 'extra'" topo extra
usage "report: one FILE expected, found also 'b.h5'" report a.h5 b.h5
usage "check: unknown option or missing value '--bogus'" check ../configs/demo.yaml --bogus

# simulate: the same trajectory (the search's stages: rows of stage > 0,
# without the clock's columns) for 1 and 64 workers and any delivery order.
D=data/benchmark_hub
traj() { awk -F, 'NR > 1 && $2 != 0 { s = $1; for (i = 2; i <= NF - 4; i++) s = s "," $i; print s }' "$1"; }
for s in gemm_RTX_3090 pnpoly_RTX_3090 convolution_milo_A100; do
  for st in "dsice" "dsice --set line_search=full" "dsice-seq" "random --set max_evaluations=300"; do
    "$ictune" simulate $D/$s.yaml --table $D/$s.csv --set strategy=$st --workers 1 \
        --duration duration_s --trace "$tmp/t1" > "$tmp/o1" 2>&1; rc1=$?
    "$ictune" simulate $D/$s.yaml --table $D/$s.csv --set strategy=$st --workers 64 \
        --duration duration_s --trace "$tmp/t64" > "$tmp/o64" 2>&1; rc64=$?
    "$ictune" simulate $D/$s.yaml --table $D/$s.csv --set strategy=$st --shuffle 7 \
        --trace "$tmp/ts" --quiet > "$tmp/os" 2>&1; rcs=$?
    ok "simulate $s $st: exit 0" '[ $rc1 = 0 ] && [ $rc64 = 0 ] && [ $rcs = 0 ]'
    traj "$tmp/t1" > "$tmp/j1"; traj "$tmp/t64" > "$tmp/j64"; traj "$tmp/ts" > "$tmp/js"
    ok "simulate $s $st: trajectories equal" '[ -s "$tmp/j1" ] && cmp -s "$tmp/j1" "$tmp/j64" && cmp -s "$tmp/j1" "$tmp/js"'
    ok "simulate $s $st: trace has rows" '[ "$(wc -l < "$tmp/t1")" -gt 10 ]'
    ok "simulate $s $st: JSON last line" 'tail -n 1 "$tmp/o64" | grep -q "^{\"strategy\":\"[a-z-]*\",\"evaluations\":[0-9]*,\"excluded\":[0-9]*,\"infeasible\":[0-9]*,\"failed\":[0-9]*,\"stages\":[0-9]*,\"best\":[0-9.e+-]*,\"best_point\":{.*},\"table_best\":[0-9.e+-]*,\"makespan\":[0-9.e+-]*,\"busy_fraction\":[0-9.e+-]*"'
    ok "simulate $s $st: quiet prints only JSON" '[ "$(wc -l < "$tmp/os")" = 1 ]'
  done
done
# Restrictions on a measured space: no excluded point is ever evaluated, and
# the reference best is the best the restrictions allow (dsice finds it)
cp $D/gemm_RTX_3090.yaml "$tmp/gr.yaml"
echo 'restrictions: ["MWG * NWG <= 4096", "VWM <= VWN or SA == 1"]' >> "$tmp/gr.yaml"
"$ictune" simulate "$tmp/gr.yaml" --table $D/gemm_RTX_3090.csv --trace "$tmp/gr.csv" > "$tmp/gr.out" 2>&1; rc=$?
ok "simulate with restrictions: exit 0, the restricted optimum found" '[ $rc = 0 ] && grep -q "table best 6.72486 at MWG=64 NWG=64 .*found/best ratio 1.0000" "$tmp/gr.out"'
ok "simulate with restrictions: no excluded point in the trace" '[ "$(wc -l < "$tmp/gr.csv")" -gt 100 ] && [ -z "$(awk -F, "NR > 1 && (\$4 * \$5 > 4096 || (\$12 > \$13 && \$16 != 1))" "$tmp/gr.csv")" ]'
# GEMM: dsice finds the table's optimum; the trace header is as documented.
"$ictune" simulate $D/gemm_RTX_3090.yaml --table $D/gemm_RTX_3090.csv --trace "$tmp/t" > "$tmp/o" 2>&1
ok "gemm: dsice reaches the optimum" 'grep -q "found/best ratio 1.0000" "$tmp/o"'
ok "trace header" 'head -n 1 "$tmp/t" | grep -q "^order,stage,level,MWG,NWG,KWG,MDIMC,NDIMC,MDIMA,NDIMB,KWI,VWM,VWN,STRM,STRN,SA,SB,PRECISION,time,status,start,end,worker,speculative$"'
"$ictune" simulate $D/gemm_RTX_3090.yaml > "$tmp/o" 2>&1; rc=$?
ok "simulate without --table: exit 2" '[ $rc = 2 ]'
"$ictune" simulate $D/gemm_RTX_3090.yaml --table $D/pnpoly_RTX_3090.csv > "$tmp/o" 2>&1; rc=$?
ok "simulate with a foreign table: exit 2, names the column" '[ $rc = 2 ] && grep -q "no column for the parameter .MWG." "$tmp/o"'
"$ictune" simulate $D/gemm_RTX_3090.yaml --table $D/gemm_RTX_3090.csv --metric nope > "$tmp/o" 2>&1; rc=$?
ok "simulate with an unknown metric: exit 2" '[ $rc = 2 ] && grep -q "no column .nope." "$tmp/o"'

# The Kernel Tuner converter on a tiny cache (needs Debian's python3).
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 - "$tmp/kt.json.gz" <<'PY'
import gzip, json, sys
c = {"device_name": "Toy GPU", "kernel_name": "toy", "objective": "time",
     "tune_params_keys": ["bs", "tile", "mode"],
     "tune_params": {"bs": [32, 64], "tile": [1, 2], "mode": ["a b", "c"]},
     "cache": {}}
for bs in [32, 64]:
    for tile in [1, 2]:
        for mode in ["a b", "c"]:
            if bs == 64 and tile == 2 and mode == "c":
                continue                      # a restriction
            t = "RuntimeFailedConfig" if (bs, tile, mode) == (32, 2, "c") else bs / 32 + tile
            c["cache"]["%s,%s,%s" % (bs, tile, mode)] = {"bs": bs, "tile": tile, "mode": mode,
                "time": t, "compile_time": 100.0, "benchmark_time": 400.0}
with gzip.open(sys.argv[1], "wt") as f:
    json.dump(c, f)
PY
    /usr/bin/python3 ../tools/kt2csv.py "$tmp/kt.json.gz" "$tmp/kt" > /dev/null; rc=$?
    ok "kt2csv: exit 0" '[ $rc = 0 ]'
    ok "kt2csv: header" 'head -n 1 "$tmp/kt.csv" | grep -q "^bs,tile,mode,time,compile_time,benchmark_time,duration_s$"'
    ok "kt2csv: 7 rows" '[ "$(wc -l < "$tmp/kt.csv")" = 8 ]'
    ok "kt2csv: failure kept as text" 'grep -q "^32,2,c,RuntimeFailedConfig,100.0,400.0,0.5$" "$tmp/kt.csv"'
    "$ictune" check "$tmp/kt.yaml" > "$tmp/o" 2>&1; rc=$?
    ok "kt2csv: config is valid" '[ $rc = 0 ] && grep -q "space: 8 combinations" "$tmp/o"'
    "$ictune" simulate "$tmp/kt.yaml" --table "$tmp/kt.csv" --set strategy=exhaustive > "$tmp/o" 2>&1; rc=$?
    ok "kt2csv: simulate counts the absent row as excluded and the string as failed" \
       '[ $rc = 0 ] && tail -n 1 "$tmp/o" | grep -q "\"evaluations\":7,\"excluded\":1,\"infeasible\":0,\"failed\":1,"'
    ok "kt2csv: best is bs=32 tile=1" 'grep -q "best time = 2 at bs=32 tile=1 mode=a b" "$tmp/o"'
else
    echo "note: /usr/bin/python3 missing; converter checks not run"
fi
# check: the command as it would run, the gpus setting, a program that
# is not there (a warning: the config is valid)
"$ictune" check ../configs/demo.yaml > "$tmp/demo.chk" 2>&1
ok "check: the command rendered at the centre" 'grep -q "^command (at the centre, as evaluation 0): sh tools/demo-objective.sh 10 0.5 blocked 0.05$" "$tmp/demo.chk"'
ok "check: the gpus setting" 'grep -q "^gpus: auto" "$tmp/demo.chk"'
sed 's|command: \["sh", "tools/demo-objective.sh"|command: ["pyhton3", "tools/demo-objective.sh"|' ../configs/demo.yaml > "$tmp/typo.yaml"
"$ictune" check "$tmp/typo.yaml" > "$tmp/typo.out" 2> "$tmp/typo.err"; rc=$?
ok "check: a program not on PATH is a warning with its place" '[ $rc = 0 ] && grep -q "warning: .*typo.yaml:6:10: command: .pyhton3. is not found on PATH" "$tmp/typo.err"'
printf 'name: t\ncommand: "pyhton3 -c 1; echo [ictune] v={x}"\nparameters: {x: [1]}\nobjective: {metric: v}\n' > "$tmp/typo2.yaml"
"$ictune" check "$tmp/typo2.yaml" > /dev/null 2> "$tmp/typo2.err"
ok "check: a shell string's first program too" 'grep -q "pyhton3. is not found on PATH" "$tmp/typo2.err"'
printf 'name: t\ncommand: "X=1 echo [ictune] v={x}"\nparameters: {x: [1]}\nobjective: {metric: v}\n' > "$tmp/ok2.yaml"
"$ictune" check "$tmp/ok2.yaml" > /dev/null 2> "$tmp/ok2.err"
ok "check: no warning for a builtin after an assignment" '[ ! -s "$tmp/ok2.err" ]'
echo "cli: $n checks, $fail failed"
[ $fail = 0 ]
