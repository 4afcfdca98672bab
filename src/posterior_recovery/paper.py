r"""The paper's numbers and tables, written from the study's outputs, and its PDF.

Every number in ``paper/ms.tex`` is a macro of ``results/paper/numbers.tex``
(:func:`numbers`), every table an ``\input`` of a file that :func:`paper_tables`
writes, so a rerun with another noise grid, simulator or seed rewrites them all. The
macros are named ``\study<Name>``; a value with an uncertainty is printed to the
uncertainty's two significant digits (:func:`with_error`).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from .artifacts import atomic_path
from .names import noise_label
from .parameters import Prior

MACRO_PREFIX = "study"

LATEXMK_MISSING = (
    "latexmk not found: the paper needs LaTeX. On Debian/Ubuntu install it with\n"
    "  apt-get install --no-install-recommends latexmk texlive-latex-base "
    "texlive-latex-recommended texlive-fonts-recommended poppler-utils\n"
    "then run `snakemake paper` again (the study's results are kept)."
)

ROUTE_TEXT = {
    "nested_sampling": "nested sampling of the full model",
    "repartitioned": "nested sampling of the full model under a prior repartitioned by the "
    r"emulator posterior \citep{chen2019repartitioning}",
    "reweighting": "importance reweighting of the emulator run",
}


# --- formatting -------------------------------------------------------------------------


MISSING = "--"
"""How a number that a run does not have (NaN) is printed."""


def _decimals(err: float, digits: int = 2) -> int:
    """Return the decimal places that show ``err`` to ``digits`` significant digits (>= 0)."""
    if not np.isfinite(err) or err <= 0:
        return 3
    decimals = max(0, digits - 1 - math.floor(math.log10(err)))
    # an error that rounds up a decade (0.0996 -> 0.100) needs one place fewer
    rounded = round(err, decimals)
    return max(0, digits - 1 - math.floor(math.log10(rounded))) if rounded > 0 else decimals


def _fixed(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text[1:] if text.lstrip("-0.") == "" and text.startswith("-") else text


def with_error(value: float, err: float) -> str:
    r"""Return ``value \pm err`` in LaTeX math, both to ``err``'s two significant digits.

    Examples: (2.2837, 0.8489) -> ``2.28 \pm 0.85``; (-1508.5512, 0.2997) ->
    ``-1508.55 \pm 0.30``.
    """
    if not (np.isfinite(value) and np.isfinite(err)):
        return MISSING
    decimals = _decimals(err)
    return f"{_fixed(value, decimals)} \\pm {_fixed(err, decimals)}"


def significant(value: float, digits: int = 3) -> str:
    """Return ``value`` to ``digits`` significant digits, positional (no exponent)."""
    if not np.isfinite(value):
        return MISSING
    if value == 0:
        return "0"
    return _fixed(value, max(0, digits - 1 - math.floor(math.log10(abs(value)))))


def integer(value: float) -> str:
    """Return an integer with thin spaces between groups of three digits (LaTeX)."""
    return f"{round(value):,}".replace(",", r"\,") if np.isfinite(value) else MISSING


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _texttt(name: str) -> str:
    return r"\texttt{" + name.replace("_", r"\_") + "}"


def sampled_label(parameter) -> str:
    """Return a parameter's label in the sampled coordinates, safe in LaTeX text.

    Without a configured label the name is typeset verbatim (its underscores escaped).
    """
    if parameter.label:
        return parameter.sampled_label
    name = _texttt(parameter.name)
    return rf"$\log_{{10}}$\,{name}" if parameter.is_log else name


# --- the numbers --------------------------------------------------------------------------


def _by_noise(results: list[dict]) -> list[dict]:
    return sorted(results, key=lambda result: result["noise_mK"])


def _level_numbers(result: dict, suffix: str) -> dict[str, str]:
    """Return the numbers the text quotes at one noise level (the lowest or the highest)."""
    math_ = lambda text: rf"\ensuremath{{{text}}}"  # noqa: E731
    return {
        f"Noise{suffix}": noise_label(result["noise_mK"]),
        f"BoundMean{suffix}": significant(result["bound_mean"]),
        f"BoundPct{suffix}": significant(result["bound_p95"]),
        f"KLLinearised{suffix}": significant(result["kl_linearised"]),
        f"KLFlow{suffix}": math_(with_error(result["kl_flow"], result["kl_flow_err"])),
        f"KLLikelihood{suffix}": math_(
            with_error(result["kl_likelihood"], result["kl_likelihood_err"])
        ),
        f"LogZFull{suffix}": math_(with_error(result["log_Z_full"], result["log_Z_full_err"])),
        f"LogZEmulator{suffix}": math_(
            with_error(result["log_Z_emulator"], result["log_Z_emulator_err"])
        ),
        f"LogZRatio{suffix}": math_(
            with_error(result["log_evidence_ratio"], result["log_evidence_ratio_err"])
        ),
        f"ESSReweighting{suffix}": integer(result["ess_reweighting"]),
        f"CallsFull{suffix}": integer(result["full_model_calls"]),
        f"CallsEmulator{suffix}": integer(result["emulator_calls"]),
    }


def _bias_numbers(results: list[dict], prior: Prior) -> dict[str, str]:
    labels = {p.name: sampled_label(p) for p in prior.parameters}
    per_level = [np.asarray(result["bias"]["emulator_bias"]) for result in results]
    level = int(np.argmax([b.max() for b in per_level]))
    index = int(np.argmax(per_level[level]))
    return {
        "BiasMax": significant(per_level[level][index], 2),
        "BiasMaxParameter": labels[results[level]["bias"]["parameter"][index]],
        "BiasMaxNoise": noise_label(results[level]["noise_mK"]),
        "BiasMeanLowest": significant(per_level[0].mean(), 2),
        "BiasMeanHighest": significant(per_level[-1].mean(), 2),
    }


def _without_preprocessing_text(accuracy: dict | None) -> str:
    """Return the sentence on the emulator without preprocessing (Fig. 1), or "" if untrained."""
    if not accuracy:
        return ""
    return (
        "Trained without globalemu's preprocessing (subtraction of the astrophysics-free "
        "baseline, resampling in redshift and division by the standard deviation), the "
        f"same network reaches {significant(accuracy['rmse_mean_mK'])}\\,mK on average and "
        f"{significant(accuracy['rmse_p95_mK'])}\\,mK at the 95th percentile."
    )


def numbers(results: list[dict], accuracy: dict, cfg: dict, sampling_wall_time_s: float,
            accuracy_without_preprocessing: dict | None = None) -> dict:  # fmt: skip
    r"""Return every number the manuscript quotes, as LaTeX text keyed by macro name.

    Parameters
    ----------
    results : list of dict
        The per-noise-level results (:func:`~posterior_recovery.comparison.noise_level_result`).
    accuracy : dict
        The emulator's ``accuracy.json``.
    cfg : dict
        The study's config (parameters, seed, backends, route, training set).
    sampling_wall_time_s : float
        Wall time of every nested-sampling run of the study, summed, in seconds.
    accuracy_without_preprocessing : dict, optional
        The ``accuracy.json`` of the emulator trained without preprocessing, quoted in a
        sentence (``WithoutPreprocessing``) that is empty where the study does not train it.

    Returns
    -------
    dict
        Macro name (without the ``\study`` prefix, letters only) -> LaTeX text.
    """
    results = _by_noise(results)
    prior = Prior.from_config(cfg["parameters"])
    n_data = accuracy["n_data"]
    lowest, highest = results[0], results[-1]
    within = sum(r["kl_likelihood"] <= r["bound_mean"] for r in results)
    values = {
        "NoiseLevels": _listed([noise_label(r["noise_mK"]) for r in results]),
        "NNoiseLevels": str(len(results)),
        "NData": str(n_data),
        "NParameters": str(prior.ndim),
        "NTrain": integer(cfg["training_set"]["n_train"]),
        "NValidation": integer(cfg["training_set"]["n_validation"]),
        "NTest": integer(accuracy["n_test"]),
        "NLive": str(cfg["sampler"]["live_points_per_dim"] * prior.ndim),
        "LivePerDim": str(cfg["sampler"]["live_points_per_dim"]),
        "Seed": str(cfg["seed"]),
        "Simulator": _texttt(cfg["simulator"]["name"]),
        "Emulator": _texttt(cfg["emulator"]["name"]),
        "Sampler": _texttt(cfg["sampler"]["name"]),
        "DensityEstimator": _texttt(cfg["density_estimator"]["name"]),
        "FullPosterior": ROUTE_TEXT[cfg["full_posterior"]],
        "NReplicates": str(cfg["density_estimator"]["n_replicates"]),
        "NFolds": str(cfg["density_estimator"]["n_folds"]),
        "RMSEMean": significant(accuracy["rmse_mean_mK"]),
        "RMSEMedian": significant(accuracy["rmse_median_mK"]),
        "RMSEPct": significant(accuracy["rmse_p95_mK"]),
        "RMSEMax": significant(accuracy["rmse_max_mK"]),
        "WithoutPreprocessing": _without_preprocessing_text(accuracy_without_preprocessing),
        # The RMSE at which the bound reaches 1 nat at the lowest noise level
        "RMSERequiredLowest": significant(lowest["noise_mK"] * math.sqrt(2.0 / n_data)),
        "NWithinBound": str(within),
        "CallsFullTotal": integer(sum(r["full_model_calls"] for r in results)),
        "CallsEmulatorTotal": integer(sum(r["emulator_calls"] for r in results)),
        "SamplingMinutes": significant(sampling_wall_time_s / 60.0, 2),
        **_level_numbers(lowest, "Lowest"),
        **_level_numbers(highest, "Highest"),
        **_bias_numbers(results, prior),
    }
    bad = [name for name in values if not (name.isascii() and name.isalpha())]
    if bad:
        raise ValueError(f"LaTeX macro names must be letters only: {bad}")
    return values


def numbers_tex(values: dict) -> str:
    r"""Return ``numbers.tex``: one ``\newcommand`` per number."""
    lines = ["% Written by the workflow's paper_inputs rule; do not edit."]
    lines += [rf"\newcommand{{\{MACRO_PREFIX}{name}}}{{{text}}}" for name, text in values.items()]
    return "\n".join(lines) + "\n"


# --- the tables ---------------------------------------------------------------------------


def _tabular(columns: str, header: list[str], rows: list[list[str]]) -> str:
    lines = [rf"\begin{{tabular}}{{{columns}}}", r"\toprule", " & ".join(header) + r" \\"]
    lines += [r"\midrule", *(" & ".join(row) + r" \\" for row in rows), r"\bottomrule"]
    return "\n".join([*lines, r"\end{tabular}"]) + "\n"


def _physical(value: float) -> str:
    r"""Return a prior bound or fiducial value in LaTeX math: 2e39 -> 2\times10^{39}."""
    if value != 0 and not 1e-2 <= abs(value) < 1e4:
        mantissa, exponent = f"{value:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        mantissa = "" if mantissa == "1" else rf"{mantissa}\times"
        return rf"${mantissa}10^{{{int(exponent)}}}$"
    return f"${value:g}$"


def parameter_table(prior: Prior) -> str:
    """Table 1: the varied parameters, their priors and fiducial values (physical units)."""
    rows = [
        [p.label or _texttt(p.name), p.prior, f"{_physical(p.min)} -- {_physical(p.max)}",
         _physical(p.fiducial)]
        for p in prior.parameters
    ]  # fmt: skip
    return _tabular("llll", ["parameter", "prior", "range", "fiducial"], rows)


def calls_table(results: list[dict]) -> str:
    """Table 2: likelihood calls and log-evidences of both models per noise level."""
    rows = [
        [noise_label(r["noise_mK"]), integer(r["full_model_calls"]), integer(r["emulator_calls"]),
         f"${with_error(r['log_Z_full'], r['log_Z_full_err'])}$",
         f"${with_error(r['log_Z_emulator'], r['log_Z_emulator_err'])}$"]
        for r in _by_noise(results)
    ]  # fmt: skip
    header = [r"$\sigma$ [mK]", "full-model calls", "emulator calls", r"$\log Z$",
              r"$\log Z_\mathrm{E}$"]  # fmt: skip
    return _tabular("rrrrr", header, rows)


def kl_table(results: list[dict]) -> str:
    """Table 3: the bounds at the mean and 95th-percentile RMSE and the measured D_KL."""
    rows = [
        [noise_label(r["noise_mK"]), significant(r["bound_mean"]), significant(r["bound_p95"]),
         significant(r["kl_linearised"]), f"${with_error(r['kl_flow'], r['kl_flow_err'])}$",
         f"${with_error(r['kl_likelihood'], r['kl_likelihood_err'])}$"]
        for r in _by_noise(results)
    ]  # fmt: skip
    header = [r"$\sigma$ [mK]", "bound, mean RMSE", r"bound, 95\% RMSE", "linearised",
              "density estimators", "likelihood differences"]  # fmt: skip
    return _tabular("rrrrrr", header, rows)


def bias_table(results: list[dict], prior: Prior) -> str:
    """Return the emulator bias |mu_E - mu| / sd per parameter (rows) and noise level (columns)."""
    results = _by_noise(results)
    rows = []
    for i, p in enumerate(prior.parameters):
        biases = []
        for r in results:
            if r["bias"]["parameter"][i] != p.name:
                raise ValueError(f"bias rows out of order at {r['noise_mK']} mK")
            biases.append(significant(r["bias"]["emulator_bias"][i], 2))
        rows.append([sampled_label(p), *biases])
    header = ["parameter", *(f"{noise_label(r['noise_mK'])} mK" for r in results)]
    return _tabular("l" + "r" * len(results), header, rows)


def corner_figures(noise_labels: list[str]) -> str:
    """Return the corner plots' figure environments, one per noise level (Fig. 2, A1-A3)."""
    figures = []
    for label in sorted(noise_labels, key=float):
        figures.append(
            "\n".join([
                r"\begin{figure}",
                r"\centering",
                rf"\includegraphics[width=\columnwidth]{{corner_noise_{label}mK}}",
                rf"\caption{{Posteriors at $\sigma = {label}$\,mK: full model (filled) and "
                r"emulator (lines); 68\% and 95\% contours, the fiducial parameters dotted.}",
                rf"\label{{fig:corner_{label}}}",
                r"\end{figure}",
            ])
        )  # fmt: skip
    return "\n\n".join(figures) + "\n"


