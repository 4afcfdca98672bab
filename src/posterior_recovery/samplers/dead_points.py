"""What every sampler returns, and the one builder of anesthetic NestedSamples from it."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class DeadPoints(NamedTuple):
    """The dead points of a nested-sampling run, in the order of death.

    Attributes
    ----------
    theta : array, shape (n, d)
        Sampled-space points, columns in the prior's order.
    logL : array, shape (n,)
        Their log-likelihoods.
    logL_birth : array, shape (n,)
        The likelihood contour each was drawn within; -inf for the initial live points.
    """

    theta: np.ndarray
    logL: np.ndarray
    logL_birth: np.ndarray


def nested_samples(dead: DeadPoints, prior):
    """Return the run as ``anesthetic.NestedSamples``, with the prior's names and labels."""
    from anesthetic import NestedSamples

    return NestedSamples(
        data=dead.theta,
        columns=list(prior.names),
        logL=dead.logL,
        logL_birth=dead.logL_birth,
        labels=prior.labels,
        logzero=-np.inf,
    )
