"""Kullback-Leibler divergences between the full-model and emulator posteriors.

Notation of Bevins, Gessey-Jones & Handley (2025), Section 2: P is the posterior with
the full model, P_E the one with the emulator, and dlogL = log L_E - log L.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.special import logsumexp


def kl_bound(rmse_mK, noise_mK, n_data):
    """Return the bound D_KL <= (N_d / 2) (RMSE / sigma)^2 (paper, Section 2), in nats.

    ``rmse_mK`` and the noise level ``noise_mK`` (sigma) in the same units (mK in the
    workflow); broadcasts over arrays.
    """
    return 0.5 * np.asarray(n_data) * (np.asarray(rmse_mK) / np.asarray(noise_mK)) ** 2


def required_rmse(noise_mK, n_data, max_kl=1.0):
    """Return the emulator RMSE at which the bound equals ``max_kl`` nats (paper, Section 2).

    RMSE = sigma sqrt(2 max_kl / N_d), in the units of the noise level ``noise_mK``
    (sigma); broadcasts. For ``max_kl = 1`` this is the paper's requirement
    RMSE / sigma <= sqrt(2 / N_d).
    """
    return np.asarray(noise_mK) * np.sqrt(2.0 * np.asarray(max_kl) / np.asarray(n_data))


def gaussian_kl(mean_p, cov_p, mean_q, cov_q) -> float:
    """Exact D_KL(P || Q) in nats for P = N(mean_p, cov_p) and Q = N(mean_q, cov_q).

    1/2 [log(|C_q| / |C_p|) - k + tr(C_q^-1 C_p) + (mu_q - mu_p)^T C_q^-1 (mu_q - mu_p)],
    with means of shape (k,) and covariances (k, k).
    """
    mean_p, mean_q = np.atleast_1d(mean_p), np.atleast_1d(mean_q)
    cov_p, cov_q = np.atleast_2d(cov_p), np.atleast_2d(cov_q)
    chol_q = linalg.cho_factor(cov_q)
    shift = mean_q - mean_p
    log_det_ratio = np.linalg.slogdet(cov_q)[1] - np.linalg.slogdet(cov_p)[1]
    trace = np.trace(linalg.cho_solve(chol_q, cov_p))
    quadratic = shift @ linalg.cho_solve(chol_q, shift)
    return float(0.5 * (log_det_ratio - mean_p.size + trace + quadratic))


def _inverse_noise_covariance(noise_cov, n_data: int) -> np.ndarray:
    noise_cov = np.asarray(noise_cov, dtype=float)
    if noise_cov.ndim == 0:
        return np.eye(n_data) / noise_cov
    if noise_cov.ndim == 1:
        return np.diag(1.0 / noise_cov)
    return np.linalg.inv(noise_cov)


def linear_gaussian_posterior(M, offset, noise_cov, data, prior=None):
    """Mean (k,) and covariance (k, k) of theta for D = M theta + offset + noise.

    Flat prior (paper, Section 2): C = (M^T S^-1 M)^-1 and mu = C M^T S^-1 (D - offset).
    With ``prior`` = (mean (k,), variances (k,)) of a Gaussian prior, its precision and
    mean enter as well, which keeps directions that the data leave unconstrained (a
    degenerate M) proper. ``M`` is (N_d, k); ``noise_cov`` S is a variance (white noise),
    a vector of variances or an (N_d, N_d) matrix, in the squared units of the data.
    """
    M = np.atleast_2d(np.asarray(M, dtype=float))
    inverse_noise = _inverse_noise_covariance(noise_cov, M.shape[0])
    precision = M.T @ inverse_noise @ M
    information = M.T @ inverse_noise @ (np.asarray(data) - np.asarray(offset))
    if prior is not None:
        prior_mean, prior_variance = (np.asarray(a, dtype=float) for a in prior)
        precision = precision + np.diag(1.0 / prior_variance)
        information = information + prior_mean / prior_variance
    covariance = np.linalg.inv(precision)
    return covariance @ information, covariance


def linearised_kl(M, E, eps, noise_cov, residual, prior=None) -> float:
    """D_KL(P || P_E) for a linear model and its linear emulator (paper, Section 2).

    The full model is D = M theta + m + noise, the emulator (M + E) theta + m + eps, the
    prior flat (or Gaussian, ``prior`` = (mean, variances), for both posteriors);
    ``residual`` = D - m, shape (N_d,). ``M`` and ``E`` are (N_d, k), ``eps`` (N_d,),
    ``noise_cov`` as in :func:`linear_gaussian_posterior`. Both posteriors are Gaussian,
    so with a flat prior this is :func:`gaussian_kl` of
    P = N(C M^T S^-1 r, C) and P_E = N(C_E (M+E)^T S^-1 (r - eps), C_E).
    For E = 0 and white noise it is eps^T M M^+ eps / (2 sigma^2) <= N_d RMSE^2 / (2 sigma^2).
    """
    M, E = np.atleast_2d(M), np.atleast_2d(E)
    residual = np.asarray(residual, dtype=float)
    mean, covariance = linear_gaussian_posterior(M, 0.0, noise_cov, residual, prior)
    mean_e, covariance_e = linear_gaussian_posterior(M + E, eps, noise_cov, residual, prior)
    return gaussian_kl(mean, covariance, mean_e, covariance_e)


def normalised(weights) -> np.ndarray:
    """Return the weights divided by their sum."""
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
