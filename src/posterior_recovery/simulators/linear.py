"""A linear model of the signal, the validation problem with an exactly known D_KL.

T(z) = M theta + m in mK, with a fixed design matrix M (N_d, 8) and offset m (N_d,) drawn
from ``design_seed`` with entries N(0, design_scale_mK^2); the parameters theta_1 ..
theta_8 are dimensionless, and those not varied stay at 0. With the ``perturbed``
emulator (the same model with a configured error) and uniform priors that hold the
posterior well inside, both posteriors are Gaussian and D_KL(P_full || P_emulator) is
:func:`posterior_recovery.divergence.linearised_kl` exactly.
"""

from __future__ import annotations

import numpy as np

N_PARAMETERS = 8
NAME = "linear"
PARAMETERS = {f"theta_{i}": 0.0 for i in range(1, N_PARAMETERS + 1)}
SETTINGS = {
    "design_seed": {"type": "integer", "minimum": 0, "default": 0,
                    "description": "seed of the design matrix M and offset m"},
    "design_scale_mK": {"type": "number", "exclusiveMinimum": 0, "default": 10.0,
                        "description": "standard deviation of the entries of M and m (mK)"},
}  # fmt: skip
JAX_TRACEABLE = True


class LinearModel:
    """signal = physical @ design_matrix.T + offset: batched, JAX-traceable.

    ``design_matrix`` (N_d, d) in mK per unit parameter, ``offset`` (N_d,) in mK,
    columns in the order of ``parameter_names``.
    """

    jax_traceable = JAX_TRACEABLE

    def __init__(self, redshift, parameter_names, design_matrix, offset):
        self.redshift = np.asarray(redshift, dtype=float)
        self.parameter_names = tuple(parameter_names)
        self.design_matrix = np.asarray(design_matrix, dtype=float)
        self.offset = np.asarray(offset, dtype=float)

    def __call__(self, physical):
        """Signals in mK, shape (n, N_d), for parameters of shape (n, d)."""
        from .._jax import jnp

        physical = jnp.atleast_2d(jnp.asarray(physical, dtype=float))
        return physical @ self.design_matrix.T + self.offset


def make(redshift, parameter_names, design_seed=0, design_scale_mK=10.0) -> LinearModel:
    """Return the linear model on ``redshift`` with a design drawn from ``design_seed``."""
    rng = np.random.default_rng(design_seed)
    # All eight columns drawn whichever are varied, so a column does not change
    # when another parameter is added to or removed from the config.
    design = design_scale_mK * rng.normal(size=(np.size(redshift), N_PARAMETERS))
    offset = design_scale_mK * rng.normal(size=np.size(redshift))
    columns = [list(PARAMETERS).index(name) for name in parameter_names]
    return LinearModel(redshift, parameter_names, design[:, columns], offset)
