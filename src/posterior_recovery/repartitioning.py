"""Posterior repartitioning: nested sampling under a prior shaped like the posterior.

Nested sampling compresses from the prior to the posterior, and its cost grows with
how far apart they are (the posterior's D_KL from the prior). Repartitioning (Chen,
Feroz & Hobson 2019, arXiv:1908.04655; Petrosyan & Handley 2022, arXiv:2212.01760)
samples instead under

    pi~ = alpha q + (1 - alpha) pi,        L~ = L pi / pi~,

with pi the uniform prior on the box and q a guess at the posterior (here: the
emulator's, at the same noise level). pi~ L~ = pi L at every point, so the posterior
and the evidence are exactly those of pi and L; only the cost changes. The uniform part
keeps every point of the box reachable where q misses mass.

Everything here lives in the sampler's unit cube u = (theta - lower) / (upper - lower),
where pi = 1. q is a Gaussian in margarine's Gaussianised coordinates
phi = Phi^-1(u) (Phi the standard normal CDF), fitted to the emulator posterior's
weighted samples and widened by ``scale`` (but never as broad as the prior itself):
normalised on the cube exactly, cheap to evaluate inside the sampler's loops, exact to
draw from, and with tails no fit can spoil.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import ndtri

# keeps Phi^-1 finite on the cube's faces
_EDGE = 1e-15
MAX_VARIANCE = 0.64
"""The largest variance of q along any direction in phi (the prior's is 1)."""


class Repartition(NamedTuple):
    """The repartitioned prior pi~ = alpha q + (1 - alpha) on the unit cube.

    Attributes
    ----------
    alpha : float
        The weight of q, in [0, 1).
    mean : array, shape (d,)
        q's mean in phi = Phi^-1(u).
    cholesky : array, shape (d, d)
        The lower Cholesky factor of q's covariance in phi.
    """

    alpha: float
    mean: np.ndarray
    cholesky: np.ndarray

    def log_prior(self, u):
        """Log pi~ of one point u (d,) of the unit cube (JAX-traceable); pi = 1 there."""
        from ._jax import jax, jnp

        phi = jax.scipy.special.ndtri(jnp.clip(u, _EDGE, 1.0 - _EDGE))
        z = jax.scipy.linalg.solve_triangular(
            jnp.asarray(self.cholesky), phi - jnp.asarray(self.mean), lower=True
        )
        # N(phi; mean, C) over the Jacobian du/dphi = prod N(phi_i; 0, 1)
        log_q = -0.5 * jnp.sum(z**2) - jnp.sum(jnp.log(jnp.diag(jnp.asarray(self.cholesky))))
        log_q = log_q + 0.5 * jnp.sum(phi**2)
        return jnp.logaddexp(jnp.log(self.alpha) + log_q, jnp.log1p(-self.alpha))

    def draw(self, key, n: int):
        """N draws (n, d) from pi~ in the unit cube."""
        from ._jax import jax, jnp

        choice_key, normal_key, uniform_key = jax.random.split(key, 3)
        d = len(self.mean)
        from_q = jax.random.uniform(choice_key, (n, 1)) < self.alpha
        phi = (
            jnp.asarray(self.mean)
            + jax.random.normal(normal_key, (n, d)) @ jnp.asarray(self.cholesky).T
        )
        return jnp.where(from_q, jax.scipy.special.ndtr(phi),
                         jax.random.uniform(uniform_key, (n, d)))  # fmt: skip

    def to_json(self) -> dict:
        """Return the record for ``stats.json``: alpha, q's mean and Cholesky factor in phi."""
        return {"alpha": self.alpha, "mean": self.mean.tolist(),
                "cholesky": self.cholesky.tolist()}  # fmt: skip


def from_posterior(theta, weights, lower, upper, alpha: float, scale: float) -> Repartition:
    """Return the repartition whose q fits a weighted posterior (the emulator's).

    Parameters
    ----------
    theta : array, shape (n, d)
        Sampled-space posterior samples inside the box.
    weights : array, shape (n,)
        Their weights (any normalisation).
    lower, upper : array, shape (d,)
        The prior box.
    alpha : float
        The weight of q in the mixture, in [0, 1).
    scale : float
        q's standard deviations are the posterior's times this: above 1, q still
        covers a full-model posterior that is broader than, or offset from, the
        emulator's. Along no direction does q's standard deviation exceed
        sqrt(MAX_VARIANCE) = 0.8, the prior's being 1: pi~ then stays bounded.
    """
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    u = (np.asarray(theta, dtype=float) - lower) / (upper - lower)
    phi = ndtri(np.clip(u, _EDGE, 1.0 - _EDGE))
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    mean = w @ phi
    covariance = ((phi - mean).T * w) @ (phi - mean)
    # a tiny ridge keeps the factor defined for samples that span fewer dimensions
    ridge = 1e-12 * np.trace(covariance) / len(mean)
    variances, axes = np.linalg.eigh(scale**2 * covariance)
    # The prior is N(0, 1) in phi: along a direction where q were as broad, q / prior
    # would grow without bound towards the cube's faces and pile pi~'s mass there.
    variances = np.clip(variances, ridge * scale**2, MAX_VARIANCE)
    cholesky = np.linalg.cholesky((axes * variances) @ axes.T)
    return Repartition(float(alpha), mean, cholesky)
