#!/bin/sh
# kill_prog.sh X Y K - the kill campaign's program (bench/kill_campaign.py):
# logs "start EPOCH X Y K" to $KC_LOG, starts a helper that would live 30 s
# (a data loader, a server: it dies with the program's group when the
# program ends), sleeps $KC_SLEEP in a child of the shell (as every
# `sh -c` program's real work is), then prints the objective of
# tests/programs/func.sh. An orphan is any of these alive after a kill.
x=$1 y=$2 k=$3
echo "start $(date +%s.%N) $x $y $k" >> "$KC_LOG"
sleep 29.9 &
sleep "${KC_SLEEP:-0.31}"
awk -v x="$x" -v y="$y" -v k="$k" 'BEGIN {
    b = (k == "a") ? 0.7 : (k == "b") ? 0 : 0.3
    printf "[ictune] f=%.6f g=%.6f\n", (x - 11) ^ 2 / 30 + (y - 2) ^ 2 / 5 + b, x + y
}'
