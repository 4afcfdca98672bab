"""A linear model of the signal, the validation problem with an exactly known D_KL.

T(z) = M theta + m in mK, with a fixed design matrix M (N_d, 8) and offset m (N_d,) drawn
from ``design_seed`` with entries N(0, design_scale_mK^2); the parameters theta_1 ..
theta_8 are dimensionless, and those not varied stay at 0. With the ``perturbed``
emulator (the same model with a configured error) and uniform priors that hold the
posterior well inside, both posteriors are Gaussian and D_KL(P_full || P_emulator) is
:func:`posterior_recovery.divergence.linearised_kl` exactly.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

N_PARAMETERS = 8


class LinearModel:
    """signal = physical @ design_matrix.T + offset: batched, JAX-traceable.

    ``design_matrix`` (N_d, d) in mK per unit parameter, ``offset`` (N_d,) in mK,
    columns in the order of ``parameter_names``.
    """

    jax_traceable = True

    def __init__(self, redshift, parameter_names, design_matrix, offset):
        self.redshift = np.asarray(redshift, dtype=float)
        self.parameter_names = tuple(parameter_names)
        self.design_matrix = np.asarray(design_matrix, dtype=float)
        self.offset = np.asarray(offset, dtype=float)

    def __call__(self, physical):
        """Signals in mK, shape (n, N_d), for parameters of shape (n, d)."""
        physical = jnp.atleast_2d(jnp.asarray(physical, dtype=float))
        return physical @ self.design_matrix.T + self.offset


class Linear(LinearModel):
    """The ``linear`` simulator: a LinearModel with a design drawn from a seed."""

    known_parameters = {f"theta_{i}": 0.0 for i in range(1, N_PARAMETERS + 1)}

    def __init__(self, redshift, parameter_names, design_seed=0, design_scale_mK=10.0):
        rng = np.random.default_rng(design_seed)
        # All eight columns drawn whichever are varied, so a column does not change
        # when another parameter is added to or removed from the config.
        design = design_scale_mK * rng.normal(size=(np.size(redshift), N_PARAMETERS))
        offset = design_scale_mK * rng.normal(size=np.size(redshift))
        columns = [list(self.known_parameters).index(name) for name in parameter_names]
        super().__init__(redshift, parameter_names, design[:, columns], offset)
