"""PolyChord (pypolychord, from PolyChordLite), the paper's sampler, over the prior box.

Settings: ``live_points_per_dim`` (the paper: 25), ``num_repeats`` (slice-sampling
repeats per new point; the paper: 40), ``precision_criterion`` (1e-3) and
``do_clustering`` (true); ``sampler.mpi_tasks`` spreads a run over MPI ranks. PolyChord
writes its files, including the resume file, to ``output_dir``; a rerun after an
interruption continues from there (the workflow names that folder by a digest of the
run's inputs, so a changed run starts afresh).

pypolychord is not on the package registry: it is imported only when this sampler runs,
and the config check names the install command when it is missing (:data:`INSTALL`).
With ``mpi_tasks > 1`` every MPI rank runs this function (rank 0 manages, the others
evaluate likelihoods); only rank 0 returns the samples (the others return None), so only
it writes outputs. A failed model evaluation (logL = -1e100, below PolyChord's logzero)
counts as outside the prior, as PolyChord treats it.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import time
from pathlib import Path

import numpy as np

from .dead_points import DeadPoints

log = logging.getLogger(__name__)

NAME = "polychord"
SETTINGS = {
    "live_points_per_dim": {"type": "integer", "minimum": 1},
    "num_repeats": {"type": "integer", "minimum": 1,
                    "description": "slice-sampling repeats per new point"},
    "precision_criterion": {"type": "number", "exclusiveMinimum": 0},
    "do_clustering": {"type": "boolean"},
}  # fmt: skip
JAX_ONLY = False
MPI = True
# its prior is a transform of the unit cube; a mixture of a density and the box has none
REPARTITIONING = False
FILE_ROOT = "polychord"
INSTALL = (
    "pypolychord is not on the package registry; build it from PolyChordLite "
    "(needs gfortran, and libopenmpi-dev plus mpi4py for MPI): "
    "git clone https://github.com/PolyChord/PolyChordLite && "
    ".venv/bin/pip install ./PolyChordLite (README, 'The paper's setup')"
)


def available(settings: dict) -> str | None:
    """Why this sampler cannot run here (with the fix), or None if it can."""
    if importlib.util.find_spec("pypolychord") is None:
        return f"sampler.name: polychord needs pypolychord, which is not installed; {INSTALL}"
    return None


def run(
    log_likelihood,
    lower,
    upper,
    *,
    seed: int,
    output_dir,
    live_points_per_dim: int,
    num_repeats: int,
    precision_criterion: float,
    do_clustering: bool,
):
    """Nested sampling of ``log_likelihood`` (any model, one point per call) in a box.

    Parameters
    ----------
    log_likelihood : callable
        log L of one point, shape (d,) -> a number.
    lower, upper : array, shape (d,)
        The prior box.
    seed : int
        PolyChord's seed (taken modulo 2^31).
    output_dir : path
        PolyChord's files, including its resume file.
    live_points_per_dim, num_repeats, precision_criterion, do_clustering
        PolyChord's settings (see the module docstring).

    Returns
    -------
    DeadPoints, dict
        On MPI rank 0; (None, None) on the other ranks.
    """
    import pypolychord

    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    d = len(lower)
    names = [f"x{i}" for i in range(d)]
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)

    def polychord_log_likelihood(theta):
        try:
            return float(log_likelihood(np.asarray(theta))), []
        except Exception:
            # Under MPI an exception on a worker rank leaves the others waiting for ever.
            log.exception("the likelihood failed at %s; stopping the run", theta)
            abort_mpi_run()
            raise

    start = time.perf_counter()
    chains = pypolychord.run(
        polychord_log_likelihood,
        d,
        nDerived=0,
        prior=lambda u: lower + (upper - lower) * np.asarray(u),
        paramnames=[(name, name) for name in names],
        nlive=live_points_per_dim * d,
        num_repeats=num_repeats,
        precision_criterion=precision_criterion,
        do_clustering=do_clustering,
        seed=seed % 2**31,
        base_dir=str(output_dir),
        file_root=FILE_ROOT,
        read_resume=True,
        write_resume=True,
        feedback=1,
    )
    wall_time = time.perf_counter() - start
    if mpi_rank() != 0:  # every rank gets the samples; rank 0 alone returns them
        return None, None
    points = DeadPoints(
        theta=chains[names].to_numpy(),
        logL=chains["logL"].to_numpy(),
        logL_birth=chains["logL_birth"].to_numpy(),
    )
    run_stats = read_stats(output_dir / f"{FILE_ROOT}.stats")
    stats = {
        "n_likelihood_calls": run_stats["nlike"],
        # one point per call, on whichever rank: nothing waits in a batch
        "n_likelihood_evaluations": run_stats["nlike"],
        "batch_efficiency": 1.0,
        "n_live": live_points_per_dim * d,
        "wall_time_s": wall_time,
        "polychord_log_evidence": run_stats["log_evidence"],
        "polychord_log_evidence_err": run_stats["log_evidence_err"],
    }
    log.info("converged: %d calls in %.1f s", stats["n_likelihood_calls"], wall_time)
    return points, stats


def abort_mpi_run():
    """End every rank of an MPI run (no-op without MPI or with one process)."""
    try:
        from mpi4py import MPI
    except ImportError:
        return
    if MPI.COMM_WORLD.Get_size() > 1:
        MPI.COMM_WORLD.Abort(1)


def mpi_rank() -> int:
    """Return this process's MPI rank: mpi4py's, else the launcher's (Open MPI, MPICH), else 0."""
    try:
        from mpi4py import MPI
    except ImportError:
        return int(os.environ.get("OMPI_COMM_WORLD_RANK", os.environ.get("PMI_RANK", 0)))
    return MPI.COMM_WORLD.Get_rank()


def read_stats(path: Path) -> dict:
    """Likelihood calls and log-evidence from PolyChord's ``<root>.stats`` file."""
    text = path.read_text()
    log_z = re.search(r"^log\(Z\)\s*=\s*(\S+)\s*\+/-\s*(\S+)", text, re.MULTILINE)
    nlike = re.search(r"^\s*nlike:\s*(\d+)", text, re.MULTILINE)
    return {
        "nlike": int(nlike[1]),
        "log_evidence": float(log_z[1]),
        "log_evidence_err": float(log_z[2]),
    }
