"""Training sets: parameter draws, chunked simulation, failure records and merging."""

import numpy as np
import pytest

from posterior_recovery.names import SPLITS
from posterior_recovery.simulators import make_simulator
from posterior_recovery.training_set import (
    TooManyFailures,
    chunk_slice,
    merge_chunks,
    simulate,
    split_parameters,
)

from .conftest import REDSHIFT, gaussian_trough_prior

NAMES = ("amplitude_mK", "centre_z", "width_z")


@pytest.fixture(scope="module")
def prior():
    return gaussian_trough_prior()


@pytest.fixture(scope="module")
def simulator():
    return make_simulator("gaussian", REDSHIFT, NAMES)


def trough(z, physical):
    a, c, w = physical[:, :1], physical[:, 1:2], physical[:, 2:3]
    return -a * np.exp(-0.5 * ((z[None, :] - c) / w) ** 2)


def test_split_parameters_deterministic_and_distinct(prior):
    a = split_parameters(prior, 100, 2025, "train")
    np.testing.assert_array_equal(a, split_parameters(prior, 100, 2025, "train"))
    assert a.shape == (100, 3)
    assert np.all(a >= prior.lower) and np.all(a <= prior.upper)
    assert not np.array_equal(a, split_parameters(prior, 100, 2025, "validation"))
    assert not np.array_equal(a, split_parameters(prior, 100, 2026, "train"))
    # the first rows do not depend on how many are drawn
    np.testing.assert_array_equal(split_parameters(prior, 40, 2025, "train"), a[:40])
    with pytest.raises(ValueError):
        split_parameters(prior, 10, 2025, "training")
    assert SPLITS == ("train", "validation", "test")


@pytest.mark.parametrize("n_total", [100, 101, 7])
def test_chunks_cover_the_split_independently_of_chunking(prior, n_total):
    whole = split_parameters(prior, n_total, 7, "test")
    for n_chunks in (1, 3, 7):
        slices = [chunk_slice(n_total, n_chunks, k) for k in range(n_chunks)]
        assert slices[0].start == 0 and slices[-1].stop == n_total
        for left, right in zip(slices, slices[1:], strict=False):
            assert left.stop == right.start  # contiguous and disjoint
        sizes = [s.stop - s.start for s in slices]
        assert max(sizes) - min(sizes) <= 1  # balanced
        # each chunk job draws the whole split and keeps its slice
        pieces = [split_parameters(prior, n_total, 7, "test")[s] for s in slices]
        np.testing.assert_array_equal(np.concatenate(pieces), whole)


def test_simulate_returns_documented_arrays(prior, simulator):
    theta = split_parameters(prior, 13, 1, "train")
    chunk = simulate(simulator, prior, theta, batch_size=5)  # 13 rows: a padded last batch
    assert set(chunk) == {"theta", "signals", "redshift", "failed", "reason"}
    np.testing.assert_array_equal(chunk["theta"], theta)
    assert chunk["signals"].shape == (13, 490)
    np.testing.assert_array_equal(chunk["redshift"], simulator.redshift)
    physical = np.asarray(prior.to_physical(theta))
    np.testing.assert_allclose(chunk["signals"], trough(simulator.redshift, physical), rtol=1e-12)
    assert chunk["failed"].dtype == bool and not chunk["failed"].any()
    assert chunk["reason"].shape == (13,) and chunk["reason"].dtype.kind == "U"
    assert (chunk["reason"] == "").all()


class FlakySimulator:
    """A failing simulator: raises for amplitude > 250 mK, NaN signals for centre > 22."""

    def __init__(self, redshift):
        self.redshift = redshift

    def __call__(self, physical):
        physical = np.atleast_2d(physical)
        too_bright = physical[:, 0] > 250.0
        if too_bright.any():
            raise ValueError(f"amplitude {physical[too_bright, 0].max():.1f} mK exceeds 250")
        signals = trough(self.redshift, physical)
        signals[physical[:, 1] > 22.0] = np.nan
        return signals


@pytest.fixture(scope="module")
def flaky_chunk(prior, simulator):
    theta = split_parameters(prior, 60, 3, "train")
    return theta, simulate(FlakySimulator(simulator.redshift), prior, theta, batch_size=8)


def test_failures_are_recorded_with_reasons(prior, simulator, flaky_chunk):
    theta, chunk = flaky_chunk
    physical = np.asarray(prior.to_physical(theta))
    raises = physical[:, 0] > 250.0
    nan = (physical[:, 1] > 22.0) & ~raises
    good = ~raises & ~nan
    assert raises.any() and nan.any() and good.sum() > 20  # the draw exercises every case
    np.testing.assert_array_equal(chunk["failed"], raises | nan)
    assert (chunk["reason"][nan] == "non-finite signal").all()
    for row, reason in zip(physical[raises], chunk["reason"][raises], strict=True):
        assert reason == f"ValueError: amplitude {row[0]:.1f} mK exceeds 250"
    assert (chunk["reason"][good] == "").all()
    # the good rows are intact, including those batched with a failing row
    np.testing.assert_allclose(
        chunk["signals"][good], trough(simulator.redshift, physical[good]), rtol=1e-12
    )
    np.testing.assert_array_equal(chunk["theta"], theta)


def test_merge_chunks_drops_failures(prior, simulator, flaky_chunk):
    theta, bad = flaky_chunk
    good = simulate(simulator, prior, split_parameters(prior, 40, 4, "train"), batch_size=16)
    merged, failures = merge_chunks([good, bad], NAMES, max_failure_fraction=0.5)
    n_failed = int(bad["failed"].sum())
    assert int(merged["n_failed"]) == n_failed
    assert merged["theta"].shape == (100 - n_failed, 3)
    assert merged["signals"].shape == (100 - n_failed, 490)
    np.testing.assert_array_equal(merged["theta"][:40], good["theta"])
    np.testing.assert_array_equal(merged["theta"][40:], theta[~bad["failed"]])
    np.testing.assert_array_equal(merged["signals"][40:], bad["signals"][~bad["failed"]])
    assert np.all(np.isfinite(merged["signals"]))
    np.testing.assert_array_equal(merged["redshift"], simulator.redshift)
    assert list(failures.columns) == [*NAMES, "reason"]
    assert len(failures) == n_failed
    np.testing.assert_array_equal(failures[list(NAMES)].to_numpy(), theta[bad["failed"]])
    assert set(failures["reason"]) >= {"non-finite signal"}
    assert failures["reason"].str.startswith("ValueError: ").any()


def test_merge_chunks_without_failures(prior, simulator):
    chunk = simulate(simulator, prior, split_parameters(prior, 10, 0, "test"), batch_size=4)
    merged, failures = merge_chunks([chunk], NAMES, max_failure_fraction=0.0)
    assert int(merged["n_failed"]) == 0 and merged["theta"].shape == (10, 3)
    assert failures.empty and list(failures.columns) == [*NAMES, "reason"]


def test_merge_chunks_too_many_failures(flaky_chunk):
    _, bad = flaky_chunk
    fraction = bad["failed"].mean()
    with pytest.raises(TooManyFailures, match="training_set.max_failure_fraction"):
        merge_chunks([bad], NAMES, max_failure_fraction=fraction - 0.01)
    merged, _ = merge_chunks([bad], NAMES, max_failure_fraction=fraction)  # at the limit: fine
    assert int(merged["n_failed"]) == bad["failed"].sum()
