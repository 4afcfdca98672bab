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

from . import divergence, posterior
from .bias import posterior_biases
from .linearisation import kl_linearised

BIAS_KEYS = ("mean_full", "std_full", "mean_emulator", "emulator_bias", "true_bias")
# Normalised weights below this do not change a D_KL estimate (by < 1e-12 |log p / q|).
NEGLIGIBLE_WEIGHT = 1e-12


def kl_from_density_estimators(full, names, full_estimators, emulator_estimators,
                               replicate_keys, n_folds: int) -> dict:  # fmt: skip
    """D_KL from density estimators: log p - log q at the full posterior's own samples.

    Cross-fitted (:func:`~posterior_recovery.posterior.cross_fitting`): each sample is
    evaluated by the estimators of its fold, fitted to the other folds of both
    posteriors, and the weighted mean is taken over all samples. Replicate 0 is the
    estimate; the bootstrap replicates' standard deviation is its error, which so
    includes the fits' own sampling noise.

    Parameters
    ----------
    full : pandas.DataFrame
        The full-model posterior table.
    names : sequence of str
        Its parameter columns.
    full_estimators, emulator_estimators : dict
        (replicate, fold) -> estimator (:func:`~posterior_recovery.density.fit_replicates`).
    replicate_keys : sequence of int
        The replicates' keys, as for the fits.
    n_folds : int
        The folds.

    Returns
    -------
    dict
        ``kl_flow`` (nats), its error ``kl_flow_err``, the interval ``kl_flow_low`` and
        ``kl_flow_high`` (one error either side) and every ``kl_flow_replicates``.
    """
    theta = full[list(names)].to_numpy()
    estimates = []
    for replicate, key in enumerate(replicate_keys):
        fold, weight = posterior.cross_fitting(full, names, key, n_folds, bootstrap=replicate > 0)
        # Samples that carry no weight (the run's first dead points, weights down to
        # 1e-300) are left out: there both estimators may underflow to -inf.
        counted = weight > NEGLIGIBLE_WEIGHT
        log_ratio = np.zeros(len(theta))
        for k in range(n_folds):
            rows = (fold == k) & counted
            log_p = full_estimators[replicate, k].log_prob(theta[rows])
            log_ratio[rows] = log_p - emulator_estimators[replicate, k].log_prob(theta[rows])
        estimates.append(float(weight[counted] @ log_ratio[counted]))
    error = float(np.std(estimates[1:], ddof=1))
    return {
        "kl_flow": estimates[0],
        "kl_flow_err": error,
        "kl_flow_low": estimates[0] - error,
        "kl_flow_high": estimates[0] + error,
        "kl_flow_replicates": estimates,
    }


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
    density_estimates: dict,
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
    density_estimates : dict
        The D_KL from density estimators (:func:`kl_from_density_estimators`).
    accuracy : dict
        The emulator's ``accuracy.json``.
    linearisation : dict
        Both models at the fiducial (:func:`~posterior_recovery.linearisation.linearise`).
    data : array, shape (N_d,)
        The mock data, mK.
    prior : Prior
        The parameters (names and fiducial values).
    n_bootstrap : int
        Bootstrap resamples for the likelihood estimator's uncertainty.
    rng : numpy.random.Generator
        Draws the likelihood estimator's bootstrap resamples.
    kl_exact : float, optional
        The exact D_KL where the emulator knows it.

    Returns
    -------
    dict
        The columns of the ``kl``, ``evidence`` and validation tables, and under
        ``bias`` the emulator and true biases per parameter (:mod:`~posterior_recovery.bias`).
    """
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
        **density_estimates,
        **likelihood,
        "log_evidence_ratio": emulator_summary["log_evidence"] - full_summary["log_evidence"],
        "log_evidence_ratio_err": float(
            np.hypot(emulator_summary["log_evidence_err"], full_summary["log_evidence_err"])
        ),
        "full_posterior": full_summary["route"],
        "ess": full_summary["ess"],
        "ess_below_threshold": full_summary["ess_below_threshold"],
        **reweighting_columns(full_summary, likelihood),
        "log_Z_full": full_summary["log_evidence"],
        "log_Z_full_err": full_summary["log_evidence_err"],
        "log_Z_emulator": emulator_summary["log_evidence"],
        "log_Z_emulator_err": emulator_summary["log_evidence_err"],
        "full_model_calls": full_summary["n_model_calls"],
        "emulator_calls": emulator_summary["n_model_calls"],
        "bias": {"parameter": names, **{key: biases[key].tolist() for key in BIAS_KEYS}},
    }


def reweighting_columns(full_summary: dict, likelihood: dict) -> dict:
    """Return what reweighting the emulator run gives: ``kl_reweighting``, ``ess_reweighting``.

    The route's own values where it is reweighting, the summary's record of the
    emulator run reweighted where the full model was sampled, NaN where it has none.
    """
    if full_summary["route"] == "reweighting":
        return {"kl_reweighting": likelihood["kl_likelihood"],
                "ess_reweighting": full_summary["ess"]}  # fmt: skip
    check = full_summary.get("reweighting", {})
    return {"kl_reweighting": check.get("kl_likelihood", float("nan")),
            "ess_reweighting": check.get("ess", float("nan"))}  # fmt: skip


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
