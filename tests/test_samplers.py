"""The nested samplers against an analytic evidence.

blackjax's nss always, PolyChord where pypolychord is installed (it is not on the
package registry).
"""

from __future__ import annotations

import importlib.util

import blackjax
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from posterior_recovery.likelihood import FAILED_LOG_LIKELIHOOD
from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.posterior import log_evidence
from posterior_recovery.samplers import asynchronous_slice, sample

WIDTH = 0.1


class NormalisedGaussian:
    """log L of a normalised 3-D Gaussian of width 0.1 at the origin, as a likelihood."""

    @staticmethod
    @jax.jit
    def single(theta):
        d = theta.shape[0]
        return -0.5 * jnp.sum(theta**2) / WIDTH**2 - 0.5 * d * jnp.log(2 * jnp.pi * WIDTH**2)


PRIOR = Prior([Parameter(f"x{i}", "uniform", -1.0, 1.0, 0.0) for i in range(3)])
SETTINGS = {
    "name": "nss",
    "live_points_per_dim": 50,
    "inner_steps_per_dim": 2,
    "delete_fraction": 0.1,
    "precision_criterion": 1e-3,
}


def check_gaussian_posterior(samples, stats, seed):
    """Check the evidence and posterior of the Gaussian, well inside the box.

    Z = 1 / prior volume = 1/8, and the posterior is the Gaussian (mean 0, standard
    deviation WIDTH per axis).
    """
    log_z, log_z_err = log_evidence(samples, seed)
    assert abs(log_z - (-3 * np.log(2))) < 3 * log_z_err
    assert 0.05 < log_z_err < 0.5
    assert stats["n_likelihood_calls"] > stats["n_live"] == 150
    assert {"logL", "logL_birth"} <= set(samples.columns.get_level_values(0))
    weights = samples.get_weights()
    x = samples[["x0", "x1", "x2"]].to_numpy()
    mean = weights @ x / weights.sum()
    std = np.sqrt(weights @ (x - mean) ** 2 / weights.sum())
    np.testing.assert_allclose(mean, 0.0, atol=0.03)
    np.testing.assert_allclose(std, WIDTH, rtol=0.2)


def test_nss_log_evidence_of_a_gaussian_within_three_sigma():
    samples, stats = sample(NormalisedGaussian(), PRIOR, SETTINGS, seed=1)
    check_gaussian_posterior(samples, stats, seed=1)


def test_nss_is_deterministic_given_the_seed():
    first, _ = sample(NormalisedGaussian(), PRIOR, SETTINGS, seed=3)
    second, _ = sample(NormalisedGaussian(), PRIOR, SETTINGS, seed=3)
    np.testing.assert_array_equal(first.logL.to_numpy(), second.logL.to_numpy())


POLYCHORD = {
    "name": "polychord", "live_points_per_dim": 50, "num_repeats": 6, "precision_criterion": 1e-3,
    "do_clustering": True,
}  # fmt: skip
needs_polychord = pytest.mark.skipif(
    importlib.util.find_spec("pypolychord") is None,
    reason="pypolychord is not installed (build it from PolyChordLite; README)",
)


@needs_polychord
def test_polychord_log_evidence_of_a_gaussian_within_three_sigma(tmp_path):
    samples, stats = sample(NormalisedGaussian(), PRIOR, POLYCHORD, 1, tmp_path)
    # PolyChord evaluates one point per call: every evaluation is one it needed
    assert stats["n_likelihood_evaluations"] == stats["n_likelihood_calls"] > 0
    check_gaussian_posterior(samples, stats, seed=1)
    # anesthetic's evidence from the samples agrees with PolyChord's own.
    assert abs(stats["polychord_log_evidence"] - log_evidence(samples, 1)[0]) < 0.1
    assert (tmp_path / "polychord.resume").exists()


@needs_polychord
def test_polychord_resumes_a_finished_run_without_new_calls(tmp_path):
    first, stats = sample(NormalisedGaussian(), PRIOR, POLYCHORD, 2, tmp_path)
    again, resumed = sample(NormalisedGaussian(), PRIOR, POLYCHORD, 2, tmp_path)
    np.testing.assert_array_equal(first.logL.to_numpy(), again.logL.to_numpy())
    assert resumed["n_likelihood_calls"] == stats["n_likelihood_calls"]


