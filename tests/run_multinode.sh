#!/bin/sh
# run_multinode.sh ICTUNE - one MPI job over three "nodes" on this machine:
# each node is a UTS namespace with its own host name and a real GPU
# node's topology (HWLOC_XMLFILE), started by Open MPI through an rsh agent
# (unshare --uts), as on a cluster. node1: 8 T4 (the master and 2
# workers), node2: 2 P100 (2 workers, no master), node3: 8 AMD MI50-class
# (3 workers). Checks: node-local worker numbering and GPU choice per node,
# the host and GPU in every row, the vendor's visibility variable each
# program sees, the refusal when a node has more workers than GPUs (naming
# it), and node3 killed mid-run, then --resume over all three: the
# uninterrupted result, nothing finished run twice.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
command -v unshare > /dev/null && command -v nsenter > /dev/null ||
    { echo "SKIP: unshare/nsenter not found (util-linux)"; exit 77; }
unshare --uts true 2> /dev/null || { echo "SKIP: cannot make UTS namespaces (needs root)"; exit 77; }
cd "$tmp"
cat > agent <<AGENT
#!/bin/sh
# Open MPI's rsh agent: \$1 is the node, the rest what to run there
h=\$1; shift
NODE=\$h TOPO=$TESTS/data/topo/mpibind . $TESTS/programs/node_topo.sh
exec unshare --uts sh -c "hostname \$h; exec sh -c \"\\\$0\"" "\$*"
AGENT
chmod +x agent
printf 'node1 slots=3\nnode2 slots=2\nnode3 slots=3\n' > hosts
mn() { # mn HOSTFILE NRANKS ARGS...: the 3-node job
    _h=$1 _n=$2
    shift 2
    $MPIEXEC --hostfile "$_h" -n "$_n" --mca plm_rsh_agent ./agent \
        --mca plm_rsh_no_tree_spawn 1 "$ICTUNE" run "$@"
}
mn_setup
export MN_LOG=$tmp/launch.log

# ---- a whole run over 3 nodes ---------------------------------------
mn hosts 8 m.yaml > run.txt 2>&1; rc=$?
ok "3 nodes: the run finishes" '[ $rc = 0 ] && grep -q "^finished: 126 evaluations" run.txt || { cat run.txt; false; }'
ok "3 nodes: the same result as one process" '[ "$(grep ^best run.txt)" = "$(grep ^best ref.txt)" ] && okrows mn.h5 | cmp -s - ref.rows'
# id,stage,level,x,y,f,status,attempt,exit_code,signal,worker,host,gpu,...
"$ICTUNE" report mn.h5 --csv rows.csv --top 0 > /dev/null
ok "every row records its worker's node" 'awk -F, "NR > 1 { print \$11, \$12 }" rows.csv | sort -u > wh.txt; [ "$(cat wh.txt | tr "\n" " ")" = "1 node1 2 node1 3 node2 4 node2 5 node3 6 node3 7 node3 " ] || { cat wh.txt; false; }'
ok "the host in each row is where the program ran" 'bad=$(awk -F, "NR == FNR { h[\$1] = \$2; next } FNR > 1 && h[\$1] != \$12 { print }" FS=" " launch.log FS=, rows.csv); [ -z "$bad" ] || { echo "$bad" | head; false; }'
# worker -> the GPU it saw, per node; workers numbered from 0 on each node
# after the master (node1) or from the node's first rank (node2, node3)
awk '{ print $2, $3, $4 }' launch.log | sort -u > seen.txt
awk -F, 'NR > 1 { print $1, $11 }' rows.csv | sort > idw.txt
ok "node1 (with the master): workers 1, 2 see T4 0 and 1 (CUDA)" 'grep -qx "node1 0 none" seen.txt && grep -qx "node1 1 none" seen.txt && [ "$(grep -c ^node1 seen.txt)" = 2 ]'
ok "node2 (no master): workers 3, 4 see P100 0 and 1 (CUDA)" 'grep -qx "node2 0 none" seen.txt && grep -qx "node2 1 none" seen.txt && [ "$(grep -c ^node2 seen.txt)" = 2 ]'
ok "node3 (AMD): workers 5-7 see MI50 0, 1, 2 (ROCR)" 'grep -qx "node3 none 0" seen.txt && grep -qx "node3 none 1" seen.txt && grep -qx "node3 none 2" seen.txt && [ "$(grep -c ^node3 seen.txt)" = 3 ]'
ok "each worker keeps one GPU; no two workers of a node share one" '[ "$(awk -F, "NR > 1 { print \$11, \$13 }" rows.csv | sort -u | wc -l)" = 7 ] && [ "$(awk -F, "NR > 1 { print \$12, \$13 }" rows.csv | sort -u | wc -l)" = 7 ]'
ok "the GPU recorded is one of its node's" '! awk -F, "NR > 1 && !((\$12 == \"node1\" && \$13 ~ /T4/) || (\$12 == \"node2\" && \$13 ~ /P100/) || (\$12 == \"node3\" && \$13 ~ /Vega 20/))" rows.csv | grep -q .'
ok "start-up names each worker's node GPU" 'grep -q "worker 3: GPU Tesla P100" run.txt && grep -q "worker 5: GPU Vega 20" run.txt'

# ---- more workers than GPUs on one node: refused, the node named ------
printf 'node1 slots=3\nnode2 slots=3\nnode3 slots=3\n' > hosts9
mn hosts9 9 m.yaml --resume > refuse.txt 2>&1; rc=$?
ok "node2 with 3 workers and 2 GPUs: refused, node named" '[ $rc != 0 ] && grep -q "on node2: 3 workers on this node but 2 GPUs" refuse.txt || { cat refuse.txt; false; }'

# ---- node3 fails mid-run; resume over all three -----------------------
rm -rf mn.h5 runs launch.log
MN_SLEEP=0.25 mn hosts 8 m.yaml --quiet > kill.txt 2>&1 &
job=$!
i=0; while [ "$(cat launch.log 2>/dev/null | grep -c node3)" -lt 6 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
# every process of node3, as a node failure
for p in $(pgrep -f "ictune run m.yaml|orted|ict-guard|programs/node.sh"); do
    [ "$(nsenter -t "$p" -u hostname 2>/dev/null)" = node3 ] && kill -9 "$p" 2>/dev/null
done
wait $job; rc=$?
ok "node3 killed: the job ends (not 0)" '[ $rc != 0 ]'
ok "... nothing of it left running" 'gone "ictune run m.yaml" 10 && gone "programs/node.sh" 5 || { ps -ef | grep -E "m.yaml|node.sh|ict-guard" | grep -v grep; false; }'
okrows mn.h5 > before.rows
ok "... some rows were written before" '[ "$(wc -l < before.rows)" -ge 6 ] && [ "$(wc -l < before.rows)" -lt 126 ]'
cp launch.log before.log
mn hosts 8 m.yaml --resume --quiet > resume.txt 2>&1; rc=$?
ok "resume over the three nodes finishes" '[ $rc = 0 ] || { cat resume.txt; false; }'
ok "resume: the uninterrupted result" 'okrows mn.h5 | cmp -s - ref.rows && [ "$(grep ^best resume.txt)" = "$(grep ^best ref.txt)" ]'
# points finished before the kill never start again
tail -n +$(( $(wc -l < before.log) + 1 )) launch.log | awk '{ print $5 "," $6 }' | sort > again.txt
cut -d, -f1,2 before.rows | sort > done.txt
ok "nothing finished was run twice" '[ -z "$(comm -12 again.txt done.txt)" ] || { comm -12 again.txt done.txt | head; false; }'
done_tests run_multinode
