#!/usr/bin/python3
"""efficiency.py - search efficiency on the measured spaces, against peers.

usage: /usr/bin/python3 bench/efficiency.py [--ictune PATH] [--seeds 20]
           [--budget 800] [--spaces a,b] [--smoke] [--no-optuna]

For each complete space of the benchmark hub (converted by bench/run.sh into
bench/work/NAME.csv and NAME.yaml), every method gets `budget` evaluations:
ictune's dsice (line_search ippe and full; from the centre, and from 20
seeded random starts), dsice-seq, random (20 seeds), and Optuna's TPE and
random samplers (20 seeds, --tpe-seeds/--tpe-budget for TPE, whose cost
grows with the trials; parameters as ordered integer indices; a repeated
configuration costs nothing, and a TPE run ends after 3 x budget proposals;
infeasible configurations are reported to Optuna as failed and cost no
evaluation; failed ones cost one). Reported per method: the fraction of
optimum t_opt / t_best after 25, 50, 100, 200, 400, 800 evaluations (a
search that stopped earlier keeps its final best) and the evaluations
needed to come within 5 %, 1 % and to the optimum; stochastic methods as
median [quartiles] and "hits/runs". Prints markdown.
"""
import csv
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHECKPOINTS = [25, 50, 100, 200, 400, 800]
ALL_SPACES = ["gemm_RTX_3090", "convolution_milo_A100", "convolution_milo_A4000",
              "convolution_milo_A6000", "dedispersion_milo_A100", "dedispersion_milo_A4000",
              "pnpoly_RTX_3090", "convolution_RTX_3090"]


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


ICTUNE = arg("--ictune", "build/tools/ictune")
WORK = arg("--work", "bench/work")


def load_table(space):
    """flat key tuple -> time (None = failed); parameter value lists."""
    with open(os.path.join(WORK, space + ".csv")) as f:
        r = csv.reader(f)
        head = next(r)
        ti = head.index("time")
        table = {}
        for row in r:
            try:
                v = float(row[ti])
            except ValueError:
                v = None
            table[tuple(row[:ti])] = v
    params = []
    with open(os.path.join(WORK, space + ".yaml")) as f:
        for line in f:
            line = line.rstrip()
            if line.startswith("  ") and ": [" in line:
                name, vals = line.strip().split(": [", 1)
                params.append((name, [v.strip().strip("'") for v in vals.rstrip("]").split(",")]))
    return head[:ti], params, table


def curve_from_trace(path):
    best, out = None, []
    with open(path) as f:
        for row in csv.DictReader(f):
            if row["status"] == "OK":
                v = float(row["time"])
                best = v if best is None or v < best else best
            out.append(best)
    return out


def ictune_curve(space, sets, budget):
    fd, trace = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    cmd = [ICTUNE, "simulate", os.path.join(WORK, space + ".yaml"), "--table",
           os.path.join(WORK, space + ".csv"), "--trace", trace, "--quiet",
           "--set", "max_evaluations=%d" % budget]
    for s in sets:
        cmd += ["--set", s]
    js = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    c = curve_from_trace(trace)
    os.unlink(trace)
    return c, js


def optuna_curve(job):
    space, sampler_name, seed, budget = job
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    keys, params, table = load_table(space)
    sampler = (optuna.samplers.TPESampler(seed=seed) if sampler_name == "tpe"
               else optuna.samplers.RandomSampler(seed=seed))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    best, out = None, []
    seen = set()
    tries = 0
    # infeasible proposals cost nothing but time: random search gets as many
    # as it needs; TPE, whose every proposal costs more, 3 x budget
    cap = budget * (3 if sampler_name == "tpe" else 200)
    while len(out) < budget and tries < cap:
        tries += 1
        trial = study.ask()
        idx = tuple(trial.suggest_int(n, 0, len(v) - 1) for n, v in params)
        key = tuple(params[i][1][k] for i, k in enumerate(idx))
        if key not in table:                    # infeasible: free, failed
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            continue
        v = table[key]
        if key in seen:                         # a repeat costs nothing new
            if v is None:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                study.tell(trial, v)
            continue
        seen.add(key)
        if v is None:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, v)
            best = v if best is None or v < best else best
        out.append(best)
        if len(seen) >= len(table):
            break
    return out


