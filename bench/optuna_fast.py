"""optuna_fast.py - Optuna 3.1's TPE with scipy's special functions, for the
benchmarks only.

Debian 12's Optuna 3.1 computes the truncated-normal quantile of every TPE
candidate by a 100-step bisection over a pure-Python log-CDF (optuna/samplers/
_tpe/_truncnorm.py): 85 % of a TPE run's time on the GEMM space. patch()
replaces its vectorised _log_ndtr, _ndtri_exp and erf with scipy.special's
log_ndtr, ndtri_exp and erf, which compute the same functions to a few
ulps. The sampler's decisions are unchanged: efficiency.py --check-fast
runs TPE seeds with and without the patch and compares every proposal."""


def patch():
    import scipy.special as sp
    from optuna.samplers._tpe import _truncnorm as tn
    tn._log_ndtr = sp.log_ndtr
    tn._ndtri_exp = sp.ndtri_exp
    tn.erf = sp.erf
