"""Simulators: the redshift grid, the registry and the full models."""

import numpy as np
import pytest

from posterior_recovery.simulators import SIMULATORS, hyprfine, make_simulator, redshift_grid
from posterior_recovery.simulators.gaussian import GaussianTrough

PAPER_GRID = {"min": 6.0, "max": 54.9, "step": 0.1}


@pytest.fixture(scope="module")
def redshift():
    return redshift_grid(PAPER_GRID)


def test_redshift_grid_is_the_papers(redshift):
    assert redshift.shape == (490,)
    assert redshift[0] == 6.0 and redshift[-1] == 54.9
    np.testing.assert_allclose(np.diff(redshift), 0.1, rtol=1e-9)
    # rounded to the grid: no floating-point drift such as 6.300000000000001
    np.testing.assert_array_equal(redshift, np.round(6.0 + 0.1 * np.arange(490), 1))
    assert redshift_grid({"min": 10.0, "max": 12.0, "step": 0.5}).tolist() == [
        10.0, 10.5, 11.0, 11.5, 12.0,
    ]  # fmt: skip


def test_registry():
    assert SIMULATORS.names == ["ares", "faulty", "gaussian", "hyprfine", "linear"]
    sim = make_simulator("gaussian", np.array([10.0, 20.0]), ["centre_z"])
    assert isinstance(sim, GaussianTrough)
    assert sim.parameter_names == ("centre_z",)
    assert sim.jax_traceable


def test_unknown_simulator_is_an_error(redshift):
    with pytest.raises(ValueError, match="simulator.name") as error:
        make_simulator("21cmFAST", redshift, ["centre_z"])
    assert "21cmFAST" in str(error.value) and "gaussian" in str(error.value)


def test_unknown_parameter_is_an_error(redshift):
    with pytest.raises(ValueError, match="T_min") as error:
        make_simulator("gaussian", redshift, ["centre_z", "T_min"])
    assert (
        "gaussian" in str(error.value) and "centre_z" not in str(error.value).split("it knows")[0]
    )


def trough(z, amplitude=200.0, centre=15.0, width=3.0):
    return -amplitude * np.exp(-((z - centre) ** 2) / (2 * width**2))


def test_gaussian_trough_formula(redshift):
    sim = make_simulator("gaussian", redshift, ["amplitude_mK", "centre_z", "width_z"])
    physical = np.array([[200.0, 16.0, 3.0], [50.0, 10.0, 1.0], [300.0, 25.0, 8.0]])
    signals = np.asarray(sim(physical))
    assert signals.shape == (3, 490)
    for row, signal in zip(physical, signals, strict=True):
        np.testing.assert_allclose(signal, trough(redshift, *row), rtol=1e-12, atol=1e-300)
    # minimum at the centre, of depth -A
    assert signals[0].min() == pytest.approx(-200.0)
    assert redshift[signals[0].argmin()] == pytest.approx(16.0)


def test_gaussian_trough_defaults_and_column_order(redshift):
    # non-varied parameters take their defaults (A = 200 mK, z0 = 15, w = 3)
    sim = make_simulator("gaussian", redshift, ["width_z", "amplitude_mK"])
    signals = np.asarray(sim(np.array([[5.0, 100.0]])))
    np.testing.assert_allclose(signals[0], trough(redshift, 100.0, 15.0, 5.0), rtol=1e-12)
    only_centre = make_simulator("gaussian", redshift, ["centre_z"])
    np.testing.assert_allclose(
        np.asarray(only_centre([[20.0]]))[0], trough(redshift, centre=20.0), rtol=1e-12
    )


@pytest.mark.parametrize("n", [1, 4, 17])
def test_gaussian_trough_batch_shapes(redshift, n):
    sim = make_simulator("gaussian", redshift, ["amplitude_mK", "centre_z", "width_z"])
    physical = np.column_stack([np.linspace(50, 300, n), np.full(n, 15.0), np.full(n, 3.0)])
    signals = np.asarray(sim(physical))
    assert signals.shape == (n, 490)
    assert signals.dtype == np.float64
    # one point of shape (d,) is a batch of one
    assert np.asarray(sim(physical[0])).shape == (1, 490)


def test_hyprfine_fiducial_and_batch(redshift):
    """Hyprfine at its defaults; ~20 s on two cores, almost all of it the jit compile.

    One call on a batch of three rows (the fiducial first) keeps it to a single compile.
    """
    names = ["epsilon", "M_pivot", "L40", "N_alpha", "f_esc"]
    sim = make_simulator("hyprfine", redshift, names)
    fiducial = [0.1, 3e11, 1.0, 9690.0, 0.15]
    for name, value in zip(names, fiducial, strict=True):
        assert hyprfine.PARAMETERS[name] == value  # hyprfine's own defaults
    physical = np.array([fiducial, [0.03, 1e11, 10.0, 3000.0, 0.1], [0.2, 1e12, 0.1, 2e4, 0.3]])
    signals = np.asarray(sim(physical))
    assert signals.shape == (3, 490)
    assert np.all(np.isfinite(signals))
    signal = signals[0]
    # measured: -131.14 mK at z = 15.5
    assert signal.min() == pytest.approx(-131.14, abs=0.5)
    assert redshift[signal.argmin()] == pytest.approx(15.5, abs=0.3)
    # the three parameter sets give three different signals
    assert not np.allclose(signals[0], signals[1]) and not np.allclose(signals[0], signals[2])


def test_linear_model_is_design_times_theta_plus_offset(redshift):
    sim = make_simulator("linear", redshift, ["theta_1", "theta_3"], {"design_seed": 4})
    assert sim.design_matrix.shape == (490, 2) and sim.offset.shape == (490,)
    theta = np.array([[0.5, -1.0], [0.0, 0.0], [2.0, 3.0]])
    expected = theta @ sim.design_matrix.T + sim.offset
    np.testing.assert_allclose(np.asarray(sim(theta)), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(sim(theta[1])), sim.offset[None, :], atol=0)


def test_linear_design_is_fixed_by_its_seed_whichever_parameters_vary(redshift):
    two = make_simulator("linear", redshift, ["theta_1", "theta_3"], {"design_seed": 4})
    one = make_simulator("linear", redshift, ["theta_3"], {"design_seed": 4})
    np.testing.assert_array_equal(one.design_matrix[:, 0], two.design_matrix[:, 1])
    np.testing.assert_array_equal(one.offset, two.offset)
    other = make_simulator("linear", redshift, ["theta_3"], {"design_seed": 5})
    assert not np.allclose(other.design_matrix, one.design_matrix)
    scaled = make_simulator("linear", redshift, ["theta_3"], {"design_seed": 4,
                                                              "design_scale_mK": 20.0})  # fmt: skip
    np.testing.assert_allclose(scaled.design_matrix, 2.0 * one.design_matrix, rtol=1e-12)


def test_unknown_simulator_option_names_the_key(redshift):
    with pytest.raises(ValueError, match=r"simulator.options: .*'design_sed'.*'design_seed'"):
        make_simulator("linear", redshift, ["theta_1"], {"design_sed": 1})
