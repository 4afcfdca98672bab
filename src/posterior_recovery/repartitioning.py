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
where pi = 1. q is a mixture of ``n_components`` Gaussians in u, each truncated to the
cube, fitted to the emulator posterior's weighted samples (one component: their mean
and covariance; more: weighted expectation-maximisation) and each widened by
``scale``. Each component's mass inside the cube (scipy's multivariate normal CDF)
normalises it, so q is exact, cheap to evaluate inside the sampler's loops and exact to
draw from (by rejection from the untruncated component).

Truncated in u, q keeps a finite density on the cube's faces, where hyprfine's
posteriors pile up against the prior's bounds. A run's length is set by the largest
posterior-to-pi~ ratio (README, "What sets a run's length"), and a q that vanishes at
the faces (an earlier one, Gaussian in Phi^-1(u)) put that ratio at the faces, where
pi~ is only its uniform part 1 - alpha: the repartitioned runs were longer than plain
nested sampling's.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.cluster.vq import kmeans2, vq
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

# the CDF's error tolerance on each component's mass in the cube: the evidence is exact
# up to a relative error of this order in pi~
_MASS_TOLERANCE = 1e-7
# draws per round of the rejection sampler, per draw still wanted
_OVERSAMPLE = 4


class Repartition(NamedTuple):
    """The repartitioned prior pi~ = alpha q + (1 - alpha) on the unit cube.

    Attributes
    ----------
    alpha : float
        The weight of q, in [0, 1).
    weights : array, shape (k,)
        The weights of q's k Gaussian components (summing to 1).
    means : array, shape (k, d)
        Their means in u.
    choleskys : array, shape (k, d, d)
        The lower Cholesky factors of their covariances in u.
    log_masses : array, shape (k,)
        The log of each (untruncated) component's mass inside the cube.
    """

    alpha: float
    weights: np.ndarray
    means: np.ndarray
    choleskys: np.ndarray
    log_masses: np.ndarray

    def log_prior(self, u):
        """Log pi~ of one point u (d,) of the unit cube (JAX-traceable); pi = 1 there."""
        from ._jax import jax, jnp

        d = self.means.shape[1]

        def log_component(mean, cholesky):
            z = jax.scipy.linalg.solve_triangular(cholesky, u - mean, lower=True)
            return (-0.5 * jnp.sum(z**2) - jnp.sum(jnp.log(jnp.diag(cholesky)))
                    - 0.5 * d * jnp.log(2 * jnp.pi))  # fmt: skip

        log_q = jax.scipy.special.logsumexp(
            jnp.log(jnp.asarray(self.weights))
            - jnp.asarray(self.log_masses)
            + jax.vmap(log_component)(jnp.asarray(self.means), jnp.asarray(self.choleskys))
        )
        return jnp.logaddexp(jnp.log(self.alpha) + log_q, jnp.log1p(-self.alpha))

    def draw(self, key, n: int):
        """N draws (n, d) from pi~ in the unit cube.

        Each draw picks q (probability alpha) or the uniform part, then q's component;
        a component's draws outside the cube are redrawn until inside.
        """
        from ._jax import jax, jnp

        d = self.means.shape[1]
        choice_key, component_key, uniform_key, key = jax.random.split(key, 4)
        from_q = np.asarray(jax.random.uniform(choice_key, (n,)) < self.alpha)
        component = np.asarray(jax.random.categorical(
            component_key, jnp.log(jnp.asarray(self.weights)), shape=(n,)
        ))  # fmt: skip
        draws = np.array(jax.random.uniform(uniform_key, (n, d)))
        wanted = np.flatnonzero(from_q)
        while wanted.size:
            key, normal_key = jax.random.split(key)
            # _OVERSAMPLE proposals per wanted draw; the first inside the cube is kept
            normal = np.asarray(jax.random.normal(normal_key, (_OVERSAMPLE, wanted.size, d)))
            c = component[wanted]
            proposals = self.means[c] + np.einsum("nij,knj->kni", self.choleskys[c], normal)
            inside = np.all((proposals >= 0.0) & (proposals <= 1.0), axis=2)
            found = inside.any(axis=0)
            first = np.argmax(inside, axis=0)
            draws[wanted[found]] = proposals[first[found], np.flatnonzero(found)]
            wanted = wanted[~found]
        return jnp.asarray(draws)

    def to_json(self) -> dict:
        """Return the record for ``stats.json``: alpha, q's components in u."""
        return {"alpha": self.alpha, "weights": self.weights.tolist(),
                "means": self.means.tolist(), "choleskys": self.choleskys.tolist(),
                "log_masses": self.log_masses.tolist()}  # fmt: skip


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
        emulator's.
    n_components : int, optional
        Gaussian components of q. One is the samples' mean and covariance; more are
        fitted by :func:`gaussian_mixture`.
    rng : numpy.random.Generator, optional
        For the mixture's initialisation (needed when ``n_components`` > 1) and the
        quasi-Monte Carlo of the components' masses (a fixed one if None).
    """
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    u = (np.asarray(theta, dtype=float) - lower) / (upper - lower)
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    if n_components == 1:
        mean = w @ u
        mixture_weights, means = np.ones(1), mean[None]
        covariances = (((u - mean).T * w) @ (u - mean))[None]
    else:
        if rng is None:
            raise ValueError("a mixture q (n_components > 1) needs rng, a seeded generator")
        mixture_weights, means, covariances = gaussian_mixture(u, w, n_components, rng)
    # a tiny ridge keeps each factor defined for samples that span fewer dimensions
    d = u.shape[1]
    covariances = scale**2 * (covariances + 1e-12 * np.eye(d))
    mass_rng = np.random.default_rng(0) if rng is None else rng
    log_masses = np.log([
        multivariate_normal.cdf(np.ones(d), mean, covariance, lower_limit=np.zeros(d),
                                abseps=_MASS_TOLERANCE, releps=_MASS_TOLERANCE, rng=mass_rng)
        for mean, covariance in zip(means, covariances, strict=True)
    ])  # fmt: skip
    return Repartition(float(alpha), mixture_weights, means, np.linalg.cholesky(covariances),
                       log_masses)  # fmt: skip


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
