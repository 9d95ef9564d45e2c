#!/bin/sh
# where.sh X - report where this evaluation runs: the CPUs it may use
# (the first one as a number, and the count) and the GPU it may see.
cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
first=${cpus%%[-,]*}
n=$(awk -v l="$cpus" 'BEGIN { n = split(l, p, ","); c = 0
    for (i = 1; i <= n; i++) { if (split(p[i], r, "-") == 2) c += r[2] - r[1] + 1; else c++ }
    print c }')
echo "cpus=$cpus visible=${CUDA_VISIBLE_DEVICES:-none} order=${CUDA_DEVICE_ORDER:-none}" > "$ICTUNE_RUN_DIR/where.txt"
echo "[ictune] v=$1 cpu=$first ncpu=$n cuda=${CUDA_VISIBLE_DEVICES:--1}"
