#!/bin/sh
# repeat.sh ICTUNE [STARTS] - section (h): what `repeat` costs. The same
# number of starts of a trivial program (it prints one result line) three
# ways, one at a time (--jobs 1): 20 evaluations of repeat: 10; 200 single
# evaluations; and a plain shell loop starting the program 200 times (the
# baseline: what a user's own timing wrapper costs at least).
set -eu
ICT=${1:-build-bench/tools/ictune}
case "$ICT" in /*) ;; *) ICT="$(pwd)/$ICT" ;; esac
starts=${2:-2000}
evals=$((starts / 10))
w=$(mktemp -d /tmp/ictune-repeat.XXXXXX)
trap 'rm -rf "$w"' EXIT
cd "$w"
cat > rep.yaml <<Y
name: rep
command: ["sh", "-c", "echo [ictune] t=\$ICTUNE_SAMPLE"]
parameters: {x: {from: 1, to: $evals, step: 1}}
objective: {metric: t}
repeat: 10
search: {strategy: exhaustive}
gpus: none
Y
cat > one.yaml <<Y
name: one
command: ["sh", "-c", "echo [ictune] t=1"]
parameters: {x: {from: 1, to: $starts, step: 1}}
objective: {metric: t}
search: {strategy: exhaustive}
gpus: none
Y
now() { date +%s.%N; }
t0=$(now); "$ICT" run rep.yaml --jobs 1 -q > rep.out 2>&1; t1=$(now)
"$ICT" run one.yaml --jobs 1 -q > one.out 2>&1; t2=$(now)
i=0; while [ $i -lt $starts ]; do sh -c 'echo [ictune] t=1' > /dev/null; i=$((i + 1)); done; t3=$(now)
grep -q "finished: $evals evaluations (0 failed" rep.out
grep -q "finished: $starts evaluations (0 failed" one.out
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v s="$starts" -v e="$evals" 'BEGIN {
    r = b - a; o = c - b; l = d - c
    printf "%d starts of `sh -c '\''echo [ictune] t=1'\''`, one at a time (--jobs 1). Baseline: a shell loop starting the program %d times.\n\n", s, s
    printf "| how | wall time | per program start | vs the shell loop |\n|---|---|---|---|\n"
    printf "| %d evaluations with `repeat: 10` (median of 10, the spread recorded) | %.2f s | %.2f ms | %.2f |\n", e, r, 1000 * r / s, r / l
    printf "| %d evaluations, one run each | %.2f s | %.2f ms | %.2f |\n", s, o, 1000 * o / s, o / l
    printf "| the shell loop (baseline) | %.2f s | %.2f ms | 1.00 |\n", l, 1000 * l / s
    printf "\n`repeat: 10` costs %.2f of the time of the same number of single evaluations, and %.2f ms more than the shell loop per run. What a run costs ictune: two output files (stdout.K, stderr.K), the guard starting it, the result scan; on this machine creating a file in a run folder that already holds some took about 1 ms under strace, more than a new folder with its three files, so a repeated run is not cheaper than a single evaluation here. None of it is inside a measurement: wall_time runs from the start to the exit of each run, and a kernel times itself.\n", r / o, 1000 * (r - l) / s
}'
