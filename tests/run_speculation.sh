#!/bin/sh
# run_speculation.sh ICTUNE - speculation in real runs: under mpiexec with
# 8 workers and a program that sleeps a little, idle workers run ahead of
# the search; the file has speculative rows (some taken by the search, with
# their stage set), the search's trajectory is simulate's with one worker,
# no point is run twice; a kill -9 of the whole job while evaluations run
# ahead, then --resume, reruns only what was in flight.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
command -v setsid > /dev/null || { echo "SKIP: setsid not found"; exit 77; }
cd "$tmp"
sh "$TESTS/programs/table.sh" > table.csv
write_kyaml s.yaml s "line_search: ippe"
"$ICTUNE" simulate s.yaml --table table.csv --trace trace.csv --quiet > sim.json; rc=$?
ok "simulate, one worker: exit 0" '[ $rc = 0 ]'
ok "simulate, one worker: nothing runs ahead" 'grep -q "\"started\":0" sim.json'
awk -F, 'NR > 1 && $8 == "OK" { printf "%d,%d,%s,%s,%s,%.6f\n", $2, $3, $4, $5, $6, $7 }' trace.csv | sort > want.txt
ok "simulate has evaluations" '[ "$(wc -l < want.txt)" -gt 20 ]'
# the trajectory of a results file, as want.txt
traj() {
    "$ICTUNE" report "$1" --csv r.csv --top 0 > /dev/null &&
    awk -F, 'NR > 1 && $9 == "OK" && $2 != 0 { printf "%d,%d,%s,%s,%s,%.6f\n", $2, $3, $4, $5, $6, $7 }' r.csv | sort
}
# a column of r.csv by name (speculative is the last one, after the
# quoted reasons that may hold commas)
col() { awk -F, -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) n = i; next }
                           { print (c == "speculative" ? $NF : $n) }' r.csv; }

export ICT_SLEEP=0.2 ICT_LAUNCH_LOG=$tmp/launch.log
$MPIEXEC -n 9 "$ICTUNE" run s.yaml > out.txt 2>&1; rc=$?
ok "mpiexec, 8 workers: exit 0" '[ $rc = 0 ] || { cat out.txt; false; }'
traj s.h5 > got.txt
ok "8 workers: the search's trajectory is simulate's with one worker" \
   'cmp -s want.txt got.txt || { diff want.txt got.txt | head -5; false; }'
ok "8 workers: no point measured twice" 'once s.h5 3'
col speculative > spec.col
col stage > stage.col
paste -d, spec.col stage.col > ss.col
ok "8 workers: speculative rows in the file" 'grep -q "^1," ss.col'
ok "8 workers: speculative rows the search took have their stage" 'grep -q "^1,[1-9]" ss.col'
ok "8 workers: every row says 0 or 1" '! grep -qv "^[01]," ss.col'
ok "8 workers: h5dump names the field" 'h5dump -H s.h5 | grep -q "H5T_STD_I32LE \"speculative\""'
ok "8 workers: the summary counts them" 'grep -q "speculative: [1-9][0-9]* started, [1-9][0-9]* taken by the search" out.txt || { tail -5 out.txt; false; }'
ok "8 workers: every launch has its row" '[ "$(grep -c "^start" launch.log)" = "$(($(wc -l < r.csv) - 1))" ]'
ok "8 workers: no point launched twice" '[ -z "$(grep "^start" launch.log | cut -d" " -f3- | sort | uniq -d)" ]'
ok "report says how many ran ahead" '"$ICTUNE" report s.h5 | grep -q "speculative"'

# kill -9 of the whole job once something runs ahead, then resume
rm -rf s.h5 runs launch.log
export ICT_SLEEP=0.6
setsid $MPIEXEC -n 9 "$ICTUNE" run s.yaml --quiet > seg.txt 2>&1 & pid=$!
# (the launch log: speculative evaluations have ids from 1000000000)
for i in $(seq 150); do
    [ -f launch.log ] && [ "$(grep -c "^end 1000000" launch.log)" -ge 3 ] &&
        [ "$(grep -c "^start 1000000" launch.log)" -gt "$(grep -c "^end 1000000" launch.log)" ] && break
    sleep 0.1
done
pkill -9 -s $pid 2>/dev/null
wait $pid 2>/dev/null
gone "ictune run s.yaml" 10; gone "programs/func.sh" 5
"$ICTUNE" report s.h5 --csv r.csv --top 0 > /dev/null
ok "killed while running ahead (speculative rows in the file)" '[ "$(col speculative | grep -c 1)" -ge 3 ]'
before=$(($(wc -l < r.csv) - 1)); launched=$(grep -c "^start" launch.log)
ok "killed with evaluations in flight" '[ "$launched" -gt "$before" ]'
unset ICT_SLEEP
$MPIEXEC -n 9 "$ICTUNE" run s.yaml --resume > res.txt 2>&1; rc=$?
ok "resume: exit 0" '[ $rc = 0 ] || { cat res.txt; false; }'
traj s.h5 > got2.txt
ok "resume: the trajectory is simulate's" 'cmp -s want.txt got2.txt || { diff want.txt got2.txt | head -5; false; }'
ok "resume: no point measured twice" 'once s.h5 3'
# a point launched again after the resume was in flight at the kill: it
# had no row then
grep "^start" launch.log | head -n "$launched" | cut -d" " -f3- | sort > before.pts
grep "^start" launch.log | tail -n +"$((launched + 1))" | cut -d" " -f3- | sort > after.pts
comm -12 before.pts after.pts > again.pts
echo "kill -9: $((launched - before)) evaluations in flight, $(wc -l < again.pts) points run again"
ok "resume: only what was in flight runs again ($(wc -l < again.pts) points, $((launched - before)) were in flight)" \
   '[ "$(wc -l < again.pts)" -le "$((launched - before))" ]'
done_tests run_speculation
