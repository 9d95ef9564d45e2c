#!/bin/sh
# demo-objective.sh - the demo's "expensive program": a known function of
# its parameters, reported with the result protocol.
#   demo-objective.sh X Y KERNEL [SLEEP] [FAIL_EVERY]
# loss = (X-13)^2/40 + (Y-0.3)^2*4 + penalty(KERNEL); the optimum is
# X=13, Y=0.3, KERNEL=tiled. It sleeps SLEEP seconds (default 0) and, when
# FAIL_EVERY > 0, fails on purpose (exit 3) for points where
# (X*10 + Y*100) is a multiple of FAIL_EVERY.
x=$1 y=$2 k=$3 sleep=${4:-0} fail=${5:-0}
[ "$sleep" != 0 ] && sleep "$sleep"
exec awk -v x="$x" -v y="$y" -v k="$k" -v f="$fail" 'BEGIN {
    if (f > 0 && (int(x * 10 + y * 100 + 0.5) % f) == 0) {
        print "failing on purpose" > "/dev/stderr"; exit 3
    }
    p = (k == "naive") ? 1.5 : (k == "blocked") ? 0.4 : 0
    loss = (x - 13) ^ 2 / 40 + (y - 0.3) ^ 2 * 4 + p
    printf "[ictune] loss=%.6f cost=%.3f\n", loss, x * (1 + y)
}'
