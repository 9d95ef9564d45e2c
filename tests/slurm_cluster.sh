#!/bin/bash
# slurm_cluster.sh start|stop DIR [NODES] - a real Slurm cluster for the
# e2e tests: munged, slurmctld and slurmd from Debian, no systemd, all state
# under DIR (nothing written to /etc/slurm). `start` prints the SLURM_CONF
# to export; `stop` kills the daemons it started and waits for them.
# NODES=1 (default): one node, localhost. NODES=3: node1 (3 CPUs), node2
# (2) and node3 (3) on this machine, one slurmd each in its own UTS
# namespace (its own host name) with its own port, spool, pid and log file
# (a per-node copy of the config; NO_CONF_HASH since the copies differ in
# those lines).
set -eu
cmd=$1 S=$2 NODES=${3:-1}
# conf FILE TAG CTLD-PORT EXTRA NODE-LINES: one slurm.conf
conf() {
    mkdir -p "$S/spool$2"
    cat > "$1" <<CONF
ClusterName=ictune-ci$NODES
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool$2
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd$2.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd$2.log
SlurmctldPort=$3
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=5
MinJobAge=600
$4
$5
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}
wait_idle() { # N: until N nodes are idle
    for i in $(seq 150); do
        [ "$(timeout 2 sinfo -h -N -o %T 2>/dev/null | grep -c '^idle')" = "$1" ] &&
            { echo "$SLURM_CONF"; exit 0; }
        sleep 0.2
    done
    echo "slurm ($1 node(s)) did not come up; logs in $S/log" >&2
    exit 1
}
case "$cmd" in
start)
    mkdir -p "$S/etc" "$S/state" "$S/log"
    if ! munge -n 2>/dev/null | unmunge > /dev/null 2>&1; then
        install -d -o munge -g munge -m 0755 /run/munge
        [ -f /etc/munge/munge.key ] || { echo "no /etc/munge/munge.key" >&2; exit 1; }
        runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
        echo started > "$S/munged.ours"
    fi
    if [ "$NODES" = 3 ]; then
        nodes="NodeName=node1 NodeAddr=127.0.0.1 Port=16901 CPUs=3 State=UNKNOWN
NodeName=node2 NodeAddr=127.0.0.1 Port=16902 CPUs=2 State=UNKNOWN
NodeName=node3 NodeAddr=127.0.0.1 Port=16903 CPUs=3 State=UNKNOWN"
        for n in 0 1 2 3; do
            conf "$S/etc/slurm$n.conf" "$n" 16827 DebugFlags=NO_CONF_HASH "$nodes"
        done
        export SLURM_CONF=$S/etc/slurm0.conf
    else
        conf "$S/etc/slurm.conf" "" 16817 SlurmdPort=16818 \
            "NodeName=localhost NodeAddr=127.0.0.1 CPUs=16 State=UNKNOWN"
        export SLURM_CONF=$S/etc/slurm.conf
    fi
    slurmctld -D -i > "$S/log/slurmctld.out" 2>&1 &
    echo $! > "$S/slurmctld.bgpid"
    if [ "$NODES" = 3 ]; then
        for n in 1 2 3; do
            SLURM_CONF=$S/etc/slurm$n.conf unshare --uts sh -c \
                "hostname node$n; exec slurmd -D -N node$n" > "$S/log/slurmd$n.out" 2>&1 &
            echo $! > "$S/slurmd$n.bgpid"
        done
        wait_idle 3
    fi
    slurmd -D -N localhost > "$S/log/slurmd.out" 2>&1 &
    echo $! > "$S/slurmd.bgpid"
    wait_idle 1
    ;;
stop)
    for d in slurmd slurmd1 slurmd2 slurmd3 slurmctld; do
        [ -f "$S/$d.bgpid" ] && kill -TERM "$(cat "$S/$d.bgpid")" 2>/dev/null || true
    done
    for d in slurmd slurmd1 slurmd2 slurmd3 slurmctld; do
        [ -f "$S/$d.bgpid" ] || continue
        p=$(cat "$S/$d.bgpid")
        for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
    done
    if [ -f "$S/munged.ours" ] && [ -f /run/munge/munged.pid ]; then
        p=$(cat /run/munge/munged.pid)
        kill -TERM "$p" 2>/dev/null || true
        for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
esac
