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
where pi = 1. q is a mixture of ``n_components`` Gaussians in margarine's Gaussianised
coordinates phi = Phi^-1(u) (Phi the standard normal CDF), fitted to the emulator
posterior's weighted samples (one component: their mean and covariance; more: weighted
expectation-maximisation) and each widened by ``scale`` (but never as broad as the
prior itself): normalised on the cube exactly, cheap to evaluate inside the sampler's
loops, exact to draw from, and with tails no fit can spoil. Several components follow a
curved posterior, which one Gaussian covers only with most of its mass off it: on
hyprfine at 5 mK one Gaussian puts the posterior at ~3.6 nats of pi~'s mass log-density
above the box's, eight at ~7.6 of the 11.1 nats a perfect q would give (README).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.cluster.vq import kmeans2, vq
from scipy.special import logsumexp, ndtri
from scipy.stats import multivariate_normal

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
    weights : array, shape (k,)
        The weights of q's k Gaussian components (summing to 1).
    means : array, shape (k, d)
        Their means in phi = Phi^-1(u).
    choleskys : array, shape (k, d, d)
        The lower Cholesky factors of their covariances in phi.
    """

    alpha: float
    weights: np.ndarray
    means: np.ndarray
    choleskys: np.ndarray

    def log_prior(self, u):
        """Log pi~ of one point u (d,) of the unit cube (JAX-traceable); pi = 1 there."""
        from ._jax import jax, jnp

        phi = jax.scipy.special.ndtri(jnp.clip(u, _EDGE, 1.0 - _EDGE))
        choleskys = jnp.asarray(self.choleskys)

        def log_component(mean, cholesky):
            z = jax.scipy.linalg.solve_triangular(cholesky, phi - mean, lower=True)
            return -0.5 * jnp.sum(z**2) - jnp.sum(jnp.log(jnp.diag(cholesky)))

        # N(phi; mean_j, C_j), mixed, over the Jacobian du/dphi = prod N(phi_i; 0, 1)
        log_q = jax.scipy.special.logsumexp(
            jnp.log(jnp.asarray(self.weights))
            + jax.vmap(log_component)(jnp.asarray(self.means), choleskys)
        )
        log_q = log_q + 0.5 * jnp.sum(phi**2)
        return jnp.logaddexp(jnp.log(self.alpha) + log_q, jnp.log1p(-self.alpha))

    def draw(self, key, n: int):
        """N draws (n, d) from pi~ in the unit cube."""
        from ._jax import jax, jnp

        d = self.means.shape[1]
        if len(self.weights) == 1:  # the single Gaussian's draws, as before mixtures
            choice_key, normal_key, uniform_key = jax.random.split(key, 3)
            normal = jax.random.normal(normal_key, (n, d))
            phi = jnp.asarray(self.means[0]) + normal @ jnp.asarray(self.choleskys[0]).T
        else:
            choice_key, component_key, normal_key, uniform_key = jax.random.split(key, 4)
            component = jax.random.categorical(
                component_key, jnp.log(jnp.asarray(self.weights)), shape=(n,)
            )
            normal = jax.random.normal(normal_key, (n, d))
            phi = jnp.asarray(self.means)[component] + jnp.einsum(
                "nij,nj->ni", jnp.asarray(self.choleskys)[component], normal
            )
        from_q = jax.random.uniform(choice_key, (n, 1)) < self.alpha
        return jnp.where(from_q, jax.scipy.special.ndtr(phi),
                         jax.random.uniform(uniform_key, (n, d)))  # fmt: skip

    def to_json(self) -> dict:
        """Return the record for ``stats.json``: alpha, q's components in phi."""
        return {"alpha": self.alpha, "weights": self.weights.tolist(),
                "means": self.means.tolist(), "choleskys": self.choleskys.tolist()}  # fmt: skip