# --- how the replacement chains share the evaluations, counted ----------------------


@pytest.mark.parametrize("update", ["asynchronous", "lockstep"])
def test_both_update_strategies_recover_the_gaussian(update):
    samples, stats = sample(NormalisedGaussian(), PRIOR, {**SETTINGS, "update": update}, seed=4)
    check_gaussian_posterior(samples, stats, seed=4)
    assert stats["n_likelihood_evaluations"] >= stats["n_likelihood_calls"]
    assert stats["batch_efficiency"] == pytest.approx(
        stats["n_likelihood_calls"] / stats["n_likelihood_evaluations"]
    )


def test_asynchronous_chains_waste_fewer_evaluations_than_lockstep_ones():
    # measured on this Gaussian (seeds 4, 5, 7): 0.85-0.86 asynchronous, 0.65 in lockstep
    efficiency = {
        update: sample(NormalisedGaussian(), PRIOR, {**SETTINGS, "update": update}, seed=5)[1][
            "batch_efficiency"
        ]
        for update in ("asynchronous", "lockstep")
    }
    assert efficiency["asynchronous"] > 0.8 > efficiency["lockstep"]


def test_candidates_below_the_prior_slice_cost_no_likelihood_evaluation():
    # A standard normal prior and a likelihood 0.3 wide: brackets span several nats of
    # the prior, so many candidates fall below a move's slice level of the prior.
    evaluated = []  # the likelihood's own count: one entry per point it is called at

    def log_prior(x):
        return -0.5 * jnp.sum(x**2)

    def log_likelihood(x):
        jax.debug.callback(lambda point: evaluated.append(np.shape(point)), x)
        return -0.5 * jnp.sum((x - 0.5) ** 2) / 0.3**2

    n_delete = 20
    strategy = asynchronous_slice.update_strategy(log_prior, log_likelihood)
    algorithm = blackjax.nss(log_prior, log_likelihood, num_inner_steps=6, num_delete=n_delete,
                             update_strategy=strategy)  # fmt: skip
    state = algorithm.init(jax.random.normal(jax.random.PRNGKey(0), (100, 2)))
    jax.effects_barrier()
    evaluated.clear()
    _, info = jax.jit(algorithm.step)(jax.random.PRNGKey(1), state)
    jax.effects_barrier()
    lanes = jax.tree.map(np.asarray, info.update_info)
    # under vmap every lane is evaluated once per round
    assert len(evaluated) == n_delete * lanes.num_rounds.max()
    assert lanes.num_evaluations.max() < lanes.num_candidates.max()
    assert np.all(lanes.num_evaluations <= lanes.num_candidates)


def test_lent_lanes_leave_the_constrained_prior_invariant():
    """Chains started from the constrained prior end there, lent lanes or not.

    A standard normal prior constrained to the band |x0 - 0.5| < 0.3: x0 follows the
    normal truncated to the band, x1 the normal. Two moves from exact draws of it must
    give exact draws again, whatever order the chains took their candidates in.
    """
    from scipy import stats

    def log_prior(x):
        return -0.5 * jnp.sum(x**2)

    def log_likelihood(x):
        return -0.5 * (x[0] - 0.5) ** 2

    threshold = -0.5 * 0.3**2
    rng = np.random.default_rng(8)
    draws = rng.normal(size=(40_000, 2))
    draws = draws[np.abs(draws[:, 0] - 0.5) < 0.3][:4000]
    n_delete = 4000
    strategy = asynchronous_slice.update_strategy(log_prior, log_likelihood)
    algorithm = blackjax.nss(log_prior, log_likelihood, num_inner_steps=2,
                             num_delete=n_delete, update_strategy=strategy)  # fmt: skip
    state = algorithm.init(jnp.asarray(draws))
    update = strategy(None, 2, n_delete)
    moved, lanes = jax.jit(update)(jax.random.PRNGKey(9), state, threshold,
                                   jnp.linalg.cholesky(jnp.cov(draws.T)))  # fmt: skip
    x = np.asarray(moved.position)
    # the lanes were lent: fewer rounds than the busiest chain's evaluations
    assert int(lanes.num_rounds.max()) < int(lanes.num_evaluations.max())
    band = stats.truncnorm(0.2, 0.8)  # x0 in (0.2, 0.8), in standard deviations
    # Kolmogorov-Smirnov at 4000 draws (p < 1e-3 would be a 3.3-sigma departure; the
    # starts repeat, as the chains start from the live points drawn with replacement)
    assert stats.kstest(x[:, 0], band.cdf).pvalue > 1e-3
    assert stats.kstest(x[:, 1], stats.norm.cdf).pvalue > 1e-3
    assert np.all(np.abs(x[:, 0] - 0.5) < 0.3)


