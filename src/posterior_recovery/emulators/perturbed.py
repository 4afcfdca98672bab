"""The ``perturbed`` emulator: the linear simulator with a known error.

For the full model M theta + m (the ``linear`` simulator) it is
(M + E) theta + m + eps, with E (N_d, d) and eps (N_d,) drawn from the emulator seed
with entries N(0, error_matrix_mK^2) and N(0, error_offset_mK^2). Both posteriors are
then Gaussian and D_KL between them is
:func:`posterior_recovery.divergence.linearised_kl` (M, E, eps, sigma^2, D - m) exactly,
up to the prior box's truncation: the ground truth for the workflow's D_KL estimators.
``linear_model.npz`` keeps M, m, E and eps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..divergence import linear_gaussian_posterior, linearised_kl
from ..simulators.linear import LinearModel
from .metadata import read_metadata, write_metadata

NAME = "perturbed"
SETTINGS = {
    "error_matrix_mK": {"type": "number", "minimum": 0,
                        "description": "standard deviation of the entries of E (mK per unit)"},
    "error_offset_mK": {"type": "number", "minimum": 0,
                        "description": "standard deviation of the entries of eps (mK)"},
}  # fmt: skip
JAX_TRACEABLE = True
MODEL_FILE = "linear_model.npz"


def check(config: dict) -> list[str]:
    """Check what the exact D_KL needs: the linear simulator and uniform priors."""
    errors = []
    if config["simulator"]["name"] != "linear":
        errors.append(
            "emulator.name: the perturbed emulator perturbs the linear simulator; "
            f"set simulator.name: linear (got {config['simulator']['name']!r})"
        )
    log_uniform = [p["name"] for p in config["parameters"] if p["prior"] == "log-uniform"]
    if log_uniform:
        errors.append(
            f"parameters: {log_uniform} are log-uniform; the perturbed emulator's exact "
            "D_KL holds for a model linear in the sampled parameters: use uniform priors"
        )
    return errors


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
    write_metadata(model_dir, NAME, prior.names)


def load_parts(model_dir) -> dict[str, np.ndarray]:
    """M, m, E and eps of a saved perturbed emulator (the arrays of its npz)."""
    with np.load(Path(model_dir) / MODEL_FILE) as parts:
        return dict(parts)


def load(model_dir) -> LinearModel:
    """Return the perturbed model (M + E) theta + m + eps saved in ``model_dir``."""
    parts = load_parts(model_dir)
    return LinearModel(
        parts["redshift"],
        read_metadata(model_dir)["parameter_names"],
        parts["design_matrix"] + parts["error_matrix"],
        parts["offset"] + parts["error_offset"],
    )


def exact_posteriors(model_dir, noise_mK: float, data):
    """Return the exact posteriors, ((mean, cov) full, (mean, cov) emulator): flat prior.

    Parameters as for :func:`exact_kl`; means (d,) and covariances (d, d) of theta.
    """
    parts = load_parts(model_dir)
    residual = np.asarray(data) - parts["offset"]
    variance = float(noise_mK) ** 2
    return (
        linear_gaussian_posterior(parts["design_matrix"], 0.0, variance, residual),
        linear_gaussian_posterior(parts["design_matrix"] + parts["error_matrix"],
                                  parts["error_offset"], variance, residual),
    )  # fmt: skip


def exact_kl(model_dir, noise_mK: float, data) -> float:
    """Return the exact D_KL(P_full || P_emulator) in nats: white noise, flat prior.

    Parameters
    ----------
    model_dir : path
        The emulator's folder.
    noise_mK : float
        White-noise standard deviation, mK.
    data : array, shape (N_d,)
        The mock data, mK.
    """
    parts = load_parts(model_dir)
    return linearised_kl(
        parts["design_matrix"],
        parts["error_matrix"],
        parts["error_offset"],
        float(noise_mK) ** 2,
        np.asarray(data) - parts["offset"],
    )
