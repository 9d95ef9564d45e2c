#!/usr/bin/python3
"""sr_compare.py - the real workload (configs/sr.yaml): ictune's dsice and
random search against Optuna's TPE and random samplers, at the same budget
of fine-tuning runs, after one shared pre-training.

usage: /usr/bin/python3 bench/sr_compare.py [--budget 40] [--ictune PATH]

dsice and random run through `ictune run --jobs 2`; Optuna calls the same
`tools/sr/sr.py finetune` for each trial, two at a time (n_jobs=2), with
the parameters as ordered indices and the constraint rmse < 11 (a broken
constraint is reported as a failed trial). Reported: best dssim under the
constraint, its rmse, evaluations and wall time. Prints markdown."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICTUNE = sys.argv[sys.argv.index("--ictune") + 1] if "--ictune" in sys.argv else os.path.join(ROOT, "build/tools/ictune")
BUDGET = int(sys.argv[sys.argv.index("--budget") + 1]) if "--budget" in sys.argv else 40
SR = os.path.join(ROOT, "tools/sr/sr.py")
LR = [1e-5 * (1000 ** (i / 9)) for i in range(10)]
W2 = [i / 10 for i in range(11)]
W3 = [i / 100 for i in range(11)]
W4 = [i / 10 for i in range(11)]


def finetune(pre, lr, w2, w3, w4):
    out = subprocess.run(["/usr/bin/python3", SR, "finetune", pre, "--lr", repr(lr), "--w1", "1",
                          "--w2", repr(w2), "--w3", repr(w3), "--w4", repr(w4)],
                         capture_output=True, text=True).stdout
    vals = dict(kv.split("=") for kv in out.strip().splitlines()[-1].split()[1:])
    return float(vals["dssim"]), float(vals["rmse"])


def ictune(tmp, strategy):
    cfg = open(os.path.join(ROOT, "configs/sr.yaml")).read()
    cfg = cfg.replace("tools/sr/sr.py", SR).replace("max_evaluations: 200", "max_evaluations: %d" % BUDGET)
    cfg = cfg.replace("output: sr.h5", "output: %s.h5" % strategy)
    path = os.path.join(tmp, strategy + ".yaml")
    open(path, "w").write(cfg)
    t0 = time.time()
    out = subprocess.run([ICTUNE, "run", path, "--jobs", "2", "--quiet", "--set", "strategy=" + strategy],
                         capture_output=True, text=True, cwd=tmp).stdout
    wall = time.time() - t0
    best = [l for l in out.splitlines() if l.startswith("best")]
    return best[0] if best else "none", wall


def optuna_run(pre, sampler):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    s = optuna.samplers.TPESampler(seed=1) if sampler == "tpe" else optuna.samplers.RandomSampler(seed=1)
    study = optuna.create_study(direction="minimize", sampler=s)
    best = [None]

    def obj(trial):
        p = (LR[trial.suggest_int("lr", 0, 9)], W2[trial.suggest_int("w2", 0, 10)],
             W3[trial.suggest_int("w3", 0, 10)], W4[trial.suggest_int("w4", 0, 10)])
        d, r = finetune(pre, *p)
        if not r < 11:
            raise optuna.TrialPruned()          # constraint broken: not a candidate
        if best[0] is None or d < best[0][0]:
            best[0] = (d, r, p)
        return d
    t0 = time.time()
    study.optimize(obj, n_trials=BUDGET, n_jobs=2)
    return best[0], time.time() - t0


def main():
    tmp = tempfile.mkdtemp()
    pre = os.path.join(tmp, "pre")
    t0 = time.time()
    subprocess.run(["/usr/bin/python3", SR, "pretrain", pre], check=True, capture_output=True)
    tpre = time.time() - t0
    d0, r0 = finetune(pre, 1e-4, 0, 0, 0)
    print("Pre-training: %.0f s. Untuned fine-tuning (lr 1e-4, w2 = w3 = w4 = 0): dssim %.5f, rmse %.3f.\n"
          % (tpre, d0, r0))
    print("| method | budget | best (under rmse < 11) | wall time |")
    print("|---|---|---|---|")
    for strategy in ("dsice", "random"):
        best, wall = ictune(tmp, strategy)
        print("| ictune %s, 2 local workers | %d | %s | %.0f s |" % (strategy, BUDGET, best, wall))
    for sampler in ("tpe", "random"):
        best, wall = optuna_run(pre, sampler)
        txt = "none" if best is None else "dssim = %.6f, rmse = %.4f at lr=%.3g w2=%g w3=%g w4=%g" % (
            best[0], best[1], *best[2])
        print("| Optuna %s, n_jobs 2 | %d | %s | %.0f s |" % ("TPE" if sampler == "tpe" else "random", BUDGET, txt, wall))
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
