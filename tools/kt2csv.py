#!/usr/bin/python3
"""kt2csv.py - convert a Kernel Tuner cache file to an ictune table + config.

usage: /usr/bin/python3 tools/kt2csv.py CACHE.json[.gz] OUT_PREFIX [--name NAME]

Writes OUT_PREFIX.csv (one row per cached configuration: the parameters in
tune_params_keys order, then time, compile_time, benchmark_time and
duration_s = (compile_time + benchmark_time) / 1000) and OUT_PREFIX.yaml (a
config whose parameters are tune_params in that order; objective time,
minimised). A configuration absent from the cache broke the space's
restrictions: `ictune simulate` treats it as infeasible. A `time` that is a
failure string (CompilationFailedConfig, ...) is kept as text: a failed
evaluation. Standard library only.
"""
import gzip
import json
import re
import sys


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def text(v):
    # The cache keys use Python's str() of each value; so do we.
    return str(v)


def csv_field(s):
    s = str(s)
    if any(ch in s for ch in ',"\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def yaml_scalar(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return text(v)
    s = str(v)
    return "'" + s.replace("'", "''") + "'"


def number_or_text(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return repr(float(v)) if isinstance(v, float) else str(v)
    return str(v)


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2
    src, prefix = argv[1], argv[2]
    name = None
    if "--name" in argv:
        name = argv[argv.index("--name") + 1]
    d = load(src)
    keys = d["tune_params_keys"]
    params = d["tune_params"]
    objective = d.get("objective", "time")
    if name is None:
        base = re.sub(r"[^A-Za-z0-9_]+", "_", "%s_%s" % (d.get("kernel_name", "kernel"),
                                                         d.get("device_name", "") or "device"))
        name = base.strip("_")
    cache = d["cache"]
    extra = ["compile_time", "benchmark_time"]
    with open(prefix + ".csv", "w") as out:
        out.write(",".join(keys + [objective] + extra + ["duration_s"]) + "\n")
        for rec in cache.values():
            row = [csv_field(text(rec[k])) for k in keys]
            t = rec.get(objective)
            row.append(csv_field(number_or_text(t)))
            dur = 0.0
            for k in extra:
                v = rec.get(k)
                row.append(csv_field(number_or_text(v)) if v is not None else "")
                if isinstance(v, (int, float)):
                    dur += v
            row.append(repr(dur / 1000.0))
            out.write(",".join(row) + "\n")
    with open(prefix + ".yaml", "w") as out:
        out.write("# Converted by tools/kt2csv.py from %s\n" % src.split("/")[-1])
        out.write("# kernel %s on %s; %d configurations in the table.\n"
                  % (d.get("kernel_name", "?"), d.get("device_name", "?") or "?", len(cache)))
        out.write("# For `ictune simulate`: the command is never run.\n")
        out.write("name: %s\n" % name)
        out.write("command: [\"false\"]\n")
        out.write("parameters:\n")
        for k in keys:
            out.write("  %s: [%s]\n" % (k, ", ".join(yaml_scalar(v) for v in params[k])))
        out.write("objective: {metric: %s, goal: minimize}\n" % objective)
        out.write("metrics: [compile_time, benchmark_time, duration_s]\n")
        out.write("search: {strategy: dsice}\n")
    print("%s.csv: %d rows, %d parameters" % (prefix, len(cache), len(keys)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
