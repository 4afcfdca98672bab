"""Training, validation and test sets of simulated signals.

Parameters are drawn uniformly in the sampled-space prior box (log-uniform priors
uniform in log10) from the split's seed stream
(:func:`~posterior_recovery.seeds.training_set`), so a split's draws do not depend on
how it is chunked. Each chunk is simulated independently and the chunks are merged;
failed simulations (an exception or non-finite values) are recorded with their
parameters and reason and left out.

Chunk and merged files are ``.npz`` with arrays ``theta`` (n, d) in the sampled space,
``signals`` (n, N_d) in mK, ``redshift`` (N_d,) and, for chunks, ``failed`` (n,) bool
and ``reason`` (n,) str.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from . import seeds
from .batching import map_batches

log = logging.getLogger(__name__)


class TooManyFailures(RuntimeError):
    """More simulations failed than the configured fraction allows."""


def split_parameters(prior, n_total: int, seed: int, split: str) -> np.ndarray:
    """All sampled-space parameter vectors of one split, shape (n_total, d)."""
    return prior.draw(n_total, seeds.training_set(seed, split))


def chunk_slice(n_total: int, n_chunks: int, chunk: int) -> slice:
    """Return the rows of chunk ``chunk`` (0-based) when n_total rows are cut into n_chunks."""
    bounds = np.linspace(0, n_total, n_chunks + 1).round().astype(int)
    return slice(bounds[chunk], bounds[chunk + 1])


def _simulate_rows(simulator, physical: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Simulate rows one at a time, recording each exception as that row's reason."""
    signals = np.full((len(physical), simulator.redshift.size), np.nan)
    reasons = [""] * len(physical)
    for i, row in enumerate(physical):
        try:
            signals[i] = np.asarray(simulator(row[None, :]))[0]
        except Exception as error:  # a failed simulation is data, not a crash
            reasons[i] = f"{type(error).__name__}: {error}"
    return signals, reasons


def simulate(simulator, prior, theta, batch_size: int) -> dict[str, np.ndarray]:
    """Simulate sampled-space parameters ``theta`` (n, d) in batches.

    A batch that raises is re-run row by row to find the failing rows. Returns the
    chunk arrays described in the module docstring.
    """
    physical = np.asarray(prior.to_physical(theta))
    reason = np.full(len(physical), "", dtype=object)

    def one_batch(rows):
        try:
            return np.asarray(simulator(physical[rows]))
        except Exception:
            signals, row_reasons = _simulate_rows(simulator, physical[rows])
            reason[rows] = np.where(np.array(row_reasons) != "", row_reasons, reason[rows])
            return signals

    def report(done, total):
        log.info("simulated %d / %d signals", done, total)

    signals = map_batches(one_batch, np.arange(len(physical)), batch_size, progress=report)
    non_finite = ~np.all(np.isfinite(signals), axis=1) & (reason == "")
    reason[non_finite] = "non-finite signal"
    failed = reason != ""
    return {
        "theta": np.asarray(theta),
        "signals": signals,
        "redshift": simulator.redshift,
        "failed": failed,
        "reason": reason.astype(str),
    }


def merge_chunks(chunks: list[dict], names, max_failure_fraction: float):
    """Concatenate chunks, drop failures; return (merged arrays, failures table).

    Raises TooManyFailures when the failed fraction exceeds ``max_failure_fraction``.
    """
    theta = np.concatenate([c["theta"] for c in chunks])
    signals = np.concatenate([c["signals"] for c in chunks])
    failed = np.concatenate([c["failed"] for c in chunks])
    reason = np.concatenate([c["reason"] for c in chunks])
    failures = pd.DataFrame(theta[failed], columns=list(names))
    failures["reason"] = reason[failed]
    fraction = failed.mean()
    if fraction > max_failure_fraction:
        log.error("the failed simulations:\n%s", failures.to_string(max_rows=40))
        reasons = failures["reason"].value_counts()
        raise TooManyFailures(
            f"{failed.sum()} of {failed.size} simulations failed ({fraction:.1%}), more "
            f"than training_set.max_failure_fraction = {max_failure_fraction:.1%}; reasons: "
            + ", ".join(f"{reason} ({count})" for reason, count in reasons.items())
            + "; their parameters are in this job's log"
        )
    merged = {
        "theta": theta[~failed],
        "signals": signals[~failed],
        "redshift": chunks[0]["redshift"],
        "n_failed": np.array(failed.sum()),
    }
    return merged, failures
