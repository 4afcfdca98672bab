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
        The run.
    names : sequence of str
        Its parameter columns.
    log_likelihood_column : str
        Which model produced the run's logL: ``logL_full`` or ``logL_emu``.
    seed : int
        Seeds the prior-volume draws of the evidence error.

    Returns
    -------
    pandas.DataFrame, dict
        The table and the summary (without the route and call count).
    """
    weights = samples.get_weights()
    keep = weights > 0
    columns = {log_likelihood_column: samples.logL.to_numpy()[keep]}
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


def equal_weight_samples(table: pd.DataFrame, names, n_samples: int, rng) -> np.ndarray:
    """n_samples equally weighted draws (n_samples, d) from a weighted posterior table.

    Systematic resampling: each sample appears floor or ceil of n_samples * weight
    times, so no weight is lost to sampling noise; the result is shuffled.
    """
    weights = table["weight"].to_numpy()
    positions = (rng.uniform() + np.arange(n_samples)) / n_samples
    index = np.searchsorted(np.cumsum(weights) / weights.sum(), positions)
    index = np.minimum(index, len(table) - 1)
    return table[list(names)].to_numpy()[rng.permutation(index)]


def split(table: pd.DataFrame, names, fraction: float, key: int):
    """Split a posterior's samples into two disjoint, renormalised tables.

    Returns (a table with about ``fraction`` of the rows, one with the rest). Each is an
    unbiased weighted sample of the same posterior; disjoint rows keep a density
    estimator's training samples out of the samples it is tested on. A row's side is a
    pseudo-random function of its parameter values and ``key``, so the same point falls
    on the same side in every table: with reweighting, the full and emulator posteriors
    share their samples, and a held-out full-posterior point must not be a training point
    of the emulator's estimator either.
    """
    salt = int(key).to_bytes(16, "little")
    digests = (
        hashlib.blake2b(row.tobytes(), digest_size=8, salt=salt).digest()
        for row in np.ascontiguousarray(table[list(names)].to_numpy(dtype=float))
    )
    uniform = np.array([int.from_bytes(d, "little") for d in digests], dtype=float) / 2.0**64
    chosen = uniform < fraction
    parts = []
    for rows in (chosen, ~chosen):
        part = table[rows].reset_index(drop=True)
        part["weight"] = part["weight"] / part["weight"].sum()
        parts.append(part)
    return parts[0], parts[1]
