#!/usr/bin/python3
"""kill_campaign.py ICTUNE [--kills N] [--kinds k1,k2] - kill -9 at random
moments, per process kind, and count what was lost.

Kinds: job (every process of an MPI job, as a scheduler kills it), master
(MPI rank 0 only), worker (one MPI worker rank), local (the master of a
local run), prepare (a local run during its prepare step), startup (a
local run in its first 0-80 ms, while the results file is being made).
Each kind runs chains of resumes on one file until N kills were done; a
chain that finishes starts a new file. After every kill it counts:
  lost rows       rows read from the file after an earlier kill that are
                  gone or changed now
  duplicated      points with more than one OK row
  re-run          launches of a point whose final row was already flushed
  orphans         programs (or their children) alive 2 s after the kill
  refused files   files that neither `run` nor `--resume` accepts
and at the end of each chain whether the OK rows the search took (stage >
0) equal an uninterrupted run's. Prints one table; exit 1 if any count is not 0.
Needs /usr/bin/python3 with python3-h5py, mpiexec, setsid."""
import os, random, signal, subprocess, sys, tempfile, time
import h5py

here = os.path.dirname(os.path.abspath(__file__))
PROG = os.path.join(here, "kill_prog.sh")
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_mpi_warn_on_fork="0",
           HDF5_USE_FILE_LOCKING="FALSE")


def config(path, prepare):
    with open(path, "w") as f:
        f.write(f"""name: kc
output: kc.h5
workdir: runs
command: ["sh", "{PROG}", "{{x}}", "{{y}}", "{{k}}"]
parameters:
  x: {{from: 0, to: 14, step: 1}}
  y: {{from: 0, to: 9, step: 1}}
  k: [a, b, c]
objective: {{metric: f}}
metrics: [g]
search: {{strategy: dsice, line_search: full}}
""")
        if prepare:
            f.write('prepare: {command: "sleep 0.4; touch {prepare_dir}/done"}\n')


def rows(path):
    """(id, attempt) -> (point, status, objective, end, stage) of every
    written row (stage 0: a speculative row the search has not taken)"""
    out = {}
    with h5py.File(path, "r") as f:
        t0 = float(f.attrs["start_time"])
        for r in f["evaluations"][:]:
            if r["id"] < 0:
                continue
            out[(int(r["id"]), int(r["attempt"]))] = (
                tuple(int(v) for v in r["point"]), int(r["status"]),
                float(r["objective"]), t0 + float(r["end"]), int(r["stage"]))
    return out


def orphans():
    p = subprocess.run(["pgrep", "-f", "kill_prog.sh|sleep 0.31|sleep 29.9|sleep 0.4; touch"],
                       capture_output=True, text=True)
    return len(p.stdout.split())


def rank_pid(rank):
    p = subprocess.run(["pgrep", "-f", "run kc.yaml"], capture_output=True, text=True)
    for pid in p.stdout.split():
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"OMPI_COMM_WORLD_RANK={rank}".encode() in f.read().split(b"\0"):
                    return int(pid)
        except OSError:
            pass
    return None


def start(ictune, kind, resume):
    args = [ictune, "run", "kc.yaml", "--quiet"] + (["--resume"] if resume else [])
    if kind in ("job", "master", "worker"):
        args = ["mpiexec", "--bind-to", "none", "-n", "4"] + args
    else:
        args += ["--jobs", "3"]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_gone(p, pattern=" run kc.yaml", limit=15):
    try:
        p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    for _ in range(limit * 10):
        if subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode:
            return
        time.sleep(0.1)


def reference(ictune, work):
    d = os.path.join(work, "ref")
    os.makedirs(d)
    os.chdir(d)
    config("kc.yaml", False)
    e = dict(env, KC_SLEEP="0", KC_LOG=os.path.join(d, "log"))
    subprocess.run([ictune, "run", "kc.yaml", "--quiet", "--jobs", "3"], env=e, check=True,
                   stdout=subprocess.DEVNULL)
    return sorted((v[0], v[2]) for v in rows("kc.h5").values() if v[1] == 0 and v[4] != 0)


