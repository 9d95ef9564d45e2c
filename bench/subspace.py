#!/usr/bin/python3
"""subspace.py - spaces the defaults were not chosen on, cut from the
measured ones, to check that a default generalises.

usage: /usr/bin/python3 bench/subspace.py [--work bench/work]

For each of benchmark (a)'s eight spaces (their tables in bench/work, made
by `sh bench/run.sh a`), writes a table and config named SPACE_sub: the
same measurements without the optimum's value of one parameter of at most
4 values, so the optimum lies elsewhere and the landscape is another one.
The parameter is fixed by a rule, not chosen by hand: of those whose
removal keeps at least a third of the space's valid points, the one whose
removal makes the best time worst (the first in the table's order on a
tie). Prints what it removed. Run sweep.py or efficiency.py with
--spaces NAME_sub,... on them.
"""
import csv
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cliargs  # noqa: E402
import efficiency as E  # noqa: E402


def cut(space):
    if not os.path.exists(os.path.join(E.WORK, space + ".csv")):
        sys.exit("subspace: no %s.csv in %s: run `sh bench/run.sh a` first" % (space, E.WORK))
    keys, _, table = E.load_table(space)
    valid = {k: v for k, v in table.items() if v is not None}
    opt = min(valid, key=valid.get)
    choice = None
    for i in range(len(keys)):
        if not 2 <= len(set(k[i] for k in table)) <= 4:
            continue
        rest = [v for k, v in valid.items() if k[i] != opt[i]]
        if 3 * len(rest) < len(valid):
            continue
        ratio = valid[opt] / min(rest)
        if choice is None or ratio < choice[0] - 1e-12:
            choice = (ratio, i)
    if choice is None:
        sys.exit("subspace: %s has no parameter to cut" % space)
    ratio, i = choice
    with open(os.path.join(E.WORK, space + ".csv")) as f:
        rows = list(csv.reader(f))
    head, rows = rows[0], rows[1:]
    name = space + "_sub"
    with open(os.path.join(E.WORK, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(r for r in rows if r[i] != opt[i])
    with open(os.path.join(E.WORK, space + ".yaml")) as f:
        text = f.read()
    line = re.compile(r"^(  %s: \[)(.*)(\])$" % re.escape(head[i]), re.M)
    m = line.search(text)
    if not m:
        sys.exit("subspace: %s.yaml has no line for %s" % (space, head[i]))
    kept = [v for v in m.group(2).split(", ") if v != opt[i]]
    text = text[:m.start()] + m.group(1) + ", ".join(kept) + m.group(3) + text[m.end():]
    text = re.sub(r"^name: .*$", "name: " + name, text, count=1, flags=re.M)
    with open(os.path.join(E.WORK, name + ".yaml"), "w") as f:
        f.write("# subspace.py: %s without %s = %s (the optimum's value)\n" % (space, head[i], opt[i]))
        f.write(text)
    print("%s: %s without %s = %s; its best is %.3f of the whole space's"
          % (name, space, head[i], opt[i], ratio))


def main():
    cliargs.check(__doc__, valued=("--work",))
    for space in E.ALL_SPACES:
        cut(space)


if __name__ == "__main__":
    main()
