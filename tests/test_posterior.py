"""The posterior artifact: weighted tables, splits, resampling and files."""

import numpy as np
import pandas as pd
import pytest

from posterior_recovery.posterior import (
    cross_fitting,
    flag_ess,
    from_nested_samples,
    read,
    reweight,
    weighted_table,
    write,
)

NAMES = ("a", "b")


def table_of(n, seed=0):
    rng = np.random.default_rng(seed)
    return weighted_table(
        rng.normal(size=(n, 2)), rng.uniform(size=n), NAMES, logL_full=rng.normal(size=n)
    )


def test_weighted_table_normalises_weights():
    theta = np.arange(8.0).reshape(4, 2)
    table = weighted_table(theta, [1, 2, 3, 4], NAMES, logL_emu=[-1.0, -2.0, -3.0, -4.0])
    assert list(table.columns) == ["a", "b", "weight", "logL_full", "logL_emu"]
    np.testing.assert_allclose(table["weight"], [0.1, 0.2, 0.3, 0.4])
    assert table["weight"].sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(table[list(NAMES)].to_numpy(), theta)
    assert table["logL_full"].isna().all()  # not evaluated
    np.testing.assert_array_equal(table["logL_emu"], [-1.0, -2.0, -3.0, -4.0])


def test_cross_fitting_folds_are_balanced_fixed_and_the_same_for_shared_points():
    table = table_of(3000)
    fold, weight = cross_fitting(table, NAMES, key=5, n_folds=3, bootstrap=False)
    assert set(fold) == {0, 1, 2}
    # about a third of the rows in each fold: binomial sd sqrt(3000 (1/3)(2/3)) = 26
    assert all(abs(np.sum(fold == k) - 1000) < 5 * 26 for k in range(3))
    np.testing.assert_allclose(weight, table["weight"])  # no bootstrap: the weights
    again, _ = cross_fitting(table, NAMES, key=5, n_folds=3, bootstrap=False)
    np.testing.assert_array_equal(fold, again)
    other, _ = cross_fitting(table, NAMES, key=6, n_folds=3, bootstrap=False)
    assert np.mean(other == fold) < 0.5  # another key, another assignment (1/3 by chance)
    # a point gets its fold from its values: the same in a shuffled (or another) table
    order = np.random.default_rng(1).permutation(len(table))
    shuffled, _ = cross_fitting(table.iloc[order], NAMES, key=5, n_folds=3, bootstrap=False)
    np.testing.assert_array_equal(shuffled, fold[order])


def test_cross_fitting_bootstrap_weights_are_exponential_multipliers():
    table = table_of(20000, seed=2)
    table["weight"] = 1 / len(table)
    _, weight = cross_fitting(table, NAMES, key=3, n_folds=2, bootstrap=True)
    assert weight.sum() == pytest.approx(1.0)
    multiplier = weight * len(table)
    # Exp(1): mean 1 and standard deviation 1; 20,000 draws fix both to ~1%
    assert multiplier.mean() == pytest.approx(1.0, abs=1e-12)  # normalised
    assert multiplier.std() == pytest.approx(1.0, abs=0.03)
    assert np.mean(multiplier > 1.0) == pytest.approx(np.exp(-1), abs=0.015)
    _, again = cross_fitting(table, NAMES, key=3, n_folds=2, bootstrap=True)
    np.testing.assert_array_equal(weight, again)


def test_write_read_round_trip(tmp_path):
    table = table_of(20, seed=4)
    summary = {"log_evidence": -123.456789, "log_evidence_err": 0.1, "route": "reweighting",
               "ess": 17.5, "ess_below_threshold": True, "n_model_calls": 1234}  # fmt: skip
    csv, json_path = tmp_path / "post.csv", tmp_path / "post.json"
    write(table, summary, csv, json_path)
    read_table, read_summary = read(csv, json_path, NAMES)
    pd.testing.assert_frame_equal(read_table, table)  # NaN logL_emu survives as NaN
    assert read_table["logL_emu"].isna().all()
    assert read_summary == {**summary, "n_samples": 20}


