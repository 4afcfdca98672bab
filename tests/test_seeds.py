"""The seed streams: one per draw, independent of each other, stable across versions."""

import numpy as np
import pytest

from posterior_recovery import seeds
from posterior_recovery.names import MODELS, SPLITS

SEED = 2025
NOISE = (5.0, 25.0, 250.0)


def every_draw(seed=SEED):
    """Each stream's first number for every key a small study uses: name -> value."""
    draws = {}
    for split in SPLITS:
        draws[("training_set", split)] = seeds.training_set(seed, split).integers(2**62)
    draws[("emulator",)] = seeds.emulator(seed)
    for noise in NOISE:
        draws[("mock_data", noise)] = seeds.mock_data(seed, noise).integers(2**62)
        draws[("evidence", noise)] = seeds.evidence(seed, noise)
        draws[("bootstrap", noise)] = seeds.bootstrap(seed, noise).integers(2**62)
        draws[("repartition", noise)] = seeds.repartition(seed, noise).integers(2**62)
        for replicate in range(3):
            draws[("density_replicate", noise, replicate)] = seeds.density_replicate(
                seed, noise, replicate
            )
            for fold in range(2):  # both models' fits share it (common random numbers)
                key = (noise, replicate, fold)
                draws[("density_fit", *key)] = seeds.density_fit(seed, *key)
        for model in MODELS:
            draws[("sampler", noise, model)] = seeds.sampler(seed, noise, model)
            for sampler_seed in (1, 2):  # repeat runs (config repeats)
                draws[("repeat", noise, model, sampler_seed)] = seeds.sampler(
                    seed, noise, model, sampler_seed
                )
    return draws


def test_every_draw_has_its_own_stream():
    """No two draws share a stream, the two-number training-set entropy included."""
    values = list(every_draw().values())
    assert len(set(values)) == len(values)


def test_numpy_pads_short_entropy_so_stream_codes_must_differ():
    """Why the evidence has its own code: (seed, 2, noise) is (seed, 2, noise, 0)."""
    short = np.random.SeedSequence([SEED, 2, 5000]).generate_state(1)[0]
    assert short == np.random.SeedSequence([SEED, 2, 5000, 0]).generate_state(1)[0]
    assert seeds.evidence(SEED, 5.0) != seeds.sampler(SEED, 5.0, "full")


def test_streams_are_deterministic_and_follow_the_config_seed():
    assert every_draw() == every_draw()
    other = every_draw(SEED + 1)
    assert all(other[key] != value for key, value in every_draw().items())


def test_entropy_layout_is_the_documented_one():
    """The layout is what makes old results reproducible: (seed, stream, keys...)."""
    assert seeds.entropy(SEED, "sampler", 25000, 1) == [SEED, 2, 25000, 1]
    assert seeds.noise_code(25.0) == 25000 and seeds.noise_code(0.1) == 100
    first_word = np.random.SeedSequence([SEED, 2, 25000, 1]).generate_state(1)[0]
    assert seeds.sampler(SEED, 25.0, "emulator") == first_word
    # sampler seed 0 is the study's own run; a repeat's seed is a fifth word
    assert seeds.sampler(SEED, 25.0, "emulator", 0) == first_word
    repeat_word = np.random.SeedSequence([SEED, 2, 25000, 1, 2]).generate_state(1)[0]
    assert seeds.sampler(SEED, 25.0, "emulator", 2) == repeat_word
    expected = np.random.default_rng([SEED, SPLITS.index("validation")]).uniform(size=3)
    np.testing.assert_array_equal(seeds.training_set(SEED, "validation").uniform(size=3), expected)


def test_an_unknown_split_or_model_is_an_error():
    with pytest.raises(ValueError):
        seeds.training_set(SEED, "training")
    with pytest.raises(ValueError):
        seeds.sampler(SEED, 25.0, "simulator")
