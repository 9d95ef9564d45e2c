#!/bin/sh
# overhead.sh [ICTUNE] [N] - the master's overhead with real processes (c):
# N evaluations of a trivial program (/bin/echo printing the result line,
# no shell) through one master with 1, 8 and 32 workers, under mpiexec and
# in local mode, with and without the HDF5 flush per row; against a plain
# loop that runs the same program N times (the floor). Prints markdown.
# Each run is made twice, with N/4 and N evaluations: "steady" is the
# difference (N - N/4 evaluations), so the start-up (config, results file,
# MPI) is not spread over the evaluations; "whole run" includes it.
ICTUNE=$(cd "$(dirname "${1:-build/tools/ictune}")" && pwd)/$(basename "${1:-build/tools/ictune}")
N=${2:-2000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_warn_on_fork=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
conf() {
cat > t.yaml <<YAML
name: trivial
output: t.h5
workdir: runs
command: ["/bin/echo", "[ictune] v={x}"]
parameters: {x: {from: 0, to: $(($1 - 1)), step: 1}}
objective: {metric: v}
search: {strategy: exhaustive, batch: 64}
YAML
}
Q=$((N / 4))
now() { date +%s.%N; }
t0=$(now)
i=0
while [ $i -lt $N ]; do /bin/echo "[ictune] v=$i" > /dev/null; i=$((i + 1)); done
t1=$(now)
floor=$(echo "$t1 $t0 $N" | awk '{ printf "%.6f", ($1 - $2) / $3 }')
echo "| how | workers | HDF5 flush | steady: evaluations/s | ms per evaluation | x plain loop (rate) | master CPU per evaluation | whole run: ms per evaluation | x plain loop (rate) |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '| plain loop (sh, the floor) | - | - | %.0f | %.3f | 1.00 | - | %.3f | 1.00 |\n' \
    "$(echo "$floor" | awk '{ print 1 / $1 }')" "$(echo "$floor" | awk '{ print 1000 * $1 }')" \
    "$(echo "$floor" | awk '{ print 1000 * $1 }')"
# one run of n evaluations: "wall cpu"
one() {
    conf $1
    rm -rf t.h5 runs
    t0=$(now)
    if [ $mode = local ]; then
        "$ICTUNE" run t.yaml --jobs $w --quiet --verbose > out.txt 2>&1
    else
        mpiexec -n $((w + 1)) --bind-to none -x ICTUNE_BENCH_NO_FLUSH "$ICTUNE" run t.yaml --quiet --verbose > out.txt 2>&1
    fi
    t1=$(now)
    grep -q "^finished: $1 evaluations" out.txt || { echo "run failed:" >&2; cat out.txt >&2; exit 1; }
    echo "$t1 $t0 $(sed -n 's/.*master CPU \([0-9.]*\) s.*/\1/p' out.txt)" | awk '{ printf "%.6f %s", $1 - $2, $3 }'
}
for mode in local mpi; do
    for w in 1 8 32; do
        for flush in yes no; do
            if [ $flush = no ]; then export ICTUNE_BENCH_NO_FLUSH=1; else unset ICTUNE_BENCH_NO_FLUSH; fi
            short=$(one $Q) || exit 1
            long=$(one $N) || exit 1
            echo "$short $long $N $Q $floor" | awk -v m="$mode" -v w=$w -v f=$flush '{
                per = ($3 - $1) / ($5 - $6); cpu = ($4 - $2) / ($5 - $6); whole = $3 / $5
                printf "| %s | %d | %s | %.0f | %.3f | %.2f | %.1f us | %.3f | %.2f |\n", (m == "mpi" ? "mpiexec" : "local pool"),
                       w, f, 1 / per, 1000 * per, $7 / per, 1e6 * cpu, 1000 * whole, $7 / whole }'
        done
    done
done
