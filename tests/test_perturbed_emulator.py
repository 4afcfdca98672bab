"""The perturbed emulator: the linear simulator plus a known, seeded error."""

import numpy as np
import pytest

from posterior_recovery import emulators
from posterior_recovery.emulators.perturbed import exact_posteriors, load_parts
from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.simulators import make_simulator, redshift_grid

REDSHIFT = redshift_grid({"min": 6.0, "max": 30.0, "step": 0.5})  # N_d = 49
PRIOR = Prior([Parameter(f"theta_{i}", "uniform", -5.0, 5.0, 0.0) for i in (1, 2, 3)])
SETTINGS = {"name": "perturbed", "error_matrix_mK": 2.0, "error_offset_mK": 9.0}


def build(model_dir, seed=3, simulator=None):
    simulator = simulator or make_simulator("linear", REDSHIFT, PRIOR.names)
    emulators.build(
        model_dir, SETTINGS, prior=PRIOR, train_set=None, validation_set=None,
        simulator=simulator, seed=seed,
    )  # fmt: skip
    return simulator


def test_perturbed_emulator_is_the_linear_model_plus_its_error(tmp_path):
    simulator = build(tmp_path)
    emulator = emulators.load(tmp_path)
    parts = load_parts(tmp_path)
    np.testing.assert_array_equal(parts["design_matrix"], simulator.design_matrix)
    np.testing.assert_array_equal(parts["offset"], simulator.offset)
    theta = PRIOR.draw(5, np.random.default_rng(0))
    error = theta @ parts["error_matrix"].T + parts["error_offset"]
    np.testing.assert_allclose(
        np.asarray(emulator(theta)), np.asarray(simulator(theta)) + error, rtol=1e-12
    )
    assert emulator.parameter_names == PRIOR.names
    # Entry scales as configured: 147 (49) draws give the sample std to ~6% (14%);
    # 30% (50%) is more than 4 standard errors.
    assert np.std(parts["error_matrix"]) == pytest.approx(2.0, rel=0.3)
    assert np.std(parts["error_offset"]) == pytest.approx(9.0, rel=0.5)


def test_perturbed_emulator_is_fixed_by_its_seed(tmp_path):
    build(tmp_path / "a", seed=3)
    build(tmp_path / "b", seed=3)
    build(tmp_path / "c", seed=4)
    a, b, c = (load_parts(tmp_path / name) for name in "abc")
    np.testing.assert_array_equal(a["error_offset"], b["error_offset"])
    assert not np.allclose(a["error_offset"], c["error_offset"])


def test_perturbed_emulator_needs_the_linear_simulator(tmp_path):
    gaussian = make_simulator("gaussian", REDSHIFT, ["centre_z"])
    with pytest.raises(ValueError, match="simulator.name"):
        build(tmp_path, simulator=gaussian)


def test_exact_kl_is_the_kl_between_the_least_squares_posteriors(tmp_path):
    """Flat prior, white noise: P = N((M^T M)^-1 M^T r, sigma^2 (M^T M)^-1), r = D - m."""
    from posterior_recovery.divergence import gaussian_kl

    simulator = build(tmp_path)
    parts = load_parts(tmp_path)
    noise_mK = 5.0
    data = np.asarray(simulator(PRIOR.fiducial))[0] + np.random.default_rng(1).normal(
        0.0, noise_mK, REDSHIFT.size
    )
    M, E = parts["design_matrix"], parts["error_matrix"]
    residual = data - parts["offset"]

    def posterior(design, target):
        mean = np.linalg.lstsq(design, target, rcond=None)[0]
        return mean, noise_mK**2 * np.linalg.inv(design.T @ design)

    expected = gaussian_kl(
        *posterior(M, residual), *posterior(M + E, residual - parts["error_offset"])
    )
    assert emulators.exact_kl(tmp_path, noise_mK, data) == pytest.approx(expected, rel=1e-9)
    # the posteriors themselves, as the D_KL floor (posterior_recovery.kl_floor) uses them
    full, emulated = exact_posteriors(tmp_path, noise_mK, data)
    for exact, least_squares in zip(
        (*full, *emulated),
        (*posterior(M, residual), *posterior(M + E, residual - parts["error_offset"])),
        strict=True,
    ):
        np.testing.assert_allclose(exact, least_squares, rtol=1e-9, atol=1e-12)
    assert emulators.knows_exact_kl("perturbed") and not emulators.knows_exact_kl("globalemu")
