"""Gaussian likelihoods of global-signal data, and mock data."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from posterior_recovery.likelihood import FAILED_LOG_LIKELIHOOD, GaussianLikelihood, mock_data
from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.simulators import make_simulator

from .conftest import REDSHIFT, gaussian_trough_prior

SIGMA = 25.0


@pytest.fixture(scope="module")
def prior():
    return gaussian_trough_prior()


@pytest.fixture(scope="module")
def simulator(prior):
    return make_simulator("gaussian", REDSHIFT, prior.names)


@pytest.fixture(scope="module")
def data(simulator, prior):
    return mock_data(simulator, prior, SIGMA, np.random.default_rng(2025))


@pytest.fixture(scope="module")
def likelihood(data, simulator, prior):
    return GaussianLikelihood(data["data"], SIGMA, simulator, prior)


def reference_log_likelihood(data, simulator, prior, theta):
    signals = np.asarray(simulator(np.asarray(prior.to_physical(theta))))
    return stats.norm.logpdf(data[None, :], signals, SIGMA).sum(axis=1)


def test_log_likelihood_equals_sum_of_normal_logpdf(likelihood, data, simulator, prior):
    theta = prior.draw(7, np.random.default_rng(0))
    theta = np.vstack([theta, prior.fiducial])
    log_l = likelihood(theta)
    assert log_l.shape == (8,)
    assert likelihood.n_data == 490
    expected = reference_log_likelihood(data["data"], simulator, prior, theta)
    np.testing.assert_allclose(log_l, expected, rtol=1e-8)
    # the fiducial point fits the data best among these
    assert np.argmax(log_l) == 7


def test_single_point_input_is_promoted_to_a_batch(likelihood, prior):
    log_l = likelihood(prior.fiducial)  # shape (d,) -> (1,)
    assert log_l.shape == (1,)
    np.testing.assert_allclose(log_l, likelihood(prior.fiducial[None, :]), rtol=1e-14)


def test_single_equals_batched(likelihood, prior):
    assert likelihood.jax_traceable
    theta = prior.draw(5, np.random.default_rng(1))
    batched = likelihood(theta)
    singles = np.array([float(likelihood.single(jnp.asarray(t))) for t in theta])
    np.testing.assert_allclose(singles, batched, rtol=1e-12)
    vmapped = np.asarray(jax.vmap(likelihood.single)(jnp.asarray(theta)))
    np.testing.assert_allclose(vmapped, batched, rtol=1e-12)


def test_evaluate_in_batches_equals_direct_call(likelihood, prior):
    theta = prior.draw(23, np.random.default_rng(2))  # 23 is not a multiple of 5
    direct = likelihood(theta)
    batched = likelihood.evaluate_in_batches(theta, batch_size=5)
    assert batched.shape == (23,)
    np.testing.assert_allclose(batched, direct, rtol=1e-12)
    np.testing.assert_allclose(likelihood.evaluate_in_batches(theta, 64), direct, rtol=1e-12)


class PartlyNaNModel:
    """A failing simulator: NaN signals where the amplitude exceeds 250 mK."""

    jax_traceable = True

    def __init__(self, redshift):
        self.redshift = redshift

    def __call__(self, physical):
        z = jnp.asarray(self.redshift)[None, :]
        signal = -physical[:, :1] * jnp.exp(-0.5 * ((z - physical[:, 1:2]) / physical[:, 2:3]) ** 2)
        return jnp.where(physical[:, :1] > 250.0, jnp.nan, signal)


@pytest.mark.parametrize("traceable", [True, False])
def test_nan_model_gives_failed_log_likelihood(data, simulator, prior, traceable):
    model = PartlyNaNModel(simulator.redshift)
    model.jax_traceable = traceable  # also the non-jit path
    likelihood = GaussianLikelihood(data["data"], SIGMA, model, prior)
    assert likelihood.jax_traceable is traceable
    theta = np.array([[200.0, 16.0, np.log10(3.0)], [280.0, 16.0, np.log10(3.0)]])
    log_l = likelihood(theta)
    assert log_l[1] == FAILED_LOG_LIKELIHOOD
    assert np.isfinite(log_l[0]) and log_l[0] > FAILED_LOG_LIKELIHOOD
    expected = reference_log_likelihood(data["data"], simulator, prior, theta[:1])
    np.testing.assert_allclose(log_l[0], expected[0], rtol=1e-8)
    if traceable:
        assert float(likelihood.single(jnp.asarray(theta[1]))) == FAILED_LOG_LIKELIHOOD


def test_mock_data_deterministic(simulator, prior):
    a = mock_data(simulator, prior, SIGMA, np.random.default_rng(7))
    b = mock_data(simulator, prior, SIGMA, np.random.default_rng(7))
    c = mock_data(simulator, prior, SIGMA, np.random.default_rng(8))
    assert set(a) == {"redshift", "signal", "data", "noise_mK", "theta_fiducial"}
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["data"], c["data"])
    np.testing.assert_array_equal(a["signal"], c["signal"])


def test_mock_data_contents(data, simulator, prior):
    assert data["data"].shape == data["signal"].shape == (490,)
    np.testing.assert_array_equal(data["redshift"], simulator.redshift)
    np.testing.assert_array_equal(data["theta_fiducial"], prior.fiducial)
    assert float(data["noise_mK"]) == SIGMA
    # the noise-free signal is the simulator at the physical fiducial values (200, 16, 3)
    z = simulator.redshift
    np.testing.assert_allclose(
        data["signal"], -200.0 * np.exp(-0.5 * ((z - 16.0) / 3.0) ** 2), rtol=1e-12, atol=1e-12
    )
    # white noise of std sigma: the standard error of a std estimate from 490 draws is
    # sigma / sqrt(2 * 490); allow 4 of them
    noise = data["data"] - data["signal"]
    assert abs(noise.std() - SIGMA) < 4 * SIGMA / np.sqrt(2 * 490)
    assert abs(noise.mean()) < 4 * SIGMA / np.sqrt(490)


def test_mock_data_rejects_non_finite_fiducial_signal(simulator):
    model = PartlyNaNModel(simulator.redshift)
    bad = Prior([Parameter("amplitude_mK", "uniform", 50.0, 300.0, 280.0),
                 Parameter("centre_z", "uniform", 10.0, 25.0, 16.0),
                 Parameter("width_z", "log-uniform", 1.0, 8.0, 3.0)])  # fmt: skip
    with pytest.raises(RuntimeError, match="non-finite fiducial signal"):
        mock_data(model, bad, SIGMA, np.random.default_rng(0))
