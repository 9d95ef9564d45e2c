#!/usr/bin/python3
"""sr_compare.py - the real workload (configs/sr.yaml): ictune's full dsice
search against Optuna's TPE and random samplers (and ictune's random
search) at the same budget of fine-tuning runs.

usage: /usr/bin/python3 bench/sr_compare.py [--budget N] [--work DIR]
           [--ictune PATH] [--methods dsice,random,tpe,optuna-random]

dsice runs to its end (no budget) through `ictune run --jobs 2`; its
number of evaluations becomes the budget of the others (or --budget N caps
every method at N). Every method evaluates through bench/sr_cached.py:
a point's first fine-tuning is real and its result and seconds are stored in
WORK/cache, so a point two methods both pick is trained once (the
fine-tuning is deterministic; the stored seconds are the real ones). The
work folder persists, so an interrupted benchmark continues: ictune's runs
resume their results file with --resume, Optuna's trials hit the cache.
Optuna: ordered-integer encoding of the grid indices, n_jobs 2, one seed
(1); TPE multivariate, the constraint through its constraints_func (a
broken one is a violation of rmse - 11, so TPE learns where it breaks);
a point Optuna proposes again is answered from the cache and costs no
evaluation (as in (a)); a run ends after `budget` distinct points or
3 x budget trials.

Reported per method: evaluations, the best dssim under the constraint
with its parameters and rmse, the evaluation at which it was found, the
best after 25/50/100/.. evaluations, the constraint breaks, and the cost:
the summed seconds of its fine-tunings and that sum over 2 workers (the
wall time it would take on this machine without the cache). Prints
markdown."""
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import cliargs  # noqa: E402
import sr_cached  # noqa: E402


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


ICTUNE = os.path.abspath(arg("--ictune", os.path.join(ROOT, "build/tools/ictune")))
BUDGET = int(arg("--budget", "0"))
WORK = os.path.abspath(arg("--work", os.path.join(ROOT, "bench/work/sr")))
METHODS = arg("--methods", "dsice,random,tpe,optuna-random").split(",")
SR = os.path.join(ROOT, "tools/sr/sr.py")
CACHED = os.path.join(ROOT, "bench/sr_cached.py")
CACHE = os.path.join(WORK, "cache")
PRE = os.path.join(WORK, "pre")
LR = [1e-5 * (1000 ** (i / 9)) for i in range(10)]
W2 = [i / 10 for i in range(11)]
W3 = [i / 100 for i in range(11)]
W4 = [i / 10 for i in range(11)]
LIMIT = 11.0


