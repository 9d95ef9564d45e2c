#!/bin/sh
# restrictions.sh BUILD - section (g): the cost of restrictions over 10^7
# points (bench/restrict_bench.c), and the peer's (bench/restrict_peer.py).
set -eu
b=${1:-build-bench}
c=$("$b/bench/restrict_bench" 3)
printf '%s\n' "$c"
hand=$(printf '%s\n' "$c" | sed -n 's/^| the same test written by hand in C (baseline) | \([0-9.]*\) s.*/\1/p')
/usr/bin/python3 bench/restrict_peer.py 1000000 | awk -v hand="$hand" -F'|' '{
    split($3, t, " "); printf "|%s|%s|%s| %.0f |\n", $2, $3, $4, t[1] / hand }'
