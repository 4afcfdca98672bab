"""margarine's NICE flow (additive couplings), the default study's estimator."""

from __future__ import annotations

from . import flows

NAME = "nice"
SETTINGS = flows.SETTINGS


def fit(samples, weights, ranges, key, **settings):
    """Return a NICE flow fitted to weighted ``samples`` (n, d) in the box ``ranges``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.nice import NICE

    return flows.fit(NICE, samples, weights, ranges, key, settings)


def load(path):
    """Return a NICE flow saved by margarine at ``path``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.nice import NICE

    return flows.WhitenedFlow.load(NICE, path)