def ictune(strategy, budget):
    """Run (or resume) one ictune search; its rows as (params, dssim, rmse) in
    the order they were measured."""
    import h5py
    cfg = open(os.path.join(ROOT, "configs/sr.yaml")).read()
    cfg = cfg.replace('["/usr/bin/python3", "tools/sr/sr.py", "finetune", "{prepare_dir}",',
                      '["/usr/bin/python3", "%s", "%s", "{prepare_dir}",' % (CACHED, CACHE))
    cfg = cfg.replace("tools/sr/sr.py", SR)
    cfg = cfg.replace("  max_evaluations: 200\n", "  max_evaluations: %d\n" % budget if budget else "")
    cfg = cfg.replace("output: sr.h5", "output: %s.h5" % strategy)
    cfg = cfg.replace("workdir: sr-runs", "workdir: %s-runs" % strategy)
    assert CACHED in cfg
    path = os.path.join(WORK, strategy + ".yaml")
    open(path, "w").write(cfg)
    h5 = os.path.join(WORK, strategy + ".h5")
    cmd = [ICTUNE, "run", path, "--jobs", "2", "--quiet", "--set", "strategy=" + strategy]
    if os.path.exists(h5):
        cmd.append("--resume")
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=WORK)
    if p.returncode != 0:
        sys.exit("sr_compare: %s exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    wall = time.time() - t0
    rows = []
    with h5py.File(h5, "r") as f:
        ev = f["evaluations"][...]
        names = {v: k for k, v in h5py.check_enum_dtype(ev.dtype["status"]).items()}
        for r in ev:
            if names[int(r["status"])] in ("OK", "INFEASIBLE"):
                rows.append(((float(r["lr"]), float(r["w2"]), float(r["w3"]), float(r["w4"])),
                             float(r["objective"]), float(r["rmse"])))
    return rows, wall


def optuna_run(sampler, budget):
    """Optuna at the same budget: TPE is multivariate with the constraint as
    a constraints_func violation (rmse - 11), the variant that did best on
    the measured spaces (BENCHMARKS.md (a)); random is the random sampler."""
    import optuna
    import optuna_fast
    import warnings
    optuna_fast.patch()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    if sampler == "tpe":
        s = optuna.samplers.TPESampler(seed=1, multivariate=True,
                                       constraints_func=lambda t: (t.user_attrs["violation"],))
    else:
        s = optuna.samplers.RandomSampler(seed=1)
    study = optuna.create_study(direction="minimize", sampler=s)
    rows, seen, lock = [], set(), threading.Lock()

    def obj(trial):
        p = (LR[trial.suggest_int("lr", 0, 9)], W2[trial.suggest_int("w2", 0, 10)],
             W3[trial.suggest_int("w3", 0, 10)], W4[trial.suggest_int("w4", 0, 10)])
        line, _ = sr_cached.run(CACHE, PRE, *p)
        v = dict(kv.split("=") for kv in line.split()[1:])
        d, r = float(v["dssim"]), float(v["rmse"])
        with lock:
            if p not in seen:
                seen.add(p)
                rows.append((p, d, r))
                if len(rows) >= budget:
                    study.stop()
        trial.set_user_attr("violation", max(0.0, r - LIMIT + 1e-9))
        return d
    t0 = time.time()
    study.optimize(obj, n_trials=3 * budget, n_jobs=2)
    return rows[:budget], time.time() - t0


def seconds(p):
    hit = sr_cached.lookup(CACHE, sr_cached.key(*p))
    return hit[1] if hit else float("nan")


def report(label, rows, wall):
    best, at, marks = None, 0, []
    for i, (p, d, r) in enumerate(rows, 1):
        if r < LIMIT and (best is None or d < best[1]):
            best, at = (p, d, r), i
        if i in (25, 50, 100, 200, 400, 800):
            marks.append("%d: %.6f" % (i, best[1]) if best else "%d: -" % i)
    distinct = len({p for p, _, _ in rows})
    broken = sum(1 for _, _, r in rows if not r < LIMIT)
    cost = sum(seconds(p) for p in {p for p, _, _ in rows})
    txt = "none" if best is None else "**%.6f** (rmse %.3f) at lr=%.3g w2=%g w3=%g w4=%g" % (
        best[1], best[2], *best[0])
    print("| %s | %d (%d distinct) | %s | %d | %s | %d | %.0f s | %.0f s | %.0f s |" % (
        label, len(rows), distinct, txt, at, "; ".join(marks) or "-", broken, cost, cost / 2, wall))


def main():
    cliargs.check(__doc__, valued=("--budget", "--work", "--ictune", "--methods"), flags=())
    os.makedirs(CACHE, exist_ok=True)
    t0 = time.time()
    if not os.path.exists(os.path.join(PRE, "model.pt")):
        subprocess.run(["/usr/bin/python3", SR, "pretrain", PRE], check=True, capture_output=True)
    tpre = time.time() - t0
    line, _ = sr_cached.run(CACHE, PRE, 1e-4, 0, 0, 0)
    print("Pre-training: %.0f s (0 when reused from the work folder). Untuned fine-tuning "
          "(lr 1e-4, w2 = w3 = w4 = 0): %s.\n" % (tpre, line[9:]))
    print("| method | evaluations | best dssim under rmse < 11 | found at | best after n | rmse >= 11 "
          "| fine-tuning time | over 2 workers | wall time of this run |")
    print("|---|---|---|---|---|---|---|---|---|")
    budget = BUDGET
    if "dsice" in METHODS:
        rows, wall = ictune("dsice", BUDGET)
        budget = budget or len(rows)
        report("ictune dsice (ippe, to its end)" if not BUDGET else "ictune dsice", rows, wall)
    budget = budget or 200
    for m in METHODS:
        if m == "random":
            rows, wall = ictune("random", budget)
            report("ictune random", rows, wall)
        elif m in ("tpe", "optuna-random"):
            rows, wall = optuna_run("tpe" if m == "tpe" else "random", budget)
            report("Optuna %s, seed 1" % ("TPE" if m == "tpe" else "random"), rows, wall)


if __name__ == "__main__":
    main()
