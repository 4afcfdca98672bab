"""Kullback-Leibler divergences, their bound, and their Monte Carlo estimators."""

import numpy as np
import pytest
from scipy import stats

from posterior_recovery.divergence import (
    bootstrap_kl_from_likelihoods,
    effective_sample_size,
    gaussian_kl,
    kl_bound,
    kl_from_likelihoods,
    linear_gaussian_posterior,
    linearised_kl,
    required_rmse,
)

N_DATA = 490  # the paper's redshift grid 6.0..54.9 in steps of 0.1

# Table 3 of Bevins, Gessey-Jones & Handley (2025): the bound (N_d/2)(RMSE/sigma)^2 for
# the emulators with RMSE 0.99 mK and 3.14 mK, as printed.
TABLE_3 = {
    5: ("9.60", "96.62"),
    25: ("0.38", "3.86"),
    50: ("0.10", "0.97"),
    250: ("0.004", "0.039"),
}


@pytest.mark.parametrize("sigma", sorted(TABLE_3))
def test_kl_bound_reproduces_table_3(sigma):
    for rmse, printed in zip((0.99, 3.14), TABLE_3[sigma], strict=True):
        value = kl_bound(rmse, sigma, N_DATA)
        assert value == pytest.approx(0.5 * N_DATA * (rmse / sigma) ** 2, rel=1e-12)
        decimals = len(printed.split(".")[1])
        assert f"{value:.{decimals}f}" == printed


def test_kl_bound_at_5_mK_to_paper_precision():
    assert kl_bound(0.99, 5, N_DATA) == pytest.approx(9.6049, rel=1e-3)
    assert kl_bound(3.14, 5, N_DATA) == pytest.approx(96.62, rel=1e-3)


def test_kl_bound_broadcasts():
    sigma = np.array([5.0, 25.0, 50.0, 250.0])
    values = kl_bound(np.array([[0.99], [3.14]]), sigma, N_DATA)
    assert values.shape == (2, 4)
    # D_KL bound scales as sigma^-2
    scaled = values * (sigma / 5.0) ** 2
    np.testing.assert_allclose(scaled, np.broadcast_to(values[:, :1], (2, 4)), rtol=1e-12)


def analytic_kl_and_standard_error(a, n):
    """D_KL(N(0,1) || N(a,1)) = a^2/2 and the standard error of Eq. 6's estimator.

    For x ~ N(0, 1) and dlogL = a x + b, the estimator log<e^dlogL> - <dlogL> is, to first
    order, a^2/2 + mean(U) with U = e^(a x - a^2/2) - a x. Var U = (e^(a^2) - 1) + a^2
    - 2a Cov(e^(a x - a^2/2), x) and Cov = a (Stein's lemma), so Var U = e^(a^2) - 1 - a^2.
    The O(1/n) bias, (e^(a^2) - 1) / (2n), is far below the standard error.
    """
    return 0.5 * a**2, np.sqrt((np.exp(a**2) - 1 - a**2) / n)


@pytest.mark.parametrize("a", [0.3, 1.0])
def test_kl_from_likelihoods_analytic_equal_weights(a):
    n = 200_000
    x = np.random.default_rng(7).standard_normal(n)
    b = -3.7  # a constant offset of dlogL (e.g. normalisation) cancels
    expected, err = analytic_kl_and_standard_error(a, n)
    estimate = kl_from_likelihoods(a * x + b, np.ones(n))
    # 5 standard errors: fails by chance with probability ~6e-7
    assert estimate == pytest.approx(expected, abs=5 * err)


def test_kl_from_likelihoods_importance_weighted():
    # samples of a broader proposal q = N(0, 1.5^2), weighted by p/q to represent P = N(0, 1)
    a, n = 0.5, 200_000
    x = 1.5 * np.random.default_rng(11).standard_normal(n)
    weights = np.exp(stats.norm.logpdf(x) - stats.norm.logpdf(x, scale=1.5))
    ess = effective_sample_size(weights)
    assert 0.5 * n < ess < n
    expected, err = analytic_kl_and_standard_error(a, ess)
    # the standard error of a self-normalised importance estimate is approximated by that of
    # ess equally weighted samples (Kish); 5 of them as tolerance
    assert kl_from_likelihoods(a * x, weights) == pytest.approx(expected, abs=5 * err)
    # weights need not be normalised
    assert kl_from_likelihoods(a * x, 3.0 * weights) == pytest.approx(
        kl_from_likelihoods(a * x, weights), rel=1e-12
    )


def test_kl_from_likelihoods_integer_weights_equal_duplicates():
    rng = np.random.default_rng(3)
    delta = rng.normal(size=50)
    counts = rng.integers(1, 5, size=50)
    duplicated = np.repeat(delta, counts)
    assert kl_from_likelihoods(delta, counts) == pytest.approx(
        kl_from_likelihoods(duplicated, np.ones(duplicated.size)), rel=1e-12
    )


