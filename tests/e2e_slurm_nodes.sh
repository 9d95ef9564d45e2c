#!/bin/bash
# e2e_slurm_nodes.sh ICTUNE - jobscripts/slurm.sbatch with -N 3 on a real
# three-node Slurm cluster on this machine (slurm_cluster.sh start DIR 3:
# one slurmd per UTS namespace). ICTUNE points at a wrapper that gives
# each node a real GPU node's topology (node1: 8 T4, node2: 2 P100,
# node3: 8 MI50-class), as each node of a cluster has its own. Checks:
# each worker's node and GPU, the vendor variable, a scancel mid-run and a
# resubmission giving the uninterrupted result, nothing finished run twice.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
for b in sbatch scancel scontrol slurmctld slurmd munged unshare; do
    command -v $b > /dev/null || { echo "SKIP: $b not found (apt-get install slurmctld slurmd slurm-client munge)"; exit 77; }
done
S=$tmp/slurm
cleanup() { bash "$TESTS/slurm_cluster.sh" stop "$S"; cd /; rm -rf "$tmp"; }
trap cleanup EXIT
SLURM_CONF=$(bash "$TESTS/slurm_cluster.sh" start "$S" 3) || { echo "FAIL: slurm (3 nodes) did not start"; exit 1; }
export SLURM_CONF
cd "$tmp"
cat > ictw <<W
#!/bin/sh
# ictune with this node's topology
NODE=\$(hostname) TOPO=$TESTS/data/topo/mpibind . $TESTS/programs/node_topo.sh
exec "$ICTUNE" "\$@"
W
chmod +x ictw
mn_setup
export ICTUNE=$tmp/ictw MN_LOG=$tmp/launch.log MN_SLEEP=0.25
SB="$TESTS/../jobscripts/slurm.sbatch"
ok "3 nodes idle" '[ "$(sinfo -h -N -o "%N %T" | tr "\n" " ")" = "node1 idle node2 idle node3 idle " ]'
j1=$(sbatch --parsable -N 3 -n 8 -t 5 -o "$tmp/job-%j.out" "$SB" m.yaml --progress 1000)
ok "job $j1 runs on node[1-3]" 'wait_state $j1 30 RUNNING && scontrol show job -o $j1 | grep -q "NodeList=node\[1-3\]"'
for i in $(seq 150); do [ "$(cat launch.log 2>/dev/null | wc -l)" -ge 30 ] && break; sleep 0.1; done
scancel "$j1"
ok "scancel: job $j1 cancelled" 'wait_state $j1 30 CANCELLED'
ok "scancel: no program or rank left on any node" 'gone "programs/node.sh" 10 && gone "ictw run m.yaml" 10 && gone "ictune run m.yaml" 10'
okrows mn.h5 > before.rows
cp launch.log before.log
ok "some rows before the cancel" '[ "$(wc -l < before.rows)" -ge 7 ] && [ "$(wc -l < before.rows)" -lt 126 ] || { cat job-$j1.out; false; }'
j2=$(sbatch --parsable -N 3 -n 8 -t 5 -o "$tmp/job-%j.out" "$SB" m.yaml --progress 1000)
ok "resubmitted job $j2 completes" 'wait_state $j2 120 COMPLETED || { cat job-$j2.out; false; }'
ok "it resumed" 'grep -q "(resuming)" job-$j2.out && grep -q "exit code 0" job-$j2.out'
ok "cancel + resubmit over 3 nodes = uninterrupted" 'okrows mn.h5 | cmp -s - ref.rows || { okrows mn.h5 | diff - ref.rows | head; false; }'
tail -n +$(( $(wc -l < before.log) + 1 )) launch.log | awk '{ print $5 "," $6 }' | sort > again.txt
cut -d, -f1,2 before.rows | sort > done.txt
ok "nothing finished was run twice" '[ -z "$(comm -12 again.txt done.txt)" ] || { comm -12 again.txt done.txt | head; false; }'
"$ICTUNE" report mn.h5 --csv rows.csv --top 0 > /dev/null
ok "rows: worker -> node as Slurm placed the ranks (3, 2, 3)" '[ "$(awk -F, "NR > 1 { print \$11, \$12 }" rows.csv | sort -u | tr "\n" " ")" = "1 node1 2 node1 3 node2 4 node2 5 node3 6 node3 7 node3 " ]'
awk '{ print $2, $3, $4 }' launch.log | sort -u > seen.txt
ok "each node's programs see that node's GPUs, numbered from 0 per node" '[ "$(tr "\n" " " < seen.txt)" = "node1 0 none node1 1 none node2 0 none node2 1 none node3 none 0 node3 none 1 node3 none 2 " ] || { cat seen.txt; false; }'
ok "no two workers of a node share a GPU; the GPU is its node's" '[ "$(awk -F, "NR > 1 { print \$12, \$13 }" rows.csv | sort -u | wc -l)" = 7 ] && ! awk -F, "NR > 1 && !((\$12 == \"node1\" && \$13 ~ /T4/) || (\$12 == \"node2\" && \$13 ~ /P100/) || (\$12 == \"node3\" && \$13 ~ /Vega 20/))" rows.csv | grep -q .'
for i in $(seq 50); do squeue -h 2>/dev/null | grep -q . || break; sleep 0.2; done
ok "no job left in the queue" '[ -z "$(squeue -h 2>/dev/null)" ]'
done_tests e2e_slurm_nodes
