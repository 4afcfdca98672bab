"""margarine's NICE flow (additive couplings), the default study's estimator."""

from __future__ import annotations

from . import flows

NAME = "nice"
SETTINGS = flows.SETTINGS


def fit(samples, ranges, key, **settings):
    """Return a NICE flow fitted to ``samples`` (n, d) in the box ``ranges`` (2, d)."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.nice import NICE

    return flows.fit(NICE, samples, ranges, key, settings)


def load(path):
    """Return a NICE flow saved by margarine at ``path``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.nice import NICE

    return NICE.load(path)
