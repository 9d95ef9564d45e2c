#!/usr/bin/python3
"""time_to_solution.py - time to a good result on a simulated cluster,
against the peers a user would run instead.

usage: /usr/bin/python3 bench/time_to_solution.py [--ictune PATH] [--smoke]
           [--set KEY=VALUE ...]

With --set (repeatable), only ictune runs, each case and worker count
twice: the default, and the default with those options (a candidate
setting; nothing of the peers, whose rows in BENCHMARKS.md (b) stand).

(b) of BENCHMARKS.md. Three workloads, each with W = 8, 26 and 64 workers
on the same clock (`ictune simulate --workers W --duration COLUMN`, and
bench/async_peers.py for the peers):
- the reference case: 10 x 11 x 11 x 11 points, a synthetic objective
  (below) and run times drawn log-normally around 9 hours with a 20 %
  spread (seeded), written to bench/work/ref.csv;
- a rotated valley of the same size and run times (two parameters must
  change together), bench/work/valley.csv;
- the GEMM space (RTX 3090) with its measured compile_time +
  benchmark_time as each evaluation's duration.
Methods: ictune dsice with its default options (speculation on), the same
with speculate=off, and with line_search: full; Optuna TPE (multivariate,
constant_liar=True, one study shared by W asynchronous workers) and random
search, 5 seeds each (median, [min, max]). Reported: the time until some
evaluation is within 1 % of the table's optimum and until one is the
optimum (any row counts: a speculative one too), how busy the workers were
until the method ended, the evaluations run, and the GPU time spent on
speculative evaluations the search never took.

The synthetic objective ("perceptual index"): a smooth anisotropic bowl in
index space with a coupling term and a gentle ripple, optimum at index
(3, 7, 2, 8) of (lr, w2, w3, w4), not at the centre (5, 5, 5, 5):
  pi = 2 + 0.03 a^2 + 0.02 b^2 + 0.04 c^2 + 0.015 d^2 + 0.01 a b
         + 0.02 sin(1.7 c) sin(0.9 d)
with a, b, c, d the distances of the indices from the optimum.
"""
import csv
import json
import math
import multiprocessing
import os
import random
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import async_peers  # noqa: E402
import cliargs  # noqa: E402

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
search: {strategy: dsice}
""")


def write_valley():
    """A rotated valley: u = (a + b) / sqrt 2 is steep, v = (a - b) / sqrt 2
    shallow, so lr and w2 must change together; optimum at (2, 8, 7, 3)."""
    rng = random.Random(20260202)
    with open(os.path.join(WORK, "valley.csv"), "w") as f:
        f.write("lr,w2,w3,w4,pi,hours,seconds\n")
        for i in range(10):
            for j in range(11):
                for k in range(11):
                    for m in range(11):
                        a, b, c, d = i - 2, j - 8, k - 7, m - 3
                        u, v = (a + b) / math.sqrt(2), (a - b) / math.sqrt(2)
                        pi = 2 + 0.06 * u * u + 0.006 * v * v + 0.03 * c * c + 0.02 * d * d + 0.01 * c * d
                        h = 9 * math.exp(rng.gauss(0, 0.2))
                        f.write("%d,%d,%d,%d,%.9f,%.6f,%.3f\n" % (i, j, k, m, pi, h, h * 3600))
    with open(os.path.join(WORK, "ref.yaml")) as f:
        text = f.read()
    with open(os.path.join(WORK, "valley.yaml"), "w") as f:
        f.write(text.replace("name: ref", "name: valley"))



SEEDS = 5


def sim(yaml, table, duration, workers, sets, metric):
    """ictune simulate: its JSON, and from its trace the times to within
    1 % and to the optimum (any row), the busy fraction until then."""
    trace = os.path.join(WORK, "tts_trace.csv")
    cmd = [ICTUNE, "simulate", yaml, "--table", table, "--workers", str(workers),
           "--duration", duration, "--quiet", "--trace", trace]
    for s in sets:
        cmd += ["--set", s]
    j = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    evals = []
    with open(trace) as f:
        for r in csv.DictReader(f):
            ok = r["status"] == "OK" and r[metric] != ""
            evals.append((float(r["end"]), float(r[metric]) if ok else None))
    evals.sort(key=lambda e: e[0])
    return j, evals


def peer(job):
    kind, path, params, metric, dur, W, seed, opt = job
    rows, values = async_peers.load(path, params, metric, dur)
    if kind == "tpe":
        ev = async_peers.tpe(rows, values, params, W, seed, 800, opt, 3000)
    else:
        ev = async_peers.rand(rows, W, seed, 5000, opt)
    return kind, W, seed, ev


def fmt(t, unit):
    if t is None:
        return "-"
    return "%.1f h" % (t / 3600) if unit == "h" else "%.2f s" % t


def med(ts, unit):
    got = [t for t in ts if t is not None]
    if not got:
        return "- (0/%d)" % len(ts)
    m = statistics.median(t if t is not None else float("inf") for t in ts)
    hits = "" if len(got) == len(ts) else " (%d/%d)" % (len(got), len(ts))
    return "%s [%s, %s]%s" % (fmt(m, unit) if m != float("inf") else "-", fmt(min(got), unit),
                              fmt(max(got), unit), hits)


def main():
    cliargs.check(__doc__, valued=("--ictune", "--set"), flags=("--smoke",))
    os.makedirs(WORK, exist_ok=True)
    write_reference()
    write_valley()
    smoke = "--smoke" in sys.argv
    extra = [sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--set"]
    counts = [8] if smoke else [8, 26, 64]
    seeds = 1 if smoke else SEEDS
    pi = ["lr", "w2", "w3", "w4"]
    gemm = "MWG,NWG,KWG,MDIMC,NDIMC,MDIMA,NDIMB,KWI,VWM,VWN,STRM,STRN,SA,SB,PRECISION".split(",")
    cases = [("reference case (10x11x11x11, smooth bowl with a ripple, ~9 h runs)", "ref", "seconds", "pi", pi, "h"),
             ("rotated valley (10x11x11x11, ~9 h runs)", "valley", "seconds", "pi", pi, "h"),
             ("GEMM RTX 3090 (measured compile + benchmark time per run)", "gemm_RTX_3090", "duration_s", "time", gemm, "s")]
    if smoke:
        cases = cases[:1]
    lines = []
    all_counts = counts
    for label, name, dur, metric, params, unit in cases:
        # one worker too on the reference-like cases: the sequential race
        counts = ([1] if unit == "h" and not smoke else []) + all_counts
        path = os.path.join(WORK, name + ".csv")
        yaml = os.path.join(WORK, name + ".yaml")
        rows, _ = async_peers.load(path, params, metric, dur)
        opt = min(v for v, _ in rows.values() if v is not None)
        jobs = [] if extra else [(k, path, params, metric, dur, W, s, opt)
                                 for W in counts for k in ("tpe", "random")
                                 for s in range(1, seeds + 1)]
        with multiprocessing.Pool(min(2, os.cpu_count() or 1)) as pool:
            peers = pool.map(peer, jobs)
        lines.append("\n#### %s\n" % label)
        lines.append("Optimum %.6g; within 1 %%: <= %.6g.\n" % (opt, opt * 1.01))
        lines.append("| method | workers | within 1 % | optimum | busy until it ended | evaluations run | speculative runs the search never took |")
        lines.append("|---|---|---|---|---|---|---|")
        for W in counts:
            variants = [("ictune dsice, default (speculation on)", []),
                        ("ictune dsice, speculate: off", ["speculate=off"]),
                        ("ictune dsice, default but guided: 0", ["guided=0"]),
                        ("ictune dsice, line_search: full", ["line_search=full"]),
                        ("ictune dsice, line_search: full, speculate: off", ["line_search=full", "speculate=off"])]
            if extra:
                variants = [variants[0], ("ictune dsice, default + " + ", ".join(extra), extra)]
            if W == 1:          # nothing to speculate on
                variants = [(n.replace(" (speculation on)", ""), v) for n, v in variants if "speculate" not in n]
            for mname, sets in variants:
                j, ev = sim(yaml, path, dur, W, sets, metric)
                sp = j["speculative"]
                lines.append("| %s | %d | %s | %s | %.2f | %d | %s |" % (
                    mname, W, fmt(async_peers.time_to(ev, opt * 1.01), unit),
                    fmt(async_peers.time_to(ev, opt), unit), j["busy_fraction"], len(ev),
                    "%d of %d, %s" % (sp["wasted"], sp["started"], fmt(sp["wasted_seconds"], unit) if unit == "s"
                                      else "%.0f GPU-h" % (sp["wasted_seconds"] / 3600)) if sp["started"] else "-"))
            for kind, kname in [] if extra else [
                    ("tpe", "Optuna TPE, multivariate, constant_liar, asynchronous"),
                    ("random", "random search, asynchronous")]:
                runs = [ev for k, w, s, ev in peers if k == kind and w == W]
                t1 = [async_peers.time_to(ev, opt * 1.01) for ev in runs]
                t0 = [async_peers.time_to(ev, opt) for ev in runs]
                n = statistics.median(len(ev) for ev in runs)
                lines.append("| %s, %d seeds | %d | %s | %s | 1.00 | %d | - |" % (
                    kname, seeds, W, med(t1, unit), med(t0, unit), n))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
