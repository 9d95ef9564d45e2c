# lib.sh - shared by the shell tests: checks, a scratch folder, MPI as root.
# Sourced with ICTUNE set to the binary; tests run from tests/.
set -u
fail=0 n=0
TESTS=$(pwd)
tmp=$(mktemp -d /tmp/ictune-test.XXXXXX) || exit 1
trap 'cd /; rm -rf "$tmp"' EXIT
ok() { n=$((n + 1)); if ! eval "$2"; then echo "FAIL: $1"; fail=$((fail + 1)); fi; }
done_tests() { echo "$1: $n checks, $fail failed"; [ $fail = 0 ]; }
# Under LeakSanitizer (the ASan build's unit suite): hwloc's pci plugin
# (libpciaccess) leaks at exit from a module already unloaded, which LSan
# can neither name nor suppress; these tests need no PCI discovery.
case "${ASAN_OPTIONS:-}" in *detect_leaks=1*) export HWLOC_COMPONENTS=-pci ;; esac
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_warn_on_fork=0
command -v mpiexec > /dev/null || { echo "SKIP: mpiexec not found (apt-get install openmpi-bin)"; exit 77; }
MPIEXEC="mpiexec --bind-to none"
# rows FILE NP: the search's trajectory in FILE (NP parameters): stage,
# level, the point and the objective of each OK row the search took (stage
# > 0; speculative rows have their own ids), by stage and point
rows() {
    "$ICTUNE" report "$1" --csv "$1.rows.csv" --top 0 > /dev/null &&
    awk -F, -v np="$2" 'NR > 1 && $0 ~ /,OK,/ && $2 != 0 {
        s = $2 "," $3; for (i = 4; i < 4 + np + 1; i++) s = s "," $i; print s }' "$1.rows.csv" | sort
    rm -f "$1.rows.csv"
}
# once FILE NP: no point with two measured (not INTERRUPTED) rows
once() {
    "$ICTUNE" report "$1" --csv "$1.once.csv" --top 0 > /dev/null &&
    awk -F, -v np="$2" 'NR > 1 && $0 !~ /,INTERRUPTED,/ && $0 !~ /,FAILED,/ {
        s = ""; for (i = 4; i < 4 + np; i++) s = s "," $i; print s }' "$1.once.csv" | sort | uniq -d > "$1.dups"
    rm -f "$1.once.csv"
    [ ! -s "$1.dups" ] || { head -3 "$1.dups"; rm -f "$1.dups"; return 1; }
    rm -f "$1.dups"
}
# wait until no process matches the pattern (seconds)
gone() { i=0; while pgrep -f "$1" > /dev/null; do i=$((i + 1)); [ $i -gt $(( $2 * 10 )) ] && return 1; sleep 0.1; done; return 0; }
# write_kyaml FILE NAME [SEARCH [LINE...]]: the 15 x 10 x 3 space of
# programs/func.sh with dsice (SEARCH: its options, default full lines),
# results in NAME.h5 under runs/; each LINE is added as it is
write_kyaml() {
    _kf=$1 _kn=$2 _ko=${3:-line_search: full}     # globals in sh: prefixed
    shift 2
    [ $# -gt 0 ] && shift
    cat > "$_kf" <<YAML
name: $_kn
output: $_kn.h5
workdir: runs
command: ["sh", "$TESTS/programs/func.sh", "{x}", "{y}", "{k}"]
parameters:
  x: {from: 0, to: 14, step: 1}
  y: {from: 0, to: 9, step: 1}
  k: [a, b, c]
objective: {metric: f}
metrics: [g]
search: {strategy: dsice, $_ko}
YAML
    for _kl in "$@"; do echo "$_kl" >> "$_kf"; done
}
# the state of Slurm job $1; wait_state JOB TIMEOUT STATES...: until it is one
state() { scontrol show job -o "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
wait_state() {
    j=$1 t=$2; shift 2
    for i in $(seq $((t * 5))); do
        s=$(state "$j")
        for w in "$@"; do [ "$s" = "$w" ] && return 0; done
        sleep 0.2
    done
    echo "job $j: state '$s' after ${t}s, wanted $*"
    return 1
}
# The many-node tests' search (programs/node.sh over 21 x 6 points): m.yaml,
# and the reference run of it in one local process (ref.txt, ref.rows);
# okrows FILE: its OK rows as "x,y,f", sorted.
okrows() { "$ICTUNE" report "$1" --csv "$1.csv" --top 0 > /dev/null; awk -F, 'NR > 1 && $7 == "OK" { print $4 "," $5 "," $6 }' "$1.csv" | sort; }
mn_setup() {
    cat > m.yaml <<YAML
name: mn
output: mn.h5
workdir: runs
command: ["sh", "$TESTS/programs/node.sh", "{x}", "{y}"]
parameters:
  x: {from: 0, to: 20, step: 1}
  y: {from: 0, to: 5, step: 1}
objective: {metric: f}
search: {strategy: exhaustive, batch: 14}
YAML
    sed 's/^output: mn.h5/output: ref.h5/; s/^workdir: runs/workdir: ref-runs/' m.yaml > ref.yaml
    MN_LOG=$tmp/ref.log "$ICTUNE" run ref.yaml --jobs 2 --quiet > ref.txt 2>&1
    okrows ref.h5 > ref.rows
}
