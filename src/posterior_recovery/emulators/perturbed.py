"""The ``perturbed`` emulator: the linear simulator with a known error.

For the full model M theta + m (the ``linear`` simulator) it is
(M + E) theta + m + eps, with E (N_d, d) and eps (N_d,) drawn from the config seed with
entries N(0, error_matrix_mK^2) and N(0, error_offset_mK^2). Both posteriors are then
Gaussian and D_KL between them is :func:`posterior_recovery.divergence.linearised_kl`
(M, E, eps, sigma^2, D - m) exactly, up to the prior box's truncation: the ground truth
for the workflow's D_KL estimators. ``linear_model.npz`` keeps M, m, E and eps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..divergence import linearised_kl
from ..simulators.linear import LinearModel
from . import read_metadata, write_metadata

MODEL_FILE = "linear_model.npz"


def build(model_dir, settings, *, prior, simulator, seed, **_):
    """Draw E and eps from ``seed`` and save the perturbed model into ``model_dir``."""
    design = getattr(simulator, "design_matrix", None)
    if design is None:
        raise ValueError("emulator.name: perturbed needs the linear simulator (simulator.name)")
    rng = np.random.default_rng(seed)
    np.savez(
        Path(model_dir) / MODEL_FILE,
        redshift=simulator.redshift,
        design_matrix=design,
        offset=simulator.offset,
        error_matrix=settings["error_matrix_mK"] * rng.normal(size=design.shape),
        error_offset=settings["error_offset_mK"] * rng.normal(size=simulator.offset.shape),
    )
    write_metadata(model_dir, "perturbed", prior.names)


def load_parts(model_dir) -> dict[str, np.ndarray]:
    """M, m, E and eps of a saved perturbed emulator (the arrays of its npz)."""
    with np.load(Path(model_dir) / MODEL_FILE) as parts:
        return dict(parts)


def load(model_dir) -> LinearModel:
    parts = load_parts(model_dir)
    return LinearModel(
        parts["redshift"],
        read_metadata(model_dir)["parameter_names"],
        parts["design_matrix"] + parts["error_matrix"],
        parts["offset"] + parts["error_offset"],
    )


def exact_kl(model_dir, noise_sigma_mK, data) -> float:
    """The exact D_KL(P_full || P_emulator) in nats for white noise ``noise_sigma_mK``
    and ``data`` (N_d,) in mK, flat prior: the ground truth of the validation."""
    parts = load_parts(model_dir)
    return linearised_kl(
        parts["design_matrix"],
        parts["error_matrix"],
        parts["error_offset"],
        float(noise_sigma_mK) ** 2,
        np.asarray(data) - parts["offset"],
    )
