"""Gaussian likelihoods of global-signal data under a model (simulator or emulator).

log L(theta) = -1/2 sum_i ((D_i - M_i(theta)) / sigma)^2 - (N_d / 2) log(2 pi sigma^2),
with white noise of known sigma and no emulator-error term (the paper's likelihood).
"""

from __future__ import annotations

import logging

import jax
import jax.numpy as jnp
import numpy as np

from .batching import map_batches

log = logging.getLogger(__name__)

# A failed model evaluation (non-finite signal) gets this log-likelihood rather than
# -inf: anesthetic drops points whose logL equals a -inf birth contour, and a finite
# floor keeps the slice sampler's comparisons well defined.
FAILED_LOG_LIKELIHOOD = -1e100


class GaussianLikelihood:
    """log L over the sampled space for data ``data`` (N_d,) with noise ``sigma_mK``.

    ``model`` maps physical parameters (n, d) to signals (n, N_d) in mK; ``prior``
    converts sampled-space points to physical values. Call with theta of shape (n, d)
    to get log L of shape (n,). When ``model.jax_traceable`` the call is jit-compiled
    and :meth:`single` gives the per-point function that samplers can ``vmap``.
    """

    def __init__(self, data, sigma_mK: float, model, prior):
        self.data = jnp.asarray(data, dtype=float)
        self.sigma_mK = float(sigma_mK)
        self.model = model
        self.prior = prior
        self.n_data = self.data.size
        self.normalisation = -0.5 * self.n_data * np.log(2 * np.pi * self.sigma_mK**2)
        self.jax_traceable = getattr(model, "jax_traceable", False)
        self._batched = jax.jit(self._log_likelihood) if self.jax_traceable else None

    def _log_likelihood(self, theta):
        signal = self.model(self.prior.to_physical(theta))
        chi2 = jnp.sum(((self.data - signal) / self.sigma_mK) ** 2, axis=-1)
        log_l = self.normalisation - 0.5 * chi2
        return jnp.where(jnp.isfinite(log_l), log_l, FAILED_LOG_LIKELIHOOD)

    def __call__(self, theta) -> np.ndarray:
        theta = jnp.atleast_2d(jnp.asarray(theta, dtype=float))
        if self._batched is not None:
            return np.asarray(self._batched(theta))
        return np.asarray(self._log_likelihood(theta))

    def evaluate_in_batches(self, theta, batch_size: int) -> np.ndarray:
        """log L for many points (n, d), evaluated ``batch_size`` at a time, shape (n,)."""

        def report(done, total):
            log.info("evaluated log L at %d / %d points", done, total)

        return map_batches(self, np.atleast_2d(theta), batch_size, progress=report)

    def single(self, theta):
        """log L of one point, shape (d,) -> scalar; JAX-traceable models only."""
        return self._log_likelihood(theta[None, :])[0]


def mock_data(simulator, prior, noise_sigma_mK: float, rng: np.random.Generator) -> dict:
    """The fiducial signal of the full model plus one white-noise draw.

    Returns arrays ``redshift`` (N_d,), ``signal`` (noise-free, mK), ``data`` (mK),
    ``noise_sigma_mK`` and ``theta_fiducial`` (sampled space, shape (d,)).
    """
    signal = np.asarray(simulator(np.asarray(prior.to_physical(prior.fiducial))[None, :]))[0]
    if not np.all(np.isfinite(signal)):
        raise RuntimeError("the full model returned a non-finite fiducial signal")
    return {
        "redshift": simulator.redshift,
        "signal": signal,
        "data": signal + rng.normal(0.0, noise_sigma_mK, size=signal.shape),
        "noise_sigma_mK": np.array(float(noise_sigma_mK)),
        "theta_fiducial": prior.fiducial,
    }
