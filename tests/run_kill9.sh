#!/bin/sh
# run_kill9.sh ICTUNE - crash safety: SIGKILL the whole MPI job (mpiexec,
# ranks, programs, as a scheduler would) at 20 random moments, resuming
# after each, then kill -9 only the master rank, then only one worker rank:
# after every kill h5dump reads the file; at the end the evaluations and
# the best point equal an uninterrupted run's, no point has two final
# results, and every launch is accounted for (at most the runs in flight
# at a kill are lost).
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
command -v setsid > /dev/null || { echo "SKIP: setsid not found"; exit 77; }
cd "$tmp"
write_kyaml k.yaml k
"$ICTUNE" run k.yaml --jobs 3 --quiet > ref.txt 2>&1
rows k.h5 3 > ref.rows
rm -rf k.h5 runs
export ICT_SLEEP=0.5 ICT_LAUNCH_LOG=$tmp/launch.log
kills=0 finished=0 seed=7
resume=""
run_bg() { setsid $MPIEXEC -n 4 "$ICTUNE" run k.yaml $resume --quiet > seg.txt 2>&1 & pid=$!; }
rank_pid() { # the pid of MPI rank $1 of this job
    for p in $(pgrep -f "ictune run k.yaml"); do
        tr '\0' '\n' < /proc/$p/environ 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1" && { echo $p; return; }
    done
}
for i in $(seq 1 20); do
    run_bg
    seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
    delay=$(awk -v s=$seed 'BEGIN { printf "%.2f", 0.4 + (s % 1000) / 1000 * 1.0 }')
    sleep "$delay"
    if ! kill -0 $pid 2>/dev/null; then wait $pid; finished=1; break; fi
    # everything of the job at once, as a scheduler does (the ranks are in
    # mpiexec's session, not in its process group)
    pkill -9 -s $pid 2>/dev/null
    wait $pid 2>/dev/null
    kills=$((kills + 1))
    ok "kill $i: no rank or program outlives the job" 'gone "ictune run k.yaml" 10 && gone "programs/func.sh" 5'
    [ -f k.h5 ] && ok "kill $i: h5dump reads the file" 'h5dump k.h5 > /dev/null 2>&1'
    [ -f k.h5 ] && resume=--resume
done
ok "at least 15 kills happened before the end ($kills)" '[ $kills -ge 15 ]'
# now only the master rank, then only one worker rank
for victim in 0 2; do
    run_bg
    sleep 1.2
    rp=$(rank_pid $victim)
    if [ -n "$rp" ]; then
        kill -9 "$rp"
        wait $pid 2>/dev/null
        kills=$((kills + 1))
        ok "kill -9 of rank $victim: the job ends, nothing left running" 'gone "ictune run k.yaml" 10 && gone "programs/func.sh" 5'
        ok "kill -9 of rank $victim: h5dump reads the file" 'h5dump k.h5 > /dev/null 2>&1'
    else
        wait $pid
    fi
    resume=--resume
done
# finish
unset ICT_SLEEP
for i in 1 2 3; do
    $MPIEXEC -n 4 "$ICTUNE" run k.yaml --resume --quiet > last.txt 2>&1 && break
done
ok "the last resume finishes" 'grep -q "^finished" last.txt || { cat last.txt; false; }'
rows k.h5 3 > got.rows
ok "after $kills kills: the same evaluations and values as uninterrupted" 'cmp -s ref.rows got.rows || { diff ref.rows got.rows | head; false; }'
ok "the same best point" '[ "$(grep "^best" ref.txt)" = "$(grep "^best" last.txt)" ]'
"$ICTUNE" report k.h5 --csv all.csv --top 0 > /dev/null
ok "no point has two final results" '[ "$(awk -F, "NR>1 && \$8==\"OK\" {print \$4,\$5,\$6}" all.csv | sort | uniq -d | wc -l)" = 0 ]'
starts=$(grep -c "^start" launch.log)
nrows=$(awk -F, 'NR>1' all.csv | wc -l)
ok "launches ($starts) - rows ($nrows) <= 3 workers x $kills kills" '[ $((starts - nrows)) -ge 0 ] && [ $((starts - nrows)) -le $((3 * kills)) ]'
# per point: launches beyond its rows were lost to kills, at most one each
awk '$1 == "start" { print $3 "," $4 "," $5 }' launch.log | sort | uniq -c | awk '{ print $2 "," $1 }' | sort > starts.txt
awk -F, 'NR > 1 { print $4 "," $5 "," $6 }' all.csv | sort | uniq -c | awk '{ print $2 "," $1 }' | sort > rowsper.txt
join -t, -j1 -a1 -e0 -o 0,1.2,2.2 \
    "$(sort starts.txt > s1; echo s1)" "$(sort rowsper.txt > s2; echo s2)" 2>/dev/null > /dev/null
bad=$(awk -F, 'NR == FNR { r[$1 "," $2 "," $3] = $4; next }
    { k = $1 "," $2 "," $3; d = $4 - r[k]; if (d < 0 || d > K) print k, $4, r[k] }' K=$kills rowsper.txt starts.txt)
ok "every point: launches = its rows + runs lost at kills" '[ -z "$bad" ] || { echo "$bad" | head; false; }'
done_tests run_kill9