# --- posteriors from nested sampling, and by reweighting -------------------------------

MEAN, SIGMA = np.array([0.5, 0.4]), 0.05
COVARIANCE = SIGMA**2 * np.eye(2)
# A Gaussian of this width well inside the unit square (the prior, volume 1) has
# Z = exp(logLmax) 2 pi sigma^2.
LOG_Z = np.log(2 * np.pi * SIGMA**2)


def perfect_run(mean, seed):
    """Make a perfect nested-sampling run of the Gaussian likelihood (anesthetic), logLmax 0."""
    from anesthetic.examples.perfect_ns import correlated_gaussian

    np.random.seed(seed)  # noqa: NPY002 - anesthetic draws from numpy's global state
    return correlated_gaussian(200, mean, COVARIANCE)


def gaussian_log_likelihood(theta, mean, log_l_max=0.0):
    return log_l_max - 0.5 * np.sum((theta - mean) ** 2, axis=1) / SIGMA**2


def weighted_moments(table):
    w = table["weight"].to_numpy()
    x = table[list(NAMES)].to_numpy()
    mean = w @ x
    return mean, np.sqrt(w @ (x - mean) ** 2), 1.0 / np.sum(w**2)


def test_from_nested_samples_recovers_the_gaussian_and_its_evidence():
    run = perfect_run(MEAN, seed=1)
    run.columns = [*NAMES, *run.columns[2:]]  # the two parameters as a, b
    table, summary = from_nested_samples(run, NAMES, "logL_emu", seed=2)
    assert table["weight"].sum() == pytest.approx(1.0) and (table["weight"] > 0).all()
    assert table["logL_full"].isna().all() and np.isfinite(table["logL_emu"]).all()
    assert abs(summary["log_evidence"] - LOG_Z) < 3 * summary["log_evidence_err"]
    mean, std, ess = weighted_moments(table)
    assert summary["ess"] == pytest.approx(ess)
    # posterior means within 4 standard errors, widths within 20% (ESS ~ 500)
    np.testing.assert_array_less(np.abs(mean - MEAN), 4 * SIGMA / np.sqrt(ess))
    np.testing.assert_allclose(std, SIGMA, rtol=0.2)


def test_reweighting_an_emulator_run_recovers_the_full_posterior_and_evidence():
    """The full model is the emulator's Gaussian moved by 0.5 sigma and 1.5 nats higher."""
    emulator_run = perfect_run(MEAN, seed=3)
    emulator_run.columns = [*NAMES, *emulator_run.columns[2:]]
    full_mean, log_l_max = MEAN + [0.5 * SIGMA, 0.0], 1.5
    theta = emulator_run[list(NAMES)].to_numpy()
    logL_full = gaussian_log_likelihood(theta, full_mean, log_l_max)
    table, summary = reweight(emulator_run, NAMES, logL_full, seed=4)
    np.testing.assert_allclose(
        table["logL_full"].to_numpy(),
        gaussian_log_likelihood(table[list(NAMES)].to_numpy(), full_mean, log_l_max),
    )
    assert abs(summary["log_evidence"] - (LOG_Z + log_l_max)) < 3 * summary["log_evidence_err"]
    mean, std, ess = weighted_moments(table)
    assert summary["ess"] == pytest.approx(ess) and ess < len(table)
    np.testing.assert_array_less(np.abs(mean - full_mean), 4 * SIGMA / np.sqrt(ess))
    np.testing.assert_allclose(std, SIGMA, rtol=0.2)


def test_only_a_reweighted_posterior_below_the_threshold_is_flagged():
    low = {"ess": 50.0, "route": "reweighting"}
    assert flag_ess(low, 100)["ess_below_threshold"] is True
    assert flag_ess({**low, "ess": 150.0}, 100)["ess_below_threshold"] is False
    nested = flag_ess({**low, "route": "nested_sampling"}, 100)
    assert nested["ess_below_threshold"] is False and nested["ess_threshold"] == 100
