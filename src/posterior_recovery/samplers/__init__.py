"""Nested samplers, chosen by name from the config (``sampler.name``).

A sampler is a function ``run(likelihood, prior, settings, seed) -> (samples, stats)``:

- ``likelihood``: a :class:`~posterior_recovery.likelihood.GaussianLikelihood` over the
  sampled space (uniform prior box ``prior.lower`` .. ``prior.upper``);
- ``settings``: the config's ``sampler`` section;
- ``samples``: ``anesthetic.NestedSamples`` with the parameter columns, ``logL`` and
  ``logL_birth``;
- ``stats``: a dict with at least ``n_likelihood_calls`` and ``wall_time_s``.

Adding a sampler is one module with such a ``run`` and one line in :data:`SAMPLERS`.
"""

from . import nss

SAMPLERS = {"nss": nss.run}