class GaussianWhereTheModelFailsBeyondHalf(NormalisedGaussian):
    """The Gaussian, its model failing where x0 > 0.5 (far from the posterior).

    There log L is the likelihood's floor for a non-finite signal.
    """

    @staticmethod
    @jax.jit
    def single(theta):
        log_l = NormalisedGaussian.single(theta)
        return jnp.where(theta[0] > 0.5, FAILED_LOG_LIKELIHOOD, log_l)


@pytest.mark.parametrize("update", ["asynchronous", "lockstep"])
def test_failed_model_evaluations_are_counted_and_cost_the_posterior_nothing(update, caplog):
    import logging

    with caplog.at_level(logging.WARNING, logger="posterior_recovery.samplers.nss"):
        samples, stats = sample(GaussianWhereTheModelFailsBeyondHalf(), PRIOR,
                                {**SETTINGS, "update": update}, seed=4)  # fmt: skip
    check_gaussian_posterior(samples, stats, seed=4)  # no posterior mass lies there
    if update == "lockstep":  # blackjax's own update reports no evaluations to count
        assert stats["n_failed_evaluations"] is None
        return
    # a quarter of the box fails: of the 150 initial live points alone 22-53 (binomial,
    # mean 37.5, 3 sigma); the chains add more wherever a bracket reaches x0 > 0.5
    assert 22 <= stats["n_failed_evaluations"] < stats["n_likelihood_calls"]
    assert f"{stats['n_failed_evaluations']} of" in caplog.text


def test_a_run_without_failures_counts_none():
    assert sample(NormalisedGaussian(), PRIOR, SETTINGS, seed=4)[1]["n_failed_evaluations"] == 0


# --- checkpoint and resume ---------------------------------------------------------

RESUMABLE_RUN = """
import sys
from tests.test_samplers import NormalisedGaussian, PRIOR, SETTINGS
from posterior_recovery.samplers import sample
sample(NormalisedGaussian(), PRIOR, {**SETTINGS, "checkpoint_interval_s": 0}, seed=6,
       output_dir=sys.argv[1])
"""


def test_a_killed_nss_run_resumes_from_its_checkpoint_to_the_same_samples(tmp_path, caplog):
    import logging
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    run_dir = tmp_path / "run"
    job = subprocess.Popen([sys.executable, "-c", RESUMABLE_RUN, str(run_dir)], cwd=REPO)
    checkpoint = run_dir / "checkpoint.npz"
    while not checkpoint.exists() and job.poll() is None:
        time.sleep(0.01)
    job.send_signal(signal.SIGKILL)
    job.wait()
    assert job.returncode == -signal.SIGKILL, "the run ended before its first checkpoint"

    with caplog.at_level(logging.INFO, logger="posterior_recovery.samplers.nss"):
        resumed, resumed_stats = sample(
            NormalisedGaussian(), PRIOR, SETTINGS, seed=6, output_dir=run_dir
        )
    assert "resumed from" in caplog.text
    uninterrupted, stats = sample(NormalisedGaussian(), PRIOR, SETTINGS, seed=6)
    np.testing.assert_array_equal(resumed.to_numpy(), uninterrupted.to_numpy())
    for count in ("n_likelihood_calls", "n_likelihood_evaluations", "n_candidates",
                  "n_failed_evaluations", "n_iterations"):  # fmt: skip
        assert resumed_stats[count] == stats[count]


def test_a_damaged_checkpoint_stops_the_run_naming_it(tmp_path):
    from posterior_recovery.artifacts import ArtifactError

    (tmp_path / "checkpoint.npz").write_bytes(b"not an npz")
    with pytest.raises(ArtifactError, match="checkpoint.npz"):
        sample(NormalisedGaussian(), PRIOR, SETTINGS, seed=6, output_dir=tmp_path)