def test_kl_from_likelihoods_ignores_zero_weights():
    delta = np.array([0.1, -0.4, np.nan, 0.7, -np.inf])
    weights = np.array([1.0, 2.0, 0.0, 1.0, 0.0])
    value = kl_from_likelihoods(delta, weights)
    assert np.isfinite(value)
    assert value == pytest.approx(kl_from_likelihoods(delta[[0, 1, 3]], weights[[0, 1, 3]]))


def test_kl_from_likelihoods_zero_for_constant_shift():
    # an emulator that is off by a constant in log L gives the same posterior
    delta = np.full(100, 2.5)
    assert kl_from_likelihoods(delta, np.random.default_rng(0).uniform(size=100)) == (
        pytest.approx(0.0, abs=1e-12)
    )


def test_kl_from_likelihoods_non_negative():
    rng = np.random.default_rng(5)
    for _ in range(20):
        delta, weights = rng.normal(scale=3.0, size=30), rng.uniform(size=30)
        assert kl_from_likelihoods(delta, weights) >= 0.0  # Jensen


def test_effective_sample_size():
    assert effective_sample_size(np.ones(250)) == pytest.approx(250.0)
    assert effective_sample_size(np.full(250, 7.3)) == pytest.approx(250.0)
    one = np.zeros(100)
    one[17] = 4.0
    assert effective_sample_size(one) == pytest.approx(1.0)
    # two equal weights and the rest zero
    assert effective_sample_size([0, 1, 0, 1, 0]) == pytest.approx(2.0)
    # (sum w)^2 / sum w^2
    assert effective_sample_size([1.0, 3.0]) == pytest.approx(16.0 / 10.0)


def test_bootstrap_kl_from_likelihoods_spread_matches_monte_carlo_error():
    a, n = 0.5, 20_000
    x = np.random.default_rng(13).standard_normal(n)
    expected, err = analytic_kl_and_standard_error(a, n)
    replicates = bootstrap_kl_from_likelihoods(a * x, np.ones(n), 200, np.random.default_rng(1))
    assert replicates.shape == (200,)
    # the bootstrap standard deviation estimates the standard error (the std of 200
    # replicates is itself uncertain by ~5%, so a factor 2 is a loose bound)
    assert 0.5 * err < replicates.std() < 2.0 * err
    assert np.mean(replicates) == pytest.approx(expected, abs=5 * err)
    # deterministic given the generator
    again = bootstrap_kl_from_likelihoods(a * x, np.ones(n), 200, np.random.default_rng(1))
    np.testing.assert_array_equal(replicates, again)


def test_bootstrap_kl_from_likelihoods_drops_zero_weights():
    delta = np.array([0.2, np.nan, -0.3, 0.5])
    weights = np.array([1.0, 0.0, 2.0, 1.0])
    replicates = bootstrap_kl_from_likelihoods(delta, weights, 50, np.random.default_rng(2))
    assert np.all(np.isfinite(replicates))


def gaussian_kl_1d(mu_p, s_p, mu_q, s_q):
    return np.log(s_q / s_p) + (s_p**2 + (mu_p - mu_q) ** 2) / (2 * s_q**2) - 0.5


def test_required_rmse_inverts_the_bound():
    sigma = np.array([5.0, 25.0, 50.0, 250.0])
    # The paper's requirement for D_KL <= 1: RMSE / sigma = sqrt(2 / N_d).
    np.testing.assert_allclose(required_rmse(sigma, N_DATA) / sigma, np.sqrt(2 / N_DATA))
    for max_kl in (0.1, 1.0, 3.0):
        rmse = required_rmse(sigma, N_DATA, max_kl)
        np.testing.assert_allclose(kl_bound(rmse, sigma, N_DATA), max_kl, rtol=1e-12)


def random_covariance(rng, k):
    a = rng.normal(size=(k, k))
    return a @ a.T + k * np.eye(k)


def test_gaussian_kl_known_cases():
    rng = np.random.default_rng(3)
    mean, cov = rng.normal(size=4), random_covariance(rng, 4)
    assert gaussian_kl(mean, cov, mean, cov) == pytest.approx(0.0, abs=1e-12)
    assert gaussian_kl(0.3, 1.2**2, -0.4, 0.9**2) == pytest.approx(
        gaussian_kl_1d(0.3, 1.2, -0.4, 0.9), rel=1e-12
    )
    # Equal covariances: half the Mahalanobis distance squared.
    shift = rng.normal(size=4)
    assert gaussian_kl(mean, cov, mean + shift, cov) == pytest.approx(
        0.5 * shift @ np.linalg.solve(cov, shift), rel=1e-12
    )


