"""margarine density estimators: fidelity on known Gaussians, files, support."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import yaml
from scipy.stats import multivariate_normal

from posterior_recovery import density
from posterior_recovery.divergence import kl_from_densities

from .conftest import REPO

D = 4
# Neighbouring parameters correlated at 0.6 (an AR(1) covariance).
COVARIANCE = 0.6 ** np.abs(np.subtract.outer(np.arange(D), np.arange(D)))
LOWER, UPPER = np.full(D, -6.0), np.full(D, 6.0)


def gaussian_samples(n, seed, mean=0.0):
    return np.random.default_rng(seed).multivariate_normal(np.full(D, mean), COVARIANCE, n)


def fit_default_estimator(samples, seed):
    """Return the density estimator of the default study (config/config.yaml)."""
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())["density_estimator"]
    return density.fit(
        samples, LOWER, UPPER, config["name"], config["settings"], seed, config["ensemble_size"]
    )


@pytest.fixture(scope="module")
def fitted_p():
    """Fit the default estimator to 5,000 samples of P = N(0, C)."""
    return fit_default_estimator(gaussian_samples(5000, 11), seed=1)


@pytest.mark.slow
def test_estimator_fits_a_correlated_gaussian(fitted_p):
    """D_KL(fitted || true) < 0.05 for the default study's estimator."""
    draws = fitted_p.sample(jax.random.PRNGKey(5), 20000)
    log_q = fitted_p.log_prob(draws)
    log_p = multivariate_normal(np.zeros(D), COVARIANCE).logpdf(draws)
    # Monte Carlo standard error of the mean over 20,000 draws: ~0.002.
    assert kl_from_densities(log_q, log_p) < 0.05


@pytest.mark.slow
def test_estimator_kl_between_two_gaussians_within_ten_percent(fitted_p):
    shift = np.full(D, 0.5)  # Q's means shifted by half a standard deviation
    analytic = 0.5 * shift @ np.linalg.solve(COVARIANCE, shift)
    fitted_q = fit_default_estimator(gaussian_samples(5000, 12, mean=0.5), seed=2)
    held_out = gaussian_samples(20000, 13)
    estimate = kl_from_densities(fitted_p.log_prob(held_out), fitted_q.log_prob(held_out))
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
