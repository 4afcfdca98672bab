"""Posterior bias statistics of Dorigo Jones et al. (2023), per parameter.

- emulator bias: |mu_E - mu| / sigma, the shift of the emulator posterior mean in units
  of the full posterior's standard deviation;
- true bias: |mu - theta_0| / sigma, the full posterior's offset from the truth.
Both computed in the sampled space (log10 for log-uniform parameters).
"""

from __future__ import annotations

import numpy as np


def weighted_mean_std(samples, weights) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and standard deviation of samples (n, d): two arrays of shape (d,)."""
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    samples = np.asarray(samples, dtype=float)
    mean = w @ samples
    return mean, np.sqrt(w @ (samples - mean) ** 2)


def posterior_biases(full, full_weights, emulated, emulated_weights, truth) -> dict:
    """Emulator and true bias per parameter, each shape (d,).

    ``full``/``emulated``: samples (n, d) of the two posteriors with their weights;
    ``truth``: the true parameters theta_0 in the same space, shape (d,).
    """
    mu_full, sigma_full = weighted_mean_std(full, full_weights)
    mu_emu, _ = weighted_mean_std(emulated, emulated_weights)
    return {
        "mean_full": mu_full,
        "std_full": sigma_full,
        "mean_emulator": mu_emu,
        "emulator_bias": np.abs(mu_emu - mu_full) / sigma_full,
        "true_bias": np.abs(mu_full - np.asarray(truth)) / sigma_full,
    }
