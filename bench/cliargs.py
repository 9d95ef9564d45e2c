"""cliargs.py - the benchmarks' command lines checked before anything runs:
--help prints the script's docstring, and an argument the script does not
take is an error (a typo must not start an hour-long run with defaults).

    cliargs.check(__doc__, valued=("--ictune",), flags=("--smoke",))

With keyvalue=True, bare KEY=VALUE words are taken too and returned.
"""
import os
import sys


def check(doc, valued=(), flags=(), keyvalue=False, argv=None):
    argv = sys.argv[1:] if argv is None else argv
    name = os.path.basename(sys.argv[0])
    sets = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            print(doc.strip())
            sys.exit(0)
        if a in valued:
            if i + 1 >= len(argv) or argv[i + 1].startswith("--"):
                sys.exit(f"{name}: {a} needs a value (see --help)")
            if a == "--set" and "=" not in argv[i + 1]:
                sys.exit(f"{name}: --set {argv[i + 1]}: expected KEY=VALUE")
            i += 2
        elif a in flags:
            i += 1
        elif keyvalue and "=" in a and not a.startswith("-"):
            sets.append(a)
            i += 1
        else:
            want = "one of " + ", ".join(sorted(valued + flags)) + (" or KEY=VALUE" if keyvalue else "")
            sys.exit(f"{name}: unknown argument '{a}', expected {want} (see --help)")
    return sets
