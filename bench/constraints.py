#!/usr/bin/python3
"""constraints.py - a binding constraint on a second metric (issue 16).

usage: /usr/bin/python3 bench/constraints.py [--ictune PATH]

Two 10 x 11 x 11 x 11 cases shaped like the reference study: the objective
pi of benchmark (b)'s bowl (optimum moved to (3, 7, 8, 8)) or rotated
valley (optimum (2, 8, 7, 8)), and a metric rmse that rises with w3 and w4
(and w2), under `rmse < 12.5` / `rmse < 12.0`, so that the constrained
optimum sits on the constraint's boundary; runs of about 9 h (20 %
spread, seeded). ictune dsice with its default options at 1 and 26
workers (`ictune simulate`), against Optuna TPE (multivariate,
constant_liar, the constraint through constraints_func as the violation
rmse - bound) with 26 asynchronous workers, 5 seeds (median [min, max]).
Reported: whether and when the constrained optimum and 1 % of it were
reached, and the share of evaluations that broke the constraint (for TPE,
until it reached the optimum or its 800 evaluations)."""
import csv
import json
import math
import os
import random
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cliargs  # noqa: E402
import async_peers  # noqa: E402

ICTUNE = sys.argv[sys.argv.index("--ictune") + 1] if "--ictune" in sys.argv else "build/tools/ictune"
WORK = "bench/work"
PARAMS = ["lr", "w2", "w3", "w4"]


def write(name, kind):
    rng = random.Random(7)
    with open(os.path.join(WORK, name + ".csv"), "w") as f:
        f.write("lr,w2,w3,w4,pi,rmse,hours,seconds\n")
        for i in range(10):
            for j in range(11):
                for k in range(11):
                    for m in range(11):
                        if kind == "bowl":
                            a, b, c, d = i - 3, j - 7, k - 8, m - 8
                            pi = (2 + 0.03 * a * a + 0.02 * b * b + 0.04 * c * c + 0.015 * d * d +
                                  0.01 * a * b + 0.02 * math.sin(1.7 * c) * math.sin(0.9 * d))
                            rmse = 10 + 0.25 * k + 0.2 * m + 0.05 * i
                        else:
                            a, b, c, d = i - 2, j - 8, k - 7, m - 8
                            u, v = (a + b) / math.sqrt(2), (a - b) / math.sqrt(2)
                            pi = 2 + 0.06 * u * u + 0.006 * v * v + 0.03 * c * c + 0.02 * d * d + 0.01 * c * d
                            rmse = 9.5 + 0.2 * k + 0.15 * m + 0.1 * j
                        h = 9 * math.exp(rng.gauss(0, 0.2))
                        f.write("%d,%d,%d,%d,%.9f,%.6f,%.6f,%.3f\n" % (i, j, k, m, pi, rmse, h, h * 3600))
    bound = 12.5 if kind == "bowl" else 12.0
    with open(os.path.join(WORK, name + ".yaml"), "w") as f:
        f.write("name: %s\ncommand: [\"false\"]\nparameters:\n" % name +
                "  lr: {from: 0, to: 9, step: 1}\n  w2: {from: 0, to: 10, step: 1}\n"
                "  w3: {from: 0, to: 10, step: 1}\n  w4: {from: 0, to: 10, step: 1}\n"
                "objective: {metric: pi}\nmetrics: [rmse, hours, seconds]\n"
                "constraints: [\"rmse < %g\"]\n" % bound)
    return bound


def sim(name, W):
    trace = os.path.join(WORK, "cons_trace.csv")
    out = subprocess.run([ICTUNE, "simulate", os.path.join(WORK, name + ".yaml"), "--table",
                          os.path.join(WORK, name + ".csv"), "--workers", str(W), "--duration",
                          "seconds", "--quiet", "--trace", trace],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out.splitlines()[-1])
    with open(trace) as f:
        rows = list(csv.DictReader(f))
    ev = sorted(((float(r["end"]), float(r["pi"]) if r["status"] == "OK" else None) for r in rows),
                key=lambda e: e[0])
    took = [r for r in rows if r["stage"] != "0"]
    broken = sum(1 for r in took if r["status"] == "INFEASIBLE")
    return j, ev, broken, len(took)


def h(t):
    return "-" if t is None else "%.1f h" % (t / 3600)


def main():
    cliargs.check(__doc__, valued=("--ictune",), flags=())
    os.makedirs(WORK, exist_ok=True)
    print("| case | method | workers | evaluations | broke the constraint | best / constrained optimum | within 1 % | optimum |")
    print("|---|---|---|---|---|---|---|---|")
    for name, kind in [("cons_bowl", "bowl"), ("cons_valley", "valley")]:
        bound = write(name, kind)
        rows, values = async_peers.load(os.path.join(WORK, name + ".csv"), PARAMS, "pi", "seconds",
                                        ("rmse", "<", bound))
        opt = min(v[0] for v, _ in rows.values() if v[1] == 0)
        for W in (1, 26):
            j, ev, broken, n = sim(name, W)
            t1 = async_peers.time_to(ev, opt * 1.01) if W > 1 else None
            t0 = async_peers.time_to(ev, opt) if W > 1 else None
            print("| %s, rmse < %g | ictune dsice, default | %d | %d | %d (%.0f %%) | %.4f | %s | %s |" % (
                kind, bound, W, n, broken, 100.0 * broken / max(n, 1), opt / j["best"],
                h(t1) if W > 1 else "-", h(t0) if W > 1 else "-"))
        t1s, t0s, shares, ns = [], [], [], []
        for seed in range(1, 6):
            ev = async_peers.tpe(rows, values, PARAMS, 26, seed, 800, None, 3000)
            t1, t0 = async_peers.time_to(ev, opt * 1.01), async_peers.time_to(ev, opt)
            upto = [e for e in ev if t0 is None or e[0] <= t0]
            shares.append(sum(1 for e in upto if isinstance(e[1], tuple) and e[1][1] > 0) / max(len(upto), 1))
            t1s.append(t1)
            t0s.append(t0)
            ns.append(len(upto))

        def med(ts):
            got = [t for t in ts if t is not None]
            m = statistics.median([t if t is not None else float("inf") for t in ts])
            return "%s [%s, %s]%s" % (h(m) if m != float("inf") else "-", h(min(got)) if got else "-",
                                      h(max(got)) if got else "-",
                                      "" if len(got) == len(ts) else " (%d/%d)" % (len(got), len(ts)))
        print("| %s, rmse < %g | Optuna TPE, constraints_func, constant_liar, 5 seeds | 26 | %d | %.0f %% | - | %s | %s |" % (
            kind, bound, statistics.median(ns), 100 * statistics.median(shares), med(t1s), med(t0s)))


if __name__ == "__main__":
    main()
