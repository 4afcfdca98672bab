"""margarine's RealNVP flow (affine couplings, random permutations between them)."""

from __future__ import annotations

from . import flows

NAME = "realnvp"
SETTINGS = flows.SETTINGS


def fit(samples, ranges, key, **settings):
    """Return a RealNVP flow fitted to ``samples`` (n, d) in the box ``ranges`` (2, d)."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.realnvp import RealNVP

    return flows.fit(RealNVP, samples, ranges, key, settings, permutations=True)


def load(path):
    """Return a RealNVP flow saved by margarine at ``path``."""
    from .. import _tensorflow  # noqa: F401 - margarine imports TensorFlow

    # isort: split
    from margarine.estimators.realnvp import RealNVP

    return RealNVP.load(path)
