"""margarine's Gaussian kernel density estimator: fast, for the quick and test studies."""

from __future__ import annotations

NAME = "kde"
SETTINGS = {
    "bandwidth": {
        "anyOf": [{"enum": ["scott", "silverman"]}, {"type": "number", "exclusiveMinimum": 0}],
        "default": "silverman",
        "description": "the kernel bandwidth rule, or a factor (as scipy's gaussian_kde)",
    },
}


def fit(samples, weights, ranges, key, **settings):
    """Return a KDE of weighted ``samples`` (n, d) in the box ``ranges``; needs no ``key``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.kde import KDE

    estimator = KDE(samples, weights=weights, theta_ranges=ranges, **settings)
    estimator.train()
    return estimator


def load(path):
    """Return a KDE saved by margarine at ``path``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.kde import KDE

    return KDE.load(path)
