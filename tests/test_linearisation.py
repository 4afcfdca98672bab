"""The linearised D_KL prediction: Jacobians and the exact linear case."""

import numpy as np
import pytest

from posterior_recovery import emulators
from posterior_recovery.emulators.perturbed import exact_kl, load_parts
from posterior_recovery.linearisation import jacobian, kl_linearised, linearise
from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.simulators import make_simulator

from .conftest import REDSHIFT, gaussian_trough_prior


class NotTraceable:
    """A model that hides its JAX-traceability, to force finite differences."""

    def __init__(self, model):
        self.model = model

    def __call__(self, physical):
        return np.asarray(self.model(physical))


def test_finite_differences_agree_with_automatic_differentiation():
    prior = gaussian_trough_prior()  # nonlinear, with a log-uniform width
    simulator = make_simulator("gaussian", REDSHIFT, prior.names)
    automatic = jacobian(simulator, prior, prior.fiducial)
    finite = jacobian(NotTraceable(simulator), prior, prior.fiducial)
    assert automatic.shape == finite.shape == (REDSHIFT.size, prior.ndim)
    # Central differences err by O(h^2) with h = 1e-2 of the prior width: measured 3e-4
    # of the largest slope on this smooth model.
    np.testing.assert_allclose(finite, automatic, rtol=0, atol=1e-3 * np.abs(automatic).max())


@pytest.mark.slow
def test_hyprfine_jacobian_agrees_with_finite_differences(repo):
    """Hyprfine defines custom VJPs: reverse mode must go through them correctly."""
    import yaml

    from posterior_recovery import study

    cfg = yaml.safe_load((repo / "config/config.yaml").read_text())
    prior, simulator = study.prior_from(cfg), study.simulator_from(cfg)
    automatic = jacobian(simulator, prior, prior.fiducial)
    finite = jacobian(NotTraceable(simulator), prior, prior.fiducial)
    # Measured: 2.2% of the largest slope (central-difference truncation at 1e-2 of the
    # prior width; smaller steps are dominated by hyprfine's ~0.01 mK numerical noise).
    np.testing.assert_allclose(finite, automatic, rtol=0, atol=0.05 * np.abs(automatic).max())


@pytest.mark.parametrize("noise_mK", [2.0, 10.0, 50.0])
def test_linearised_kl_is_exact_for_the_perturbed_linear_model(tmp_path, noise_mK):
    prior = Prior([Parameter(f"theta_{i}", "uniform", -2.0, 2.0, 0.3 * i) for i in (1, 2, 3)])
    simulator = make_simulator("linear", REDSHIFT, prior.names, {"design_seed": 1})
    settings = {"name": "perturbed", "error_matrix_mK": 2.0, "error_offset_mK": 5.0}
    emulators.build(tmp_path, settings, prior=prior, simulator=simulator, seed=9)
    emulator = emulators.load(tmp_path)
    rng = np.random.default_rng(2)
    data = np.asarray(simulator(prior.fiducial))[0] + noise_mK * rng.normal(size=REDSHIFT.size)
    linearisation = linearise(simulator, emulator, prior)
    parts = load_parts(tmp_path)
    np.testing.assert_allclose(linearisation["full_jacobian"], parts["design_matrix"], rtol=1e-12)
    np.testing.assert_allclose(
        linearisation["emulator_jacobian"] - linearisation["full_jacobian"],
        parts["error_matrix"],
        atol=1e-9,
    )
    expected = exact_kl(tmp_path, noise_mK, data)
    assert expected > 0
    # The prediction keeps the prior box (as the Gaussian of its mean and variance), the
    # exact value is for a flat prior: with posterior variances up to 4% of the prior's
    # (50 mK) they differ by up to 7.6% (measured: 0.02%, 0.4%, 7.6% at 2, 10, 50 mK).
    assert kl_linearised(linearisation, noise_mK, data) == pytest.approx(expected, rel=0.1)


def test_degenerate_full_model_gives_a_finite_prediction():
    """Bound a direction that the full model does not constrain by the prior box.

    As for hyprfine's star-formation parameters at the default fiducial.
    """
    prior = Prior([Parameter(f"theta_{i}", "uniform", -2.0, 2.0, 0.0) for i in (1, 2)])
    column = np.linspace(-1.0, 1.0, REDSHIFT.size)
    linearisation = {
        "full_signal": np.zeros(REDSHIFT.size),
        "emulator_signal": np.full(REDSHIFT.size, 0.1),
        "full_jacobian": np.stack([column, 2 * column], axis=1),  # rank 1
        "emulator_jacobian": np.stack([column, 2 * column + 0.01], axis=1),
        "prior_mean": np.zeros(2),
        "prior_variance": (prior.upper - prior.lower) ** 2 / 12,
    }
    value = kl_linearised(linearisation, 1.0, np.zeros(REDSHIFT.size))
    assert np.isfinite(value) and value > 0
