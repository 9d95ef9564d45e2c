#!/bin/bash
# ictune on PBS Pro / OpenPBS: one large batch job that survives the
# wall-time limit.
#
#   qsub -v CONFIG=my.yaml[,ICTUNE_ARGS="--progress 300"] jobscripts/pbs.sh
#
# PBS passes no arguments to a job script: the config comes in CONFIG.
# Ranks: one per GPU plus the master. For N nodes with G GPUs each:
#   select=N:ncpus=C:ngpus=G:mpiprocs=G  and one more rank for the master
#   (here: the first chunk gets G+1 mpiprocs; edit to your site).
# PBS has no warning signal before the limit: ictune stops itself after the
# wall time minus ICTUNE_MARGIN seconds (--stop-after) with exit code 3.
#
# Edit these for your site:
#PBS -N ictune
#PBS -l select=1:ncpus=8:ngpus=4:mpiprocs=5
#PBS -l walltime=24:00:00
#PBS -j oe
#PBS -r n
##PBS -q gpu
##PBS -A myproject
#
# Environment (all optional; pass them with -v):
#   ICTUNE          the ictune binary (default: ictune on PATH)
#   ICTUNE_ARGS     more `ictune run` options
#   ICTUNE_WALLTIME the wall time in seconds (default: read from qstat)
#   ICTUNE_MARGIN   seconds kept before the limit (default 600)
#   ICTUNE_RESUBMIT resubmit when ictune stops resumably, at most this many
#                   times (default 0), depending on this job (afterany)
# Exit codes: 0 finished, 3 stopped early and resumable, 1 failed, 2 usage.
set -u
cd "${PBS_O_WORKDIR:-.}" || exit 1
CONFIG=${CONFIG:-}
if [ -z "$CONFIG" ]; then
    echo "usage: qsub -v CONFIG=my.yaml $0" >&2
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
ranks=${ICTUNE_RANKS:-$( [ -n "${PBS_NODEFILE:-}" ] && wc -l < "$PBS_NODEFILE" || echo 1)}
walltime=${ICTUNE_WALLTIME:-}
if [ -z "$walltime" ] && [ -n "${PBS_JOBID:-}" ]; then
    w=$(qstat -f "$PBS_JOBID" 2>/dev/null | sed -n 's/.*Resource_List.walltime = \([0-9:]*\).*/\1/p')
    [ -n "$w" ] && walltime=$(echo "$w" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
fi
stop=
[ -n "$walltime" ] && stop="--stop-after $(( walltime > MARGIN ? walltime - MARGIN : walltime / 2 ))"
echo "ictune job ${PBS_JOBID:-?}: $ranks ranks, config $CONFIG, results $output${resume:+ (resuming)}"

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
echo "ictune job ${PBS_JOBID:-?}: exit code $rc; $state"
if [ "$rc" = 3 ] && [ "$RESUBMIT" -gt 0 ] && [ -n "${PBS_JOBID:-}" ]; then
    next=$(qsub -W depend=afterany:"$PBS_JOBID" \
        -v "CONFIG=$CONFIG,ICTUNE=$ICTUNE,ICTUNE_RESUBMIT=$((RESUBMIT - 1)),ICTUNE_MARGIN=$MARGIN${ICTUNE_WALLTIME:+,ICTUNE_WALLTIME=$ICTUNE_WALLTIME}" \
        "${ICTUNE_JOBSCRIPT:-$0}")
    echo "ictune job: resubmitted as job $next ($((RESUBMIT - 1)) more allowed)"
fi
echo "results: $output (ictune report $output; h5dump -H $output)"
exit "$rc"
