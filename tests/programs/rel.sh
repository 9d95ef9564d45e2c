#!/bin/sh
# rel.sh MODE X - programs for the reliability tests (run_reliability.sh):
# each prints f = (X-3)^2 + 1 with the result protocol unless MODE says
# otherwise. pad: 64 KiB of stdout first (fills a small disk); env: checks
# that all 45 ICTUNE_PARAM_* and ICTUNE_PREPARE_DIR arrived; long: a value
# of 80 characters; many: 40 metrics before the objective; fifo: leaves a
# FIFO at $ICTUNE_RESULT_FILE; fds: lists its open files; hex, tiny: 0x10
# and 1e-999 as the objective; term: dies of SIGTERM; sleep: sleeps
# $REL_SLEEP (default 30) in a grandchild of the shell first.
mode=$1 x=${2:-0}
f=$(( (x - 3) * (x - 3) + 1 ))
case "$mode" in
ok) ;;
pad) head -c 65536 /dev/zero | tr '\0' 'p'; echo ;;
env) n=$(env | grep -c '^ICTUNE_PARAM_')
     [ "$n" = 45 ] || { echo "only $n ICTUNE_PARAM_ variables" >&2; exit 4; }
     [ -n "${ICTUNE_PREPARE_DIR:-}" ] || { echo "no ICTUNE_PREPARE_DIR" >&2; exit 5; }
     [ "$ICTUNE_PARAM_P44" = 44 ] || exit 6 ;;
long) echo "[ictune] f=1000000000000000000000000000000000000000000000000000000000000000000000000e-72"; exit 0 ;;
many) i=1; line="[ictune]"; while [ $i -le 40 ]; do line="$line m$i=$i"; i=$((i + 1)); done
      echo "$line f=$f"; exit 0 ;;
fifo) mkfifo "$ICTUNE_RESULT_FILE" ;;
fds) for fd in /proc/$$/fd/*; do readlink "$fd"; done ;;
hex) echo "[ictune] f=0x10"; exit 0 ;;
tiny) echo "[ictune] f=1e-999"; exit 0 ;;
term) kill -TERM $$ ;;
sleep) sleep "${REL_SLEEP:-30}" ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
echo "[ictune] f=$f"
