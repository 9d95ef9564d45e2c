#!/bin/sh
# run_binding.sh ICTUNE - real binding on this machine: a topology file
# whose two PUs exist here (tests/data/topo/gpu2-thissystem.xml, marked as
# this system) with one GPU per package. Under mpiexec and in local mode
# each program runs on its GPU's CPU and sees only that GPU; the row
# records host, GPU and CPU set; the launcher's own CUDA_VISIBLE_DEVICES is
# respected; more workers than GPUs stops at start-up.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
[ "$(nproc --all)" -ge 2 ] || { echo "SKIP: needs PUs 0 and 1"; exit 77; }
grep -q '^Cpus_allowed_list:.*0-1\|^Cpus_allowed_list:.*0,1' /proc/self/status ||
    { echo "SKIP: this process may not use PUs 0 and 1"; exit 77; }
export HWLOC_XMLFILE=$TESTS/data/topo/gpu2-thissystem.xml HWLOC_THISSYSTEM=1
cd "$tmp"
cat > b.yaml <<YAML
name: bind
output: b.h5
command: ["sh", "$TESTS/programs/where.sh", "{x}"]
parameters: {x: [1, 2, 3, 4, 5, 6]}
objective: {metric: v}
metrics: [cpu, ncpu, cuda]
search: {strategy: exhaustive, batch: 6}
YAML
check_rows() { # how
    "$ICTUNE" report b.h5 --csv rows.csv --top 0 > /dev/null
    # id,stage,level,x,v,cpu,ncpu,cuda,status,attempt,exit,signal,worker,host,gpu,...
    ok "$1: 6 OK rows" '[ "$(grep -c ",OK," rows.csv)" = 6 ]'
    bad=$(awk -F, 'NR > 1 {
        if ($15 ~ /0000:10:00.0/) { want_cpu = 0; want_cuda = 0 }
        else if ($15 ~ /0000:90:00.0/) { want_cpu = 1; want_cuda = 1 }
        else { print "no GPU recorded: " $0; next }
        if ($6 != want_cpu || $8 != want_cuda || $7 != 1) print }' rows.csv)
    ok "$1: each program ran on its GPU's PU and saw only its GPU" '[ -z "$bad" ] || { echo "$bad"; false; }'
    ok "$1: both GPUs used" 'grep -q "0000:10:00.0" rows.csv && grep -q "0000:90:00.0" rows.csv'
    ok "$1: CUDA_DEVICE_ORDER=PCI_BUS_ID" 'grep -qr "order=PCI_BUS_ID" bind-runs/*/where.txt'
    ok "$1: host recorded" '[ "$(cut -d, -f14 rows.csv | sort -u | grep -vc host)" -ge 1 ]'
    ok "$1: cpuset recorded" 'h5dump -d /evaluations b.h5 | grep -q "\"0x00000002\""'
}
$MPIEXEC -n 3 "$ICTUNE" run b.yaml --progress 1000 > out.txt 2>&1; rc=$?
ok "mpi: exit 0" '[ $rc = 0 ] || { cat out.txt; false; }'
ok "mpi: the workers report their GPU" 'grep -q "worker 1: GPU NVIDIA H100 80GB HBM3 0000:10:00.0" out.txt && grep -q "worker 2: GPU NVIDIA H100 80GB HBM3 0000:90:00.0" out.txt'
check_rows mpi
rm -rf b.h5 runs
"$ICTUNE" run b.yaml --progress 1000 > out.txt 2>&1; rc=$?
ok "local: one program per GPU by default, exit 0" '[ $rc = 0 ] && grep -q "with 2 workers (local" out.txt'
check_rows local
rm -rf b.h5 runs
# the launcher already restricted the devices: never widened
CUDA_VISIBLE_DEVICES=1 $MPIEXEC -n 2 -x CUDA_VISIBLE_DEVICES "$ICTUNE" run b.yaml --quiet > out.txt 2>&1; rc=$?
"$ICTUNE" report b.h5 --csv rows.csv --top 0 > /dev/null
ok "CUDA_VISIBLE_DEVICES=1 set by the launcher: only GPU 1, on PU 1" \
   '[ $rc = 0 ] && [ "$(awk -F, "NR > 1 && \$8 == 1 && \$6 == 1" rows.csv | wc -l)" = 6 ]'
rm -rf b.h5 runs
CUDA_VISIBLE_DEVICES=1 $MPIEXEC -n 3 -x CUDA_VISIBLE_DEVICES "$ICTUNE" run b.yaml > out.txt 2>&1; rc=$?
ok "two workers for the one visible GPU: stops at start-up, says why" \
   '[ $rc != 0 ] && grep -q "2 workers on this node but 1 GPU" out.txt'
ok "... and nothing ran" '[ ! -d runs ] || [ -z "$(ls runs)" ]'
rm -rf b.h5 runs
$MPIEXEC -n 4 "$ICTUNE" run b.yaml > out.txt 2>&1; rc=$?
ok "3 workers, 2 GPUs: a clear error naming the way out" '[ $rc != 0 ] && grep -q "share: 2" out.txt'
rm -rf b.h5 runs
sed 's/^search:/gpus: {per_worker: 1, share: 2}\nsearch:/' b.yaml > s.yaml
$MPIEXEC -n 5 "$ICTUNE" run s.yaml --quiet > out.txt 2>&1; rc=$?
ok "4 workers with share: 2: runs" '[ $rc = 0 ] || { cat out.txt; false; }'
rm -rf b.h5 runs
sed 's/^search:/gpus: none\nsearch:/' b.yaml > n.yaml
$MPIEXEC -n 3 "$ICTUNE" run n.yaml --quiet > out.txt 2>&1; rc=$?
"$ICTUNE" report b.h5 --csv rows.csv --top 0 > /dev/null
ok "gpus: none: no GPU variable, no GPU recorded" '[ $rc = 0 ] && [ "$(awk -F, "NR > 1 && \$8 == -1 && \$15 == \"\"" rows.csv | wc -l)" = 6 ]'
"$ICTUNE" topo --json --workers 2 > topo.json
ok "topo --json: the documented keys" 'grep -q "^\[{\"worker\":0,\"gpu\":0,\"name\":\"NVIDIA H100 80GB HBM3\",\"pci_bus_id\":\"0000:10:00.0\",\"cpuset\":\"0x00000001\",\"cpus\":\"0\",\"numa\":\"0\",\"env\":{\"CUDA_VISIBLE_DEVICES\":\"0\",\"CUDA_DEVICE_ORDER\":\"PCI_BUS_ID\"}" topo.json'
done_tests run_binding
