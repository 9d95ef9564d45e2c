#!/bin/sh
# run_reliability.sh ICTUNE - the audit's defects, each on the real binary
# (and under mpiexec where it matters): full disks (blocks, inodes, the
# results file's own), two writers on one file with HDF5 locking off, 45
# parameters, long and many metric values, a FIFO as the result file,
# values that try to run code, orphans after kill -9, the results file's
# descriptor in programs, kills while the file is created, configs that
# are too deep or too large, open errors that say what happened, a
# missing program, a lower budget on resume, 0x10 and 1e-999, a and A,
# early signals and SIGHUP, and no stall for programs killed by SIGTERM.
ICTUNE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. ./lib.sh
cd "$tmp"
PROG="$TESTS/programs/rel.sh"
mnt() { # mnt DIR OPTIONS: a small tmpfs, so a disk fills for real
    mkdir -p "$1" && mount -t tmpfs -o "$2" tmpfs "$1"
}
if ! mnt "$tmp/probe" size=1m; then
    echo "SKIP: cannot mount a tmpfs here (needs root): the full-disk cases cannot run"
    exit 77
fi
umount "$tmp/probe"
trap 'cd /; for m in "$tmp"/m*; do umount "$m" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# conf FILE NAME MODE [EXTRA-YAML-LINES...]: 12 points of rel.sh MODE
conf() {
    _f=$1 _n=$2 _m=$3
    shift 3
    cat > "$_f" <<YAML
name: $_n
output: ${OUT:-$_n.h5}
workdir: ${WD:-runs-$_n}
command: ["sh", "$PROG", "$_m", "{x}"]
parameters:
  x: {from: 0, to: 11, step: 1}
objective: {metric: f}
search: {strategy: exhaustive, batch: 4}
YAML
    for _l in "$@"; do echo "$_l" >> "$_f"; done
}
okrows() { "$ICTUNE" report "$1" --csv - --top 0 | awk -F, 'NR > 1 && /,OK,/ { print $4 "," $5 }' | sort; }

# ---- 1. full disks: ictune's own ENOSPC is not the program's failure ----
conf ref.yaml ref pad
"$ICTUNE" run ref.yaml --quiet > ref.txt 2>&1
okrows ref.h5 > ref.rows
ok "reference run: 12 OK rows" '[ "$(wc -l < ref.rows)" = 12 ]'
full_case() { # name mount-options: fill, exit 3, grow, resume
    name=$1 opts=$2 h5=${OUT:-$1.h5}
    mnt "$tmp/m$name" "$opts"
    conf "$name.yaml" "$name" pad
    "$ICTUNE" run "$name.yaml" --quiet > "$name.txt" 2>&1; rc=$?
    ok "$name: stops resumably (exit 3)" '[ $rc = 3 ] || { cat $name.txt; false; }'
    ok "$name: says the disk is full" 'grep -q "No space left\|disk is full" $name.txt'
    ok "$name: no FAILED row" '! "$ICTUNE" report $h5 --csv - --top 0 2>/dev/null | grep -q ",FAILED,"'
    ok "$name: /jobs says stopped, --status exits 3" '"$ICTUNE" report $h5 --status > /dev/null 2>&1; [ $? = 3 ]'
    mount -o remount,size=64m,nr_inodes=100000 "$tmp/m$name"
    "$ICTUNE" run "$name.yaml" --resume --quiet > "$name.2.txt" 2>&1; rc=$?
    ok "$name: resume finishes" '[ $rc = 0 ] || { cat $name.2.txt; false; }'
    okrows "$h5" > "$name.rows"
    ok "$name: resume reaches the uninterrupted result" 'cmp -s ref.rows $name.rows || diff ref.rows $name.rows'
    ok "$name: same best" '[ "$(grep ^best ref.txt)" = "$(grep ^best $name.2.txt)" ]'
}
WD="$tmp/mblocks/runs" full_case blocks size=300k
WD="$tmp/minodes/runs" full_case inodes size=64m,nr_inodes=30
OUT="$tmp/mfile/file.h5" full_case file size=64k
unset WD OUT

