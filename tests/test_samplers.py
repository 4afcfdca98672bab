"""blackjax nested slice sampling against an analytic evidence."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.posterior import log_evidence
from posterior_recovery.samplers import SAMPLERS

WIDTH = 0.1


class NormalisedGaussian:
    """log L of a normalised 3-D Gaussian of width 0.1 at the origin."""

    jax_traceable = True

    def single(self, theta):
        d = theta.shape[0]
        return -0.5 * jnp.sum(theta**2) / WIDTH**2 - 0.5 * d * jnp.log(2 * jnp.pi * WIDTH**2)


PRIOR = Prior([Parameter(f"x{i}", "uniform", -1.0, 1.0, 0.0) for i in range(3)])
SETTINGS = {
    "live_points_per_dim": 50,
    "inner_steps_per_dim": 2,
    "delete_fraction": 0.1,
    "precision_criterion": 1e-3,
}


def test_nss_log_evidence_of_a_gaussian_within_three_sigma():
    # The Gaussian lies well inside the box: Z = 1 / prior volume = 1/8.
    samples, stats = SAMPLERS["nss"](NormalisedGaussian(), PRIOR, SETTINGS, seed=1)
    log_z, log_z_err = log_evidence(samples, 1000, seed=1)
    assert abs(log_z - (-3 * np.log(2))) < 3 * log_z_err
    assert 0.05 < log_z_err < 0.5
    assert stats["n_likelihood_calls"] > stats["n_live"] == 150
    assert {"logL", "logL_birth"} <= set(samples.columns.get_level_values(0))
    # The posterior is the Gaussian: mean 0 and standard deviation WIDTH per axis.
    weights = samples.get_weights()
    x = samples[["x0", "x1", "x2"]].to_numpy()
    mean = weights @ x / weights.sum()
    std = np.sqrt(weights @ (x - mean) ** 2 / weights.sum())
    np.testing.assert_allclose(mean, 0.0, atol=0.03)
    np.testing.assert_allclose(std, WIDTH, rtol=0.2)


def test_nss_is_deterministic_given_the_seed():
    first, _ = SAMPLERS["nss"](NormalisedGaussian(), PRIOR, SETTINGS, seed=3)
    second, _ = SAMPLERS["nss"](NormalisedGaussian(), PRIOR, SETTINGS, seed=3)
    np.testing.assert_array_equal(first.logL.to_numpy(), second.logL.to_numpy())
