"""Nested samplers, chosen by name (``sampler.name``).

A sampler is a backend (:mod:`posterior_recovery.backends`) whose settings sit beside
``name`` in the config's ``sampler`` section, and which also defines

``JAX_ONLY``
    whether it needs a JAX-traceable log-likelihood (it compiles and vectorises it);
``MPI``
    whether one run can spread over ``sampler.mpi_tasks`` MPI processes (the workflow
    then launches its job through Snakemake's ``mpi`` resource);
``REPARTITIONING``
    whether it can sample under a repartitioned prior (``full_posterior:
    repartitioned``, :mod:`posterior_recovery.repartitioning`);
``run(log_likelihood, lower, upper, *, seed, output_dir, repartition, **settings)``
    nested sampling of ``log_likelihood``, a function of one sampled-space point
    (d,) -> log L, under the uniform prior on the box ``lower`` .. ``upper`` (d,), with
    its settings as keywords. ``output_dir`` is a folder of the run's own for the
    sampler's files (a resume file, a checkpoint). ``repartition`` (None, or a
    :class:`~posterior_recovery.repartitioning.Repartition` where ``REPARTITIONING``)
    is a prior pi~ on the unit cube to sample under instead, with L / pi~ as the
    likelihood. Returns the :class:`~.dead_points.DeadPoints` and a stats dict with at
    least ``n_likelihood_calls`` (evaluations the algorithm needed),
    ``n_likelihood_evaluations`` (those the hardware did, waiting lanes included),
    ``batch_efficiency`` (their ratio), ``n_live`` and ``wall_time_s``; an MPI rank
    other than 0 returns (None, None).
"""

from __future__ import annotations

from ..backends import Registry
from . import nss, polychord
from .dead_points import DeadPoints, nested_samples


def mpi_tasks(config: dict) -> int:
    """MPI processes per sampling run (``sampler.mpi_tasks``, 1 if not given)."""
    return config["sampler"].get("mpi_tasks", 1)


def _capability_errors(config: dict, backend) -> list[str]:
    errors = []
    if mpi_tasks(config) > 1 and not backend.MPI:
        mpi_samplers = [name for name in SAMPLERS.names if SAMPLERS.get(name).MPI]
        errors.append(
            f"sampler.mpi_tasks: sampler {backend.NAME!r} runs in one process; set "
            f"mpi_tasks: 1 or use an MPI sampler ({mpi_samplers})"
        )
    if config.get("full_posterior") == "repartitioned" and not backend.REPARTITIONING:
        able = [name for name in SAMPLERS.names if SAMPLERS.get(name).REPARTITIONING]
        errors.append(
            f"full_posterior: sampler {backend.NAME!r} cannot sample a repartitioned prior; "
            f"use sampler.name: {' or '.join(able)}, or full_posterior: nested_sampling"
        )
    return errors


SAMPLERS = Registry("sampler", [nss, polychord], check=_capability_errors)

__all__ = ["SAMPLERS", "DeadPoints", "mpi_tasks", "nested_samples", "sample"]


def sample(likelihood, prior, settings: dict, seed: int, output_dir=None, repartition=None):
    """Nested sampling of a likelihood over a prior with the configured sampler.

    Parameters
    ----------
    likelihood : GaussianLikelihood
        Its :meth:`~posterior_recovery.likelihood.GaussianLikelihood.single` is sampled.
    prior : Prior
        The prior box of the sampled space.
    settings : dict
        The config's ``sampler`` section.
    seed : int
        The run's seed.
    output_dir : path, optional
        A folder of the run's own for the sampler's files.
    repartition : Repartition, optional
        Sample under this repartitioned prior (a sampler with ``REPARTITIONING``).

    Returns
    -------
    anesthetic.NestedSamples or None, dict or None
        The run and its statistics; (None, None) on MPI ranks other than 0.
    """
    backend = SAMPLERS.get(settings["name"])
    dead, stats = backend.run(
        likelihood.single, prior.lower, prior.upper, seed=seed, output_dir=output_dir,
        **({"repartition": repartition} if repartition is not None else {}),
        **SAMPLERS.settings(settings),
    )  # fmt: skip
    if dead is None:
        return None, None
    return nested_samples(dead, prior), stats
