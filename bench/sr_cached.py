#!/usr/bin/python3
"""sr_cached.py - tools/sr/sr.py finetune behind a cache of measured runs,
for bench/sr_compare.py only.

usage: /usr/bin/python3 bench/sr_cached.py CACHE_DIR PRETRAINED_DIR
           --lr LR --w1 W1 --w2 W2 --w3 W3 --w4 W4

The fine-tuning is deterministic (fixed seeds, one thread), so a point of
the grid measured once by one method gives the same dssim and rmse to every
other method: the first run of a point is real and its output line and wall
time are stored in CACHE_DIR (one file per point, written atomically, so two
methods may share the cache at once); later runs print the stored line.
The key is the point's grid indices (lr by its nearest log-grid value), so
ictune's rendering of 4.64158883361e-4 and Python's repr of the same value
name the same point. The stored seconds let sr_compare.py report what each
method's evaluations cost, whichever method ran them first."""
import math
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "tools/sr/sr.py")


def key(lr, w2, w3, w4):
    return "lr%d_w2_%d_w3_%d_w4_%d" % (round(math.log10(lr / 1e-5) * 3), round(w2 * 10),
                                        round(w3 * 100), round(w4 * 10))


def lookup(cache, k):
    """(line, seconds) stored for key k, or None."""
    try:
        with open(os.path.join(cache, k)) as f:
            line, sec = f.read().splitlines()[:2]
        return line, float(sec)
    except (OSError, ValueError):
        return None


def run(cache, pre, lr, w2, w3, w4):
    """The point's result line and the seconds its real run took."""
    k = key(lr, w2, w3, w4)
    hit = lookup(cache, k)
    if hit:
        return hit
    t0 = time.time()
    p = subprocess.run(["/usr/bin/python3", SR, "finetune", pre, "--lr", repr(lr), "--w1", "1",
                        "--w2", repr(w2), "--w3", repr(w3), "--w4", repr(w4)],
                       capture_output=True, text=True)
    sec = time.time() - t0
    lines = [l for l in p.stdout.splitlines() if l.startswith("[ictune]")]
    if p.returncode != 0 or not lines:
        sys.stderr.write(p.stderr)
        raise SystemExit("sr_cached: finetune %s failed (exit %d)" % (k, p.returncode))
    tmp = os.path.join(cache, ".%s.%d" % (k, os.getpid()))
    with open(tmp, "w") as f:
        f.write("%s\n%.3f\n" % (lines[-1], sec))
    os.rename(tmp, os.path.join(cache, k))
    return lines[-1], sec


def main():
    a = sys.argv[1:]
    cache, pre = a[0], a[1]
    v = {a[i][2:]: float(a[i + 1]) for i in range(2, len(a) - 1, 2)}
    line, _ = run(cache, pre, v["lr"], v["w2"], v["w3"], v["w4"])
    print(line)


if __name__ == "__main__":
    main()
