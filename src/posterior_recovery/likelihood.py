"""Gaussian likelihoods of global-signal data under a model (simulator or emulator).

log L(theta) = -1/2 sum_i ((D_i - M_i(theta)) / sigma)^2 - (N_d / 2) log(2 pi sigma^2),
with white noise of known sigma and no emulator-error term (the paper's likelihood).
"""

from __future__ import annotations

import logging

import numpy as np

from ._jax import jax, jnp
from .batching import map_batches

log = logging.getLogger(__name__)

# A failed model evaluation (non-finite signal) gets this log-likelihood rather than
# -inf: anesthetic drops points whose logL equals a -inf birth contour, and a finite
# floor keeps the slice sampler's comparisons well defined.
FAILED_LOG_LIKELIHOOD = -1e100


class GaussianLikelihood:
    """log L over the sampled space for data with white noise of known level.

    Parameters
    ----------
    data : array, shape (N_d,)
        The data, mK.
    noise_mK : float
        The noise standard deviation sigma, mK.
    model : model
        Physical parameters (n, d) -> signals (n, N_d) in mK (a simulator or emulator).
    prior : Prior
        Converts sampled-space points to physical values.

    Notes
    -----
    Call with theta of shape (n, d) to get log L of shape (n,); :meth:`single` is the
    log L of one point. Both are jit-compiled when ``model.jax_traceable``.
    """

    def __init__(self, data, noise_mK: float, model, prior):
        self.data = jnp.asarray(data, dtype=float)
        self.noise_mK = float(noise_mK)
        self.model = model
        self.prior = prior
        self.n_data = self.data.size
        self.normalisation = -0.5 * self.n_data * np.log(2 * np.pi * self.noise_mK**2)
        self.jax_traceable = getattr(model, "jax_traceable", False)
        self._batched = jax.jit(self._log_likelihood) if self.jax_traceable else None
        if self.jax_traceable:
            self.single = jax.jit(self._log_likelihood_of_one)

    def _log_likelihood(self, theta):
        signal = self.model(self.prior.to_physical(theta))
        chi2 = jnp.sum(((self.data - signal) / self.noise_mK) ** 2, axis=-1)
        log_l = self.normalisation - 0.5 * chi2
        return jnp.where(jnp.isfinite(log_l), log_l, FAILED_LOG_LIKELIHOOD)

    def _log_likelihood_of_one(self, theta):
        return self._log_likelihood(theta[None, :])[0]

    def __call__(self, theta) -> np.ndarray:
        """Log L of points theta (n, d), shape (n,)."""
        theta = jnp.atleast_2d(jnp.asarray(theta, dtype=float))
        if self._batched is not None:
            return np.asarray(self._batched(theta))
        return np.asarray(self._log_likelihood(theta))

    def single(self, theta) -> float:
        """Log L of one point theta (d,); JAX-traceable when the model is."""
        return float(self(np.asarray(theta)[None, :])[0])

    def evaluate_in_batches(self, theta, batch_size: int) -> np.ndarray:
        """Log L for many points (n, d), evaluated ``batch_size`` at a time, shape (n,)."""

        def report(done, total):
            log.info("evaluated log L at %d / %d points", done, total)

        return map_batches(self, np.atleast_2d(theta), batch_size, progress=report)


def mock_data(simulator, prior, noise_mK: float, rng: np.random.Generator) -> dict:
    """Return the fiducial signal of the full model plus one white-noise draw.

    Returns
    -------
    dict
        ``redshift`` (N_d,), ``signal`` (noise-free, mK), ``data`` (mK), ``noise_mK``
        and ``theta_fiducial`` (sampled space, shape (d,)).
    """
    signal = np.asarray(simulator(np.asarray(prior.to_physical(prior.fiducial))[None, :]))[0]
    if not np.all(np.isfinite(signal)):
        raise RuntimeError("the full model returned a non-finite fiducial signal")
    return {
        "redshift": simulator.redshift,
        "signal": signal,
        "data": signal + rng.normal(0.0, noise_mK, size=signal.shape),
        "noise_mK": np.array(float(noise_mK)),
        "theta_fiducial": prior.fiducial,
    }
