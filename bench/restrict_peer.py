#!/usr/bin/python3
"""restrict_peer.py [N] - the peer's cost of the restrictions of
bench/restrict_bench.c: Kernel Tuner checks restrictions as Python
expressions; here each is compiled once and eval()'d per point, over N
points drawn at random (seeded) from the same 10^7-point space (default
10^6), and the time is scaled to 10^7. Prints one markdown table row."""
import random, sys, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
pow2 = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
names = ["block_x", "block_y", "tile_x", "tile_y", "unroll", "use_shared", "kind"]
values = [pow2] * 5 + [list(range(10)), ["naive"] + ["k%d" % k for k in range(1, 10)]]
rules = ["block_x * block_y <= 1024", "block_x * block_y >= 64",
         "tile_x == tile_y or tile_y == 1",
         "unroll in [1, 2, 4] or use_shared == 1 and kind != 'naive'"]
code = [compile(r, "<restriction>", "eval") for r in rules]
rng = random.Random(1)
points = []
for _ in range(n):
    f = rng.randrange(10 ** 7)
    p = []
    for a in range(6, -1, -1):
        p.append(values[a][f % 10])
        f //= 10
    points.append(p[::-1])
t = time.perf_counter()
valid = 0
for point in points:
    env = dict(zip(names, point))
    valid += all(eval(c, {}, env) for c in code)
dt = time.perf_counter() - t
print("| the same restrictions as Python expressions, eval() per point "
      "(Kernel Tuner's way; %d points measured, scaled to 10^7) | %.1f s | "
      "%.0f ns | %.0f |" % (n, dt * 1e7 / n, dt * 1e9 / n, float("nan")))
