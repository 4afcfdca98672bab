"""Every random draw of the study, derived from the config's ``seed``.

Each draw has its own stream: the entropy of its generator is the config seed, the
stream's code and the keys that tell its draws apart (noise level, model, replicate,
fold). Adding a noise level, a model run or a replicate therefore leaves every
other draw unchanged, and a rerun gives the same numbers.

==================  ==========================================  =======================
draw                entropy                                     used by
==================  ==========================================  =======================
training set        (seed, split index)                         parameter draws
mock data           (seed, 1, noise)                            the noise realisation
sampler             (seed, 2, noise, model)                     nested sampling
repeat run          (seed, 2, noise, model, sampler seed)       a repeat's sampling
evidence            (seed, 6, noise)                            log Z error draws
density replicate   (seed, 3, noise, replicate)                 folds, bootstrap weights
density fit         (seed, 3, noise, replicate, fold)           flow initialisation, batches
bootstrap           (seed, 4, noise)                            kl_likelihood's error
emulator            (seed, 5)                                   network weights, E, eps
repartition         (seed, 7, noise)                            q's mixture fit
==================  ==========================================  =======================

``noise`` is the noise level in micro-kelvin (:func:`noise_code`), ``model`` and
``split`` the index in :data:`~posterior_recovery.names.MODELS` and
:data:`~posterior_recovery.names.SPLITS`. The training-set draws predate the stream
codes and keep their two-number entropy, so that existing studies reproduce; the only
other two-number stream, the emulator's (seed, 5), has a code that is no split index, so
none coincides with them. Integer seeds (for JAX keys,
Keras and anesthetic) are the first 32-bit word of the stream's
:class:`numpy.random.SeedSequence`.

numpy pads entropy shorter than four words with zeros, so streams of different
lengths must differ in their codes: (seed, 2, noise) would equal the full-model
sampler's (seed, 2, noise, 0), which is why the evidence has a stream of its own.
"""

from __future__ import annotations

import numpy as np

from .names import MODELS, SPLITS

STREAMS = {"mock_data": 1, "sampler": 2, "density": 3, "bootstrap": 4, "emulator": 5,
           "evidence": 6, "repartition": 7}  # fmt: skip


def noise_code(noise_mK: float) -> int:
    """Return the noise level in micro-kelvin, an integer key of the streams."""
    return int(round(float(noise_mK) * 1000))


def entropy(seed: int, stream: str, *keys: int) -> list[int]:
    """Return the entropy of a stream: config seed, stream code, then ``keys``."""
    return [int(seed), STREAMS[stream], *map(int, keys)]


def _generator(entropy_: list[int]) -> np.random.Generator:
    return np.random.default_rng(entropy_)


def _integer(entropy_: list[int]) -> int:
    return int(np.random.SeedSequence(entropy_).generate_state(1)[0])


def training_set(seed: int, split: str) -> np.random.Generator:
    """Return the generator of one split's parameter draws (whatever its chunking)."""
    return _generator([int(seed), SPLITS.index(split)])


def mock_data(seed: int, noise_mK: float) -> np.random.Generator:
    """Return the generator of the noise realisation at one noise level."""
    return _generator(entropy(seed, "mock_data", noise_code(noise_mK)))


def sampler(seed: int, noise_mK: float, model: str, sampler_seed: int = 0) -> int:
    """Return the seed of one nested-sampling run (and of the log Z in its ``stats.json``).

    ``sampler_seed`` >= 1 tells a repeat run (config ``repeats``) from the study's own (0).
    """
    keys = [noise_code(noise_mK), MODELS.index(model), *([sampler_seed] if sampler_seed else [])]
    return _integer(entropy(seed, "sampler", *keys))


def evidence(seed: int, noise_mK: float) -> int:
    """Return the seed of the prior-volume draws behind both posteriors' log Z errors."""
    return _integer(entropy(seed, "evidence", noise_code(noise_mK)))


def density_replicate(seed: int, noise_mK: float, replicate: int) -> int:
    """Return the key of a replicate's folds and bootstrap weights, the same for both models.

    See :func:`posterior_recovery.posterior.cross_fitting`.
    """
    return _integer(entropy(seed, "density", noise_code(noise_mK), replicate))


def density_fit(seed: int, noise_mK: float, replicate: int, fold: int) -> int:
    """Return the seed of a replicate's and fold's density fits (initialisation, batches).

    Both models' estimators of one replicate and fold share it (common random numbers):
    their initialisations and batch orders are then alike, so the fits' own noise,
    much of which is common to the two, largely cancels in log p - log q.
    """
    return _integer(entropy(seed, "density", noise_code(noise_mK), replicate, fold))


def bootstrap(seed: int, noise_mK: float) -> np.random.Generator:
    """Return the generator of the bootstrap resamples behind ``kl_likelihood_err``."""
    return _generator(entropy(seed, "bootstrap", noise_code(noise_mK)))


def emulator(seed: int) -> int:
    """Return the seed of the emulator (globalemu's weights; the perturbed emulator's E, eps)."""
    return _integer(entropy(seed, "emulator"))


def repartition(seed: int, noise_mK: float) -> np.random.Generator:
    """Return the generator of the initialisation of q's mixture fit (repartitioning)."""
    return _generator(entropy(seed, "repartition", noise_code(noise_mK)))
