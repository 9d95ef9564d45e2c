"""async_peers.py - the peers a user would run on W GPUs instead of ictune,
on the same simulated clock as `ictune simulate` (for benchmark (b)).

Each peer runs W workers that ask for a configuration as soon as they are
free (asynchronous, no stages): the run time of a configuration is the
table's duration column, its score the objective column, and results come
back in order of their end time, as on a cluster.

- Optuna TPE, multivariate, constant_liar=True (Optuna's recommendation for
  asynchronous parallel workers: a running trial counts as a bad result
  so that free workers do not all ask for the same point), one study that
  the W workers share. Parameters are ordered integer indices. A proposal
  that repeats a configuration already measured is answered at once from
  the earlier result (it costs no run; a user's cache would do that); one
  that repeats a running configuration runs it again.
- Random search without replacement (seeded).

A table row without a value (a failed run) is told as a failed trial; a
configuration absent from the table (infeasible, known before running) as
a constraint violation, at no cost on the clock.
Each run returns its evaluations as (end time, value), in end order, and
stops at the table's optimum or after `budget` evaluations."""
import csv
import heapq
import random


def load(path, params, value_col, dur_col, constraint=None):
    """The table: key (tuple of the parameters' texts) -> (value or None,
    seconds); and each parameter's values in index order. With constraint
    (column, op, bound), op one of < <= > >=, the value is (value,
    violation) where violation > 0 when the constraint is broken."""
    rows = {}
    values = {p: [] for p in params}
    with open(path) as f:
        for r in csv.DictReader(f):
            key = tuple(r[p] for p in params)
            v = r[value_col]
            try:
                v = float(v)
            except ValueError:
                v = None
            if constraint and v is not None:
                col, op, b = constraint
                m = float(r[col])
                viol = {"<": m - b if m >= b else 0.0, "<=": max(0.0, m - b),
                        ">": b - m if m <= b else 0.0, ">=": max(0.0, b - m)}[op]
                if op == "<" and m >= b:
                    viol = max(viol, 1e-12)
                if op == ">" and m <= b:
                    viol = max(viol, 1e-12)
                v = (v, viol)
            rows[key] = (v, float(r[dur_col]))
            for p in params:
                if r[p] not in values[p]:
                    values[p].append(r[p])
    for p in params:
        try:
            values[p].sort(key=float)
        except ValueError:
            pass
    return rows, [values[p] for p in params]


def _clock(W, budget, optimum, next_key, tell):
    """The W-worker clock: next_key(worker) gives (key, seconds, token) or
    None; tell(token, value) when it ends. Returns [(end, value)]."""
    heap, out, t = [], [], 0.0
    started = 0

    def start(w, now):
        nonlocal started
        if started >= budget:
            return
        k = next_key(w)
        if k is None:
            return
        key, secs, tok, value = k
        started += 1
        heapq.heappush(heap, (now + secs, w, started, tok, value))

    for w in range(W):
        start(w, 0.0)
    while heap:
        t, w, _, tok, value = heapq.heappop(heap)
        tell(tok, value)
        out.append((t, value))
        if value is not None and optimum is not None and value <= optimum:
            break
        start(w, t)
    return out


def tpe(rows, values, params, W, seed, budget, optimum, max_asks=None):
    """max_asks bounds the proposals, the infeasible ones included (each
    makes Optuna's next proposal slower)."""
    import optuna
    import optuna_fast
    import warnings
    optuna_fast.patch()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    # a configuration absent from the table (infeasible) is told as a
    # constraint violation (its objective the worst seen), so that TPE's
    # model learns where they are, as efficiency.py's "tpe-c"
    sampler = optuna.samplers.TPESampler(
        seed=seed, multivariate=True, constant_liar=True,
        constraints_func=lambda t: (t.user_attrs.get("violation", 0.0),))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    done = {}
    asks = [0]
    worst = [0.0]

    def next_key(w):
        while max_asks is None or asks[0] < max_asks:
            asks[0] += 1
            trial = study.ask()
            idx = [trial.suggest_int(p, 0, len(v) - 1) for p, v in zip(params, values)]
            key = tuple(values[i][k] for i, k in enumerate(idx))
            if key not in rows:                 # not in the table: infeasible
                trial.set_user_attr("violation", 1.0)
                study.tell(trial, worst[0])
                continue
            if key in done:                     # measured: answered at once
                tell((trial, key), done[key])
                continue
            v, secs = rows[key]
            return key, secs, (trial, key), v
        return None

    def tell(tok, v):
        trial, key = tok
        done[key] = v
        if v is None:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            return
        viol = 0.0
        if isinstance(v, tuple):                # a metric constraint
            v, viol = v
        trial.set_user_attr("violation", viol)
        worst[0] = max(worst[0], v)
        study.tell(trial, v)

    return _clock(W, budget, optimum, next_key, tell)


def rand(rows, W, seed, budget, optimum):
    keys = sorted(rows)
    random.Random(seed).shuffle(keys)
    it = iter(keys)

    def next_key(w):
        k = next(it, None)
        if k is None:
            return None
        v, secs = rows[k]
        return k, secs, None, v

    return _clock(W, budget, optimum, next_key, lambda tok, v: None)


def time_to(evals, target):
    """End time of the first evaluation with value <= target (and its
    constraint kept), or None."""
    for t, v in evals:
        if isinstance(v, tuple):
            if v[1] > 0:
                continue
            v = v[0]
        if v is not None and v <= target:
            return t
    return None