# ---- 2. two writers on one file, HDF5's locking off -------------------
conf lock.yaml lock sleep
HDF5_USE_FILE_LOCKING=FALSE REL_SLEEP=1 "$ICTUNE" run lock.yaml --jobs 2 --quiet > lock1.txt 2>&1 &
p1=$!
i=0; while [ ! -f lock.h5 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
HDF5_USE_FILE_LOCKING=FALSE REL_SLEEP=1 "$ICTUNE" run lock.yaml --resume --quiet > lock2.txt 2>&1; rc=$?
wait $p1; rc1=$?
ok "lock: the second writer is refused" '[ $rc != 0 ] && grep -q "in use: another ictune (pid $p1" lock2.txt || { cat lock2.txt; false; }'
ok "lock: the first finishes, 12 rows, no duplicate" '[ $rc1 = 0 ] && [ "$("$ICTUNE" report lock.h5 --csv - --top 0 | grep -c ,OK,)" = 12 ]'
ok "lock: no lock file left" '[ ! -e lock.h5.lock ]'
# a stale lock (its pid is gone) is taken over at once
echo "host=$(hostname) pid=999999 start=1" > lock.h5.lock
"$ICTUNE" run lock.yaml --resume --quiet > lock3.txt 2>&1; rc=$?
ok "lock: a dead writer's lock is taken over" '[ $rc = 0 ] || { cat lock3.txt; false; }'

# ---- 3. no fixed caps: 45 parameters, long values, many metrics -------
{
    echo "name: wide"; echo "output: wide.h5"
    echo "command: [\"sh\", \"$PROG\", \"env\", \"{x}\"]"
    echo "prepare: {command: \"true\"}"
    echo "parameters:"; echo "  x: [2, 3]"
    i=1; while [ $i -le 44 ]; do echo "  p$i: [$i]"; i=$((i + 1)); done
    echo "objective: {metric: f}"; echo "search: {strategy: exhaustive}"
} > wide.yaml
"$ICTUNE" run wide.yaml --quiet > wide.txt 2>&1; rc=$?
ok "45 parameters: every ICTUNE_PARAM_* and ICTUNE_PREPARE_DIR arrive" '[ $rc = 0 ] && grep -q "^best f = 1 at x=3" wide.txt || { cat wide.txt runs/*/stderr; false; }'
conf long.yaml long long
"$ICTUNE" run long.yaml --quiet > long.txt 2>&1
ok "an 80-character value is read whole (1e0, not 1e62)" 'grep -q "^best f = 1 at" long.txt || { cat long.txt; false; }'
conf many.yaml many many
"$ICTUNE" run many.yaml --quiet > many.txt 2>&1
ok "40 other metrics before the objective: still found" 'grep -q "^best f = 1 at x=3" many.txt || { cat many.txt; false; }'
rm -rf wide.h5 runs
$MPIEXEC -n 3 "$ICTUNE" run wide.yaml --quiet > wide2.txt 2>&1
ok "45 parameters under mpiexec" 'grep -q "^best f = 1 at x=3" wide2.txt || { cat wide2.txt; false; }'

# ---- 4. a FIFO at $ICTUNE_RESULT_FILE does not block ------------------
conf fifo.yaml fifo fifo "limits: {retries: 0}"
timeout 60 "$ICTUNE" run fifo.yaml --quiet > fifo.txt 2>&1; rc=$?
ok "fifo: the run ends (no hang)" '[ $rc = 0 ] && grep -q "^best f = 1" fifo.txt || { cat fifo.txt; false; }'

# ---- 5. values never run code (string commands) -----------------------
cat > inj.yaml <<YAML
name: inj
output: inj.h5
command: "cat > got <<EOF\nvalue={v}\nEOF\necho \"\$(echo \"{v}\")\" >> got; echo '[ictune] f=1'"
parameters:
  v: ["\$(touch $tmp/pwned1)", "\" ; touch $tmp/pwned2 ; \""]
objective: {metric: f}
search: {strategy: exhaustive}
YAML
"$ICTUNE" run inj.yaml --quiet > inj.txt 2>&1
ok "injection: no value ran" '[ ! -e pwned1 ] && [ ! -e pwned2 ] && grep -q "^best f = 1" inj.txt || { cat inj.txt; false; }'

# ---- 6. orphans: kill -9 of ictune takes the program's group with it ---
orphans() { pgrep -f "sleep 97[0-9]" > /dev/null; }
conf orph.yaml orph sleep "limits: {retries: 0}"
REL_SLEEP=977 "$ICTUNE" run orph.yaml --jobs 2 --quiet > /dev/null 2>&1 &
p=$!; sleep 1.5
ok "orphans: the programs (grandchildren of sh) run" 'orphans'
kill -9 $p; wait $p 2>/dev/null
ok "orphans: local master killed: nothing left after 2 s" 'gone "sleep 97[0-9]" 2'
REL_SLEEP=978 $MPIEXEC -n 3 "$ICTUNE" run orph.yaml --resume --quiet > /dev/null 2>&1 &
p=$!; sleep 3
w=$(pgrep -f "ictune run orph.yaml" | tail -n 1)
kill -9 $w 2>/dev/null; sleep 0.5; kill -9 $(pgrep -f "ictune run orph.yaml") 2>/dev/null; wait $p 2>/dev/null
ok "orphans: MPI ranks killed: nothing left after 2 s" 'gone "sleep 97[0-9]" 2'
cat > prep.yaml <<YAML
name: prep
output: prep.h5
command: ["sh", "$PROG", "ok", "{x}"]
prepare: {command: "sleep 979; true"}
parameters: {x: [1, 2]}
objective: {metric: f}
YAML
"$ICTUNE" run prep.yaml --quiet > /dev/null 2>&1 &
p=$!; sleep 1; kill -9 $p; wait $p 2>/dev/null
ok "orphans: a killed prepare step leaves nothing" 'gone "sleep 979" 2'

# ---- 7. the results file's descriptor never reaches a program ---------
conf fds.yaml fds fds
"$ICTUNE" run fds.yaml --quiet > /dev/null 2>&1
ok "fds: no program sees the results file or the lock" '! grep -l "\.h5" runs-fds/*/stdout'
ok "fds: a program has only fds 0-2 (and its own)" '[ "$(grep -c . runs-fds/0/stdout)" -le 5 ]'

# ---- 8. creating the file is crash-safe; nothing before validation ----
conf crash.yaml crash ok
bad=0 i=0
while [ $i -lt 25 ]; do
    rm -rf crash.h5 crash.h5.lock runs-crash
    "$ICTUNE" run crash.yaml --quiet > /dev/null 2>&1 &
    p=$!
    sleep "0.0$(( (i * 7) % 10 ))"
    kill -9 $p 2>/dev/null; wait $p 2>/dev/null
    if [ -e crash.h5 ]; then
        "$ICTUNE" run crash.yaml --resume --quiet > crash.txt 2>&1 || { bad=$((bad + 1)); cat crash.txt; }
    else
        "$ICTUNE" run crash.yaml --quiet > crash.txt 2>&1 || { bad=$((bad + 1)); cat crash.txt; }
    fi
    i=$((i + 1))
done
ok "crash-safe create: 25 early kills, every file usable" '[ $bad = 0 ]'
conf val.yaml val ok "search: {strategy: dsice, per_line: 0}"
sed -i '/^search: {strategy: exhaustive, batch: 4}$/d' val.yaml
"$ICTUNE" run val.yaml --quiet > val.txt 2>&1; rc=$?
ok "per_line: 0: refused before any file" '[ $rc != 0 ] && grep -q "per_line" val.txt && [ ! -e val.h5 ] && [ ! -e runs-val ] || { cat val.txt; false; }'

# ---- 9. configs too deep or too big: refused fast, or handled --------
/usr/bin/python3 -c "
d = 100000
open('deep.yaml', 'w').write('name: x\ncommand: echo\n' + 'a: ' + '[' * d + ']' * d + '\n')
open('wide150k.yaml', 'w').write('name: x\ncommand: echo\nobjective: {metric: m}\nparameters:\n' + ''.join('  p%d: [1]\n' % i for i in range(150000)))
vals = ', '.join('v%05d_%s' % (i, 'x' * 20) for i in range(3000))
open('big.yaml', 'w').write('name: big\noutput: big.h5\ncommand: [\"sh\", \"$PROG\", \"ok\", \"{x}\"]\nparameters:\n  x: [1, 3]\n  s: [' + vals + ']\nobjective: {metric: f}\nsearch: {strategy: random, max_evaluations: 4}\n')
"
timeout 10 "$ICTUNE" check deep.yaml > deep.txt 2>&1; rc=$?
ok "100k-deep nesting: refused with the limit" '[ $rc = 2 ] && grep -q "nested 33 levels deep; expected at most 32" deep.txt'
timeout 10 "$ICTUNE" check wide150k.yaml > w.txt 2>&1; rc=$?
ok "150k parameters: refused with the limit" '[ $rc = 2 ] && grep -q "found 150000; expected at most 10000" w.txt'
"$ICTUNE" run big.yaml --quiet > big.txt 2>&1; rc=$?
ok "a config over 64 KiB runs (attributes too large for HDF5 kept as datasets)" '[ $rc = 0 ] || { cat big.txt; false; }'
ok "h5dump shows its config" 'h5dump -d /config_text big.h5 | grep -q v02999_'
"$ICTUNE" run big.yaml --resume --quiet > big2.txt 2>&1; rc=$?
ok "and it resumes" '[ $rc = 0 ] || { cat big2.txt; false; }'

# ---- 10. open errors say what happened ------------------------------
mnt "$tmp/mro" size=4m
OUT="$tmp/mro/ro.h5" conf ro.yaml ro ok
"$ICTUNE" run ro.yaml --quiet > /dev/null 2>&1
mount -o remount,ro "$tmp/mro"
"$ICTUNE" run ro.yaml --resume > ro.txt 2>&1; rc=$?
ok "read-only file system: said so" '[ $rc != 0 ] && grep -qi "read-only file system" ro.txt && ! grep -q damaged ro.txt || { cat ro.txt; false; }'
"$ICTUNE" report "$tmp/mro/ro.h5" > /dev/null 2>&1
ok "read-only: the report still reads it" '[ $? = 0 ]'
conf held.yaml held sleep
REL_SLEEP=2 "$ICTUNE" run held.yaml --quiet > /dev/null 2>&1 &
p=$!; i=0; while [ ! -f held.h5 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done; sleep 0.3
"$ICTUNE" report held.h5 > held.txt 2>&1
"$ICTUNE" run held.yaml --resume > held2.txt 2>&1
wait $p
ok "a held file: the report reads it, names the writer, never says damaged" 'grep -q "a run is writing this file now (pid [0-9]* on host" held.txt && ! grep -q "damaged or truncated" held.txt || { cat held.txt; false; }'
ok "a held file: resume names the writer" 'grep -q "in use: another ictune (pid [0-9]*" held2.txt'

# ---- 11. a missing program is not a measurement ---------------------
for form in list string; do
    if [ $form = list ]; then cmd='["/nonexistent/rel-prog", "{x}"]'; else cmd='"rel_no_such_cmd {x}"'; fi
    cat > miss.yaml <<YAML
name: miss
output: miss-$form.h5
command: $cmd
parameters: {x: {from: 0, to: 11, step: 1}}
objective: {metric: f}
search: {strategy: exhaustive, batch: 4}
YAML
    "$ICTUNE" run miss.yaml --quiet > miss.txt 2>&1; rc=$?
    ok "missing program ($form): stops at once, exit 1, says so" '[ $rc = 1 ] && grep -q "could not be started" miss.txt || { cat miss.txt; false; }'
    ok "missing program ($form): no FAILED row" '! "$ICTUNE" report miss-$form.h5 --csv - --top 0 | grep -q ,FAILED,'
    sed -i "s|^command: .*|command: [\"sh\", \"$PROG\", \"ok\", \"{x}\"]|" miss.yaml
    "$ICTUNE" run miss.yaml --resume --quiet > miss2.txt 2>&1; rc=$?
    ok "missing program ($form): fixed and resumed, every point measured" '[ $rc = 0 ] && grep -q "^finished: 12 evaluations" miss2.txt || { cat miss2.txt; false; }'
done

# ---- 12. a lower budget on resume keeps the file's best --------------
conf budget.yaml budget ok
"$ICTUNE" run budget.yaml --quiet > b1.txt 2>&1
"$ICTUNE" run budget.yaml --resume --set max_evaluations=2 --quiet > b2.txt 2>&1
ok "lower budget on resume: the best is the file's" 'grep -q "^best f = 1 at x=3" b2.txt || { cat b2.txt; false; }'

# ---- 13. strict numbers; a and A --------------------------------------
for m in hex tiny; do
    conf "$m.yaml" "$m" "$m" "limits: {retries: 0, max_failures_in_a_row: 0}"
    "$ICTUNE" run "$m.yaml" --quiet > /dev/null 2>&1
    ok "$m: BAD_RESULT, never a value" '[ "$("$ICTUNE" report $m.h5 --csv - --top 0 | grep -c ,BAD_RESULT,)" = 12 ]'
done
printf 'name: c\ncommand: echo\nobjective: {metric: m}\nparameters: {a: [1], A: [2]}\n' > case.yaml
"$ICTUNE" check case.yaml > case.txt 2>&1; rc=$?
ok "a and A: refused at check time" '[ $rc = 2 ] && grep -q "differ only in case" case.txt'

# ---- 14. signals: early, SIGHUP ---------------------------------------
conf sig.yaml sig sleep
REL_SLEEP=1 $MPIEXEC -n 3 "$ICTUNE" run sig.yaml --quiet > sig.txt 2>&1 &
p=$!
# the ranks themselves (not mpiexec), the instant all three have their
# handler (SIGUSR1, bit 10, in /proc's SigCgt): before that a process is in
# the dynamic loader, where the signal's default (a kill) is the system's.
# MPI_Init and the topology load are still ahead of them.
caught() {
    n=0
    for q in $(pgrep -f "^$ICTUNE run sig.yaml"); do
        m=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/$q/status 2>/dev/null)
        [ -n "$m" ] && [ $(( 0x$m & 0x200 )) != 0 ] && n=$((n + 1))
    done
    echo $n
}
i=0; while [ $i -lt 2000 ] && [ "$(caught)" != 3 ]; do sleep 0.002; i=$((i + 1)); done
ok "... the three ranks caught SIGUSR1 before it was sent" '[ "$(caught)" = 3 ]'
pkill -USR1 -f "^$ICTUNE run sig.yaml"
wait $p; rc=$?
ok "SIGUSR1 at start-up under mpiexec: a clean stop (exit 3)" '[ $rc = 3 ] || { cat sig.txt; false; }'
ok "... recorded in /jobs" '"$ICTUNE" report sig.h5 --status > /dev/null 2>&1; [ $? = 3 ]'
rm -f sig.h5
REL_SLEEP=1 "$ICTUNE" run sig.yaml --quiet > hup.txt 2>&1 &
p=$!; sleep 1; kill -HUP $p; wait $p; rc=$?
ok "SIGHUP: a clean stop (exit 3)" '[ $rc = 3 ] || { cat hup.txt; false; }'

# ---- 15. a program killed by SIGTERM does not stall the others --------
conf term.yaml term term "limits: {retries: 0, max_failures_in_a_row: 0}" "search: {strategy: exhaustive, batch: 12}"
sed -i '/^search: {strategy: exhaustive, batch: 4}$/d' term.yaml
t0=$(date +%s.%N)
"$ICTUNE" run term.yaml --jobs 1 --quiet > term.txt 2>&1
t1=$(date +%s.%N)
ok "12 programs killed by SIGTERM: FAILED, not interrupted" '[ "$("$ICTUNE" report term.h5 --csv - --top 0 | grep -c ,FAILED,)" = 12 ]'
ok "... and the loop did not wait 0.5 s for each (12 x 0.5 s = 6 s)" '[ "$(echo "$t1 - $t0 < 3.5" | bc)" = 1 ]'

done_tests run_reliability
