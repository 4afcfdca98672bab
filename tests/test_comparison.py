"""The result at one noise level and the predictions, on problems with known answers."""

import numpy as np
import pytest
from scipy import stats

from posterior_recovery import posterior
from posterior_recovery.comparison import (
    kl_bounds,
    kl_from_density_estimators,
    kl_prediction,
    noise_level_result,
    prediction_grid,
)
from posterior_recovery.divergence import kl_bound
from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.posterior import weighted_table
from posterior_recovery.tables import EVIDENCE_COLUMNS, KL_COLUMNS, VALIDATION_COLUMNS

NAMES = ("a", "b")
PRIOR = Prior([Parameter(name, "uniform", -10.0, 10.0, 0.0) for name in NAMES])
SHIFT = np.array([0.3, 0.0])  # P_E = N(SHIFT, 1), P = N(0, 1): D_KL = 0.045 nats
EXACT_KL = 0.5 * SHIFT @ SHIFT
ACCURACY = {"rmse_mean_mK": 1.0, "rmse_p95_mK": 3.0, "n_data": 50}


def linear_problem(n_data=50, scale=20.0, offset_mK=1.5):
    """Both models at the fiducial: M with orthogonal columns, E = 0, eps in M's span.

    With white noise sigma and a flat prior, D_KL = |eps|^2 / (2 sigma^2) exactly.
    """
    rng = np.random.default_rng(0)
    columns, _ = np.linalg.qr(rng.normal(size=(n_data, 2)))
    M = scale * columns
    eps = offset_mK * columns[:, 0]
    signal = rng.normal(size=n_data)
    return {
        "full_signal": signal,
        "emulator_signal": signal + eps,
        "full_jacobian": M,
        "emulator_jacobian": M,
        "prior_mean": np.zeros(2),
        "prior_variance": np.full(2, 1e12),  # a flat prior, in effect
    }, offset_mK**2


def posterior_tables(n=20000, seed=0):
    """Draw samples of P with both log-likelihoods, and samples of P_E (flat prior: L ~ P)."""
    rng = np.random.default_rng(seed)
    p, q = stats.multivariate_normal(np.zeros(2)), stats.multivariate_normal(SHIFT)
    theta = rng.normal(size=(n, 2))
    full = weighted_table(theta, np.ones(n), NAMES, logL_full=p.logpdf(theta) - 7.0,
                          logL_emu=q.logpdf(theta) - 7.0)  # fmt: skip
    theta_e = rng.normal(size=(n, 2)) + SHIFT
    emulator = weighted_table(theta_e, np.ones(n), NAMES, logL_emu=q.logpdf(theta_e) - 7.0)
    return full, emulator


def summary(log_z, route="nested_sampling", calls=1000):
    return {"log_evidence": log_z, "log_evidence_err": 0.3, "route": route, "ess": 900.0,
            "ess_below_threshold": False, "n_model_calls": calls}  # fmt: skip


class Exact:
    """A known density with an estimator's ``log_prob``."""

    def __init__(self, mean):
        self.log_prob = stats.multivariate_normal(mean).logpdf


def exact_estimators(mean, n_replicates=8, n_folds=3):
    """Put the exact density in place of every replicate's and fold's estimator."""
    exact = Exact(mean)
    return {(r, k): exact for r in range(n_replicates + 1) for k in range(n_folds)}


@pytest.fixture(scope="module")
def density_estimates():
    full, _ = posterior_tables()
    return kl_from_density_estimators(
        full, NAMES, exact_estimators(np.zeros(2)), exact_estimators(SHIFT), list(range(9)), 3
    )


@pytest.fixture(scope="module")
def result(density_estimates):
    full, emulator = posterior_tables()
    linearisation, _ = linear_problem()
    return noise_level_result(
        noise_mK=5.0, full=full, full_summary=summary(-100.0, calls=5000), emulator=emulator,
        emulator_summary=summary(-100.2), density_estimates=density_estimates,
        accuracy=ACCURACY,
        linearisation=linearisation, data=linearisation["full_signal"], prior=PRIOR,
        n_bootstrap=100, rng=np.random.default_rng(1), kl_exact=EXACT_KL,
    )  # fmt: skip


def test_result_holds_every_column_of_the_tables(result):
    assert set(KL_COLUMNS + EVIDENCE_COLUMNS + VALIDATION_COLUMNS) <= set(result)
    assert result["kl_exact"] == EXACT_KL and result["noise_mK"] == 5.0
    assert result["full_model_calls"] == 5000 and result["emulator_calls"] == 1000


