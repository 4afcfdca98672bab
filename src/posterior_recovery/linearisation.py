"""The linearised prediction of D_KL for the real models (paper, Section 2).

Both models are expanded to first order at the fiducial parameters theta_0 in the
sampled space (where the prior is flat): f(theta) ~ f_0 + M (theta - theta_0) for the
full model and g(theta) ~ g_0 + (M + E)(theta - theta_0) for the emulator, so that the
emulator error there is eps = g_0 - f_0. The prediction is then
:func:`~posterior_recovery.divergence.linearised_kl` with the residual D - f_0: sharper
than the bound, since it sees which error directions the data constrain.

The uniform prior box enters as the Gaussian with its mean and variance (width^2 / 12):
real models have directions the data do not constrain (hyprfine's Jacobian at the
default fiducial has rank 4 of 5: its star-formation parameters are exactly
degenerate there), where the flat-prior posterior would be improper. That is an
approximation: where the data constrain every direction well inside the box, it pulls
the posteriors slightly towards the box centre, and for a linear model and its linear
emulator the prediction then differs from the exact flat-prior D_KL by a few per cent
(see results/validation/kl.csv).
"""

from __future__ import annotations

import numpy as np

from ._jax import jax, jnp
from .divergence import linearised_kl

# Central-difference step for models that JAX cannot differentiate, as a fraction of
# each parameter's prior width. Simulators carry numerical noise: hyprfine's signals
# scatter by ~0.01 mK, so its central differences at 1e-3 of the prior width are off by up
# to 25% of the largest slope, while at 1e-2 they agree with reverse-mode automatic
# differentiation to within 2.5% (measured at the default study's fiducial).
RELATIVE_STEP = 1e-2


def jacobian(model, prior, theta) -> np.ndarray:
    """D signal / d theta at one sampled-space point ``theta`` (d,): (N_d, d) in mK.

    Reverse-mode automatic differentiation for JAX-traceable models (hyprfine defines
    custom VJPs, which forward mode cannot differentiate), otherwise central differences
    with steps of :data:`RELATIVE_STEP` times the prior widths, in one batched call.
    """
    theta = np.asarray(theta, dtype=float)
    if getattr(model, "jax_traceable", False):

        def signal(t):
            return model(prior.to_physical(t)[None, :])[0]

        return np.asarray(jax.jacrev(signal)(jnp.asarray(theta)))
    steps = RELATIVE_STEP * (prior.upper - prior.lower)
    shifted = np.concatenate([theta + np.diag(steps), theta - np.diag(steps)])
    up, down = np.split(np.asarray(model(prior.to_physical(shifted))), 2)
    return ((up - down) / (2.0 * steps[:, None])).T


def linearise(full, emulator, prior) -> dict[str, np.ndarray]:
    """Both models and their Jacobians at the fiducial parameters.

    Returns ``full_signal``, ``emulator_signal`` (N_d,) in mK, ``full_jacobian``,
    ``emulator_jacobian`` (N_d, d) in mK per unit of the sampled parameters, and the
    prior box's mean (relative to the fiducial) and variances, ``prior_mean`` and
    ``prior_variance`` (d,).
    """
    theta = prior.fiducial
    physical = np.asarray(prior.to_physical(theta))[None, :]
    return {
        "full_signal": np.asarray(full(physical))[0],
        "emulator_signal": np.asarray(emulator(physical))[0],
        "full_jacobian": jacobian(full, prior, theta),
        "emulator_jacobian": jacobian(emulator, prior, theta),
        "prior_mean": 0.5 * (prior.lower + prior.upper) - theta,
        "prior_variance": (prior.upper - prior.lower) ** 2 / 12.0,
    }


def kl_linearised(linearisation: dict, noise_mK: float, data) -> float:
    """Return the linearised D_KL(P || P_E) in nats.

    Parameters
    ----------
    linearisation : dict
        Both models at the fiducial, from :func:`linearise`.
    noise_mK : float
        White-noise standard deviation, mK.
    data : array, shape (N_d,)
        The data, mK.
    """
    M = linearisation["full_jacobian"]
    return linearised_kl(
        M,
        linearisation["emulator_jacobian"] - M,
        linearisation["emulator_signal"] - linearisation["full_signal"],
        float(noise_mK) ** 2,
        np.asarray(data) - linearisation["full_signal"],
        prior=(linearisation["prior_mean"], linearisation["prior_variance"]),
    )