# What a repeat run samples again, by the full-posterior route.
REPEATED = {
    "reweighting": "the emulator was sampled again and the full-model posterior reweighted "
    "from each new run",
    "nested_sampling": "both models were sampled again",
    "repartitioned": "both models were sampled again (the full model under the prior "
    "repartitioned by each new emulator posterior)",
}


def repeats_section(repeats: pd.DataFrame | None, route: str) -> str:
    """Return the repeat runs' paragraph, table and figure (Fig. C1), or a line saying none.

    ``repeats``: the ``repeats`` table (:func:`~posterior_recovery.tables.repeats_table`);
    ``route``: the study's ``full_posterior``. The paragraph sets each estimator's
    scatter over the runs (sample standard deviation) beside its mean quoted error. Only
    the sampler's seed differs between runs: the density fits and bootstrap draws use the
    study's streams, so the scatter is the sampler's share of the error.
    """
    if repeats is None:
        return "This study has no repeat runs (set \\texttt{repeats} in its config).\n"
    runs = len(repeats)
    rows = [
        ["study" if r.sampler_seed == 0 else str(r.sampler_seed),
         f"${with_error(r.kl_flow, r.kl_flow_err)}$",
         f"${with_error(r.kl_likelihood, r.kl_likelihood_err)}$",
         f"${with_error(r.log_Z_full, r.log_Z_full_err)}$",
         f"${with_error(r.log_Z_emulator, r.log_Z_emulator_err)}$"]
        for r in repeats.itertuples()
    ]  # fmt: skip
    header = ["sampler seed", "density estimators", "likelihood differences", r"$\log Z$",
              r"$\log Z_\mathrm{E}$"]  # fmt: skip
    noise = noise_label(repeats["noise_mK"].iloc[0])
    scatter = "; ".join(
        f"{name}, {significant(repeats[column].std(ddof=1), 2)} nats against a mean quoted "
        f"error of {significant(repeats[f'{column}_err'].mean(), 2)}"
        for name, column in (("from the density estimators", "kl_flow"),
                             ("from the likelihood differences", "kl_likelihood"))
    )  # fmt: skip
    return "\n".join([
        f"At $\\sigma = {noise}$\\,mK {REPEATED[route]}, {runs - 1} more time"
        f"{'s' if runs > 2 else ''}, each under a sampler seed of its own, on the same data and "
        f"emulator (Table~\\ref{{tab:repeats}}, Fig.~\\ref{{fig:repeats}}); the density "
        f"fits and bootstrap draws are seeded as the study's. The standard deviation of "
        f"$\\dkl$ over the {runs} runs is, {scatter}.",
        "",
        r"\begin{table}",
        r"\centering",
        rf"\caption{{The study's run and its repeats at $\sigma = {noise}$\,mK: $\dkl$ [nats] "
        r"by both estimators and both log-evidences, with $1\sigma$ errors.}",
        r"\label{tab:repeats}",
        r"\small",
        _tabular("lrrrr", header, rows).rstrip("\n"),
        r"\end{table}",
        "",
        r"\begin{figure}",
        r"\centering",
        r"\includegraphics[width=\columnwidth]{repeats}",
        rf"\caption{{Run-to-run scatter at $\sigma = {noise}$\,mK: both posteriors of every "
        r"run, full model solid and emulator dashed, one colour per run; 68\% and 95\% "
        r"contours.}",
        r"\label{fig:repeats}",
        r"\end{figure}",
    ]) + "\n"  # fmt: skip


