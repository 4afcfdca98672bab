"""A phenomenological global 21-cm absorption trough: milliseconds per call.

T(z) = -A exp(-(z - z0)^2 / (2 w^2)) in mK, with amplitude A [mK], centre z0 and
width w (in redshift). Used for fast tests and a first look at the study.
"""

from __future__ import annotations

import numpy as np

NAME = "gaussian"
PARAMETERS = {"amplitude_mK": 200.0, "centre_z": 15.0, "width_z": 3.0}
SETTINGS = {}
JAX_TRACEABLE = True


class GaussianTrough:
    """Gaussian absorption trough on a redshift grid (JAX, batched)."""

    jax_traceable = JAX_TRACEABLE

    def __init__(self, redshift: np.ndarray, parameter_names: tuple[str, ...]):
        from .._jax import jax, jnp

        self.redshift = redshift
        self.parameter_names = parameter_names
        self._defaults = jnp.array(list(PARAMETERS.values()))
        self._columns = jnp.array([list(PARAMETERS).index(p) for p in parameter_names])
        self._signal = jax.jit(self._signal_of)

    def _signal_of(self, physical):
        from .._jax import jnp

        full = jnp.broadcast_to(self._defaults, (physical.shape[0], self._defaults.size))
        full = full.at[:, self._columns].set(physical)
        amplitude, centre, width = full[:, :1], full[:, 1:2], full[:, 2:3]
        z = jnp.asarray(self.redshift)[None, :]
        return -amplitude * jnp.exp(-0.5 * ((z - centre) / width) ** 2)

    def __call__(self, physical):
        """Signals in mK, shape (n, N_d), for physical parameters of shape (n, d)."""
        from .._jax import jnp

        return self._signal(jnp.atleast_2d(jnp.asarray(physical, dtype=float)))


def make(redshift: np.ndarray, parameter_names: tuple[str, ...]) -> GaussianTrough:
    """Return the trough on ``redshift`` (N_d,), varying ``parameter_names``; it has no options."""
    return GaussianTrough(redshift, parameter_names)