def test_gaussian_kl_against_monte_carlo():
    rng = np.random.default_rng(5)
    mean_p, cov_p = rng.normal(size=3), random_covariance(rng, 3)
    mean_q, cov_q = rng.normal(size=3), random_covariance(rng, 3)
    x = rng.multivariate_normal(mean_p, cov_p, size=200_000)
    diff = stats.multivariate_normal(mean_p, cov_p).logpdf(x) - stats.multivariate_normal(
        mean_q, cov_q
    ).logpdf(x)
    err = diff.std() / np.sqrt(diff.size)  # Monte Carlo standard error of the mean
    assert gaussian_kl(mean_p, cov_p, mean_q, cov_q) == pytest.approx(diff.mean(), abs=5 * err)


def linear_problem(seed, n_data=40, k=3, error_scale=0.2):
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(n_data, k))
    E = error_scale * rng.normal(size=(n_data, k))
    eps = rng.normal(size=n_data)
    residual = M @ rng.normal(size=k) + 2.0 * rng.normal(size=n_data)
    return M, E, eps, residual


def conditioned_posterior(M, offset, sigma, data, prior_scale=1e4):
    """Condition the joint Gaussian of theta ~ N(0, prior_scale^2) and D on D.

    A Schur complement: a computation independent of linear_gaussian_posterior, equal
    to the flat-prior posterior as prior_scale grows.
    """
    k, n = M.shape[1], M.shape[0]
    cov_theta = prior_scale**2 * np.eye(k)
    cov_theta_data = cov_theta @ M.T
    cov_data = M @ cov_theta @ M.T + sigma**2 * np.eye(n)
    gain = np.linalg.solve(cov_data, cov_theta_data.T).T
    return gain @ (data - offset), cov_theta - gain @ cov_theta_data.T


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_linearised_kl_equals_kl_of_the_explicit_posteriors(seed):
    M, E, eps, residual = linear_problem(seed)
    sigma = 1.5
    explicit = gaussian_kl(
        *conditioned_posterior(M, 0.0, sigma, residual),
        *conditioned_posterior(M + E, eps, sigma, residual),
    )
    # rel 1e-6: the prior of width 1e4 against posterior widths ~0.3 leaves ~1e-7.
    value = linearised_kl(M, E, eps, sigma**2, residual)
    assert value == pytest.approx(explicit, rel=1e-6)
    # White noise given as a variance, a vector of variances or a matrix: the same.
    n = M.shape[0]
    for noise_cov in (np.full(n, sigma**2), sigma**2 * np.eye(n)):
        assert linearised_kl(M, E, eps, noise_cov, residual) == pytest.approx(value, rel=1e-9)


def test_linearised_kl_quadratic_term_uses_the_emulator_covariance():
    """The paper prints C^-1 in the quadratic term; D_KL(P || P_E) needs C_E^-1."""
    M, E, eps, residual = linear_problem(4, error_scale=0.5)
    mean, cov = linear_gaussian_posterior(M, 0.0, 1.0, residual)
    mean_e, cov_e = linear_gaussian_posterior(M + E, eps, 1.0, residual)
    shift = mean_e - mean
    with_c = linearised_kl(M, E, eps, 1.0, residual) - 0.5 * shift @ np.linalg.solve(cov_e, shift)
    with_c += 0.5 * shift @ np.linalg.solve(cov, shift)
    assert linearised_kl(M, E, eps, 1.0, residual) != pytest.approx(with_c, rel=1e-3)


@pytest.mark.parametrize("sigma", [0.5, 2.0, 10.0])
def test_linearised_kl_small_error_limit_and_bound(sigma):
    M, _, eps, residual = linear_problem(7, n_data=60, k=4)
    value = linearised_kl(M, np.zeros_like(M), eps, sigma**2, residual)
    projection = M @ np.linalg.pinv(M)
    assert value == pytest.approx(eps @ projection @ eps / (2 * sigma**2), rel=1e-9)
    rmse = np.sqrt(np.mean(eps**2))
    assert value <= kl_bound(rmse, sigma, M.shape[0])


def test_linearised_kl_with_a_gaussian_prior_equals_the_explicit_posteriors():
    M, E, eps, residual = linear_problem(8)
    prior_mean, prior_variance = np.array([0.5, -1.0, 0.2]), np.array([0.3, 2.0, 1.0])

    def explicit(design, offset):
        """Theta | D by conditioning the joint Gaussian of theta and D."""
        cov_theta = np.diag(prior_variance)
        cov_data = design @ cov_theta @ design.T + np.eye(len(residual))
        gain = cov_theta @ design.T @ np.linalg.inv(cov_data)
        mean = prior_mean + gain @ (residual - offset - design @ prior_mean)
        return mean, cov_theta - gain @ design @ cov_theta

    expected = gaussian_kl(*explicit(M, 0.0), *explicit(M + E, eps))
    value = linearised_kl(M, E, eps, 1.0, residual, prior=(prior_mean, prior_variance))
    assert value == pytest.approx(expected, rel=1e-9)
    assert value != pytest.approx(linearised_kl(M, E, eps, 1.0, residual), rel=1e-3)