def paper_tables(results: list[dict], cfg: dict, noise_labels: list[str],
                 repeats: pd.DataFrame | None = None) -> dict[str, str]:  # fmt: skip
    """Return every generated LaTeX file of the paper but ``numbers.tex``, keyed by name.

    ``repeats``: the repeat runs' table, where the study has them.
    """
    prior = Prior.from_config(cfg["parameters"])
    return {
        "parameters": parameter_table(prior),
        "calls": calls_table(results),
        "kl": kl_table(results),
        "bias": bias_table(results, prior),
        "corner_figures": corner_figures(noise_labels),
        "repeats": repeats_section(repeats, cfg["full_posterior"]),
    }


def write_text(path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    with atomic_path(path) as temporary:
        Path(temporary).write_text(text)


# --- the PDF ------------------------------------------------------------------------------


def build_pdf(source, workdir, pdf, log) -> None:
    r"""Build ``source`` (ms.tex) with latexmk in ``workdir`` and move the PDF to ``pdf``.

    ``workdir`` holds ``numbers.tex`` and the tables; figures are found in
    ``../figures`` relative to it (``\graphicspath`` in ms.tex), the .bib beside
    ``source``. latexmk's own output goes to ``log``.

    Raises
    ------
    RuntimeError
        latexmk is not installed (the message gives the install command), or LaTeX failed
        (the message names the log).
    """
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        raise RuntimeError(LATEXMK_MISSING)
    source, workdir = Path(source).resolve(), Path(workdir)
    build = workdir / "build"
    shutil.rmtree(build, ignore_errors=True)
    search = f"{source.parent}{os.pathsep}"  # the trailing separator keeps TeX's own paths
    env = os.environ | {"TEXINPUTS": search, "BIBINPUTS": search}
    command = [latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-outdir=build",
               str(source)]  # fmt: skip
    with open(log, "a") as stream:
        done = subprocess.run(command, cwd=workdir, env=env, stdout=stream, stderr=stream)
    if done.returncode != 0:
        raise RuntimeError(f"LaTeX failed on {source}: see {log} and {build / source.stem}.log")
    with atomic_path(pdf) as temporary:
        shutil.copyfile(build / f"{source.stem}.pdf", temporary)
