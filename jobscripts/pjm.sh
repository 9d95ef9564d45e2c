#!/bin/bash
# ictune on Fujitsu PJM (the job manager of Flow and Fugaku-class systems):
# one large batch job that survives the elapse limit.
#
#   pjsub -x CONFIG=my.yaml jobscripts/pjm.sh
#
# PJM passes no arguments: the config comes in CONFIG (-x NAME=value).
# Ranks: one per GPU plus the master: --mpi "proc=" is the number of GPUs
# of all nodes plus one. PJM sends no warning signal before the limit:
# ictune stops itself ICTUNE_MARGIN seconds before the elapse time
# (--stop-after) with exit code 3.
#
# Edit these for your site (resource group, GPUs, elapse):
#PJM -L "rscgrp=cx-small"
#PJM -L "node=1"
#PJM -L "elapse=24:00:00"
#PJM --mpi "proc=5"
#PJM -j
#PJM -S
##PJM -g mygroup
#
# Environment (pass with -x NAME=value):
#   ICTUNE          the ictune binary (default: ictune on PATH)
#   ICTUNE_ARGS     more `ictune run` options
#   ICTUNE_WALLTIME the elapse limit in seconds (default: this script's
#                   #PJM -L "elapse=..." line)
#   ICTUNE_MARGIN   seconds kept before the limit (default 600)
#   ICTUNE_RESUBMIT resubmit when ictune stops resumably, at most this many
#                   times (default 0)
# Exit codes: 0 finished, 3 stopped early and resumable, 1 failed, 2 usage.
set -u
cd "${PJM_O_WORKDIR:-.}" || exit 1
CONFIG=${CONFIG:-}
if [ -z "$CONFIG" ]; then
    echo "usage: pjsub -x CONFIG=my.yaml $0" >&2
    exit 2
fi
ICTUNE=${ICTUNE:-ictune}
RESUBMIT=${ICTUNE_RESUBMIT:-0}
MARGIN=${ICTUNE_MARGIN:-600}
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

output=$("$ICTUNE" check "$CONFIG" | sed -n 's/^output: \(.*\), workdir: .*/\1/p')
[ -n "$output" ] || { "$ICTUNE" check "$CONFIG" >&2; exit 2; }
resume=
[ -e "$output" ] && resume=--resume
ranks=${ICTUNE_RANKS:-${PJM_MPI_PROC:-1}}
walltime=${ICTUNE_WALLTIME:-}
if [ -z "$walltime" ]; then
    w=$(sed -n 's/^#PJM -L "elapse=\([0-9:]*\)".*/\1/p' "${ICTUNE_JOBSCRIPT:-$0}" | head -n 1)
    [ -n "$w" ] && walltime=$(echo "$w" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
fi
stop=
[ -n "$walltime" ] && stop="--stop-after $(( walltime > MARGIN ? walltime - MARGIN : walltime / 2 ))"
echo "ictune job ${PJM_JOBID:-?}: $ranks ranks, config $CONFIG, results $output${resume:+ (resuming)}"

over=
[ "$ranks" -gt "$(nproc)" ] && over=--oversubscribe
trap 'kill -USR1 "$pid" 2>/dev/null' USR1 TERM
# shellcheck disable=SC2086
mpiexec -n "$ranks" --bind-to none $over "$ICTUNE" run "$CONFIG" $resume $stop ${ICTUNE_ARGS:-} &
pid=$!
rc=0
wait "$pid" || rc=$?
while kill -0 "$pid" 2>/dev/null; do rc=0; wait "$pid" || rc=$?; done
state=$("$ICTUNE" report "$output" --status 2>&1)
src=$?
[ "$rc" != 0 ] && [ "$rc" != 2 ] && [ -e "$output" ] && rc=$src
echo "ictune job ${PJM_JOBID:-?}: exit code $rc; $state"
if [ "$rc" = 3 ] && [ "$RESUBMIT" -gt 0 ]; then
    # submitted as this job ends: the next one starts after it
    next=$(pjsub -x "CONFIG=$CONFIG,ICTUNE=$ICTUNE,ICTUNE_RESUBMIT=$((RESUBMIT - 1)),ICTUNE_MARGIN=$MARGIN${ICTUNE_WALLTIME:+,ICTUNE_WALLTIME=$ICTUNE_WALLTIME}" \
        "${ICTUNE_JOBSCRIPT:-$0}")
    echo "ictune job: resubmitted: $next ($((RESUBMIT - 1)) more allowed)"
fi
echo "results: $output (ictune report $output; h5dump -H $output)"
exit "$rc"
