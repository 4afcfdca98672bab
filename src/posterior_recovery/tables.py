"""The study's tables, aggregated from the per-noise-level results, as .csv, .md, .tex.

Each table function takes the list of :func:`~posterior_recovery.comparison.noise_level_result`
dicts (one per noise level, in any order) and returns one row per noise level, sorted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .artifacts import atomic_path
from .names import EVIDENCE_COLUMNS, KL_COLUMNS, REPEATS_COLUMNS, TABLES, VALIDATION_COLUMNS

# Printed precision of a table's .md and .tex where 4 significant digits are too few:
# log Z of ~-2000 needs two decimals to show differences of a tenth of a nat.
FLOAT_FORMATS = {"evidence": "{:.6g}", "repeats": "{:.6g}"}


def write_table(table: pd.DataFrame, stem: str | Path, float_format: str = "{:.4g}") -> list[Path]:
    """Write ``table`` to ``stem``.csv (full precision), .md and .tex (rounded)."""
    stem = Path(stem)
    paths = [stem.parent / f"{stem.name}{suffix}" for suffix in (".csv", ".md", ".tex")]
    markdown = table.to_markdown(index=False, floatfmt=float_format[2:-1]) + "\n"
    latex = table.to_latex(index=False, float_format=float_format.format, escape=True)
    for path, write in (
        (paths[0], lambda p: table.to_csv(p, index=False)),
        (paths[1], lambda p: p.write_text(markdown)),
        (paths[2], lambda p: p.write_text(latex)),
    ):
        with atomic_path(path) as temporary:
            write(temporary)
    return paths


def _by_noise(results: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(results)[columns].sort_values("noise_mK", ignore_index=True)


def kl_table(results: list[dict]) -> pd.DataFrame:
    """D_KL by every estimator with the bounds and the reweighting ESS."""
    return _by_noise(results, KL_COLUMNS)


def evidence_table(results: list[dict]) -> pd.DataFrame:
    """Log Z of both models with errors and model-call counts."""
    return _by_noise(results, EVIDENCE_COLUMNS)


def validation_table(results: list[dict]) -> pd.DataFrame:
    """Every D_KL estimate beside the exact value (the validation problem)."""
    return _by_noise(results, VALIDATION_COLUMNS)


def repeats_table(results: list[dict], sampler_seeds) -> pd.DataFrame:
    """D_KL and evidences of the study's run and each repeat run at one noise level.

    ``results``: the runs' results in the order of ``sampler_seeds`` (0: the study's run).
    """
    table = pd.DataFrame(results).assign(sampler_seed=list(sampler_seeds))
    return table[REPEATS_COLUMNS].sort_values("sampler_seed", ignore_index=True)


def bias_table(results: list[dict]) -> pd.DataFrame:
    """Emulator and true bias per parameter and noise level (see :mod:`.bias`)."""
    frames = []
    for result in results:
        biases = dict(result["bias"])
        frame = pd.DataFrame({key: value for key, value in biases.items() if key != "parameter"})
        frame.insert(0, "parameter", biases["parameter"])
        frame.insert(0, "noise_mK", result["noise_mK"])
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values("noise_mK", kind="stable", ignore_index=True)


def study_tables(results: list[dict], accuracy: dict) -> dict[str, pd.DataFrame]:
    """Return the tables named in :data:`~posterior_recovery.names.TABLES`."""
    tables = {
        "kl": kl_table(results),
        "accuracy": pd.DataFrame([accuracy]),
        "evidence": evidence_table(results),
        "bias": bias_table(results),
    }
    return {name: tables[name] for name in TABLES}
