#!/usr/bin/python3
"""sweep.py - one dsice setting on benchmark (a)'s eight spaces, against
multivariate TPE, for choosing defaults.

usage: /usr/bin/python3 bench/sweep.py [--ictune PATH] [--seeds 20]
           [--seed0 1] [--par 2] [--per-seed SPACE:K] [--spaces A,B,...]
           [KEY=VALUE ...]

--spaces: other spaces of bench/work than the eight (for example the
subspaces bench/subspace.py cuts, whose TPE curves efficiency.py
--spaces makes).

--per-seed SPACE:K: only that space; the fraction of optimum after K
evaluations for every seed, sorted, then TPE's, each with its median.

Runs `ictune simulate` with the default options plus each KEY=VALUE (as
`--set`), budget 800, for seeds seed0 .. seed0 + seeds - 1, and compares
at 25, 50, 100 and 200 evaluations with the TPE curves benchmark (a) keeps
in bench/work/optuna/ (run `sh bench/run.sh a` first). Prints per space the
median fraction of optimum, + where it is at or above TPE's median, and
(in brackets) the mean fraction less TPE's mean; then the count of such
cells (of 32 on the eight spaces: "cells", what benchmark (a) reports)
and the sum of the mean differences ("dmean"). A median over 20 seeds moves by a cell or two with
the seeds (the design's warp with the kernel's share 0.7: 28 cells on
seeds 1-20, 29 on 41-140, 29 on 141-240; without the warp 24, 25, 28;
the present default, share 0.5: 29 on seeds 1-20, 30 on 41-90, and on
bench/subspace.py's spaces 23 on seeds 1-20 where 0.7 had 22);
dmean over many seeds is the steadier figure to choose by, and a choice made on some seeds is to be checked on others
(--seed0 41 --seeds 100): the defaults chosen on seeds 1-40 had 27 cells
on seeds 1-20 and 24 on seeds 41-140."""
import glob
import json
import multiprocessing
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cliargs  # noqa: E402
import efficiency as E  # noqa: E402

CHECKED = 4    # E.CHECKPOINTS' first four (25, 50, 100, 200); the last is 800


def job(j):
    space, sets, seed = j
    return E.ictune_curve(space, sets + ["seed=%d" % seed], 800)[0]


def main():
    sets = cliargs.check(__doc__, valued=("--ictune", "--seeds", "--seed0", "--par", "--per-seed",
                                                 "--spaces"),
                         keyvalue=True)
    E.ICTUNE = E.arg("--ictune", "build-bench/tools/ictune")
    seeds, seed0, par = int(E.arg("--seeds", "20")), int(E.arg("--seed0", "1")), int(E.arg("--par", "2"))
    per = E.arg("--per-seed", None)
    cells = end_ok = 0
    dmean = 0.0
    with multiprocessing.Pool(par) as pool:
        spaces = E.arg("--spaces", ",".join(E.ALL_SPACES)).split(",")
        for space in [per.split(":")[0]] if per else spaces:
            _, _, table = E.load_table(space)
            opt = min(v for v in table.values() if v is not None)
            tpe = [json.load(open(f)) for f in
                   sorted(glob.glob(os.path.join(E.WORK, "optuna", "%s_tpe-c-mv_*_200_*.json" % space)))]
            if not tpe:
                sys.exit("sweep: no TPE curves for %s in %s/optuna: run `sh bench/run.sh a` first"
                         % (space, E.WORK))
            curves = pool.map(job, [(space, sets, s) for s in range(seed0, seed0 + seeds)])
            if per:
                k = int(per.split(":")[1])
                for name, cs in (("ictune", curves), ("tpe", tpe)):
                    f = sorted(opt / c[min(k, len(c)) - 1] if c and c[min(k, len(c)) - 1] else 0.0
                               for c in cs)
                    print("%-6s after %d: %s  median %.5f" % (name, k, " ".join("%.4f" % x for x in f),
                                                             statistics.median(f)))
                return
            out = []
            ours = [E.summarise(c, opt)[1] for c in curves]
            theirs = [E.summarise(c, opt)[1] for c in tpe]
            for i in range(CHECKED):
                o = [f[i] for f in ours]
                t = [f[i] for f in theirs]
                win = statistics.median(o) >= statistics.median(t) - 1e-9
                cells += win
                d = statistics.mean(o) - statistics.mean(t)
                dmean += d
                out.append("%.3f%s(%+.3f)" % (statistics.median(o), "+" if win else "-", d))
            end = statistics.median(f[-1] for f in ours)
            end_ok += end >= 0.99
            print("%-24s %s end %.3f" % (space, " ".join(out), end), flush=True)
    print("cells %d/%d  dmean %+.3f  within 1 %% at 800: %d/%d  (seeds %d-%d, %s)"
          % (cells, CHECKED * len(spaces), dmean, end_ok, len(spaces), seed0, seed0 + seeds - 1,
             " ".join(sets) or "defaults"))


if __name__ == "__main__":
    main()
