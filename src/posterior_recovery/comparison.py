"""The study's result at one noise level, and the predictions it is compared with.

:func:`noise_level_result` gathers everything the tables and figures show about one
noise level: D_KL(P_full || P_emulator) by both estimators with their uncertainties, the
bounds at the emulator's mean and 95th-percentile RMSE, the linearised prediction, the
exact value where the emulator knows it, both evidences, the reweighting ESS and the
emulator biases. The report rules only aggregate these results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import divergence
from .bias import posterior_biases
from .linearisation import kl_linearised

BIAS_KEYS = ("mean_full", "std_full", "mean_emulator", "emulator_bias", "true_bias")


def kl_from_density_estimators(log_densities, n_bootstrap: int, rng) -> dict[str, float]:
    """D_KL from density estimators: held-out samples of P under both estimators.

    Parameters
    ----------
    log_densities : sequence of (array, array)
        Per estimator seed, log p and log q (m,) at held-out samples of P.
    n_bootstrap : int
        Bootstrap resamples of the held-out samples, per seed.
    rng : numpy.random.Generator
        Draws the resamples.

    Returns
    -------
    dict
        Median and 16th/84th percentiles (``median``, ``low``, ``high``) over the
        resamples of every seed, pooled.
    """
    draws = [
        divergence.bootstrap_kl_from_densities(log_p, log_q, n_bootstrap, rng)
        for log_p, log_q in log_densities
    ]
    return divergence.percentile_summary(np.concatenate(draws))


def kl_from_likelihood_differences(full: pd.DataFrame, n_bootstrap: int, rng) -> dict:
    """D_KL from the emulator's and the full model's log L on samples of P.

    Parameters
    ----------
    full : pandas.DataFrame
        The full-model posterior table, with ``weight``, ``logL_full`` and ``logL_emu``.
    n_bootstrap : int
        Bootstrap resamples for the error.
    rng : numpy.random.Generator
        Draws the resamples.

    Returns
    -------
    dict
        ``kl_likelihood``, its bootstrap standard deviation ``kl_likelihood_err`` and
        ``log_mean_likelihood_ratio`` = log <exp(dlogL)>_P, which equals
        log Z_emu - log Z_full.
    """
    delta_logL = (full["logL_emu"] - full["logL_full"]).to_numpy()
    kl = divergence.kl_from_likelihoods(delta_logL, full["weight"])
    draws = divergence.bootstrap_kl_from_likelihoods(delta_logL, full["weight"], n_bootstrap, rng)
    return {
        "kl_likelihood": kl,
        "kl_likelihood_err": float(np.std(draws)),
        "log_mean_likelihood_ratio": kl + float(np.sum(full["weight"] * delta_logL)),
    }


def kl_bounds(accuracy: dict, noise_mK: float) -> dict[str, float]:
    """Return the bound (N_d / 2)(RMSE / sigma)^2 at the mean and 95th-percentile test RMSE."""
    return {
        f"bound_{which}": float(
            divergence.kl_bound(accuracy[f"rmse_{which}_mK"], noise_mK, accuracy["n_data"])
        )
        for which in ("mean", "p95")
    }


def noise_level_result(
    *,
    noise_mK: float,
    full: pd.DataFrame,
    full_summary: dict,
    emulator: pd.DataFrame,
    emulator_summary: dict,
    log_densities,
    accuracy: dict,
    linearisation: dict,
    data,
    prior,
    n_bootstrap: int,
    rng,
    kl_exact: float | None = None,
) -> dict:
    """Everything the study reports about one noise level, as a JSON-ready dict.

    Parameters
    ----------
    noise_mK : float
        The noise level, mK.
    full, emulator : pandas.DataFrame
        The two posterior tables (:mod:`posterior_recovery.posterior`).
    full_summary, emulator_summary : dict
        Their summaries.
    log_densities : sequence of (array, array)
        As for :func:`kl_from_density_estimators`.
    accuracy : dict
        The emulator's ``accuracy.json``.
    linearisation : dict
        Both models at the fiducial (:func:`~posterior_recovery.linearisation.linearise`).
    data : array, shape (N_d,)
        The mock data, mK.
    prior : Prior
        The parameters (names and fiducial values).
    n_bootstrap : int
        Bootstrap resamples for each estimator's uncertainty.
    rng : numpy.random.Generator
        Draws them: first the density estimators', then the likelihood estimator's.
    kl_exact : float, optional
        The exact D_KL where the emulator knows it.

    Returns
    -------
    dict
        The columns of the ``kl``, ``evidence`` and validation tables, and under
        ``bias`` the emulator and true biases per parameter (:mod:`~posterior_recovery.bias`).
    """
    flow = kl_from_density_estimators(log_densities, n_bootstrap, rng)
    likelihood = kl_from_likelihood_differences(full, n_bootstrap, rng)
    names = list(prior.names)
    biases = posterior_biases(
        full[names], full["weight"], emulator[names], emulator["weight"], prior.fiducial
    )
    return {
        "noise_mK": float(noise_mK),
        "n_data": accuracy["n_data"],
        **kl_bounds(accuracy, noise_mK),
        "kl_linearised": kl_linearised(linearisation, noise_mK, data),
        "kl_exact": kl_exact,
        "kl_flow": flow["median"],
        "kl_flow_low": flow["low"],
        "kl_flow_high": flow["high"],
        **likelihood,
        "log_evidence_ratio": emulator_summary["log_evidence"] - full_summary["log_evidence"],
        "log_evidence_ratio_err": float(
            np.hypot(emulator_summary["log_evidence_err"], full_summary["log_evidence_err"])
        ),
        "full_posterior": full_summary["route"],
        "ess": full_summary["ess"],
        "ess_below_threshold": full_summary["ess_below_threshold"],
        "log_Z_full": full_summary["log_evidence"],
        "log_Z_full_err": full_summary["log_evidence_err"],
        "log_Z_emulator": emulator_summary["log_evidence"],
        "log_Z_emulator_err": emulator_summary["log_evidence_err"],
        "full_model_calls": full_summary["n_model_calls"],
        "emulator_calls": emulator_summary["n_model_calls"],
        "bias": {"parameter": names, **{key: biases[key].tolist() for key in BIAS_KEYS}},
    }


def prediction_grid(noise_levels, n: int = 200) -> np.ndarray:
    """Noise levels (n,) from half the smallest to twice the largest, geometrically."""
    return np.geomspace(min(noise_levels) / 2, max(noise_levels) * 2, n)


def kl_prediction(noise_mK, accuracy: dict, linearisation: dict) -> pd.DataFrame:
    """Return the bounds and the linearised D_KL, for noise-free data, against the noise level.

    Parameters
    ----------
    noise_mK : array, shape (n,)
        Noise levels, mK.
    accuracy : dict
        The emulator's ``accuracy.json``.
    linearisation : dict
        Both models at the fiducial.

    Returns
    -------
    pandas.DataFrame
        Columns ``noise_mK``, ``bound_mean``, ``bound_p95`` and ``kl_linearised``.
    """
    noise_mK = np.asarray(noise_mK, dtype=float)
    noise_free = linearisation["full_signal"]
    return pd.DataFrame(
        {
            "noise_mK": noise_mK,
            **{
                f"bound_{which}": divergence.kl_bound(
                    accuracy[f"rmse_{which}_mK"], noise_mK, accuracy["n_data"]
                )
                for which in ("mean", "p95")
            },
            "kl_linearised": [kl_linearised(linearisation, s, noise_free) for s in noise_mK],
        }
    )
