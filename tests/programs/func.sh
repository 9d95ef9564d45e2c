#!/bin/sh
# func.sh X Y K - a deterministic objective for the run tests:
# f = (X-11)^2/30 + (Y-2)^2/5 + bonus(K), printed with the result protocol
# ("[ictune] f=... g=..."). With $ICT_LAUNCH_LOG set it appends
# "start ID X Y K" before and "end ID X Y K" after its work, so tests can
# count launches; with $ICT_SLEEP it sleeps that long first.
x=$1 y=$2 k=$3
[ -n "${ICT_LAUNCH_LOG:-}" ] && echo "start $ICTUNE_EVAL_ID $x $y $k" >> "$ICT_LAUNCH_LOG"
[ -n "${ICT_SLEEP:-}" ] && sleep "$ICT_SLEEP"
awk -v x="$x" -v y="$y" -v k="$k" 'BEGIN {
    b = (k == "a") ? 0.7 : (k == "b") ? 0 : 0.3
    printf "[ictune] f=%.6f g=%.6f\n", (x - 11) ^ 2 / 30 + (y - 2) ^ 2 / 5 + b, x + y
}'
[ -n "${ICT_LAUNCH_LOG:-}" ] && echo "end $ICTUNE_EVAL_ID $x $y $k" >> "$ICT_LAUNCH_LOG"
exit 0