def summarise(c, opt):
    n = len(c)
    fr = []
    for k in CHECKPOINTS:
        b = c[min(k, n) - 1] if n else None
        fr.append(opt / b if b else 0.0)
    reach = []
    for tol in (1.05, 1.01, 1.0):
        reach.append(next((i + 1 for i, b in enumerate(c)
                           if b is not None and b <= opt * tol + 1e-12), None))
    return n, fr, reach


def quart(v):
    v = sorted(v)
    if len(v) < 2:
        return v[0], v[0], v[0]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], statistics.median(v), q[2]


def row_single(name, c, opt, extra=""):
    n, fr, reach = summarise(c, opt)
    return "| %s | %d%s | %s | %s |" % (name, n, extra, " | ".join("%.3f" % f for f in fr),
                                        " | ".join("-" if r is None else str(r) for r in reach))


def row_multi(name, curves, opt):
    sums = [summarise(c, opt) for c in curves]
    cells = []
    for k in range(len(CHECKPOINTS)):
        q1, m, q3 = quart([s[1][k] for s in sums])
        cells.append("%.3f [%.3f, %.3f]" % (m, q1, q3))
    rc = []
    for k in range(3):
        hits = [s[2][k] for s in sums if s[2][k] is not None]
        rc.append("%s (%d/%d)" % (int(statistics.median(hits)) if hits else "-", len(hits), len(sums)))
    n = int(statistics.median([s[0] for s in sums]))
    return "| %s | %d | %s | %s |" % (name, n, " | ".join(cells), " | ".join(rc))


def main():
    seeds = int(arg("--seeds", "20"))
    budget = int(arg("--budget", "800"))
    spaces = arg("--spaces", ",".join(ALL_SPACES)).split(",")
    use_optuna = "--no-optuna" not in sys.argv
    tpe_seeds = int(arg("--tpe-seeds", str(seeds)))
    tpe_budget = int(arg("--tpe-budget", str(budget)))
    if "--smoke" in sys.argv:
        seeds, budget, spaces = 2, 100, ["pnpoly_RTX_3090"]
    pool = multiprocessing.Pool(2)
    out = []
    for space in spaces:
        keys, params, table = load_table(space)
        opt = min(v for v in table.values() if v is not None)
        t0 = time.time()
        out.append("\n#### %s: %d configurations, optimum %.6g ms\n" % (space, len(table), opt))
        out.append("| method | evaluations | " + " | ".join("@%d" % k for k in CHECKPOINTS) +
                   " | to 5 % | to 1 % | to optimum |")
        out.append("|---" * (5 + len(CHECKPOINTS)) + "|")
        for name, sets in [("ictune dsice (ippe)", ["strategy=dsice"]),
                           ("ictune dsice (full lines)", ["strategy=dsice", "line_search=full"]),
                           ("ictune dsice-seq", ["strategy=dsice-seq"])]:
            c, js = ictune_curve(space, sets, budget)
            out.append(row_single(name, c, opt, "" if js["budget_reached"] else " (stopped)"))
        for name, sets in [("ictune dsice (ippe), random starts", ["strategy=dsice", "start=random"]),
                           ("ictune dsice (full), random starts", ["strategy=dsice", "line_search=full", "start=random"])]:
            curves = [ictune_curve(space, sets + ["seed=%d" % s], budget)[0] for s in range(1, seeds + 1)]
            out.append(row_multi(name + ", %d seeds" % seeds, curves, opt))
        curves = [ictune_curve(space, ["strategy=random", "seed=%d" % s], budget)[0] for s in range(1, seeds + 1)]
        out.append(row_multi("ictune random, %d seeds" % seeds, curves, opt))
        if use_optuna:
            for sampler in ("tpe", "random"):
                ns, nb = (tpe_seeds, tpe_budget) if sampler == "tpe" else (seeds, budget)
                curves = pool.map(optuna_curve, [(space, sampler, s, nb) for s in range(1, ns + 1)])
                label = "Optuna %s, %d seeds" % ("TPE" if sampler == "tpe" else "random", ns)
                if nb != budget:
                    label += ", budget %d" % nb
                out.append(row_multi(label, curves, opt))
        out.append("\n(%.0f s for this space)" % (time.time() - t0))
        print("\n".join(out[-(12 if use_optuna else 10):]), file=sys.stderr)
    print("\n".join(out))


if __name__ == "__main__":
    main()
