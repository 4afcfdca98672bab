"""Emulators of the full model, chosen by name from the config (``emulator.name``).

An emulator backend is a module with

- ``build(model_dir, settings, *, prior, train_set, validation_set, simulator, seed)``:
  make the emulator in ``model_dir`` from the config's ``emulator`` section
  (``settings``), the training and validation sets (``theta`` in the sampled space
  (n, d), ``signals`` (n, N_d) in mK, ``redshift`` (N_d,)) and the full model; it writes
  :data:`METADATA` with at least ``name`` and ``parameter_names``;
- ``load(model_dir)``: the emulator as a model like the simulators: ``redshift``,
  ``parameter_names``, ``jax_traceable`` and ``__call__(physical (n, d)) -> (n, N_d)`` mK.

Adding one is a module and one line in :data:`EMULATORS`.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np

METADATA = "emulator.json"
EMULATORS = {
    "globalemu": "posterior_recovery.emulators.globalemu",
    "perturbed": "posterior_recovery.emulators.perturbed",
}


def _backend(name: str):
    if name not in EMULATORS:
        raise ValueError(f"emulator.name: unknown emulator {name!r}; known: {sorted(EMULATORS)}")
    return importlib.import_module(EMULATORS[name])


def write_metadata(model_dir, name: str, parameter_names, **extra) -> None:
    metadata = {"name": name, "parameter_names": list(parameter_names), **extra}
    (Path(model_dir) / METADATA).write_text(json.dumps(metadata, indent=2) + "\n")


def read_metadata(model_dir) -> dict:
    metadata = json.loads((Path(model_dir) / METADATA).read_text())
    # Emulators trained before there was a choice of backend are globalemu networks;
    # they stay usable without retraining.
    metadata.setdefault("name", "globalemu")
    return metadata


def build(model_dir, settings: dict, **inputs) -> None:
    """Make the emulator ``settings["name"]`` in ``model_dir`` (see the module docstring)."""
    Path(model_dir).mkdir(parents=True, exist_ok=True)
    _backend(settings["name"]).build(model_dir, settings, **inputs)


def load(model_dir):
    """The emulator saved in ``model_dir``, by the name in its metadata."""
    return _backend(read_metadata(model_dir)["name"]).load(model_dir)


def accuracy(emulated, true) -> dict:
    """Test-set accuracy of emulated signals against the simulator's, both (n, N_d) mK.

    Returns per-signal RMSE (n,), the mean and 95th-percentile absolute error against
    redshift (N_d,), and the summary numbers of ``accuracy.json``.
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