def campaign(ictune, kind, kills, ref, work, rng):
    c = dict(kills=0, lost=0, dup=0, rerun=0, orphans=0, refused=0, chains=0, chains_ok=0)
    chain = 0
    while c["kills"] < kills:
        chain += 1
        d = os.path.join(work, f"{kind}-{chain}")
        os.makedirs(d)
        os.chdir(d)
        config("kc.yaml", kind == "prepare")
        log = os.path.join(d, "log")
        env["KC_LOG"] = log
        env["KC_SLEEP"] = "0.31"
        seen = {}
        resume = False
        finished = False
        while not finished and c["kills"] < kills:
            p = start(ictune, kind, resume)
            t = {"startup": rng.uniform(0.0, 0.08), "prepare": rng.uniform(0.05, 0.45)}.get(
                kind, rng.uniform(0.3, 1.6))
            time.sleep(t)
            if p.poll() is not None:
                out = p.stdout.read().decode(errors="replace")
                if p.returncode == 0:
                    finished = True
                elif ("damaged" in out or "not an HDF5" in out or "exists" in out
                      or "in use" in out):
                    c["refused"] += 1
                    print(f"  {kind}: refused: {out.strip()[:300]}", file=sys.stderr)
                    break
                resume = os.path.exists("kc.h5")
                continue
            if kind == "job":
                subprocess.run(["pkill", "-9", "-s", str(p.pid)])
            elif kind in ("master", "worker"):
                victim = rank_pid(0 if kind == "master" else 2)
                if not victim:             # not up yet, or already gone
                    wait_gone(p)
                    resume = os.path.exists("kc.h5")
                    continue
                os.kill(victim, signal.SIGKILL)
            else:
                os.kill(p.pid, signal.SIGKILL)
            c["kills"] += 1
            wait_gone(p)
            time.sleep(2)
            c["orphans"] += orphans()
            subprocess.run(["pkill", "-9", "-f", "kill_prog.sh|sleep 0.31|sleep 29.9"])
            if os.path.exists("kc.h5"):
                try:
                    now = rows("kc.h5")
                except Exception as ex:        # unreadable: the next run says
                    print(f"  {kind}: h5py cannot read: {ex}", file=sys.stderr)
                    now = {}
                # (a speculative row's stage is set when the search takes
                # it: the measurement is what must not change)
                c["lost"] += sum(1 for k, v in seen.items() if (now.get(k) or ())[:4] != v[:4])
                seen = now
            resume = os.path.exists("kc.h5")
        if not finished:
            env["KC_SLEEP"] = "0"
            p = start(ictune, "local", resume)
            out = p.communicate()[0].decode(errors="replace")
            if p.returncode:
                c["refused"] += 1
                print(f"  {kind}: last resume: {out.strip()[:300]}", file=sys.stderr)
                continue
        final = rows("kc.h5")
        ok = {}
        for v in final.values():
            if v[1] == 0:
                ok[v[0]] = ok.get(v[0], 0) + 1
        c["dup"] += sum(1 for n in ok.values() if n > 1)
        # a launch after the point's final row was flushed is a re-run
        done_at = {}
        for v in final.values():
            if v[1] in (0, 5) or v[1] in (1, 2, 3, 4):
                done_at.setdefault(v[0], v[3]) if v[1] in (0, 5) else None
        names = "abc"
        for line in open(log):
            f = line.split()
            if f[0] != "start":
                continue
            pt = (int(f[2]), int(f[3]), names.index(f[4]))
            if pt in done_at and float(f[1]) > done_at[pt] + 0.05:
                c["rerun"] += 1
        c["chains"] += 1
        # the search's trajectory: the rows it took (speculative rows it
        # never took depend on timing)
        got = sorted((v[0], v[2]) for v in final.values() if v[1] == 0 and v[4] != 0)
        c["chains_ok"] += got == ref
    return c


def main():
    ictune = os.path.abspath(sys.argv[1])
    kills = 100
    kinds = ["job", "master", "worker", "local", "prepare", "startup"]
    a = sys.argv[2:]
    if "--kills" in a:
        kills = int(a[a.index("--kills") + 1])
    if "--kinds" in a:
        kinds = a[a.index("--kinds") + 1].split(",")
    work = tempfile.mkdtemp(prefix="ictune-kc.")
    rng = random.Random(13)
    ref = reference(ictune, work)
    print(f"kill campaign: {ictune}, {kills} kills per kind, seed 13, work {work}")
    print("| kind | kills | lost rows | duplicated finished rows | re-run finished points "
          "| orphans after 2 s | refused files | chains = uninterrupted |")
    print("|---|---|---|---|---|---|---|---|")
    bad = 0
    for k in kinds:
        t0 = time.time()
        c = campaign(ictune, k, kills, ref, work, rng)
        bad += c["lost"] + c["dup"] + c["rerun"] + c["orphans"] + c["refused"] + \
            (c["chains"] - c["chains_ok"])
        print(f"| {k} | {c['kills']} | {c['lost']} | {c['dup']} | {c['rerun']} | "
              f"{c['orphans']} | {c['refused']} | {c['chains_ok']}/{c['chains']} |"
              f"  ({time.time() - t0:.0f} s)", flush=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
