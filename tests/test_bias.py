"""Posterior bias statistics (Dorigo Jones et al. 2023)."""

import numpy as np
import pytest

from posterior_recovery.bias import posterior_biases, weighted_mean_std


def test_weighted_mean_std_equal_weights_is_numpy():
    samples = np.random.default_rng(0).normal([1.0, -2.0, 5.0], [0.5, 2.0, 0.1], size=(400, 3))
    mean, std = weighted_mean_std(samples, np.ones(400))
    np.testing.assert_allclose(mean, samples.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(std, samples.std(axis=0), rtol=1e-12)  # population std (ddof 0)
    assert mean.shape == std.shape == (3,)
    # the scale of the weights does not matter
    mean2, std2 = weighted_mean_std(samples, np.full(400, 1e-30))
    np.testing.assert_allclose(mean2, mean, rtol=1e-12)
    np.testing.assert_allclose(std2, std, rtol=1e-12)


def test_weighted_mean_std_integer_weights_are_duplicates():
    rng = np.random.default_rng(1)
    samples = rng.normal(size=(60, 2))
    counts = rng.integers(0, 6, size=60)
    duplicated = np.repeat(samples, counts, axis=0)
    mean, std = weighted_mean_std(samples, counts)
    np.testing.assert_allclose(mean, duplicated.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(std, duplicated.std(axis=0), rtol=1e-12)
    np.testing.assert_allclose(mean, np.average(samples, axis=0, weights=counts), rtol=1e-12)


def test_posterior_biases_known_answers():
    # full posterior: two points at mean +- std in each column, equal weights
    mu, sigma = np.array([1.0, 10.0]), np.array([0.5, 2.0])
    full = np.array([mu - sigma, mu + sigma])
    # emulator posterior: weighted points with mean mu + [0.25, -1.0]
    emulated = np.array([[1.0, 8.0], [1.5, 9.5]])  # weights 1/2, 1/2 -> mean [1.25, 8.75]
    emulated = np.vstack([emulated, [[1.25, 9.0]]])  # weight 0 row does not count
    truth = np.array([0.0, 13.0])
    result = posterior_biases(full, [1.0, 1.0], emulated, [2.0, 2.0, 0.0], truth)
    assert set(result) == {"mean_full", "std_full", "mean_emulator", "emulator_bias", "true_bias"}
    np.testing.assert_allclose(result["mean_full"], mu)
    np.testing.assert_allclose(result["std_full"], sigma)
    np.testing.assert_allclose(result["mean_emulator"], [1.25, 8.75])
    np.testing.assert_allclose(result["emulator_bias"], [0.25 / 0.5, 1.25 / 2.0])
    np.testing.assert_allclose(result["true_bias"], [1.0 / 0.5, 3.0 / 2.0])


def test_posterior_biases_zero_for_identical_posteriors_and_truth_at_mean():
    rng = np.random.default_rng(2)
    samples, weights = rng.normal(size=(100, 3)), rng.uniform(size=100)
    mean = np.average(samples, axis=0, weights=weights)
    result = posterior_biases(samples, weights, samples, 5 * weights, mean)
    np.testing.assert_allclose(result["emulator_bias"], 0.0, atol=1e-12)
    np.testing.assert_allclose(result["true_bias"], 0.0, atol=1e-12)
    # the biases are absolute values: a shift either way gives the same bias
    up = posterior_biases(samples, weights, samples + 0.1, weights, mean)
    down = posterior_biases(samples, weights, samples - 0.1, weights, mean)
    np.testing.assert_allclose(up["emulator_bias"], down["emulator_bias"], rtol=1e-12)
    assert np.all(up["emulator_bias"] > 0)
    np.testing.assert_allclose(up["emulator_bias"], 0.1 / result["std_full"], rtol=1e-10)


def test_posterior_biases_scale_free():
    # biases are in units of the full posterior's sigma: rescaling every input is neutral
    rng = np.random.default_rng(3)
    full, emu = rng.normal(size=(50, 2)), rng.normal(0.3, 1.0, size=(50, 2))
    w_full, w_emu, truth = rng.uniform(size=50), rng.uniform(size=50), np.array([0.5, -0.5])
    a = posterior_biases(full, w_full, emu, w_emu, truth)
    b = posterior_biases(7 * full + 3, w_full, 7 * emu + 3, w_emu, 7 * truth + 3)
    for key in ("emulator_bias", "true_bias"):
        np.testing.assert_allclose(a[key], b[key], rtol=1e-10)
    assert a["true_bias"] == pytest.approx(np.abs(a["mean_full"] - truth) / a["std_full"])
