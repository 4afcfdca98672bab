"""Kullback-Leibler divergences between the full-model and emulator posteriors.

Notation of Bevins, Gessey-Jones & Handley (2025), Section 2: P is the posterior with
the full model, P_E the one with the emulator, and dlogL = log L_E - log L.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp


def kl_bound(rmse, sigma, n_data):
    """The upper bound D_KL <= (N_d / 2) (RMSE / sigma)^2 (paper, Section 2), in nats.

    ``rmse`` and ``sigma`` in the same units (mK); broadcasts over arrays.
    """
    return 0.5 * np.asarray(n_data) * (np.asarray(rmse) / np.asarray(sigma)) ** 2


def normalised(weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


def effective_sample_size(weights) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2 of importance weights."""
    w = normalised(weights)
    return float(1.0 / np.sum(w**2))


def kl_from_likelihoods(delta_logL, weights) -> float:
    """D_KL(P || P_E) = log <exp(dlogL)>_P - <dlogL>_P (paper, Eq. 6), in nats.

    ``delta_logL`` = log L_E - log L at samples of P with ``weights``, both shape (n,).
    Needs no density estimate; exact up to the sampling noise of P.
    """
    w = normalised(weights)
    keep = w > 0
    w, d = w[keep], np.asarray(delta_logL, dtype=float)[keep]
    return float(logsumexp(d, b=w) - np.sum(w * d))


def bootstrap_kl_from_likelihoods(delta_logL, weights, n_bootstrap: int, rng) -> np.ndarray:
    """Bootstrap replicates of :func:`kl_from_likelihoods`, shape (n_bootstrap,).

    Samples are redrawn with replacement, keeping their weights.
    """
    delta_logL, weights = np.asarray(delta_logL), np.asarray(weights)
    keep = weights > 0
    delta_logL, weights = delta_logL[keep], weights[keep]
    n = delta_logL.size
    draws = rng.integers(0, n, size=(n_bootstrap, n))
    return np.array([kl_from_likelihoods(delta_logL[i], weights[i]) for i in draws])


def kl_from_densities(log_p, log_q) -> float:
    """Monte Carlo D_KL(P || Q) = <log p - log q>_P from samples of P, in nats."""
    return float(np.mean(np.asarray(log_p) - np.asarray(log_q)))


def bootstrap_kl_from_densities(log_p, log_q, n_bootstrap: int, rng) -> np.ndarray:
    """Bootstrap replicates of :func:`kl_from_densities` over the samples of P."""
    diff = np.asarray(log_p) - np.asarray(log_q)
    draws = rng.integers(0, diff.size, size=(n_bootstrap, diff.size))
    return diff[draws].mean(axis=1)


def percentile_summary(draws) -> dict[str, float]:
    """Median and 16th/84th percentiles of a set of estimates."""
    low, median, high = np.percentile(np.asarray(draws), [16, 50, 84])
    return {"median": float(median), "low": float(low), "high": float(high)}
