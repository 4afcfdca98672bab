"""margarine density estimators: fidelity on known Gaussians, files, support."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import yaml
from scipy.stats import multivariate_normal

from posterior_recovery import density
from posterior_recovery.divergence import kl_from_densities

D = 4
# Neighbouring parameters correlated at 0.6 (an AR(1) covariance).
COVARIANCE = 0.6 ** np.abs(np.subtract.outer(np.arange(D), np.arange(D)))
LOWER, UPPER = np.full(D, -6.0), np.full(D, 6.0)


def default_settings(repo):
    """The density-estimator settings of the default study."""
    return yaml.safe_load((repo / "config/config.yaml").read_text())["density_estimator"]


def gaussian_samples(n, seed, mean=0.0):
    return np.random.default_rng(seed).multivariate_normal(np.full(D, mean), COVARIANCE, n)


@pytest.mark.slow
def test_flow_fits_a_correlated_gaussian(repo):
    """D_KL(fitted || true) < 0.05 for the default study's estimator."""
    settings = default_settings(repo)
    fitted = density.fit(
        gaussian_samples(5000, 1), LOWER, UPPER, settings["name"], settings["settings"], seed=0
    )
    draws = np.asarray(fitted.estimator.sample(jax.random.PRNGKey(5), 20000), dtype=float)
    log_q = fitted.log_prob(draws)
    log_p = multivariate_normal(np.zeros(D), COVARIANCE).logpdf(draws)
    kl = kl_from_densities(log_q, log_p)
    # Monte Carlo standard error of the mean over 20,000 draws is ~0.002.
    assert kl < 0.05, kl


@pytest.mark.slow
def test_flow_kl_between_two_gaussians_within_ten_percent(repo):
    settings = default_settings(repo)
    shift = np.full(D, 0.5)  # every mean shifted by half a standard deviation
    analytic = 0.5 * shift @ np.linalg.solve(COVARIANCE, shift)
    p = density.fit(gaussian_samples(5000, 11), LOWER, UPPER, settings["name"],
                    settings["settings"], seed=1)  # fmt: skip
    q = density.fit(gaussian_samples(5000, 12, mean=0.5), LOWER, UPPER, settings["name"],
                    settings["settings"], seed=2)  # fmt: skip
    held_out = gaussian_samples(20000, 13)
    estimate = kl_from_densities(p.log_prob(held_out), q.log_prob(held_out))
    assert abs(estimate / analytic - 1) < 0.1, (estimate, analytic)


def test_kde_round_trip_and_support(tmp_path):
    samples = gaussian_samples(1000, 2)
    fitted = density.fit(samples, LOWER, UPPER, "kde", {}, seed=0)
    held_out = gaussian_samples(10, 3)
    density.save(fitted, tmp_path / "kde", held_out, {"name": "kde"})
    loaded = density.load(tmp_path / "kde")
    np.testing.assert_allclose(loaded.log_prob(held_out), fitted.log_prob(held_out), rtol=1e-10)
    np.testing.assert_array_equal(density.held_out_samples(tmp_path / "kde"), held_out)
    outside = np.array([[7.0, 0.0, 0.0, 0.0]])
    assert fitted.log_prob(outside)[0] == -np.inf
    # A normalised density: its log probability near the mode is close to the truth's.
    truth = multivariate_normal(np.zeros(D), COVARIANCE).logpdf(np.zeros(D))
    assert abs(fitted.log_prob(np.zeros((1, D)))[0] - truth) < 0.5


def test_unknown_estimator_names_the_key():
    with pytest.raises(ValueError, match="density_estimator.name"):
        density.fit(gaussian_samples(10, 0), LOWER, UPPER, "maf", {}, seed=0)
