#!/bin/sh
# overhead.sh [ICTUNE] [N] - the master's overhead with real processes (c):
# N evaluations of a trivial program (/bin/echo printing the result line,
# no shell) through one master with 1, 8 and 32 workers, under mpiexec and
# in local mode, with and without the HDF5 flush per row; against a plain
# loop that runs the same program N times (the floor). Prints markdown.
ICTUNE=$(cd "$(dirname "${1:-build/tools/ictune}")" && pwd)/$(basename "${1:-build/tools/ictune}")
N=${2:-2000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_warn_on_fork=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
cat > t.yaml <<YAML
name: trivial
output: t.h5
workdir: runs
command: ["/bin/echo", "[ictune] v={x}"]
parameters: {x: {from: 0, to: $((N - 1)), step: 1}}
objective: {metric: v}
search: {strategy: exhaustive, batch: 64}
YAML
now() { date +%s.%N; }
t0=$(now)
i=0
while [ $i -lt $N ]; do /bin/echo "[ictune] v=$i" > /dev/null; i=$((i + 1)); done
t1=$(now)
floor=$(echo "$t1 $t0 $N" | awk '{ printf "%.6f", ($1 - $2) / $3 }')
echo "| how | workers | HDF5 flush | evaluations/s | ms per evaluation | x plain loop | master CPU per evaluation |"
echo "|---|---|---|---|---|---|---|"
printf '| plain loop (sh, the floor) | - | - | %.0f | %.3f | 1.00 | - |\n' \
    "$(echo "$floor" | awk '{ print 1 / $1 }')" "$(echo "$floor" | awk '{ print 1000 * $1 }')"
for mode in local mpi; do
    for w in 1 8 32; do
        for flush in yes no; do
            rm -rf t.h5 runs
            if [ $flush = no ]; then export ICTUNE_BENCH_NO_FLUSH=1; else unset ICTUNE_BENCH_NO_FLUSH; fi
            t0=$(now)
            if [ $mode = local ]; then
                "$ICTUNE" run t.yaml --jobs $w --quiet > out.txt 2>&1
            else
                mpiexec -n $((w + 1)) --bind-to none -x ICTUNE_BENCH_NO_FLUSH "$ICTUNE" run t.yaml --quiet > out.txt 2>&1
            fi
            t1=$(now)
            grep -q "^finished: $N evaluations" out.txt || { echo "run failed:"; cat out.txt; exit 1; }
            cpu=$(sed -n 's/.*master CPU \([0-9.]*\) s.*/\1/p' out.txt)
            echo "$t1 $t0 $N $floor $cpu" | awk -v m="$mode" -v w=$w -v f=$flush '{
                per = ($1 - $2) / $3
                printf "| %s | %d | %s | %.0f | %.3f | %.2f | %.1f us |\n", (m == "mpi" ? "mpiexec" : "local pool"),
                       w, f, 1 / per, 1000 * per, per / $4, 1e6 * $5 / $3 }'
        done
    done
done
