#!/bin/sh
# resume.sh [BUILD] - the results file's costs (issue 5): time per appended
# and flushed evaluation (against the same append without the flush), and
# the time to resume a file of 10^4, 10^5 and 10^6 evaluations: `ictune run
# --resume` opens it, replays the strategy against every row, finds the
# budget spent and exits; against reading the rows alone. Prints markdown.
B=$(cd "${1:-build}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo "| rows appended | us per row, flushed | us per row, no flush | ratio |"
echo "|---|---|---|---|"
"$B/bench/store_bench" append 10000 | awk '{ printf "| %d | %.1f | %.1f | %.2f |\n", $1, $2, $3, $4 }'
echo
echo "| evaluations in the file | file size | resume (open + replay), s | read rows only, s | resume / read | us per evaluation |"
echo "|---|---|---|---|---|---|"
for n in 10000 100000 1000000; do
    "$B/bench/store_bench" make sb.h5 $n > /dev/null || exit 1
    cat > sb.yaml <<YAML
name: sb
output: sb.h5
command: ["true", "{a}", "{b}", "{c}", "{d}"]
parameters:
  a: {from: 0, to: 9, step: 1}
  b: {from: 0, to: 9, step: 1}
  c: {from: 0, to: 99, step: 1}
  d: {from: 0, to: 99, step: 1}
objective: {metric: v}
metrics: [m]
search: {strategy: exhaustive, batch: 1024, max_evaluations: $n}
YAML
    size=$(du -h sb.h5 | cut -f1)
    read=$("$B/bench/store_bench" read sb.h5 | cut -d' ' -f2)
    t0=$(date +%s.%N)
    "$B/tools/ictune" run sb.yaml --resume --quiet > out.txt 2>&1
    t1=$(date +%s.%N)
    grep -q "^budget reached: $n evaluations" out.txt || { cat out.txt; exit 1; }
    grep -q " 0 programs started" out.txt || { echo "a program ran"; cat out.txt; exit 1; }
    echo "$t1 $t0 $read $n $size" | awk '{ r = $1 - $2
        printf "| %d | %s | %.3f | %.3f | %.2f | %.2f |\n", $4, $5, r, $3, r / $3, 1e6 * r / $4 }'
    rm -f sb.h5
done