def test_both_estimators_recover_the_exact_kl(result):
    # dlogL = 0.3 a - 0.045 has variance s^2 = 0.09 and D_KL ~ Var / 2, so over 20,000
    # samples the estimate's standard error is 0.09 sqrt(2 / 20000) / 2 = 0.00045 nats.
    assert result["kl_likelihood"] == pytest.approx(EXACT_KL, abs=5 * result["kl_likelihood_err"])
    assert 0.0003 < result["kl_likelihood_err"] < 0.0007
    # exact densities: only the samples' own noise, the mean of log p / q = 0.3 a - 0.045
    # (variance 0.09) over 20,000 samples: sqrt(0.09 / 20000) = 0.0021, which 8 bootstrap
    # replicates estimate to +-25%
    assert result["kl_flow"] == pytest.approx(EXACT_KL, abs=5 * result["kl_flow_err"])
    assert 0.001 < result["kl_flow_err"] < 0.003
    assert result["kl_flow_low"] == result["kl_flow"] - result["kl_flow_err"]


def test_evidence_checks_and_bounds(result):
    # log <exp dlogL>_P = log Z_E - log Z = 0 here (both Gaussians normalised alike)
    assert abs(result["log_mean_likelihood_ratio"]) < 0.01
    assert result["log_evidence_ratio"] == pytest.approx(-0.2)
    assert result["log_evidence_ratio_err"] == pytest.approx(np.hypot(0.3, 0.3))
    assert result["bound_mean"] == pytest.approx(50 / 2 * (1.0 / 5.0) ** 2)
    assert kl_bounds(ACCURACY, 5.0)["bound_p95"] == pytest.approx(25 * (3.0 / 5.0) ** 2)


def test_linearised_kl_is_exact_for_a_linear_problem(result):
    _, eps_squared = linear_problem()
    assert result["kl_linearised"] == pytest.approx(eps_squared / (2 * 5.0**2), rel=1e-6)


def test_biases_are_the_shift_in_posterior_widths(result):
    bias = result["bias"]
    assert bias["parameter"] == list(NAMES)
    # P_E's mean moved by SHIFT, in units of P's width 1; 20,000 samples: +-0.01
    np.testing.assert_allclose(bias["emulator_bias"], SHIFT, atol=0.03)
    np.testing.assert_allclose(bias["std_full"], 1.0, atol=0.02)
    np.testing.assert_allclose(bias["true_bias"], 0.0, atol=0.03)


def test_prediction_has_the_bounds_and_the_linearised_kl_on_its_grid():
    linearisation, eps_squared = linear_problem()
    grid = prediction_grid([5.0, 25.0, 250.0], n=7)
    assert grid[0] == pytest.approx(2.5) and grid[-1] == pytest.approx(500.0)
    np.testing.assert_allclose(np.diff(np.log(grid)), np.log(200) / 6)
    prediction = kl_prediction(grid, ACCURACY, linearisation)
    assert list(prediction.columns) == ["noise_mK", "bound_mean", "bound_p95", "kl_linearised"]
    np.testing.assert_allclose(prediction["bound_mean"], kl_bound(1.0, grid, 50))
    np.testing.assert_allclose(prediction["bound_p95"], kl_bound(3.0, grid, 50))
    np.testing.assert_allclose(prediction["kl_linearised"], eps_squared / (2 * grid**2), rtol=1e-6)


def test_density_estimates_use_every_sample_with_its_folds_estimator(density_estimates):
    """Each sample is evaluated by the estimator of its own fold, and each counts once."""
    full, _ = posterior_tables(n=300)
    seen = []

    class Recording:
        def __init__(self, fold):
            self.fold = fold

        def log_prob(self, theta):
            seen.append((self.fold, len(theta)))
            return np.full(len(theta), float(self.fold))

    p = {(0, k): Recording(k) for k in range(3)} | {(1, k): Recording(k) for k in range(3)}
    q = {key: type("Zero", (), {"log_prob": lambda self, t: np.zeros(len(t))})() for key in p}
    estimate = kl_from_density_estimators(full, NAMES, p, q, [11, 12], 3)
    fold, weight = posterior.cross_fitting(full, NAMES, 11, 3, bootstrap=False)
    assert sum(n for _, n in seen[:3]) == len(full)
    # the estimate is then the weighted mean of the rows' fold numbers
    assert estimate["kl_flow"] == pytest.approx(weight @ fold)
    assert len(density_estimates["kl_flow_replicates"]) == 9
