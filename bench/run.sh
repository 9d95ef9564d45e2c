#!/bin/sh
# run.sh [--smoke | SECTION...] - the benchmarks of BENCHMARKS.md, from a
# clean build:
#   sh bench/run.sh            (a) to (h); rewrites their tables (about an hour)
#   sh bench/run.sh a c        only those sections
#   sh bench/run.sh sr         the SR workload (hours: a few hundred real
#                              fine-tunings per method; not in the default set)
#   sh bench/run.sh --smoke    a few seconds of each, printed, nothing written
# Needs Debian's python3-optuna for the peers (apt-get install -y
# python3-optuna); runs with /usr/bin/python3.
set -eu
cd "$(dirname "$0")/.."
smoke=${1:-}
sections=${*:-a b c d e f g h}
[ "$smoke" = --smoke ] && sections=
[ -x /usr/bin/python3 ] || { echo "bench: /usr/bin/python3 is needed" >&2; exit 1; }
if [ "$smoke" != --smoke ] && ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
    echo "bench: installing python3-optuna (the peers)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-optuna
fi
[ -d build-bench ] || meson setup build-bench --buildtype=release > /dev/null
ninja -C build-bench > /dev/null
ICT=build-bench/tools/ictune
mkdir -p bench/work
for f in $(find bench/data -name '*.json.gz' | sort); do
    name=$(echo "$f" | sed 's|bench/data/[a-z_]*/\([a-z_]*\)/\([A-Za-z0-9_]*\).json.gz|\1_\2|')
    [ -f "bench/work/$name.csv" ] || /usr/bin/python3 tools/kt2csv.py "$f" "bench/work/$name" --name "$name" > /dev/null
done
machine="$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr)"
date=$(date -u +%Y-%m-%d)
if [ "$smoke" = --smoke ]; then
    /usr/bin/python3 bench/efficiency.py --ictune $ICT --smoke --no-optuna
    /usr/bin/python3 bench/time_to_solution.py --ictune $ICT --smoke
    sh bench/overhead.sh $ICT 200
    exit 0
fi
out=bench/work/sections
mkdir -p $out
section() { # file title command...
    f=$1 title=$2
    shift 2
    case " $sections " in *" $f "*) ;; *) return 0 ;; esac
    {
        echo "### $title"
        echo
        echo "Machine: $machine. Date: $date. Command: \`$*\` (run by \`sh bench/run.sh\`)."
        echo
        "$@"
        echo
    } > "$out/$f.tmp" && mv "$out/$f.tmp" "$out/$f.md"
    echo "bench: $title done" >&2
}
section a "(a) Search efficiency on the measured spaces" /usr/bin/python3 bench/efficiency.py --ictune $ICT --tpe-seeds ${TPE_SEEDS:-20} --tpe-budget ${TPE_BUDGET:-200}
section b "(b) Time to solution on a simulated cluster" /usr/bin/python3 bench/time_to_solution.py --ictune $ICT
section c "(c) The master's overhead with real processes" sh bench/overhead.sh $ICT 2000
section d "(d) Scale of the master without processes" /usr/bin/python3 bench/scale.py --ictune $ICT
section e "(e) The results file: appends and resume" sh bench/resume.sh build-bench
section f "(f) A binding constraint on a second metric" /usr/bin/python3 bench/constraints.py --ictune $ICT
section g "(g) Restrictions over 10^7 points" sh bench/restrictions.sh build-bench
section h "(h) Repeated measurement: what repeat costs" sh bench/repeat.sh $ICT
section sr "The SR workload (configs/sr.yaml): full dsice against Optuna at the same budget" /usr/bin/python3 bench/sr_compare.py --ictune $ICT
/usr/bin/python3 - "$out" <<'PY'
import os, re, sys
out = sys.argv[1]
text = open("BENCHMARKS.md").read()
for key in ["a", "b", "c", "d", "e", "f", "g", "h", "sr"]:
    p = os.path.join(out, key + ".md")
    if not os.path.exists(p):
        continue
    new = open(p).read().rstrip() + "\n"
    pat = re.compile(r"<!-- bench:%s -->.*?<!-- /bench:%s -->" % (key, key), re.S)
    block = "<!-- bench:%s -->\n%s<!-- /bench:%s -->" % (key, new, key)
    text = pat.sub(lambda m: block, text) if pat.search(text) else text + "\n" + block + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
echo "bench: BENCHMARKS.md rewritten"
