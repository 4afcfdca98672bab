"""The posterior artifact shared by both full-posterior routes, and reweighting.

A posterior is stored as two files:

- ``<stem>.csv``: one row per weighted sample; the parameter columns (sampled space),
  ``weight`` (normalised to sum to one), ``logL_full`` and ``logL_emu`` (the
  log-likelihoods of the full model and of the emulator at that sample; a column is NaN
  where it was not evaluated);
- ``<stem>.json``: ``log_evidence`` and ``log_evidence_err`` (nats), ``route``
  (one of :data:`~posterior_recovery.names.ROUTES`), ``ess`` (Kish effective sample
  size), ``ess_threshold`` and ``ess_below_threshold`` (:func:`flag_ess`),
  ``n_model_calls`` (full-model or emulator calls that produced it).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from . import artifacts
from .divergence import effective_sample_size

EVIDENCE_DRAWS = 1000
"""Draws of the prior-volume compression behind every log-evidence error."""


def weighted_table(theta, weights, names, logL_full=None, logL_emu=None) -> pd.DataFrame:
    """Return the ``.csv`` table of a posterior; weights need not be normalised."""
    n = len(theta)
    table = pd.DataFrame(np.asarray(theta), columns=list(names))
    table["weight"] = np.asarray(weights, dtype=float) / np.sum(weights)
    nan = np.full(n, np.nan)
    table["logL_full"] = nan if logL_full is None else np.asarray(logL_full)
    table["logL_emu"] = nan if logL_emu is None else np.asarray(logL_emu)
    return table


def seed_anesthetic(seed: int) -> None:
    """Seed numpy's global state, from which anesthetic draws prior-volume compressions."""
    np.random.seed(seed)  # noqa: NPY002 - anesthetic offers no generator argument


def log_evidence(samples, seed: int, n_draws: int = EVIDENCE_DRAWS) -> tuple[float, float]:
    """Log Z of anesthetic NestedSamples and its error over ``n_draws`` compressions."""
    seed_anesthetic(seed)
    log_z = samples.logZ(n_draws)
    return float(log_z.mean()), float(log_z.std())


def from_nested_samples(samples, names, log_likelihood_column: str, seed: int):
    """Return a posterior from a nested-sampling run.

    Parameters
    ----------
    samples : anesthetic.NestedSamples
        The run; its model's log-likelihood is ``logL_model`` where the run has that
        column (a repartitioned run), else its ``logL``.
    names : sequence of str
        Its parameter columns.
    log_likelihood_column : str
        Which model produced the run: ``logL_full`` or ``logL_emu``.
    seed : int
        Seeds the prior-volume draws of the evidence error.

    Returns
    -------
    pandas.DataFrame, dict
        The table and the summary (without the route and call count).
    """
    weights = samples.get_weights()
    keep = weights > 0
    model_logL = samples["logL_model"] if "logL_model" in samples else samples.logL
    columns = {log_likelihood_column: np.asarray(model_logL, dtype=float)[keep]}
    table = weighted_table(samples[list(names)].to_numpy()[keep], weights[keep], names, **columns)
    mean, err = log_evidence(samples, seed)
    summary = {
        "log_evidence": mean,
        "log_evidence_err": err,
        "ess": effective_sample_size(table["weight"]),
    }
    return table, summary


