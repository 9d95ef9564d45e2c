#!/bin/sh
# sim_speculation.sh ICTUNE - speculation on the reference-like cases, on
# simulate's clock (the master's own loop): 10 x 11 x 11 x 11 points, runs
# of about 9 hours (20 % spread), a smooth bowl with its optimum away from
# the centre, and a rotated valley (two parameters must change together).
# With the default search options and 26 workers: at least 90 % busy, the
# search's stages identical to one worker's (and to 26 workers without
# speculation), never a point twice, untaken speculative rows last with
# stage 0, and the JSON's counts add up.
ictune=$1
n=0 fail=0
ok() { n=$((n + 1)); if ! eval "$2"; then echo "FAIL: $1"; fail=$((fail + 1)); fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for case in bowl valley; do
    awk -v c=$case 'BEGIN {
        srand(7); print "lr,w2,w3,w4,pi,seconds"
        for (i = 0; i < 10; i++) for (j = 0; j < 11; j++) for (k = 0; k < 11; k++) for (m = 0; m < 11; m++) {
            if (c == "bowl") {
                a = i - 3; b = j - 7; cc = k - 2; d = m - 8
                pi = 2 + 0.03*a*a + 0.02*b*b + 0.04*cc*cc + 0.015*d*d + 0.01*a*b + 0.02*sin(1.7*cc)*sin(0.9*d)
            } else {
                a = i - 2; b = j - 8; cc = k - 7; d = m - 3
                u = (a + b) / 1.4142135; v = (a - b) / 1.4142135
                pi = 2 + 0.06*u*u + 0.006*v*v + 0.03*cc*cc + 0.02*d*d + 0.01*cc*d
            }
            # about 9 hours, a 20 % spread (Box-Muller)
            g = sqrt(-2 * log(1 - rand())) * cos(6.2831853 * rand())
            printf "%d,%d,%d,%d,%.9f,%.3f\n", i, j, k, m, pi, 32400 * exp(0.2 * g)
        }
    }' > "$tmp/$case.csv"
    cat > "$tmp/$case.yaml" <<YAML
name: $case
command: ["false"]
parameters:
  lr: {from: 0, to: 9, step: 1}
  w2: {from: 0, to: 10, step: 1}
  w3: {from: 0, to: 10, step: 1}
  w4: {from: 0, to: 10, step: 1}
objective: {metric: pi}
YAML
    sim() { "$ictune" simulate "$tmp/$case.yaml" --table "$tmp/$case.csv" --duration seconds --quiet "$@"; }
    sim --workers 1 --trace "$tmp/t1" > "$tmp/j1"; rc1=$?
    sim --workers 26 --trace "$tmp/t26" > "$tmp/j26"; rc26=$?
    sim --workers 26 --trace "$tmp/toff" --set speculate=off > "$tmp/joff"; rcoff=$?
    ok "$case: exit 0" '[ $rc1 = 0 ] && [ $rc26 = 0 ] && [ $rcoff = 0 ]'
    # the search's stages: rows with stage > 0, without the clock's columns
    for t in t1 t26 toff; do
        awk -F, 'NR > 1 && $2 != 0 { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 "," $7 "," $8 "," $9 }' "$tmp/$t" > "$tmp/$t.traj"
    done
    ok "$case: the stages at 26 workers are those at 1" '[ -s "$tmp/t1.traj" ] && cmp -s "$tmp/t1.traj" "$tmp/t26.traj"'
    ok "$case: and without speculation" 'cmp -s "$tmp/t1.traj" "$tmp/toff.traj"'
    busy=$(sed 's/.*"busy_fraction":\([0-9.e-]*\).*/\1/' "$tmp/j26")
    boff=$(sed 's/.*"busy_fraction":\([0-9.e-]*\).*/\1/' "$tmp/joff")
    echo "$case: busy $busy with speculation, $boff without"
    ok "$case: 26 workers at least 90 % busy ($busy)" 'awk -v b="$busy" "BEGIN { exit !(b >= 0.90) }"'
    ok "$case: against $boff without speculation" 'awk -v b="$busy" -v o="$boff" "BEGIN { exit !(b > o) }"'
    ok "$case: speculative rows in the trace" 'awk -F, "NR > 1 && \$13 == 1" "$tmp/t26" | grep -q .'
    ok "$case: one worker runs nothing ahead" '! awk -F, "NR > 1 && \$13 == 1" "$tmp/t1" | grep -q .'
    ok "$case: no point twice (stopped ones aside)" '[ -z "$(awk -F, "NR > 1 && \$9 != \"INTERRUPTED\" { print \$4,\$5,\$6,\$7 }" "$tmp/t26" | sort | uniq -d)" ]'
    # untaken speculative rows: stage 0, after the search's rows
    ok "$case: untaken rows have stage 0 and come last" \
       'awk -F, "NR > 1 { if (\$2 == 0) { z = 1; if (\$13 != 1) exit 1 } else if (z) exit 1 }" "$tmp/t26"'
    started=$(sed 's/.*"started":\([0-9]*\).*/\1/' "$tmp/j26")
    taken=$(sed 's/.*"taken":\([0-9]*\).*/\1/' "$tmp/j26")
    wasted=$(sed 's/.*"wasted":\([0-9]*\).*/\1/' "$tmp/j26")
    rows_spec=$(awk -F, 'NR > 1 && $13 == 1' "$tmp/t26" | wc -l)
    rows_untaken=$(awk -F, 'NR > 1 && $13 == 1 && $2 == 0' "$tmp/t26" | wc -l)
    ok "$case: JSON counts: started = rows ahead ($started, $rows_spec)" '[ "$started" = "$rows_spec" ]'
    ok "$case: wasted = started - taken = untaken rows ($wasted)" '[ "$wasted" = $((started - taken)) ] && [ "$wasted" = "$rows_untaken" ]'
    # a few workers: plans outlive results (a point the search measured
    # meanwhile is never run ahead again)
    for w in 2 3 5 8; do
        sim --workers $w --trace "$tmp/tw" > /dev/null
        ok "$case, $w workers: no point twice" '[ -z "$(awk -F, "NR > 1 && \$9 != \"INTERRUPTED\" { print \$4,\$5,\$6,\$7 }" "$tmp/tw" | sort | uniq -d)" ]'
        awk -F, 'NR > 1 && $2 != 0 { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 "," $7 "," $8 "," $9 }' "$tmp/tw" > "$tmp/tw.traj"
        ok "$case, $w workers: the stages are those at 1" 'cmp -s "$tmp/t1.traj" "$tmp/tw.traj"'
    done
    ok "$case: the same best" '[ "$(sed "s/.*\"best\":\([0-9.e-]*\).*/\1/" "$tmp/j1")" = "$(sed "s/.*\"best\":\([0-9.e-]*\).*/\1/" "$tmp/j26")" ]'
done
echo "sim_speculation: $n checks, $fail failed"
[ $fail = 0 ]
