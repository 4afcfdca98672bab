"""The statistical floor of a density-estimator D_KL, on the validation problem.

    python -m posterior_recovery.kl_floor [results/] [n_samples]

Both posteriors of the validation problem are Gaussian and known exactly. This fits the
exact family (a Gaussian) to ``n_samples`` independent exact draws of each posterior and
averages log p - log q over ``n_samples`` further draws of P, many times: the scatter of
those estimates is the least error any density-estimator D_KL can have with that many
effective samples, and their mean shows the bias of a log-ratio of fitted densities.
Prints one row per noise level: the exact D_KL, the estimates' mean and standard
deviation (nats).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import multivariate_normal

from . import artifacts
from .divergence import gaussian_kl
from .emulators.perturbed import exact_posteriors

REPEATS = 300


def gaussian_fit_kl(mean_p, cov_p, mean_q, cov_q, n_samples: int, repeats: int, rng):
    """D_KL(P || Q) estimated from Gaussians fitted to exact samples, ``repeats`` times.

    Parameters
    ----------
    mean_p, cov_p, mean_q, cov_q : arrays, shapes (k,) and (k, k)
        The two Gaussian posteriors.
    n_samples : int
        Draws of each posterior to fit, and of P to average over.
    repeats : int
        Independent estimates.
    rng : numpy.random.Generator
        Draws the samples.

    Returns
    -------
    array, shape (repeats,)
        The estimates, nats.
    """
    estimates = np.empty(repeats)
    for i in range(repeats):
        fit_p = rng.multivariate_normal(mean_p, cov_p, n_samples)
        fit_q = rng.multivariate_normal(mean_q, cov_q, n_samples)
        points = rng.multivariate_normal(mean_p, cov_p, n_samples)
        log_p = multivariate_normal(fit_p.mean(0), np.cov(fit_p.T)).logpdf(points)
        log_q = multivariate_normal(fit_q.mean(0), np.cov(fit_q.T)).logpdf(points)
        estimates[i] = np.mean(log_p - log_q)
    return estimates


def floor_table(results, n_samples: int, seed: int = 0) -> pd.DataFrame:
    """Tabulate the floor at every noise level of a validation study's ``results`` folder."""
    results = Path(results)
    levels = [artifacts.read("data", path) for path in results.glob("data/noise_*mK.npz")]
    rng = np.random.default_rng(seed)
    rows = []
    for data in sorted(levels, key=lambda level: float(level["noise_mK"])):
        noise_mK = float(data["noise_mK"])
        p, q = exact_posteriors(results / "emulator/model", noise_mK, data["data"])
        estimates = gaussian_fit_kl(*p, *q, n_samples, REPEATS, rng)
        rows.append({
            "noise_mK": noise_mK, "kl_exact": gaussian_kl(*p, *q),
            "estimate_mean": estimates.mean(), "estimate_std": estimates.std(ddof=1),
        })  # fmt: skip
    return pd.DataFrame(rows)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    table = floor_table(arguments[0] if arguments else "results",
                        int(arguments[1]) if len(arguments) > 1 else 350)  # fmt: skip
    print(table.to_markdown(index=False, floatfmt=".3f"))
