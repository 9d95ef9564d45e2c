#!/usr/bin/python3
"""scale.py - the master without processes, at scale (d): `ictune simulate`
with 1 (the baseline), 1,024 and 16,384 workers on a space of 10^6 points
(100 x 100 x 100, a smooth function, durations drawn log-normally), for
dsice (full lines) and random search with 10^5 evaluations. Reports wall
time and peak memory, per evaluation; then simulate's speed on the
17,956-row GEMM table. Prints markdown."""
import json
import math
import os
import random
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cliargs  # noqa: E402

ICTUNE = sys.argv[sys.argv.index("--ictune") + 1] if "--ictune" in sys.argv else "build/tools/ictune"
WORK = "bench/work"


def write():
    path = os.path.join(WORK, "million.csv")
    if os.path.exists(path):
        return
    rng = random.Random(7)
    with open(path, "w") as f:
        f.write("x,y,z,v,secs\n")
        for x in range(100):
            for y in range(100):
                for z in range(100):
                    v = (x - 61) ** 2 / 900 + (y - 23) ** 2 / 400 + (z - 77) ** 2 / 1600 + 0.05 * math.sin(x / 7.0)
                    f.write("%d,%d,%d,%.6f,%.1f\n" % (x, y, z, v, 60 * math.exp(rng.gauss(0, 0.3))))
    with open(os.path.join(WORK, "million.yaml"), "w") as f:
        f.write("name: million\ncommand: [\"false\"]\nparameters:\n"
                "  x: {from: 0, to: 99, step: 1}\n  y: {from: 0, to: 99, step: 1}\n"
                "  z: {from: 0, to: 99, step: 1}\nobjective: {metric: v}\n")


def run(workers, sets):
    cmd = [ICTUNE, "simulate", os.path.join(WORK, "million.yaml"), "--table",
           os.path.join(WORK, "million.csv"), "--workers", str(workers), "--duration", "secs", "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(out.splitlines()[-1]), wall, max(rss, before)


def main():
    cliargs.check(__doc__, valued=("--ictune",), flags=())
    os.makedirs(WORK, exist_ok=True)
    write()
    # the table alone: load it with a 1-evaluation search
    j, wall0, rss0 = run(1, ["strategy=random", "max_evaluations=1"])
    print("| strategy | workers | evaluations | stages | wall s (incl. %.2f s to load the 10^6-row table) | search us per evaluation | peak RSS MB (table alone %.0f) | x 1 worker |" % (wall0, rss0 / 1024))
    print("|---|---|---|---|---|---|---|---|")
    for name, sets in [("dsice, full lines, speculate: off", ["strategy=dsice", "line_search=full", "speculate=off"]),
                       ("dsice, full lines (speculation on, the default)", ["strategy=dsice", "line_search=full"]),
                       ("random, 10^5 evaluations, speculate: off", ["strategy=random", "max_evaluations=100000", "speculate=off"]),
                       ("random, 10^5 evaluations (speculation on)", ["strategy=random", "max_evaluations=100000"])]:
        base = None
        for w in (1, 1024, 16384):
            j, wall, rss = run(w, sets)
            per = max(wall - wall0, 0) / max(j["evaluations"], 1)
            base = base or per
            print("| %s | %d | %d | %d | %.2f | %.2f | %.0f | %.2f |" % (
                name, w, j["evaluations"], j["stages"], wall, 1e6 * per, rss / 1024, per / base if base else 0))


def gemm_speed():
    """simulate on the 17,956-row GEMM table: the whole dsice search against
    loading the table alone (a 1-evaluation random search)."""
    y, t = os.path.join(WORK, "gemm_RTX_3090.yaml"), os.path.join(WORK, "gemm_RTX_3090.csv")
    def once(sets):
        best = None
        for _ in range(5):
            t0 = time.perf_counter()
            out = subprocess.run([ICTUNE, "simulate", y, "--table", t, "--quiet"] +
                                 sum((["--set", x] for x in sets), []),
                                 check=True, capture_output=True, text=True).stdout
            w = time.perf_counter() - t0
            best = w if best is None or w < best else best
        return json.loads(out.splitlines()[-1]), best
    j0, w0 = once(["strategy=random", "max_evaluations=1"])
    print()
    print("| simulate on GEMM (17,956 rows), best of 5 | evaluations | wall s | x loading the table alone |")
    print("|---|---|---|---|")
    print("| load the table, 1 evaluation (baseline) | %d | %.3f | 1.00 |" % (j0["evaluations"], w0))
    for name, sets in [("dsice (ippe), to the end", ["strategy=dsice"]),
                       ("dsice-seq, to the end", ["strategy=dsice-seq"])]:
        j, w = once(sets)
        print("| %s | %d | %.3f | %.2f |" % (name, j["evaluations"], w, w / w0))


if __name__ == "__main__":
    main()
    gemm_speed()
