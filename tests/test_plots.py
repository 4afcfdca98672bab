"""Figures: every plot writes its PDF and PNG, flagged noise levels included."""

import numpy as np
import pandas as pd
import pytest

from posterior_recovery import plots
from posterior_recovery.comparison import kl_prediction, prediction_grid
from posterior_recovery.posterior import weighted_table

from .conftest import REDSHIFT, gaussian_trough_prior

ACCURACY = {"rmse_mean_mK": 1.0, "rmse_p95_mK": 3.0, "n_data": 490}


def written(stem):
    return all(stem.with_suffix(s).stat().st_size > 1000 for s in (".pdf", ".png"))


def saved_figures(monkeypatch) -> list:
    """Collect every figure that :func:`plots.save` writes (and closes)."""
    figures, save = [], plots.save
    monkeypatch.setattr(plots, "save", lambda fig, stem: (figures.append(fig), save(fig, stem)))
    return figures


def test_emulator_error(tmp_path, monkeypatch):
    """Two emulators (mean solid, 95th percentile dashed) and a line per noise level."""
    figures = saved_figures(monkeypatch)
    error = np.abs(np.sin(REDSHIFT)) + 0.1
    errors = {"with preprocessing": (error, 3 * error), "without": (4 * error, 9 * error)}
    plots.emulator_error(REDSHIFT, errors, [5, 250], tmp_path / "error")
    assert written(tmp_path / "error")
    (ax,) = figures[0].axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "with preprocessing: mean", "with preprocessing: 95th percentile",
        "without: mean", "without: 95th percentile",
    ]  # fmt: skip
    assert sorted(line.get_ydata()[0] for line in ax.lines[4:]) == [5, 250]
    assert ax.get_ylim()[1] > 250


def test_corner_of_both_posteriors(tmp_path):
    prior = gaussian_trough_prior()
    rng = np.random.default_rng(0)
    tables = [
        weighted_table(
            prior.fiducial + rng.normal(0, 0.05, (500, 3)) * (prior.upper - prior.lower),
            rng.uniform(size=500),
            prior.names,
        )  # fmt: skip
        for _ in range(2)
    ]
    plots.corner(*tables, prior, 25.0, tmp_path / "corner", flag="ESS below threshold")
    assert written(tmp_path / "corner")


def kl_table(flagged: bool) -> pd.DataFrame:
    """Return a kl table with a flow estimate below zero (an upper limit on a log axis)."""
    noise = np.array([5.0, 25.0, 50.0, 250.0])
    flow, flow_err = np.array([1.0, 0.1, -0.02, 0.05]), np.array([0.5, 0.1, 0.07, 0.05])
    return pd.DataFrame({
        "noise_mK": noise, "bound_mean": 245 / noise**2, "bound_p95": 2205 / noise**2,
        "kl_flow": flow,
        "kl_flow_err": flow_err, "kl_flow_low": flow - flow_err, "kl_flow_high": flow + flow_err,
        "kl_likelihood": [1.2, 0.05, 0.01, 0.001], "kl_likelihood_err": [0.1, 0.01, 0.002, 1e-4],
        "ess_below_threshold": [flagged, False, False, False],
    })  # fmt: skip


@pytest.mark.parametrize("flagged", [False, True])
def test_kl_against_noise_with_and_without_flagged_levels(tmp_path, flagged):
    noise = np.array([5.0, 25.0, 50.0, 250.0])
    kl = kl_table(flagged)
    linearisation = {
        "full_signal": np.zeros(490), "emulator_signal": np.full(490, 0.5),
        "full_jacobian": np.ones((490, 1)), "emulator_jacobian": np.ones((490, 1)),
        "prior_mean": np.zeros(1), "prior_variance": np.ones(1),
    }  # fmt: skip
    prediction = kl_prediction(prediction_grid(noise, n=20), ACCURACY, linearisation)
    plots.kl_against_noise(kl, prediction, ACCURACY, tmp_path / "kl")
    assert written(tmp_path / "kl")


def test_bias(tmp_path):
    table = pd.DataFrame({
        "noise_mK": [5.0, 5.0, 250.0, 250.0], "parameter": ["a", "b", "a", "b"],
        "emulator_bias": [0.7, 0.1, 0.02, 0.01],
    })  # fmt: skip
    plots.bias(table, {"a": "$a$", "b": r"$\log_{10} b$"}, tmp_path / "bias")
    assert written(tmp_path / "bias")


def test_rmse_allowed_by_the_bound(tmp_path):
    plots.rmse_allowed(kl_table(False), ACCURACY, tmp_path / "rmse_allowed")
    assert written(tmp_path / "rmse_allowed")
