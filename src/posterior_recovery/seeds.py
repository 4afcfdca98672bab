"""Every random draw of the study, derived from the config's ``seed``.

Each draw has its own stream: the entropy of its generator is the config seed, the
stream's code and the keys that tell its draws apart (noise level, model, estimator
seed). Adding a noise level, a model run or an estimator seed therefore leaves every
other draw unchanged, and a rerun gives the same numbers.

==================  ==========================================  =======================
draw                entropy                                     used by
==================  ==========================================  =======================
training set        (seed, split index)                         parameter draws
mock data           (seed, 1, noise)                            the noise realisation
sampler             (seed, 2, noise, model)                     nested sampling
evidence            (seed, 2, noise)                            log Z error draws
density split       (seed, 3, noise, estimator seed)            held-out samples
density resampling  (seed, 3, noise, model, estimator seed)     equal-weight samples
density fit         (seed, 3, noise, model, estimator seed)     flow initialisation
bootstrap           (seed, 4, noise)                            D_KL uncertainties
emulator            (seed, 5)                                   network weights, E, eps
==================  ==========================================  =======================

``noise`` is the noise level in micro-kelvin (:func:`noise_code`), ``model`` and
``split`` the index in :data:`~posterior_recovery.names.MODELS` and
:data:`~posterior_recovery.names.SPLITS`. The training-set draws predate the stream
codes and keep their two-number entropy, so that existing studies reproduce; no other
stream has a two-number entropy, so none coincides with them. Integer seeds (for JAX keys,
Keras and anesthetic) are the first 32-bit word of the stream's
:class:`numpy.random.SeedSequence`.

One pair of streams coincides: numpy pads entropy to four words with zeros, so the
evidence stream (seed, 2, noise) equals the full-model sampler's (seed, 2, noise, 0).
The two feed different generators (numpy's global state for anesthetic's prior-volume
draws, a JAX key for the sampler), so their draws are unrelated; giving the evidence a
stream of its own would change every published log Z error, so it waits for a change
that reruns the samplers anyway.
"""

from __future__ import annotations

import numpy as np

from .names import MODELS, SPLITS

STREAMS = {"mock_data": 1, "sampler": 2, "density": 3, "bootstrap": 4, "emulator": 5}


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


def sampler(seed: int, noise_mK: float, model: str) -> int:
    """Return the seed of one nested-sampling run (and of the log Z in its ``stats.json``)."""
    return _integer(entropy(seed, "sampler", noise_code(noise_mK), MODELS.index(model)))


def evidence(seed: int, noise_mK: float) -> int:
    """Return the seed of the prior-volume draws behind both posteriors' log Z errors."""
    return _integer(entropy(seed, "sampler", noise_code(noise_mK)))


def density_split(seed: int, noise_mK: float, estimator_seed: int) -> int:
    """Return the key that splits off held-out samples, the same for both models.

    See :func:`posterior_recovery.posterior.split`.
    """
    return _integer(entropy(seed, "density", noise_code(noise_mK), estimator_seed))


def _density_keys(seed, noise_mK, model, estimator_seed) -> list[int]:
    return entropy(seed, "density", noise_code(noise_mK), MODELS.index(model), estimator_seed)


def density_resampling(
    seed: int, noise_mK: float, model: str, estimator_seed: int
) -> np.random.Generator:
    """Return the generator of a density estimator's equally weighted samples."""
    return _generator(_density_keys(seed, noise_mK, model, estimator_seed))


def density_fit(seed: int, noise_mK: float, model: str, estimator_seed: int) -> int:
    """Return the seed of a density estimator's fit (a flow's initialisation and batches)."""
    return _integer(_density_keys(seed, noise_mK, model, estimator_seed))


def bootstrap(seed: int, noise_mK: float) -> np.random.Generator:
    """Return the generator of the bootstrap resamples behind the D_KL uncertainties."""
    return _generator(entropy(seed, "bootstrap", noise_code(noise_mK)))


def emulator(seed: int) -> int:
    """Return the seed of the emulator (globalemu's weights; the perturbed emulator's E, eps)."""
    return _integer(entropy(seed, "emulator"))
