"""Write result tables as .csv, .md and .tex side by side."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_table(table: pd.DataFrame, stem: str | Path, float_format: str = "{:.4g}") -> list[Path]:
    """Write ``table`` to ``stem``.csv (full precision), .md and .tex (rounded)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.parent / f"{stem.name}{suffix}" for suffix in (".csv", ".md", ".tex")]
    table.to_csv(paths[0], index=False)
    paths[1].write_text(table.to_markdown(index=False, floatfmt=float_format[2:-1]) + "\n")
    table.to_latex(paths[2], index=False, float_format=float_format.format, escape=True)
    return paths


KL_COLUMNS = [
    "noise_mK", "bound_mean", "bound_p95", "kl_linearised", "kl_flow", "kl_flow_low",
    "kl_flow_high", "kl_likelihood", "kl_likelihood_err", "log_evidence_ratio",
    "log_evidence_ratio_err", "log_mean_likelihood_ratio", "full_posterior", "ess",
    "ess_below_threshold",
]  # fmt: skip


def kl_table(divergences: list[dict]) -> pd.DataFrame:
    """One row per noise level from the divergence rule's JSON results."""
    return pd.DataFrame(divergences)[KL_COLUMNS].sort_values("noise_mK", ignore_index=True)


VALIDATION_COLUMNS = [
    "noise_mK", "kl_exact", "kl_linearised", "kl_likelihood", "kl_likelihood_err", "kl_flow",
    "kl_flow_low", "kl_flow_high", "bound_mean", "bound_p95", "full_posterior", "ess",
    "ess_below_threshold",
]  # fmt: skip


def validation_table(kl: pd.DataFrame, exact_kl: dict[float, float]) -> pd.DataFrame:
    """The ``kl`` table's estimates beside the exact D_KL (``exact_kl``: noise -> nats)."""
    table = kl.assign(kl_exact=kl["noise_mK"].map(exact_kl))
    return table[VALIDATION_COLUMNS]


def evidence_table(noise_levels, full_summaries, emulator_summaries) -> pd.DataFrame:
    """log Z of both models per noise level, with errors and model-call counts."""
    rows = [
        {
            "noise_mK": noise,
            "log_Z_full": full["log_evidence"],
            "log_Z_full_err": full["log_evidence_err"],
            "log_Z_emulator": emulated["log_evidence"],
            "log_Z_emulator_err": emulated["log_evidence_err"],
            "full_posterior": full["route"],
            "full_model_calls": full["n_model_calls"],
            "emulator_calls": emulated["n_model_calls"],
        }
        for noise, full, emulated in zip(
            noise_levels, full_summaries, emulator_summaries, strict=True
        )
    ]
    return pd.DataFrame(rows).sort_values("noise_mK", ignore_index=True)


def bias_table(noise_levels, names, biases: list[dict]) -> pd.DataFrame:
    """Emulator and true bias per parameter and noise level (see :mod:`bias`)."""
    frames = []
    for noise, result in zip(noise_levels, biases, strict=True):
        frame = pd.DataFrame({key: result[key] for key in result})
        frame.insert(0, "parameter", list(names))
        frame.insert(0, "noise_mK", noise)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values("noise_mK", kind="stable", ignore_index=True)
