#!/bin/sh
# node.sh X Y - for the many-node test: logs "ID HOST CUDA ROCR X Y" (the
# node this evaluation runs on and the GPUs it may see) to $MN_LOG, sleeps
# $MN_SLEEP, prints f = (X-7)^2 + (Y-2)^2.
echo "$ICTUNE_EVAL_ID $(hostname) ${CUDA_VISIBLE_DEVICES:-none} ${ROCR_VISIBLE_DEVICES:-none} $1 $2" >> "$MN_LOG"
[ -n "${MN_SLEEP:-}" ] && sleep "$MN_SLEEP"
echo "[ictune] f=$(( ($1 - 7) * ($1 - 7) + ($2 - 2) * ($2 - 2) ))"
