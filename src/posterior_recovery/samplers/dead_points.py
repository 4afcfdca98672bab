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
    logL_model : array, shape (n,), optional
        The model's log-likelihood, where the run sampled another one (a repartitioned
        prior's L~ = L pi / pi~, in ``logL``); None where ``logL`` is the model's.
    """

    theta: np.ndarray
    logL: np.ndarray
    logL_birth: np.ndarray
    logL_model: np.ndarray | None = None


def nested_samples(dead: DeadPoints, prior):
    """Return the run as ``anesthetic.NestedSamples``, with the prior's names and labels.

    A repartitioned run keeps the model's log-likelihood in the column ``logL_model``.
    """
    from anesthetic import NestedSamples

    # the extra column goes in with the data: anesthetic sorts the rows by logL
    data, columns, labels = dead.theta, list(prior.names), dict(prior.labels)
    if dead.logL_model is not None:
        data = np.column_stack([data, dead.logL_model])
        columns.append("logL_model")
        labels["logL_model"] = r"$\ln\mathcal{L}_\mathrm{model}$"
    return NestedSamples(
        data=data,
        columns=columns,
        logL=dead.logL,
        logL_birth=dead.logL_birth,
        labels=labels,
        logzero=-np.inf,
    )
