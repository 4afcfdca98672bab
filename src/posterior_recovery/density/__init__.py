"""Density estimators of posterior samples (margarine), chosen by name.

A density estimator is a backend (:mod:`posterior_recovery.backends`) whose settings are
the config's ``density_estimator.settings``, and which also defines

``fit(samples, weights, ranges, key, **settings)``
    a margarine estimator fitted to weighted samples (n, d), weights (n,), inside the
    box ``ranges`` (2, d), seeded by the JAX key ``key``;
``load(path)``
    an estimator saved by margarine (its own format) at ``path``.

Estimators are fitted in the sampled space (log10 for log-uniform parameters) with the
prior box as margarine's ``theta_ranges``, so every posterior sample lies inside the
estimator's support and ``log_prob`` includes the Jacobian of margarine's bounded
transform (a density in the sampled space).

A posterior's estimator folder holds, for each replicate r and fold k
(:func:`fit_replicates`), ``r<r>_k<k>_estimator_<i>.marg`` (margarine's own format, one
per mixture member; a flow's standardisation beside it), and ``fit.json``: the
estimator's name, member count, the (replicate, fold) pairs and the settings.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
from scipy.special import logsumexp

from ..backends import Registry
from . import flows, kde, nice, realnvp

log = logging.getLogger(__name__)

ESTIMATORS = Registry("density_estimator", [kde, nice, realnvp], settings_key="settings")


def padded(points: np.ndarray) -> np.ndarray:
    """Return ``points`` (n, d) padded to the next power of two rows with copies of the first.

    margarine's KDE evaluates op by op, and JAX compiles every operation anew for each new
    array shape (~30 ms each): cross-fitted folds of a few hundred points each made ~600
    compilations, 20 of a divergence job's 30 s. With a few shapes they are compiled once.
    """
    n_padded = flows.power_of_two(len(points))
    return np.concatenate([points, np.repeat(points[:1], n_padded - len(points), axis=0)])


class DensityEstimator:
    """An equal-weight mixture of fitted margarine estimators, with numpy methods.

    One member is the plain estimator; several independently initialised ones average
    out the spread between initialisations.
    """

    def __init__(self, members: list, name: str):
        self.members = list(members)
        self.name = name
        self.lower, self.upper = (np.asarray(r) for r in self.members[0].theta_ranges)

    def log_prob(self, theta) -> np.ndarray:
        """Log density of sampled-space points (n, d), shape (n,); -inf outside the box."""
        from .._jax import jnp

        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        inside = np.all((theta > self.lower) & (theta < self.upper), axis=1)
        log_p = np.full(len(theta), -np.inf)
        n = int(inside.sum())
        if n:
            points = jnp.asarray(padded(theta[inside]))
            member_log_p = np.stack([np.asarray(m.log_prob(points))[:n] for m in self.members])
            log_p[inside] = logsumexp(member_log_p, axis=0) - np.log(len(self.members))
        return log_p

    def sample(self, key, n: int) -> np.ndarray:
        """N draws (n, d) from the mixture, shuffled."""
        from .._jax import jax

        *member_keys, shuffle_key = jax.random.split(key, len(self.members) + 1)
        counts = np.full(len(self.members), n // len(self.members))
        counts[: n % len(self.members)] += 1
        draws = np.concatenate(
            [
                np.asarray(member.sample(k, int(count)))
                for member, k, count in zip(self.members, member_keys, counts, strict=True)
            ]
        )
        return draws[np.asarray(jax.random.permutation(shuffle_key, n))]


def fit(
    samples, lower, upper, name: str, settings: dict, seed: int, ensemble_size: int = 1,
    weights=None,
) -> DensityEstimator:  # fmt: skip
    """Fit estimator ``name`` to weighted samples inside a box.

    Parameters
    ----------
    samples : array, shape (n, d)
        Sampled-space points.
    lower, upper : array, shape (d,)
        The prior box.
    name : str
        A registered estimator.
    settings : dict
        Its settings (``density_estimator.settings``); defaults fill in the rest.
    seed : int
        Seeds every member.
    ensemble_size : int, optional
        Independently initialised members of an equal-weight mixture.
    weights : array, shape (n,), optional
        The samples' weights (any normalisation); equal if not given.
    """
    from .._jax import jax, jnp

    backend = ESTIMATORS.get(name)
    settings = ESTIMATORS.settings({"name": name, "settings": settings})
    samples = jnp.asarray(samples, dtype=float)
    weights = jnp.ones(len(samples)) if weights is None else jnp.asarray(weights, dtype=float)
    ranges = jnp.asarray(np.vstack([lower, upper]), dtype=float)
    keys = jax.random.split(jax.random.PRNGKey(seed), ensemble_size)
    members = [backend.fit(samples, weights, ranges, k, **settings) for k in keys]
    return DensityEstimator(members, name)


def fit_replicates(table, prior, settings: dict, replicate_keys, fit_seed) -> dict:
    """Fit a posterior's density estimators: one per replicate and fold (cross-fitting).

    Replicate 0 keeps the posterior's weights, replicates 1 .. ``n_replicates`` take
    Bayesian-bootstrap weights (:func:`~posterior_recovery.posterior.cross_fitting`);
    in each, the estimator of fold k is fitted to the weighted rows of the other folds.

    Parameters
    ----------
    table : pandas.DataFrame
        A posterior table.
    prior : Prior
        Its parameters and box.
    settings : dict
        The config's ``density_estimator`` section.
    replicate_keys : sequence of int
        Each replicate's key for folds and bootstrap weights (the same for both models).
    fit_seed : callable
        ``fit_seed(replicate, fold)``: the seed of that fit.

    Returns
    -------
    dict
        (replicate, fold) -> DensityEstimator.
    """
    from ..posterior import cross_fitting

    names, n_folds = list(prior.names), settings["n_folds"]
    theta = table[names].to_numpy()
    fits = {}
    for replicate, key in enumerate(replicate_keys):
        fold, weight = cross_fitting(table, names, key, n_folds, bootstrap=replicate > 0)
        for k in range(n_folds):
            rows = fold != k
            fits[replicate, k] = fit(
                theta[rows], prior.lower, prior.upper, settings["name"],
                settings.get("settings"), fit_seed(replicate, k), settings["ensemble_size"],
                weights=weight[rows],
            )  # fmt: skip
        log.info("replicate %d: %d estimators, each fitted to ~%d of %d rows", replicate,
                 n_folds, len(theta) * (n_folds - 1) // n_folds, len(theta))  # fmt: skip
    return fits


def save(fits: dict, directory, settings: dict) -> None:
    """Write a posterior's estimators (:func:`fit_replicates`) into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for (replicate, fold), estimator in fits.items():
        for i, member in enumerate(estimator.members):
            member.save(str(directory / f"r{replicate}_k{fold}_estimator_{i}"))
    first = next(iter(fits.values()))
    record = {"name": first.name, "members": len(first.members),
              "fits": [list(key) for key in fits], "settings": settings}  # fmt: skip
    (directory / "fit.json").write_text(json.dumps(record, indent=2) + "\n")


def load(directory) -> dict:
    """Read the estimators written by :func:`save`: (replicate, fold) -> DensityEstimator."""
    directory = Path(directory)
    record = json.loads((directory / "fit.json").read_text())
    backend = ESTIMATORS.get(record["name"])
    return {
        (replicate, fold): DensityEstimator(
            [
                backend.load(str(directory / f"r{replicate}_k{fold}_estimator_{i}"))
                for i in range(record["members"])
            ],
            record["name"],
        )  # fmt: skip
        for replicate, fold in record["fits"]
    }
