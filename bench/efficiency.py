#!/usr/bin/python3
"""efficiency.py - search efficiency of ictune's strategies on measured spaces.

usage: /usr/bin/python3 bench/efficiency.py [--ictune build/tools/ictune]
                                            [--seeds 20] [--out FILE.md]
                                            [--smoke]

For each space in tests/data/benchmark_hub (real Kernel Tuner tables) it runs
`ictune simulate --trace` for dsice (line_search ippe and full), dsice-seq
and random (20 seeds), and reports: evaluations used, the fraction of optimum
t_opt / t_best_found at 25, 50, 100, 200, 400 and 800 evaluations (for a
search that stopped earlier: its final best), and the evaluations needed to
come within 5 %, within 1 % and to the optimum. Random search is given
as median [quartiles] over the seeds. Prints a markdown section.
"""
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHECKPOINTS = [25, 50, 100, 200, 400, 800]
SPACES = ["gemm_RTX_3090", "convolution_milo_A100", "pnpoly_RTX_3090"]


def arg(name, default):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def simulate(ictune, space, sets, trace):
    d = "tests/data/benchmark_hub"
    cmd = [ictune, "simulate", "%s/%s.yaml" % (d, space), "--table", "%s/%s.csv" % (d, space),
           "--trace", trace, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1], time.perf_counter() - t0


def curve(trace):
    """best-so-far after each evaluation (None before the first valid)."""
    best, out = None, []
    with open(trace) as f:
        for row in csv.DictReader(f):
            if row["status"] == "OK":
                v = float(row["time"])
                best = v if best is None or v < best else best
            out.append(best)
    return out


def table_opt(space):
    best = None
    with open("tests/data/benchmark_hub/%s.csv" % space) as f:
        for row in csv.DictReader(f):
            try:
                v = float(row["time"])
            except ValueError:
                continue
            best = v if best is None or v < best else best
    return best


def summarise(c, opt):
    n = len(c)
    fr = []
    for k in CHECKPOINTS:
        b = c[min(k, n) - 1] if n else None
        fr.append(opt / b if b else 0.0)
    reach = []
    for tol in (1.05, 1.01, 1.0):
        hit = next((i + 1 for i, b in enumerate(c) if b is not None and b <= opt * tol + 1e-12), None)
        reach.append(hit)
    return n, fr, reach


def fmt_reach(v):
    return "-" if v is None else str(v)


def quart(vals):
    vals = sorted(vals)
    if len(vals) == 1:
        return vals[0], vals[0], vals[0]
    q = statistics.quantiles(vals, n=4, method="inclusive")
    return q[0], statistics.median(vals), q[2]


def main():
    ictune = arg("--ictune", "build/tools/ictune")
    seeds = int(arg("--seeds", "20"))
    smoke = "--smoke" in sys.argv
    if smoke:
        seeds = 2
    spaces = SPACES[-1:] if smoke else SPACES
    lines = []
    tmp = tempfile.mkdtemp()
    trace = os.path.join(tmp, "t.csv")
    for space in spaces:
        opt = table_opt(space)
        lines.append("\n#### %s (optimum %.6g ms)\n" % (space, opt))
        lines.append("| strategy | evaluations | stages | " +
                     " | ".join("@%d" % k for k in CHECKPOINTS) +
                     " | to 5 % | to 1 % | to optimum | simulate wall time |")
        lines.append("|---" * (7 + len(CHECKPOINTS)) + "|")
        runs = [("dsice (ippe, per_line 1)", ["strategy=dsice"]),
                ("dsice (full lines)", ["strategy=dsice", "line_search=full"]),
                ("dsice-seq", ["strategy=dsice-seq"])]
        for name, sets in runs:
            js, secs = simulate(ictune, space, sets, trace)
            import json
            j = json.loads(js)
            n, fr, reach = summarise(curve(trace), opt)
            lines.append("| %s | %d | %d | %s | %s | %.3f s |" % (
                name, n, j["stages"], " | ".join("%.3f" % f for f in fr),
                " | ".join(fmt_reach(r) for r in reach), secs))
        # random search: median [q1, q3] over seeds, at the same budget
        frs, reaches = [], []
        budget = 800
        for s in range(1, seeds + 1):
            simulate(ictune, space, ["strategy=random", "seed=%d" % s,
                                     "max_evaluations=%d" % budget], trace)
            n, fr, reach = summarise(curve(trace), opt)
            frs.append(fr)
            reaches.append(reach)
        cells = []
        for k in range(len(CHECKPOINTS)):
            q1, m, q3 = quart([f[k] for f in frs])
            cells.append("%.3f [%.3f, %.3f]" % (m, q1, q3))
        rc = []
        for k in range(3):
            vals = [r[k] for r in reaches]
            hit = [v for v in vals if v is not None]
            rc.append("%s (%d/%d)" % (int(statistics.median(hit)) if hit else "-", len(hit), len(vals)))
        lines.append("| random, %d seeds, median [q1, q3] | %d | - | %s | %s | - |" % (
            seeds, budget, " | ".join(cells), " | ".join(rc)))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
