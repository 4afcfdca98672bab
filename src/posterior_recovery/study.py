"""The study's objects built from the (validated) workflow configuration.

The workflow scripts call these so that every rule builds its prior, simulator and
seeds the same way. ``cfg`` is the configuration mapping (or the subset of its sections
that a rule receives).
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

import numpy as np

from .parameters import Prior
from .simulators import make_simulator, redshift_grid

# Stable integer codes that enter seed sequences next to the config seed.
STREAMS = {"mock_data": 1, "sampler": 2, "density": 3, "bootstrap": 4, "emulator": 5}
MODEL_CODES = {"full": 0, "emulator": 1}


def setup_logging(log_path: str | Path) -> logging.Logger:
    """Send this process's logging, stdout and stderr to the rule's log file.

    stdout too, since globalemu and margarine report training progress with print().
    """
    log_file = open(log_path, "a", buffering=1)  # noqa: SIM115 - lives as long as the job
    sys.stdout = sys.stderr = log_file
    logging.basicConfig(
        stream=log_file,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        force=True,
    )
    return logging.getLogger("posterior_recovery")


def prior_from(cfg: dict) -> Prior:
    return Prior.from_config(cfg["parameters"])


def redshift_from(cfg: dict) -> np.ndarray:
    return redshift_grid(cfg["simulator"]["redshift"])


def simulator_from(cfg: dict):
    names = [p["name"] for p in cfg["parameters"]]
    simulator = cfg["simulator"]
    return make_simulator(simulator["name"], redshift_from(cfg), names, simulator.get("options"))


def noise_code(noise_mK: float) -> int:
    """An integer identifying a noise level (in micro-kelvin) for seed sequences."""
    return int(round(float(noise_mK) * 1000))


def seed_sequence(seed: int, stream: str, *keys: int) -> list[int]:
    """Entropy for ``np.random.default_rng``: config seed, stream, then ``keys``.

    Derived per noise level (and model, estimator seed ...), so adding a noise level
    leaves the draws of the others unchanged.
    """
    return [int(seed), STREAMS[stream], *map(int, keys)]


def rng_for(seed: int, stream: str, *keys: int) -> np.random.Generator:
    return np.random.default_rng(seed_sequence(seed, stream, *keys))


def jax_seed(seed: int, stream: str, *keys: int) -> int:
    """A 32-bit seed for ``jax.random.PRNGKey`` derived like :func:`rng_for`."""
    return int(np.random.SeedSequence(seed_sequence(seed, stream, *keys)).generate_state(1)[0])


def model_from(cfg: dict, model: str, emulator_dir=None):
    """The full model (the simulator) or the trained emulator, by name."""
    if model == "full":
        return simulator_from(cfg)
    from . import emulators

    return emulators.load(emulator_dir)


def inputs_digest(text: str, paths) -> str:
    """A short hex digest of ``text`` and the contents of the files under ``paths``
    (files or folders): names a sampler's resume folder, so that a run with other
    settings, data or emulator never resumes from it."""
    digest = hashlib.sha256(text.encode())
    for path in map(Path, paths):
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]
