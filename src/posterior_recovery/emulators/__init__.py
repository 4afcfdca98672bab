"""Emulators of the full model, chosen by name (``emulator.name``).

An emulator is a backend (:mod:`posterior_recovery.backends`) whose settings sit beside
``name`` in the config's ``emulator`` section, and which also defines

``JAX_TRACEABLE``
    whether its models are JAX functions (as for the simulators);
``build(model_dir, settings, *, prior, train_set, validation_set, simulator, seed)``
    make the emulator in the folder ``model_dir`` from its settings, the training and
    validation sets (``theta`` in the sampled space (n, d), ``signals`` (n, N_d) in mK,
    ``redshift`` (N_d,)), the full model and a seed; it writes ``emulator.json``
    (:func:`~.metadata.write_metadata`) with its ``name`` and ``parameter_names``;
``load(model_dir) -> model``
    the emulator as a model like the simulators' (:mod:`posterior_recovery.simulators`);
``exact_kl(model_dir, noise_mK, data) -> float`` (optional)
    the exact D_KL(P_full || P_emulator) where it is known: the ground truth that the
    validation table sets beside every estimate.
``without_preprocessing(settings) -> settings`` (optional)
    the settings of the same emulator without its preprocessing of the signals: the
    second emulator of the emulator-error figure (config ``emulator_without_preprocessing``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..backends import Registry
from . import globalemu, perturbed
from .metadata import METADATA, read_metadata, write_metadata

EMULATORS = Registry("emulator", [globalemu, perturbed])

__all__ = ["EMULATORS", "METADATA", "accuracy", "build", "exact_kl", "has_preprocessing",
           "knows_exact_kl", "load", "read_metadata", "without_preprocessing",
           "write_metadata"]  # fmt: skip


def build(model_dir, settings: dict, **inputs) -> None:
    """Make the emulator ``settings["name"]`` in ``model_dir`` (see the module docstring)."""
    Path(model_dir).mkdir(parents=True, exist_ok=True)
    EMULATORS.get(settings["name"]).build(model_dir, settings, **inputs)


def load(model_dir):
    """Return the emulator saved in ``model_dir``, by the name in its metadata."""
    return EMULATORS.get(read_metadata(model_dir)["name"]).load(model_dir)


def knows_exact_kl(name: str) -> bool:
    """Whether the emulator backend ``name`` knows the exact D_KL."""
    return hasattr(EMULATORS.get(name), "exact_kl")


def has_preprocessing(name: str) -> bool:
    """Whether the emulator backend ``name`` preprocesses the signals (and can do without)."""
    return hasattr(EMULATORS.get(name), "without_preprocessing")


def without_preprocessing(settings: dict) -> dict:
    """Return the emulator settings ``settings`` with its preprocessing turned off."""
    return EMULATORS.get(settings["name"]).without_preprocessing(settings)


def exact_kl(model_dir, noise_mK: float, data) -> float | None:
    """Return the exact D_KL(P_full || P_emulator) in nats, or None where it is not known.

    Parameters
    ----------
    model_dir : path
        The emulator's folder.
    noise_mK : float
        White-noise standard deviation of the data, mK.
    data : array, shape (N_d,)
        The mock data, mK.
    """
    backend = EMULATORS.get(read_metadata(model_dir)["name"])
    if not hasattr(backend, "exact_kl"):
        return None
    return backend.exact_kl(model_dir, noise_mK, data)


def accuracy(emulated, true) -> dict:
    """Test-set accuracy of emulated signals against the simulator's, both (n, N_d) mK.

    Returns
    -------
    dict
        Per-signal RMSE (n,), the mean and 95th-percentile absolute error against
        redshift (N_d,), and under ``summary`` the numbers of ``accuracy.json``.
    """
    error = np.abs(np.asarray(emulated) - np.asarray(true))
    rmse = np.sqrt(np.mean(error**2, axis=1))
    return {
        "rmse": rmse,
        "mean_abs_error_z": error.mean(axis=0),
        "p95_abs_error_z": np.percentile(error, 95, axis=0),
        "summary": {
            "rmse_mean_mK": float(rmse.mean()),
            "rmse_median_mK": float(np.median(rmse)),
            "rmse_p95_mK": float(np.percentile(rmse, 95)),
            "rmse_max_mK": float(rmse.max()),
            "n_data": int(error.shape[1]),
            "n_test": int(error.shape[0]),
        },
    }
