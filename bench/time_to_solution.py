#!/usr/bin/python3
"""time_to_solution.py - makespan and busy workers on a simulated cluster.

usage: /usr/bin/python3 bench/time_to_solution.py [--ictune PATH] [--smoke]

(b) of BENCHMARKS.md. Two workloads, each simulated with 1, 8, 26 and 64
workers by `ictune simulate --workers W --duration COLUMN`:
- the reference case of dsice-algorithm.md 0: 10 x 11 x 11 x 11 points, a
  synthetic objective (below) and run times drawn log-normally around
  9 hours with a 20 % spread (seeded), written to bench/work/ref.csv;
- the GEMM space (RTX 3090) with its measured compile_time + benchmark_time
  as each evaluation's duration.
Reported: evaluations, stages, makespan, the busy fraction of the workers,
and the two lower bounds: total work / workers, and the sum over stages of
each stage's longest run (the barrier between stages).

The synthetic objective ("perceptual index"): a smooth anisotropic bowl in
index space with a coupling term and a gentle ripple, optimum at index
(3, 7, 2, 8) of (lr, w2, w3, w4), not at the centre (5, 5, 5, 5):
  pi = 2 + 0.03 a^2 + 0.02 b^2 + 0.04 c^2 + 0.015 d^2 + 0.01 a b
         + 0.02 sin(1.7 c) sin(0.9 d)
with a, b, c, d the distances of the indices from the optimum.
"""
import json
import math
import os
import random
import subprocess
import sys

ICTUNE = sys.argv[sys.argv.index("--ictune") + 1] if "--ictune" in sys.argv else "build/tools/ictune"
WORK = "bench/work"


def write_reference():
    rng = random.Random(20260101)
    path = os.path.join(WORK, "ref.csv")
    with open(path, "w") as f:
        f.write("lr,w2,w3,w4,pi,hours,seconds\n")
        for i in range(10):
            for j in range(11):
                for k in range(11):
                    for m in range(11):
                        a, b, c, d = i - 3, j - 7, k - 2, m - 8
                        pi = (2 + 0.03 * a * a + 0.02 * b * b + 0.04 * c * c + 0.015 * d * d +
                              0.01 * a * b + 0.02 * math.sin(1.7 * c) * math.sin(0.9 * d))
                        h = 9 * math.exp(rng.gauss(0, 0.2))      # ~9 h, 20 % spread
                        f.write("%d,%d,%d,%d,%.9f,%.6f,%.3f\n" % (i, j, k, m, pi, h, h * 3600))
    with open(os.path.join(WORK, "ref.yaml"), "w") as f:
        f.write("""name: ref
command: ["false"]
parameters:
  lr: {from: 0, to: 9, step: 1}
  w2: {from: 0, to: 10, step: 1}
  w3: {from: 0, to: 10, step: 1}
  w4: {from: 0, to: 10, step: 1}
objective: {metric: pi}
metrics: [hours, seconds]
search: {strategy: dsice, line_search: full}
""")


def sim(yaml, csv, duration, workers, sets):
    cmd = [ICTUNE, "simulate", yaml, "--table", csv, "--workers", str(workers),
           "--duration", duration, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])


def hms(s):
    return "%.1f h" % (s / 3600) if s >= 3600 else "%.1f s" % s


def main():
    os.makedirs(WORK, exist_ok=True)
    write_reference()
    counts = [1, 8] if "--smoke" in sys.argv else [1, 8, 26, 64]
    lines = []
    for label, yaml, csv, dur, runs in [
            ("reference case (10x11x11x11, synthetic pi, ~9 h runs)", "ref.yaml", "ref.csv", "seconds",
             [("dsice, full lines", ["line_search=full"]), ("dsice, ippe", ["line_search=ippe"]),
              ("dsice, ippe, per_line 3", ["line_search=ippe", "per_line=3"])]),
            ("GEMM RTX 3090 (measured compile + benchmark time)", "gemm_RTX_3090.yaml", "gemm_RTX_3090.csv",
             "duration_s", [("dsice, full lines", ["line_search=full"]), ("dsice, ippe", ["line_search=ippe"])])]:
        lines.append("\n#### %s\n" % label)
        lines.append("| strategy | workers | evaluations | stages | best | makespan | busy | work / workers | sum of stage maxima | makespan / best bound |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for name, sets in runs:
            for w in counts:
                j = sim(os.path.join(WORK, yaml), os.path.join(WORK, csv), dur, w, sets)
                bound = max(j["work"] / w, j["stage_bound"])
                lines.append("| %s | %d | %d | %d | %.6g | %s | %.1f%% (%.1f of %d) | %s | %s | %.2f |" % (
                    name, w, j["evaluations"], j["stages"], j["best"], hms(j["makespan"]),
                    100 * j["busy_fraction"], j["busy_fraction"] * w, w, hms(j["work"] / w),
                    hms(j["stage_bound"]), j["makespan"] / bound if bound else 0))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
