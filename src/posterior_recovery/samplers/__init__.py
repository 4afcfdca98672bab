"""Nested samplers, chosen by name from the config (``sampler.name``).

A sampler is a function ``run(likelihood, prior, settings, seed, output_dir) ->
(samples, stats)``:

- ``likelihood``: a :class:`~posterior_recovery.likelihood.GaussianLikelihood` over the
  sampled space (uniform prior box ``prior.lower`` .. ``prior.upper``);
- ``settings``: the config's ``sampler`` section;
- ``output_dir``: a folder of the run's own, for the sampler's files (PolyChord's resume
  file); a sampler that keeps its state in memory ignores it;
- ``samples``: ``anesthetic.NestedSamples`` with the parameter columns, ``logL`` and
  ``logL_birth``;
- ``stats``: a dict with at least ``n_likelihood_calls`` and ``wall_time_s``.

Adding a sampler is one module with such a ``run`` and one line in :data:`SAMPLERS`.
A sampler that spreads one run over MPI ranks also joins :data:`MPI_SAMPLERS`; the
workflow then gives its job ``sampler.mpi_tasks`` tasks and launches it through
Snakemake's ``mpi`` resource.
"""

from . import nss, polychord

SAMPLERS = {"nss": nss.run, "polychord": polychord.run}

# Samplers that may run with sampler.mpi_tasks > 1. nss (blackjax) vectorises over the
# live points in one process instead.
MPI_SAMPLERS = frozenset({"polychord"})

# Samplers whose library is not on the package registry: name -> a check that returns
# why it cannot run here, with the install command, or None.
OPTIONAL = {"polychord": polychord.missing}
