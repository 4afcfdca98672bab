"""The study's fixed names, shared by the library and the workflow's rules.

Nothing else defines them: the rules build their wildcards and file names from these,
and the library keys its seed streams, columns and outputs on them.
"""

from __future__ import annotations

import numpy as np

SPLITS = ("train", "validation", "test")
"""The simulated sets: training, validation (the emulator's early stopping) and test
(its accuracy)."""

MODELS = ("full", "emulator")
"""The two models of the likelihood: the full model (the simulator) and its emulator."""

ROUTES = ("nested_sampling", "repartitioned", "reweighting")
"""How the full-model posterior is obtained (config ``full_posterior``): nested sampling
under the prior, nested sampling under a prior repartitioned by the emulator posterior
(exact, cheaper), or importance reweighting of the emulator run (cheapest, approximate)."""

SAMPLED_ROUTES = ("nested_sampling", "repartitioned")
"""The routes that nested-sample the full model."""

TABLES = ("kl", "accuracy", "evidence", "bias")
"""The study's tables, each written as .csv, .md and .tex."""

PAPER_FILES = ("numbers", "parameters", "calls", "kl", "bias", "corner_figures", "repeats")
"""The paper's generated LaTeX files (results/paper/<name>.tex): its numbers as macros,
its tables, its corner figures' environments and the repeat runs' section."""

KL_COLUMNS = [
    "noise_mK", "bound_mean", "bound_p95", "kl_linearised", "kl_flow", "kl_flow_err",
    "kl_flow_low", "kl_flow_high", "kl_likelihood", "kl_likelihood_err", "log_evidence_ratio",
    "log_evidence_ratio_err", "log_mean_likelihood_ratio", "full_posterior", "ess",
    "ess_below_threshold", "kl_reweighting", "ess_reweighting",
]  # fmt: skip
EVIDENCE_COLUMNS = [
    "noise_mK", "log_Z_full", "log_Z_full_err", "log_Z_emulator", "log_Z_emulator_err",
    "full_posterior", "full_model_calls", "emulator_calls",
]  # fmt: skip
REPEATS_COLUMNS = [
    "sampler_seed", "noise_mK", "kl_likelihood", "kl_likelihood_err", "kl_flow", "kl_flow_err",
    "log_Z_full", "log_Z_full_err", "log_Z_emulator", "log_Z_emulator_err", "full_model_calls",
    "emulator_calls",
]  # fmt: skip
VALIDATION_COLUMNS = [
    "noise_mK", "kl_exact", "kl_linearised", "kl_likelihood", "kl_likelihood_err", "kl_flow",
    "kl_flow_err", "kl_flow_low", "kl_flow_high", "bound_mean", "bound_p95", "full_posterior",
    "ess",
    "ess_below_threshold",
]  # fmt: skip


def noise_label(noise_mK: float) -> str:
    """Return the noise level as it appears in file names (``noise_<label>mK``).

    Parameters
    ----------
    noise_mK : float
        White-noise standard deviation in mK.

    Returns
    -------
    str
        The shortest decimal that reads back as the same number, without an exponent:
        25.0 -> ``25``, 2.5 -> ``2.5``, 25.000001 -> ``25.000001``, 1234567 -> ``1234567``.
    """
    return np.format_float_positional(float(noise_mK), trim="-")
