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

from .divergence import gaussian_kl, linear_gaussian_posterior
from .emulators.perturbed import load_parts

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
    parts = load_parts(results / "emulator/model")
    design, offset = parts["design_matrix"], parts["offset"]
    rng = np.random.default_rng(seed)
    rows = []
    for path in sorted(results.glob("data/noise_*mK.npz"), key=lambda p: float(p.stem[6:-2])):
        noise_mK = float(path.stem[6:-2])
        with np.load(path) as data:
            residual = data["data"] - offset
        mean_p, cov_p = linear_gaussian_posterior(design, 0.0, noise_mK**2, residual)
        mean_q, cov_q = linear_gaussian_posterior(
            design + parts["error_matrix"], parts["error_offset"], noise_mK**2, residual
        )
        estimates = gaussian_fit_kl(mean_p, cov_p, mean_q, cov_q, n_samples, REPEATS, rng)
        rows.append({
            "noise_mK": noise_mK, "kl_exact": gaussian_kl(mean_p, cov_p, mean_q, cov_q),
            "estimate_mean": estimates.mean(), "estimate_std": estimates.std(ddof=1),
        })  # fmt: skip
    return pd.DataFrame(rows)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    table = floor_table(arguments[0] if arguments else "results",
                        int(arguments[1]) if len(arguments) > 1 else 350)  # fmt: skip
    print(table.to_markdown(index=False, floatfmt=".3f"))
