"""The paper's numbers, tables and PDF build (posterior_recovery.paper)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from posterior_recovery import paper
from posterior_recovery.names import PAPER_FILES

from .conftest import REPO

TINY = yaml.safe_load((REPO / "tests/config/tiny.yaml").read_text())
ACCURACY = {"rmse_mean_mK": 0.8681, "rmse_median_mK": 0.5535, "rmse_p95_mK": 1.476,
            "rmse_max_mK": 31.85, "n_data": 490, "n_test": 100}  # fmt: skip


def level_result(noise_mK: float, kl: float) -> dict:
    """Return a per-level result with every key the paper reads, values chosen by hand."""
    names = [p["name"] for p in TINY["parameters"]]
    return {
        "noise_mK": noise_mK, "bound_mean": 245 * (0.8681 / noise_mK) ** 2,
        "bound_p95": 245 * (1.476 / noise_mK) ** 2, "kl_linearised": kl / 2,
        "kl_flow": kl - 0.1, "kl_flow_err": 0.05, "kl_likelihood": kl,
        "kl_likelihood_err": 0.002, "log_Z_full": -2000.0 - noise_mK, "log_Z_full_err": 0.25,
        "log_Z_emulator": -2000.1 - noise_mK, "log_Z_emulator_err": 0.26,
        "log_evidence_ratio": 0.1, "log_evidence_ratio_err": 0.36, "ess_reweighting": 812.4,
        "full_model_calls": 12345, "emulator_calls": 67890,
        "bias": {"parameter": names, "emulator_bias": [0.1, 0.02, 0.3][: len(names)]},
    }  # fmt: skip


RESULTS = [level_result(250.0, 0.0008), level_result(50.0, 0.02)]


@pytest.mark.parametrize(
    ("value", "err", "expected"),
    [
        (2.2837, 0.8489, r"2.28 \pm 0.85"),
        (-1508.5512, 0.2997, r"-1508.55 \pm 0.30"),
        (0.0008336, 7.591e-05, r"0.000834 \pm 0.000076"),
        (13.07, 12.3, r"13 \pm 12"),
        (0.5, 0.0996, r"0.50 \pm 0.10"),  # the error rounds up a decade: still 2 digits
        (-0.0001, 0.03, r"0.000 \pm 0.030"),  # no "-0.000"
        (float("nan"), 0.1, "--"),
    ],
)
def test_a_value_is_printed_to_its_errors_two_significant_digits(value, err, expected):
    assert paper.with_error(value, err) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7.3855, "7.39"), (0.002954, "0.00295"), (21.36, "21.4"), (1234.6, "1235"),
     (-0.0362, "-0.0362")],
)  # fmt: skip
def test_significant_digits_are_positional(value, expected):
    assert paper.significant(value) == expected


def test_numbers_are_letter_named_macros_quoting_the_results():
    values = paper.numbers(RESULTS, ACCURACY, TINY, sampling_wall_time_s=90.0)
    assert all(name.isalpha() for name in values)
    assert values["NoiseLevels"] == "50 and 250"
    assert values["NoiseLowest"] == "50" and values["NoiseHighest"] == "250"
    assert values["KLLikelihoodLowest"] == r"\ensuremath{0.0200 \pm 0.0020}"
    assert values["CallsFullTotal"] == r"24\,690"
    assert values["SamplingMinutes"] == "1.5"
    # sqrt(2 / 490) * 50 mK
    assert values["RMSERequiredLowest"] == "3.19"
    assert values["BiasMax"] == "0.30" and values["BiasMaxParameter"] == "$\\log_{10}\\,w$"


def test_the_emulator_without_preprocessing_is_quoted_where_trained():
    without = {**ACCURACY, "rmse_mean_mK": 2.375, "rmse_p95_mK": 7.01}
    values = paper.numbers(RESULTS, ACCURACY, TINY, 0.0, accuracy_without_preprocessing=without)
    assert r"reaches 2.38\,mK on average and 7.01\,mK at the 95th" in values["WithoutPreprocessing"]
    assert paper.numbers(RESULTS, ACCURACY, TINY, 0.0)["WithoutPreprocessing"] == ""


def test_the_repeat_runs_section_sets_the_scatter_beside_the_quoted_errors():
    repeats = pd.DataFrame({
        "sampler_seed": [0, 1, 2], "noise_mK": [25.0] * 3,
        "kl_flow": [0.10, 0.20, 0.30], "kl_flow_err": [0.05, 0.07, 0.06],
        "kl_likelihood": [0.020, 0.022, 0.024], "kl_likelihood_err": [0.003] * 3,
        "log_Z_full": [-2276.1, -2276.3, -2276.0], "log_Z_full_err": [0.24] * 3,
        "log_Z_emulator": [-2276.0, -2276.2, -2275.9], "log_Z_emulator_err": [0.24] * 3,
    })  # fmt: skip
    section = paper.repeats_section(repeats, "reweighting")
    # sample standard deviations over the three runs: 0.1 and 0.002
    assert "density estimators, 0.10 nats against a mean quoted error of 0.060" in section
    assert "likelihood differences, 0.0020 nats against a mean quoted error of 0.0030" in section
    assert "reweighted from each new run, 2 more times" in section
    assert r"\sigma = 25$" in section
    assert "both models were sampled again, 2" in paper.repeats_section(repeats, "nested_sampling")
    assert section.count(r" \\") == 4  # the header and three runs
    assert r"\includegraphics[width=\columnwidth]{repeats}" in section
    assert "no repeat runs" in paper.repeats_section(None, "reweighting")


def test_every_number_macro_is_used_by_the_manuscript_and_every_one_it_uses_is_defined():
    defined = {
        f"{paper.MACRO_PREFIX}{name}" for name in paper.numbers(RESULTS, ACCURACY, TINY, 0.0)
    }
    manuscript = (REPO / "paper/ms.tex").read_text()
    used = set(re.findall(rf"\\({paper.MACRO_PREFIX}[A-Za-z]+)", manuscript))
    assert used - defined == set(), "used in ms.tex but not written to numbers.tex"
    assert defined - used == set(), "written to numbers.tex but not used in ms.tex"
    tex = paper.numbers_tex(paper.numbers(RESULTS, ACCURACY, TINY, 0.0))
    assert tex.count(r"\newcommand") == len(defined)


def test_the_manuscript_inputs_every_generated_file():
    manuscript = (REPO / "paper/ms.tex").read_text()
    inputs = set(re.findall(r"\\input\{(\w+)\}", manuscript))
    assert inputs == set(PAPER_FILES)
    assert set(paper.paper_tables(RESULTS, TINY, ["50", "250"])) == set(PAPER_FILES) - {"numbers"}


def test_the_tables_hold_every_noise_level_in_order():
    kl = paper.kl_table(RESULTS)
    rows = [line for line in kl.splitlines() if line.endswith(r"\\")][1:]
    assert [row.split(" & ")[0] for row in rows] == ["50", "250"]
    assert r"$0.0200 \pm 0.0020$" in rows[0]
    bias = paper.bias_table(RESULTS, paper.Prior.from_config(TINY["parameters"]))
    assert bias.count(r"\\") == 1 + len(TINY["parameters"])  # header + one row each
    corners = paper.corner_figures(["250", "50"])
    assert corners.count(r"\begin{figure}") == 2
    assert corners.index("corner_noise_50mK") < corners.index("corner_noise_250mK")


def test_the_parameter_table_prints_physical_priors():
    table = paper.parameter_table(paper.Prior.from_config(TINY["parameters"]))
    assert "log-uniform" in table and "$50$ -- $300$" in table


@pytest.mark.parametrize("path", sorted((REPO / "config").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_configs_parameters_typeset(path):
    """Every prior bound and fiducial of the shipped studies, e.g. 3.16e-3 and 2e39."""
    prior = paper.Prior.from_config(yaml.safe_load(path.read_text())["parameters"])
    rows = paper.parameter_table(prior).splitlines()[4:-2]  # between midrule and bottomrule
    assert len(rows) == prior.ndim
    for row, parameter in zip(rows, prior.parameters, strict=True):
        assert row.count("$") % 2 == 0, row
        assert parameter.prior in row


def test_an_unlabelled_parameter_is_typeset_verbatim():
    prior = paper.Prior.from_config([
        {"name": "f_star_0", "prior": "log-uniform", "min": 3.16e-3, "max": 0.316,
         "fiducial": 0.1},
        {"name": "M_pivot", "prior": "uniform", "min": 1.0, "max": 2.0, "fiducial": 1.5},
    ])  # fmt: skip
    assert [paper.sampled_label(p) for p in prior.parameters] == [
        r"$\log_{10}$\,\texttt{f\_star\_0}",
        r"\texttt{M\_pivot}",
    ]
    assert r"$3.16\times10^{-3}$ -- $0.316$" in paper.parameter_table(prior)


def test_a_missing_reweighting_ess_prints_as_a_dash():
    results = [{**RESULTS[0], "ess_reweighting": float("nan")}, RESULTS[1]]
    assert paper.numbers(results, ACCURACY, TINY, 0.0)["ESSReweightingHighest"] == "--"


def test_without_latexmk_the_build_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr(paper.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install .*latexmk"):
        paper.build_pdf(REPO / "paper/ms.tex", tmp_path, tmp_path / "ms.pdf", tmp_path / "log")
    assert not (tmp_path / "ms.pdf").exists()