def reweight(emulator_samples, names, logL_full, seed: int):
    """Return the full-model posterior by importance reweighting of an emulator run.

    Weights become w_i L_full / L_emu; the evidence follows as
    log Z_full = log Z_emu + log <L_full / L_emu>_{P_emu}, with its error from the
    spread over draws of the prior-volume compression.

    Parameters
    ----------
    emulator_samples : anesthetic.NestedSamples
        The emulator run.
    names : sequence of str
        Its parameter columns.
    logL_full : array, shape (n,)
        The full model's log-likelihood at each of its samples.
    seed : int
        Seeds the prior-volume draws.

    Returns
    -------
    pandas.DataFrame, dict
        The table and the summary (without the route and call count).
    """
    logL_emu = emulator_samples.logL.to_numpy()
    delta = np.asarray(logL_full) - logL_emu
    seed_anesthetic(seed)
    logw_draws = emulator_samples.logw(EVIDENCE_DRAWS).to_numpy()  # (n, draws)
    log_z_full = logsumexp(logw_draws + delta[:, None], axis=0)
    logw_mean = emulator_samples.logw().to_numpy() + delta
    weights = np.exp(logw_mean - logw_mean.max())
    table = weighted_table(
        emulator_samples[list(names)].to_numpy(), weights, names, logL_full, logL_emu
    )
    table = table[table["weight"] > 0].reset_index(drop=True)
    summary = {
        "log_evidence": float(np.mean(log_z_full)),
        "log_evidence_err": float(np.std(log_z_full)),
        "ess": effective_sample_size(table["weight"]),
    }
    return table, summary


def flag_ess(summary: dict, threshold: float) -> dict:
    """Return the summary with ``ess_threshold`` and ``ess_below_threshold`` added.

    Only a reweighted posterior can fail to cover the full one: a nested-sampling run's
    ESS is reported but never flagged.
    """
    below = summary["route"] == "reweighting" and bool(summary["ess"] < threshold)
    return {**summary, "ess_threshold": threshold, "ess_below_threshold": below}


def write(table: pd.DataFrame, summary: dict, csv_path, json_path) -> None:
    """Write a posterior's table and summary; the summary records the table's rows."""
    artifacts.write_csv(csv_path, table)
    artifacts.write_json(json_path, {**summary, "n_samples": len(table)})


def read(csv_path, json_path, names):
    """Read a posterior written by :func:`write`, checked; returns (table, summary).

    Parameters
    ----------
    csv_path, json_path : path
        The table and the summary.
    names : sequence of str
        The parameter columns the table must have.
    """
    summary = artifacts.read("summary", json_path)
    table = artifacts.read("posterior", csv_path, columns=names, rows=summary.get("n_samples"))
    return table, summary


def cross_fitting(table: pd.DataFrame, names, key: int, n_folds: int, bootstrap: bool):
    """Assign a posterior's rows to folds, and bootstrap their weights, for one replicate.

    The density estimators of a replicate are fitted fold by fold, each to the rows of
    the other folds, and evaluated at the rows of its own (cross-fitting: every sample is
    used, never where it was fitted). A bootstrap replicate multiplies each row's weight
    by an Exp(1) draw (the Bayesian bootstrap), so the spread over replicates measures
    the estimate's sampling error, fits included.

    A row's fold and multiplier are pseudo-random functions of its parameter values and
    ``key``, so the same point gets the same in every table: with reweighting, the full
    and emulator posteriors share their samples, and a point at which the full
    posterior's estimator of a fold is evaluated must not train the emulator's either.

    Parameters
    ----------
    table : pandas.DataFrame
        A posterior table.
    names : sequence of str
        Its parameter columns.
    key : int
        The replicate's key.
    n_folds : int
        Folds, at least 2.
    bootstrap : bool
        Multiply the weights by the bootstrap draws (else keep them).

    Returns
    -------
    fold : array of int, shape (n,)
        Each row's fold, in [0, n_folds).
    weight : array, shape (n,)
        The rows' weights for this replicate, normalised.
    """
    salt = int(key).to_bytes(16, "little")
    digests = [
        hashlib.blake2b(row.tobytes(), digest_size=16, salt=salt).digest()
        for row in np.ascontiguousarray(table[list(names)].to_numpy(dtype=float))
    ]
    # two independent uniforms in (0, 1) per row
    words = [[int.from_bytes(d[i : i + 8], "little") for i in (0, 8)] for d in digests]
    uniform = (np.array(words, dtype=float).reshape(-1, 2) + 0.5) / 2.0**64
    fold = np.minimum((uniform[:, 0] * n_folds).astype(int), n_folds - 1)
    weight = table["weight"].to_numpy(dtype=float)
    if bootstrap:
        weight = weight * -np.log(uniform[:, 1])
    return fold, weight / weight.sum()
