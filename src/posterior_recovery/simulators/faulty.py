"""The Gaussian trough with failures: a simulator for testing how failures are handled.

A fraction ``failure_fraction`` of the parameter sets give a non-finite signal, as a
failed simulation does (hyprfine's failed ODE solves, ARES's errors). Which ones is a
fixed function of the parameter values (a hash), so a rerun fails the same draws. The
workflow records failed training-set simulations and leaves them out, up to
``training_set.max_failure_fraction``; in a likelihood a failure is a very low log L.
"""

from __future__ import annotations

import numpy as np

from . import gaussian

NAME = "faulty"
PARAMETERS = gaussian.PARAMETERS
SETTINGS = {
    "failure_fraction": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.1,
                         "description": "fraction of parameter sets that fail"},
}  # fmt: skip
JAX_TRACEABLE = True


class FaultyTrough:
    """:class:`~.gaussian.GaussianTrough` with a fraction of its signals all NaN."""

    jax_traceable = JAX_TRACEABLE

    def __init__(self, redshift, parameter_names, failure_fraction: float):
        self.trough = gaussian.make(redshift, parameter_names)
        self.redshift, self.parameter_names = redshift, parameter_names
        self.failure_fraction = failure_fraction

    def __call__(self, physical):
        """Signals in mK, shape (n, N_d), NaN rows for the failing parameter sets."""
        from .._jax import jnp

        physical = jnp.atleast_2d(jnp.asarray(physical, dtype=float))
        # A hash of the values, uniform on [0, 1) to a good approximation.
        phase = physical @ jnp.linspace(12.9898, 78.233, physical.shape[1])
        uniform = jnp.mod(jnp.sin(phase) * 43758.5453, 1.0)
        failed = (uniform < self.failure_fraction)[:, None]
        return jnp.where(failed, jnp.nan, self.trough(physical))


def make(redshift: np.ndarray, parameter_names, failure_fraction: float = 0.1) -> FaultyTrough:
    """Return the failing trough on ``redshift`` (N_d,), varying ``parameter_names``."""
    return FaultyTrough(redshift, parameter_names, failure_fraction)
