# node_topo.sh - sourced with NODE set by the many-node tests: the topology of a
# real GPU node for each test node (HWLOC_XMLFILE), as each node of a
# cluster has its own. node1: 8 T4, node2: 2 P100, node3: 8 MI50-class.
# Needs NODE (node1..3) and TOPO set, TOPO to tests/data/topo/mpibind.
case $NODE in
node1) export HWLOC_XMLFILE=$TOPO/g4dnmetal.xml ;;
node2) export HWLOC_XMLFILE=$TOPO/cts1-pascal.xml ;;
node3) export HWLOC_XMLFILE=$TOPO/epyc-corona-p2.xml ;;
esac
