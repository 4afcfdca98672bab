"""margarine density estimators of posterior samples, and their files.

Estimators are fitted to equally weighted samples in the sampled space (log10 for
log-uniform parameters) with the prior box as margarine's ``theta_ranges``, so every
posterior sample lies inside the estimator's support and ``log_prob`` includes the
Jacobian of margarine's bounded transform (a density in the sampled space).

An estimator directory holds ``estimator.marg`` (margarine's own format), ``fit.json``
(estimator name and settings) and ``held_out.npy``: the samples, shape (m, d), that
were kept out of the fit for unbiased Monte Carlo divergences.
"""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

log = logging.getLogger(__name__)
# margarine estimators by config name. Imported on first use: margarine pulls in
# TensorFlow, which the Snakefile's config check should not have to load.
ESTIMATORS = {
    "kde": "margarine.estimators.kde:KDE",
    "nice": "margarine.estimators.nice:NICE",
    "realnvp": "margarine.estimators.realnvp:RealNVP",
}


def estimator_class(name: str):
    """The margarine class registered as ``name``."""
    if name not in ESTIMATORS:
        raise ValueError(
            f"density_estimator.name: unknown estimator {name!r}; known: {sorted(ESTIMATORS)}"
        )
    module, cls = ESTIMATORS[name].split(":")
    return getattr(importlib.import_module(module), cls)


TRAIN_SETTINGS = ("learning_rate", "epochs", "patience", "batch_size")


class DensityEstimator:
    """A fitted margarine estimator with a numpy ``log_prob``."""

    def __init__(self, estimator, name: str):
        self.estimator = estimator
        self.name = name

    def log_prob(self, theta) -> np.ndarray:
        """log density of sampled-space points (n, d), shape (n,); -inf outside the box."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        lower, upper = (np.asarray(r) for r in self.estimator.theta_ranges)
        inside = np.all((theta > lower) & (theta < upper), axis=1)
        log_p = np.full(len(theta), -np.inf)
        if inside.any():
            log_p[inside] = np.asarray(self.estimator.log_prob(jnp.asarray(theta[inside])))
        return log_p


def fit(samples, lower, upper, name: str, settings: dict, seed: int) -> DensityEstimator:
    """Fit estimator ``name`` to equally weighted samples (n, d) inside [lower, upper].

    ``settings``: constructor keywords of the margarine estimator plus, for flows, the
    training keywords ``learning_rate``, ``epochs``, ``patience``, ``batch_size``.
    """
    cls = estimator_class(name)
    samples = jnp.asarray(samples, dtype=float)
    ranges = jnp.asarray(np.vstack([lower, upper]), dtype=float)
    settings = dict(settings or {})
    train_settings = {k: settings.pop(k) for k in TRAIN_SETTINGS if k in settings}
    if name == "kde":
        estimator = cls(samples, theta_ranges=ranges, **settings)
        estimator.train()
    else:
        from flax import nnx

        init_key, permutation_key, train_key = jax.random.split(jax.random.PRNGKey(seed), 3)
        if name == "realnvp":
            settings.setdefault("permutations_key", permutation_key)
        estimator = cls(
            samples,
            theta_ranges=ranges,
            in_size=samples.shape[1],
            nnx_rngs=nnx.Rngs(int(jax.random.randint(init_key, (), 0, 2**31 - 1))),
            **settings,
        )
        estimator.train(train_key, **train_settings)
    return DensityEstimator(estimator, name)


def save(density: DensityEstimator, directory, held_out, settings: dict) -> None:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    density.estimator.save(str(directory / "estimator"))
    np.save(directory / "held_out.npy", np.asarray(held_out))
    (directory / "fit.json").write_text(
        json.dumps({"name": density.name, "settings": settings}, indent=2) + "\n"
    )


def load(directory) -> DensityEstimator:
    directory = Path(directory)
    name = json.loads((directory / "fit.json").read_text())["name"]
    return DensityEstimator(estimator_class(name).load(str(directory / "estimator")), name)


def held_out_samples(directory) -> np.ndarray:
    return np.load(Path(directory) / "held_out.npy")


def fit_posterior(table, prior, settings: dict, rng, seed: int):
    """Fit one estimator to a weighted posterior table, holding samples out.

    The table's rows are split at random into a held-out part (``held_out_fraction``)
    and a training part, so no held-out sample is a copy of a training sample; each part
    is resampled to equal weights, ``n_samples`` in all. Returns (estimator, held-out
    samples of shape (m, d)). ``settings`` is the config's ``density_estimator``.
    """
    from .posterior import equal_weight_samples, split

    n_held_out = int(round(settings["held_out_fraction"] * settings["n_samples"]))
    held_out_table, training_table = split(table, settings["held_out_fraction"], rng)
    held_out = equal_weight_samples(held_out_table, prior.names, n_held_out, rng)
    training = equal_weight_samples(
        training_table, prior.names, settings["n_samples"] - n_held_out, rng
    )
    log.info(
        "fitting %s to %d equally weighted samples (%d distinct), %d held out",
        settings["name"], len(training), len(np.unique(training, axis=0)), n_held_out,
    )  # fmt: skip
    estimator = fit(
        training, prior.lower, prior.upper, settings["name"], settings.get("settings"), seed
    )
    return estimator, held_out
