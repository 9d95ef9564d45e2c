#!/bin/sh
# kill_prog.sh X Y K - the kill campaign's program (bench/kill_campaign.py):
# logs "start EPOCH X Y K" to $KC_LOG, sleeps $KC_SLEEP in a child of the
# shell (an orphan candidate, as every `sh -c` program's real work is),
# then prints the objective of tests/programs/func.sh.
x=$1 y=$2 k=$3
echo "start $(date +%s.%N) $x $y $k" >> "$KC_LOG"
sleep "${KC_SLEEP:-0.31}"
awk -v x="$x" -v y="$y" -v k="$k" 'BEGIN {
    b = (k == "a") ? 0.7 : (k == "b") ? 0 : 0.3
    printf "[ictune] f=%.6f g=%.6f\n", (x - 11) ^ 2 / 30 + (y - 2) ^ 2 / 5 + b, x + y
}'