def from_posterior(
    theta, weights, lower, upper, alpha: float, scale: float, n_components: int = 1, rng=None
) -> Repartition:
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
        Each component's standard deviations are the fit's times this: above 1, q still
        covers a full-model posterior that is broader than, or offset from, the
        emulator's. Along no direction does a component's standard deviation exceed
        sqrt(MAX_VARIANCE) = 0.8, the prior's being 1: pi~ then stays bounded.
    n_components : int, optional
        Gaussian components of q. One is the samples' mean and covariance; more are
        fitted by :func:`gaussian_mixture`.
    rng : numpy.random.Generator, optional
        For the mixture's initialisation (needed when ``n_components`` > 1).
    """
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    u = (np.asarray(theta, dtype=float) - lower) / (upper - lower)
    phi = ndtri(np.clip(u, _EDGE, 1.0 - _EDGE))
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    if n_components == 1:
        mean = w @ phi
        mixture_weights, means = np.ones(1), mean[None]
        covariances = (((phi - mean).T * w) @ (phi - mean))[None]
    else:
        if rng is None:
            raise ValueError("a mixture q (n_components > 1) needs rng, a seeded generator")
        mixture_weights, means, covariances = gaussian_mixture(phi, w, n_components, rng)
    choleskys = np.array([_widened_cholesky(c, scale) for c in covariances])
    return Repartition(float(alpha), mixture_weights, means, choleskys)


def _widened_cholesky(covariance, scale: float) -> np.ndarray:
    """Return the Cholesky factor of ``scale**2 * covariance``, its variances capped."""
    # a tiny ridge keeps the factor defined for samples that span fewer dimensions
    ridge = 1e-12 * np.trace(covariance) / len(covariance)
    variances, axes = np.linalg.eigh(scale**2 * covariance)
    # The prior is N(0, 1) in phi: along a direction where q were as broad, q / prior
    # would grow without bound towards the cube's faces and pile pi~'s mass there.
    variances = np.clip(variances, ridge * scale**2, MAX_VARIANCE)
    return np.linalg.cholesky((axes * variances) @ axes.T)


def gaussian_mixture(x, weights, k: int, rng, max_iterations: int = 500, tolerance=1e-8):
    """Fit k Gaussians to weighted points by expectation-maximisation.

    scipy has no mixture fit, and scikit-learn's takes no sample weights. Starts from
    k-means++ centres (scipy's ``kmeans2``) of a weighted resample, then iterates on
    the weighted points themselves until the weighted mean log density gains less than
    ``tolerance``. Each covariance gets 1e-6 of the points' mean variance on its
    diagonal, so that a component on few points stays proper.

    Parameters
    ----------
    x : array, shape (n, d)
    weights : array, shape (n,)
        Summing to 1.
    k : int
    rng : numpy.random.Generator

    Returns
    -------
    (component weights (k,), means (k, d), covariances (k, d, d))
    """
    n, d = x.shape
    resample = x[rng.choice(n, size=n, p=weights)]
    centres, _ = kmeans2(resample, k, minit="++", rng=rng)
    responsibilities = np.zeros((n, k))
    nearest, _ = vq(x, centres)  # each point's nearest centre
    responsibilities[np.arange(n), nearest] = 1.0
    floor = 1e-6 * np.mean(np.var(x, axis=0)) * np.eye(d)
    previous = -np.inf
    for _ in range(max_iterations):
        mass = weights @ responsibilities + 1e-300
        means = (responsibilities * weights[:, None]).T @ x / mass[:, None]
        centred = x[None] - means[:, None]  # (k, n, d)
        covariances = np.einsum("kni,knj->kij", centred * (responsibilities.T * weights)[..., None],
                                centred) / mass[:, None, None] + floor  # fmt: skip
        log_density = np.log(mass / mass.sum()) + np.column_stack(
            [multivariate_normal(m, c).logpdf(x) for m, c in zip(means, covariances, strict=True)]
        )
        total = logsumexp(log_density, axis=1)
        responsibilities = np.exp(log_density - total[:, None])
        mean_log_density = weights @ total
        if mean_log_density - previous < tolerance:
            break
        previous = mean_log_density
    return mass / mass.sum(), means, covariances
