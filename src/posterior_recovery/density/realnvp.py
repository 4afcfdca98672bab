"""margarine's RealNVP flow (affine couplings, random permutations between them)."""

from __future__ import annotations

from . import flows

NAME = "realnvp"
SETTINGS = flows.SETTINGS


def fit(samples, weights, ranges, key, **settings):
    """Return a RealNVP flow fitted to weighted ``samples`` (n, d) in the box ``ranges``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.realnvp import RealNVP

    return flows.fit(RealNVP, samples, weights, ranges, key, settings, permutations=True)


def load(path):
    """Return a RealNVP flow saved by margarine at ``path``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.realnvp import RealNVP

    return flows.WhitenedFlow.load(RealNVP, path)
