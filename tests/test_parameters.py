"""Priors, the sampled space (log10 for log-uniform parameters) and its transforms."""

import warnings

import numpy as np
import pytest

from posterior_recovery.parameters import Parameter, Prior


@pytest.fixture
def prior():
    return Prior(
        [
            Parameter("amplitude_mK", "uniform", 50.0, 300.0, 200.0, "$A$ [mK]"),
            Parameter("width_z", "log-uniform", 1.0, 8.0, 3.0, "$w$"),
            Parameter("L40", "log-uniform", 0.01, 100.0, 1.0),
        ]
    )


def test_sampled_space_is_log10_for_log_uniform(prior):
    np.testing.assert_array_equal(prior.is_log, [False, True, True])
    np.testing.assert_allclose(prior.lower, [50.0, 0.0, -2.0])
    np.testing.assert_allclose(prior.upper, [300.0, np.log10(8.0), 2.0])
    np.testing.assert_allclose(prior.fiducial, [200.0, np.log10(3.0), 0.0])
    assert prior.ndim == 3
    assert prior.names == ("amplitude_mK", "width_z", "L40")


def test_from_config_matches_constructor(prior):
    entries = [
        {"name": "amplitude_mK", "prior": "uniform", "min": 50.0, "max": 300.0,
         "fiducial": 200.0, "label": "$A$ [mK]"},
        {"name": "width_z", "prior": "log-uniform", "min": 1.0, "max": 8.0,
         "fiducial": 3.0, "label": "$w$"},
        {"name": "L40", "prior": "log-uniform", "min": 0.01, "max": 100.0, "fiducial": 1.0},
    ]  # fmt: skip
    built = Prior.from_config(entries)
    assert built.parameters == prior.parameters
    np.testing.assert_array_equal(built.lower, prior.lower)
    np.testing.assert_array_equal(built.upper, prior.upper)


def test_empty_prior_is_an_error():
    with pytest.raises(ValueError, match="at least one parameter"):
        Prior([])


def test_to_physical_and_to_sampled_round_trip(prior):
    rng = np.random.default_rng(1)
    theta = prior.draw(200, rng)
    physical = np.asarray(prior.to_physical(theta))
    np.testing.assert_allclose(physical[:, 0], theta[:, 0], rtol=1e-15)
    np.testing.assert_allclose(physical[:, 1:], 10.0 ** theta[:, 1:], rtol=1e-14)
    np.testing.assert_allclose(prior.to_sampled(physical), theta, rtol=1e-12, atol=1e-14)
    # the fiducial maps back to the physical fiducial values
    np.testing.assert_allclose(np.asarray(prior.to_physical(prior.fiducial)), [200.0, 3.0, 1.0])
    assert np.asarray(prior.to_physical(theta)).dtype == np.float64


def test_to_sampled_ignores_non_positive_uniform_values(prior):
    # a uniform parameter may be zero or negative: no log10 of it may be taken
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampled = prior.to_sampled([[-5.0, 10.0, 1.0], [0.0, 1.0, 100.0]])
    np.testing.assert_allclose(sampled, [[-5.0, 1.0, 0.0], [0.0, 0.0, 2.0]])


def test_from_unit_cube_maps_corners_and_centre(prior):
    u = np.array([np.zeros(3), np.ones(3), np.full(3, 0.5)])
    theta = prior.from_unit_cube(u)
    np.testing.assert_allclose(theta[0], prior.lower)
    np.testing.assert_allclose(theta[1], prior.upper)
    np.testing.assert_allclose(theta[2], 0.5 * (prior.lower + prior.upper))


def test_draw_inside_box_and_deterministic(prior):
    a = prior.draw(5000, np.random.default_rng(42))
    b = prior.draw(5000, np.random.default_rng(42))
    c = prior.draw(5000, np.random.default_rng(43))
    assert a.shape == (5000, 3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.all(a >= prior.lower) and np.all(a <= prior.upper)
    # uniform in the sampled space: the mean of each column is the box centre within
    # 5 standard errors, width / sqrt(12 n)
    width = prior.upper - prior.lower
    err = width / np.sqrt(12 * len(a))
    assert np.all(np.abs(a.mean(axis=0) - 0.5 * (prior.lower + prior.upper)) < 5 * err)


def test_labels(prior):
    assert prior.labels == {
        "amplitude_mK": "$A$ [mK]",
        "width_z": r"$\log_{10}\,w$",
        "L40": r"$\log_{10}\,L40$",
    }
    assert Parameter("x", "uniform", 0.0, 1.0, 0.5).sampled_label == "x"
    assert Parameter("x", "log-uniform", 1.0, 2.0, 1.5).is_log
    assert not Parameter("x", "uniform", 1.0, 2.0, 1.5).is_log
