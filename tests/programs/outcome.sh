#!/bin/sh
# outcome.sh MODE - a program that ends in the way MODE says, for the
# outcome tests: ok, segv, exit3, hang (and a grandchild that hangs too),
# silent, nan, garbage, big (100 MB on stdout, then a result), missing (a
# command that does not exist), infeasible, resultfile.
mode=$1
case "$mode" in
ok) echo "[ictune] score=1 rmse=1" ;;
segv) kill -SEGV $$ ;;
exit3) echo "about to fail" >&2; exit 3 ;;
hang) sh -c 'sleep 987' & sleep 986 ;;
silent) exit 0 ;;
nan) echo "[ictune] score=nan rmse=1" ;;
garbage) echo "[ictune] score=fast rmse=1" ;;
big) head -c 104857600 /dev/zero | tr '\0' 'x'; echo; echo "[ictune] score=2 rmse=1" ;;
missing) exec /nonexistent/ictune-test-program ;;
infeasible) echo "[ictune] score=0.5 rmse=99" ;;
resultfile) printf 'score=7\nrmse=2\nscore=3\n' > "$ICTUNE_RESULT_FILE" ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
