"""The whole DAG through Snakemake on the tiny config (gaussian simulator, 2 noise levels).

One nested-sampling run of the workflow is shared by the tests (conftest.tiny_study); the
reweighting and repartitioned routes then rerun, each in a copy, only the full-posterior
jobs and what depends on them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from posterior_recovery.divergence import kl_bound
from posterior_recovery.paper import significant

from .conftest import REPO, copy_study, run_snakemake

TINY = "tests/config/tiny.yaml"
N_REPLICATES = yaml.safe_load((REPO / TINY).read_text())["density_estimator"]["n_replicates"]
T_99 = stats.t.ppf(0.995, N_REPLICATES - 1)


ROUTES = ["nested_sampling", "repartitioned", "reweighting"]


@pytest.fixture(scope="module")
def tiny_runs(repo, tiny_study, tmp_path_factory):
    """Run the tiny study by every full-posterior route; returns their result folders."""
    runs = {"nested_sampling": tiny_study.workdir / "results"}
    for route in ("repartitioned", "reweighting"):
        workdir = copy_study(tiny_study, tmp_path_factory.mktemp("tiny") / route)
        route_config = ("--config", f"full_posterior={route}")
        run_snakemake(workdir, "--configfile", str(repo / TINY), *route_config)
        runs[route] = workdir / "results"
    return {**runs, "workdir": runs["reweighting"].parent}


def noise_levels(repo):
    return yaml.safe_load((repo / TINY).read_text())["noise_levels_mK"]


@pytest.mark.parametrize("route", ROUTES)
def test_tables_have_every_noise_level_and_finite_values(repo, tiny_runs, route):
    results = tiny_runs[route]
    kl = pd.read_csv(results / "tables/kl.csv")
    for column in ["noise_mK", "bound_mean", "bound_p95", "kl_linearised", "kl_flow",
                   "kl_flow_low", "kl_flow_high", "kl_likelihood", "kl_likelihood_err",
                   "full_posterior", "ess"]:  # fmt: skip
        assert column in kl.columns
    assert kl["noise_mK"].tolist() == sorted(noise_levels(repo))
    assert (kl["full_posterior"] == route).all()
    numeric = kl.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy()).all()
    evidence = pd.read_csv(results / "tables/evidence.csv")
    assert len(evidence) == len(noise_levels(repo))
    assert np.isfinite(evidence[["log_Z_full", "log_Z_emulator"]].to_numpy()).all()
    bias = pd.read_csv(results / "tables/bias.csv")
    assert len(bias) == 3 * len(noise_levels(repo))  # three parameters per noise level
    for stem in ["kl", "accuracy", "evidence", "bias"]:
        for ext in ["csv", "md", "tex"]:
            assert (results / f"tables/{stem}.{ext}").stat().st_size > 0
    names = ["emulator_error", "kl", "bias"] + [
        f"corner_noise_{noise:g}mK" for noise in noise_levels(repo)
    ]
    for name in names:
        for ext in ["pdf", "png"]:
            assert (results / f"figures/{name}.{ext}").stat().st_size > 0


def test_bound_columns_equal_the_formula_on_accuracy_json(tiny_runs):
    results = tiny_runs["nested_sampling"]
    accuracy = json.loads((results / "emulator/accuracy.json").read_text())
    assert accuracy["n_data"] == 490
    kl = pd.read_csv(results / "tables/kl.csv")
    for column, rmse in (("bound_mean", "rmse_mean_mK"), ("bound_p95", "rmse_p95_mK")):
        expected = kl_bound(accuracy[rmse], kl["noise_mK"], accuracy["n_data"])
        np.testing.assert_allclose(kl[column], expected, rtol=1e-12)


@pytest.mark.parametrize("route", ROUTES)
def test_both_kl_estimators_agree_within_their_uncertainties(tiny_runs, route):
    kl = pd.read_csv(tiny_runs[route] / "tables/kl.csv")
    for _, row in kl.iterrows():
        # Both errors are bootstrap standard deviations; the density estimators' comes
        # from N_REPLICATES refits and dominates, so the combined error's 99% bound is
        # Student's t with N_REPLICATES - 1 degrees of freedom (4.6 for 5).
        combined = np.hypot(row.kl_flow_err, row.kl_likelihood_err)
        assert abs(row.kl_flow - row.kl_likelihood) <= T_99 * combined, row


@pytest.mark.parametrize("route", ["nested_sampling", "repartitioned"])
def test_likelihood_estimator_matches_the_evidence_ratio(tiny_runs, route):
    """Log <exp(dlogL)>_P equals log Z_emu - log Z_full (the sampled routes)."""
    kl = pd.read_csv(tiny_runs[route] / "tables/kl.csv")
    for _, row in kl.iterrows():
        difference = row.log_mean_likelihood_ratio - row.log_evidence_ratio
        assert abs(difference) <= 3 * row.log_evidence_ratio_err, row


@pytest.mark.parametrize("route", ["repartitioned", "reweighting"])
def test_full_posterior_routes_agree(repo, tiny_runs, route):
    """Repartitioning, or reweighting the emulator run, reproduces full-model nested sampling."""
    names = [p["name"] for p in yaml.safe_load((repo / TINY).read_text())["parameters"]]
    for noise in noise_levels(repo):
        stem = f"posteriors/noise_{noise:g}mK/full.csv"
        means, errors = [], []
        for route_ in ("nested_sampling", route):
            table = pd.read_csv(tiny_runs[route_] / stem)
            w = table["weight"].to_numpy()
            mean = w @ table[names].to_numpy()
            std = np.sqrt(w @ (table[names].to_numpy() - mean) ** 2)
            ess = 1 / np.sum(w**2)
            means.append(mean)
            errors.append(std / np.sqrt(ess))
        # Posterior means agree within 4 combined standard errors (ESS-based).
        np.testing.assert_array_less(np.abs(means[0] - means[1]), 4 * np.hypot(*errors))
    a, b = (pd.read_csv(tiny_runs[r] / "tables/kl.csv") for r in ("nested_sampling", route))
    combined = np.hypot(a["kl_likelihood_err"], b["kl_likelihood_err"])
    assert (np.abs(a["kl_likelihood"] - b["kl_likelihood"]) <= 3 * combined).all()
    a, b = (pd.read_csv(tiny_runs[r] / "tables/evidence.csv") for r in ("nested_sampling", route))
    combined = np.hypot(a["log_Z_full_err"], b["log_Z_full_err"])
    assert (np.abs(a["log_Z_full"] - b["log_Z_full"]) <= 3 * combined).all()


@pytest.mark.parametrize("route", ["nested_sampling", "repartitioned"])
def test_the_kl_table_shows_what_reweighting_would_have_given(tiny_runs, route):
    """A sampled route's kl_reweighting and ess_reweighting are the reweighting route's."""
    sampled = pd.read_csv(tiny_runs[route] / "tables/kl.csv")
    reweighted = pd.read_csv(tiny_runs["reweighting"] / "tables/kl.csv")
    np.testing.assert_allclose(sampled["kl_reweighting"], reweighted["kl_likelihood"], rtol=1e-9)
    np.testing.assert_allclose(sampled["ess_reweighting"], reweighted["ess"], rtol=1e-9)
    np.testing.assert_array_equal(reweighted["kl_reweighting"], reweighted["kl_likelihood"])


def job_counts(dry_run_output: str) -> dict[str, int]:
    """Rule name -> job count from the 'Job stats' table of a dry run."""
    table = dry_run_output.split("Job stats:")[1].split("total")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.MULTILINE)}


def test_new_noise_level_reruns_only_its_jobs_and_the_aggregates(repo, tiny_runs, tmp_path):
    config = yaml.safe_load((repo / TINY).read_text())
    config["noise_levels_mK"].append(100)
    config["full_posterior"] = "reweighting"
    (tmp_path / "more_levels.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run_snakemake(
        tiny_runs["workdir"], "-n", "--configfile", str(tmp_path / "more_levels.yaml")
    )
    counts = job_counts(result.stdout + result.stderr)
    # the emulator-error figure too: it marks every noise level
    assert counts == {
        "mock_data": 1, "nested_sampling": 1, "posterior": 2, "fit_density": 2,
        "divergence": 1, "figure_corner": 1, "tables": 1, "kl_prediction": 1, "figure_kl": 1,
        "figure_bias": 1, "figure_rmse_allowed": 1, "figure_emulator_error": 1,
        "paper_inputs": 1, "all": 1,
    }  # fmt: skip


def test_every_job_declares_its_cluster_resources(repo, tmp_path):
    """SLURM sizes each job from its rule's threads, mem_mb and runtime."""
    result = run_snakemake(tmp_path, "-n", "--configfile", str(repo / TINY))
    output = result.stdout + result.stderr
    jobs = re.findall(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", output, re.MULTILINE)
    resources = {rule: re.search(r"resources: (.*)", body) for rule, body in jobs}
    assert set(resources) == set(job_counts(output))
    for rule, declared in resources.items():
        if rule == "all":
            continue
        assert declared, f"rule {rule} declares no resources"
        assert re.search(r"\bmem_mb=\d+", declared[1]), rule
        assert re.search(r"\bruntime=\d+", declared[1]), rule
    # One process per sampling run with nss: an empty mpi launcher, so that SLURM's
    # executor does not treat it as an MPI job.
    assert "tasks=1, mpi=," in resources["nested_sampling"][1]


def test_an_emulator_posterior_fits_beside_a_full_model_run(repo, tmp_path):
    """The emulator posterior fits in the core that a full-model run leaves free.

    On 2 cores a full-model run (one thread) leaves one core; the next level's full-model
    run waits for its emulator posterior, which with two threads waited for the running
    one, so that the levels ran one after another.
    """
    result = run_snakemake(tmp_path, "-n", "--configfile", str(repo / TINY),
                           "--config", "full_posterior=repartitioned")  # fmt: skip
    jobs = re.findall(r"^(?:local)?rule (nested_sampling|posterior):\n((?:    .*\n)*)",
                      result.stdout + result.stderr, re.MULTILINE)  # fmt: skip
    threads = {(rule, re.search(r"model=(\w+)", body)[1]):
               int(re.search(r"threads: (\d+)", body)[1]) if "threads:" in body else 1
               for rule, body in jobs}  # fmt: skip
    assert threads[("nested_sampling", "full")] + threads[("posterior", "emulator")] <= 2
    assert threads[("posterior", "full")] == 2  # it evaluates the full model


def test_paper_config_builds_the_full_dag_without_its_backends(repo, tmp_path):
    """A dry run checks no backend: ARES and pypolychord need not be installed."""
    result = run_snakemake(tmp_path, "-n", "--configfile", str(repo / "config/paper.yaml"))
    assert job_counts(result.stdout + result.stderr) == {
        "simulate_chunk": 3 * 48, "merge_split": 3, "mock_data": 4, "train_emulator": 1,
        "emulator_accuracy": 1, "train_emulator_without_preprocessing": 1,
        "emulator_accuracy_without_preprocessing": 1, "nested_sampling": 2 * 4,
        "nested_sampling_repeat": 2 * 2, "posterior_repeat": 2 * 2, "fit_density_repeat": 2 * 2,
        "divergence_repeat": 2, "repeats_table": 1, "figure_repeats": 1, "posterior": 2 * 4,
        "fit_density": 2 * 4, "linearise": 1, "divergence": 4, "kl_prediction": 1, "tables": 1,
        "figure_emulator_error": 1, "figure_corner": 4, "figure_kl": 1, "figure_bias": 1,
        "figure_rmse_allowed": 1, "paper_inputs": 1, "all": 1,
    }  # fmt: skip
    # PolyChord runs with MPI: 64 tasks, launched by mpiexec unless a profile says srun.
    assert "tasks=64, mpi=mpiexec -n 64" in result.stdout


def test_a_missing_backend_stops_the_run_before_any_job(repo, tmp_path):
    config = yaml.safe_load((repo / "config/paper.yaml").read_text())
    config["simulator"]["options"]["python"] = str(tmp_path / "ares-venv/bin/python")
    paper = tmp_path / "paper.yaml"
    paper.write_text(yaml.safe_dump(config))
    result = run_snakemake(tmp_path, "--configfile", str(paper), check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "missing backend" in output
    assert f"simulator.options.python: '{tmp_path}/ares-venv/bin/python' is not an" in output
    assert "https://github.com/mirochaj/ares" in output and "numpy<2" in output
    if importlib.util.find_spec("pypolychord") is None:
        assert "polychord needs pypolychord, which is not installed" in output
        assert "git clone https://github.com/PolyChord/PolyChordLite" in output
    assert not (tmp_path / "results").exists() and not (tmp_path / "logs").exists()


def test_a_wrong_config_stops_before_any_job_naming_the_key(repo, tmp_path):
    config = yaml.safe_load((repo / TINY).read_text())
    config["noise_levels_mK"] = [25, -5]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(config))
    result = run_snakemake(tmp_path, "-n", "--configfile", str(bad), check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "noise_levels_mK[1]" in output
    assert not (tmp_path / "results").exists()


@pytest.mark.slow
def test_small_hyprfine_study_with_full_model_nested_sampling(repo, tmp_path):
    """Hyprfine through the whole DAG: 2 parameters, 10 live points, one noise level."""
    run_snakemake(tmp_path, "--configfile", str(repo / "tests/config/hyprfine_small.yaml"))
    kl = pd.read_csv(tmp_path / "results/tables/kl.csv")
    assert kl["noise_mK"].tolist() == [250]
    assert (kl["full_posterior"] == "nested_sampling").all()
    assert np.isfinite(kl.select_dtypes("number").to_numpy()).all()
    stats = json.loads((tmp_path / "results/sampling/full/noise_250mK/stats.json").read_text())
    assert stats["n_likelihood_calls"] > stats["n_live"] == 10
    assert (tmp_path / "results/figures/corner_noise_250mK.png").stat().st_size > 0


def test_list_and_number_keys_can_be_set_on_the_command_line(repo, tiny_runs):
    """The README's use: rerun with another noise grid, given on the command line."""
    result = run_snakemake(
        tiny_runs["workdir"], "-n", "--configfile", str(repo / TINY),
        "--config", "noise_levels_mK=[50,250,100]", "full_posterior=reweighting",
        "divergence={n_bootstrap: 100}",
    )  # fmt: skip
    counts = job_counts(result.stdout + result.stderr)
    # only the new level's jobs and the aggregates: 50 and 250 mK are done
    assert counts["mock_data"] == 1 and counts["divergence"] == 1


def test_a_yaml_error_in_the_default_config_names_the_file_and_line(repo, tmp_path):
    (tmp_path / "config").mkdir()
    text = (repo / "config/config.yaml").read_text().replace("seed: 2025", "seed: [2025", 1)
    (tmp_path / "config/config.yaml").write_text(text)
    result = run_snakemake(tmp_path, "-n", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert re.search(r"config/config.yaml, line \d+, column \d+: not valid YAML", output)


def test_no_tensorflow_or_cuda_banner_in_the_console_or_the_logs(tiny_study):
    """Keep TensorFlow's C++ start-up lines out of the console and the logs.

    'Could not find cuda drivers', 'failed call to cuInit': noise on a CPU machine, which
    looks like the cause of any failure.
    """
    banners = re.compile(r"cuda|cuInit|oneDNN|absl::InitializeLog", re.IGNORECASE)
    assert not banners.search(tiny_study.console)
    logs = list((tiny_study.workdir / "logs").rglob("*.log"))
    assert any("train_emulator" in log.name for log in logs)
    for log in logs:
        assert not banners.search(log.read_text()), log


def test_both_profiles_show_a_failed_jobs_log(repo):
    for profile in ("default", "slurm"):
        settings = yaml.safe_load((repo / f"workflow/profiles/{profile}/config.yaml").read_text())
        assert settings["show-failed-logs"] is True


def test_the_route_benchmark_runs_every_route_on_a_finished_study(repo, tiny_study, capsys):
    from anesthetic import read_chains

    from posterior_recovery.route_benchmark import main

    def table(*extra) -> dict:
        main(["--configfile", str(repo / TINY), "--results", str(tiny_study.workdir / "results"),
              "--noise-mK", "250", *extra])  # fmt: skip
        lines = capsys.readouterr().out.splitlines()[2:]
        # | noise_mK | route | calls | evaluations | n_iterations | wall_time_s | log_Z_full | ...
        return {line.split("|")[2].strip(): line.split("|") for line in lines}

    read, rerun = table(), table("--rerun-study-route")
    assert set(read) == set(rerun) == {"nested_sampling", "repartitioned", "reweighting"}
    plain = json.loads(
        (tiny_study.workdir / "results/sampling/full/noise_250mK/stats.json").read_text()
    )
    # the study's own route (plain NS here) is read from its run ...
    assert int(read["nested_sampling"][3]) == plain["n_likelihood_calls"]
    assert float(read["nested_sampling"][5]) == plain["n_iterations"]
    assert float(read["nested_sampling"][6]) == pytest.approx(plain["wall_time_s"], rel=1e-5)
    # ... which is what running it again with the study's seed and settings gives
    assert rerun["nested_sampling"][3:6] == read["nested_sampling"][3:6]
    assert rerun["nested_sampling"][7:9] == read["nested_sampling"][7:9]
    for route, row in read.items():
        calls, evaluations = int(row[3]), int(row[4])
        assert 0 < calls <= evaluations, route
    # --runs keeps a rerun route's run: its samples and stats, the row's numbers
    runs = tiny_study.workdir / "route_runs"
    kept = table("--routes", "repartitioned", "--runs", str(runs))["repartitioned"]
    assert kept[3:6] == read["repartitioned"][3:6]  # calls, evaluations, iterations
    assert kept[7:9] == read["repartitioned"][7:9]  # log Z and its error
    kept_stats = json.loads((runs / "noise_250mK/repartitioned/stats.json").read_text())
    assert kept_stats["n_likelihood_calls"] == int(kept[3])
    samples = read_chains(str(runs / "noise_250mK/repartitioned/nested_samples.csv"))
    assert len(samples) == kept_stats["n_samples"]
    for route, row in read.items():  # calls x err^2; reweighting's error is the emulator run's
        calls_for_unit_err = float(row[9])
        if route == "reweighting":
            assert np.isnan(calls_for_unit_err)
        else:
            assert calls_for_unit_err == pytest.approx(int(row[3]) * float(row[8]) ** 2, rel=1e-5)


def test_the_route_benchmark_repeats_the_sampled_routes_with_other_sampler_seeds(
    repo, tiny_study, capsys
):
    from posterior_recovery.route_benchmark import main

    runs = tiny_study.workdir / "seeded_route_runs"
    main(["--configfile", str(repo / TINY), "--results", str(tiny_study.workdir / "results"),
          "--noise-mK", "250", "--routes", "nested_sampling", "reweighting",
          "--sampler-seeds", "0", "1", "--runs", str(runs)])  # fmt: skip
    runs_table, spread_table = capsys.readouterr().out.split("\n\n")
    rows = [line.split("|") for line in runs_table.splitlines()[2:]]
    # | noise_mK | route | calls | ... | sampler_seed |: reweighting once, plain NS per seed
    assert [(row[2].strip(), int(row[11])) for row in rows] == [
        ("nested_sampling", 0),
        ("reweighting", 0),
        ("nested_sampling", 1),
    ]
    plain = json.loads(
        (tiny_study.workdir / "results/sampling/full/noise_250mK/stats.json").read_text()
    )
    seed_0, seed_1 = rows[0], rows[2]
    assert int(seed_0[3]) == plain["n_likelihood_calls"]  # the study's own run
    seed_1_stats = json.loads((runs / "seed_1/noise_250mK/nested_sampling/stats.json").read_text())
    assert int(seed_1[3]) == seed_1_stats["n_likelihood_calls"]
    assert float(seed_1[7]) != float(seed_0[7])  # another seed, another run: its log Z
    # the spread table: the two plain runs' mean calls, and plain NS over itself is 1
    spread = {line.split("|")[2].strip(): line.split("|") for line in
              spread_table.splitlines()[2:]}  # fmt: skip
    header = [name.strip() for name in spread_table.splitlines()[0].split("|")]
    column = {name: i for i, name in enumerate(header)}
    plain_spread = spread["nested_sampling"]
    assert int(plain_spread[column["n_runs"]]) == 2
    assert float(plain_spread[column["full_model_calls_mean"]]) == pytest.approx(
        (int(seed_0[3]) + int(seed_1[3])) / 2, rel=1e-5
    )
    assert float(plain_spread[column["calls_over_plain"]]) == 1
    assert int(spread["reweighting"][column["n_runs"]]) == 1


def printed(value: float, err: float) -> list[str]:
    """Return a D_KL and its error as the paper prints them: to the error's 2 digits."""
    decimals = max(0, 1 - int(np.floor(np.log10(err))))
    return [f"{value:.{decimals}f}", f"{err:.{decimals}f}"]


def three_digits(value: float) -> str:
    return f"{value:.{max(0, 2 - int(np.floor(np.log10(abs(value)))))}f}"


NEEDS_LATEX = pytest.mark.skipif(
    shutil.which("latexmk") is None, reason="needs LaTeX (.ci/run installs it)"
)


@NEEDS_LATEX
def test_the_paper_quotes_the_studys_tables_and_names_only_existing_figures(tiny_runs):
    """`snakemake paper` on a finished study: only the PDF is left to build."""
    workdir = tiny_runs["workdir"]
    # the target first: --configfile takes every argument after it
    route = ("--config", "full_posterior=reweighting")
    result = run_snakemake(workdir, "paper", "--configfile", str(REPO / TINY), *route)
    assert job_counts(result.stdout + result.stderr) == {"paper": 1}
    results = workdir / "results"
    pdf = results / "paper/ms.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\u2212", "-")  # fmt: skip
    kl = pd.read_csv(results / "tables/kl.csv")
    for row in kl.itertuples():
        for value in (row.bound_mean, row.bound_p95):
            assert three_digits(value) in text, value
        for value, err in ((row.kl_likelihood, row.kl_likelihood_err),
                           (row.kl_flow, row.kl_flow_err)):  # fmt: skip
            for number in printed(value, err):
                assert number in text, (row.noise_mK, value, err)
    accuracy = json.loads((results / "emulator/accuracy.json").read_text())
    assert f"{three_digits(accuracy['rmse_mean_mK'])} mK" in text
    sources = [REPO / "paper/ms.tex", results / "paper/corner_figures.tex"]
    figures = re.findall(r"\\includegraphics(?:\[[^]]*\])?\{(\w+)\}",
                         "".join(path.read_text() for path in sources))  # fmt: skip
    assert len(figures) == 4 + len(noise_levels(REPO))
    for name in figures:
        assert (results / f"figures/{name}.pdf").is_file(), name
    # Snakemake's report: every figure and table with its caption, the captions valid RST
    report = run_snakemake(workdir, "--report", "report.html", "--configfile", str(REPO / TINY),
                           *route)  # fmt: skip
    assert "ERROR" not in report.stdout + report.stderr
    assert (workdir / "report.html").stat().st_size > 100_000


@pytest.fixture(scope="module")
def optional_figures(tiny_study, tmp_path_factory):
    """Rerun the finished tiny study with both optional figures on, and build its paper.

    Fig. 1's second emulator and Fig. C1's repeat runs; returns the folder, the console
    output and the PDF's text.
    """
    workdir = copy_study(tiny_study, tmp_path_factory.mktemp("optional") / "study")
    switches = ("--config", "emulator_without_preprocessing=true",
                "repeats={noise_mK: 50, sampler_seeds: [1]}")  # fmt: skip
    result = run_snakemake(workdir, "all", "paper", "--configfile", str(REPO / TINY), *switches)
    pdf = subprocess.run(["pdftotext", str(workdir / "results/paper/ms.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return SimpleNamespace(workdir=workdir, console=result.stdout + result.stderr, pdf=pdf)


@NEEDS_LATEX
def test_switching_on_the_optional_figures_runs_only_their_jobs(tiny_study, optional_figures):
    """Only the new emulator's and the repeats' jobs, the figure and the paper rerun.

    The study's tables stay as they were.
    """
    assert job_counts(optional_figures.console) == {
        "train_emulator_without_preprocessing": 1, "emulator_accuracy_without_preprocessing": 1,
        "figure_emulator_error": 1, "nested_sampling_repeat": 2, "posterior_repeat": 2,
        "fit_density_repeat": 2, "divergence_repeat": 1, "repeats_table": 1,
        "figure_repeats": 1, "paper_inputs": 1, "paper": 1, "all": 1,
    }  # fmt: skip
    for table in (tiny_study.workdir / "results/tables").iterdir():
        made = optional_figures.workdir / "results/tables" / table.name
        assert made.read_bytes() == table.read_bytes()


@NEEDS_LATEX
def test_the_emulator_without_preprocessing_joins_the_error_figure_and_the_paper(
    optional_figures,
):
    """Fig. 1's second emulator: trained with the preprocessing off, quoted in the paper."""
    model = optional_figures.workdir / "results/emulator_without_preprocessing/model"
    assert (model / "kwargs.txt").is_file() and not (model / "AFB.txt").exists()
    accuracy = json.loads((model.parent / "accuracy.json").read_text())
    numbers = (optional_figures.workdir / "results/paper/numbers.tex").read_text()
    quoted = re.search(r"\\studyWithoutPreprocessing\}\{[^}]* reaches ([0-9.]+)\\,mK", numbers)
    assert float(quoted[1]) == pytest.approx(accuracy["rmse_mean_mK"], rel=5e-3)
    assert f"{quoted[1]} mK" in optional_figures.pdf


@NEEDS_LATEX
def test_repeat_runs_sample_both_models_again_under_seeds_of_their_own(
    tiny_study, optional_figures
):
    """Fig. C1's repeat runs: row 0 is the study's run, the repeat differs within errors."""
    workdir = optional_figures.workdir
    table = pd.read_csv(workdir / "results/tables/repeats.csv")
    kl = pd.read_csv(tiny_study.workdir / "results/tables/kl.csv").set_index("noise_mK")
    assert table["sampler_seed"].tolist() == [0, 1]
    for column in ("kl_likelihood", "kl_flow"):
        assert table[column][0] == kl.loc[50, column]
    # another seed, other samples: the same posterior within a few errors (measured on
    # the tiny study: 0.0296 +- 0.0025 and 0.0276 +- 0.0026)
    assert table["log_Z_full"][1] != table["log_Z_full"][0]
    assert abs(table["kl_likelihood"].diff()[1]) < 4 * table["kl_likelihood_err"].max()
    assert (workdir / "results/figures/repeats.pdf").stat().st_size > 0
    text = optional_figures.pdf.replace("\u2212", "-")
    assert printed(table["log_Z_full"][1], table["log_Z_full_err"][1])[0] in text
    # the scatter over the runs, as the appendix quotes it (to two digits)
    scatter = significant(table["kl_likelihood"].std(), 2)
    assert re.search(rf"{re.escape(scatter)}\s+nats", text), scatter


def test_a_new_noise_grid_marks_the_papers_numbers_and_pdf_for_rerun(tiny_runs, tmp_path):
    config = yaml.safe_load((REPO / TINY).read_text())
    config["noise_levels_mK"] = [50, 100]
    config["full_posterior"] = "reweighting"
    (tmp_path / "grid.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run_snakemake(
        tiny_runs["workdir"], "-n", "paper", "--configfile", str(tmp_path / "grid.yaml")
    )
    counts = job_counts(result.stdout + result.stderr)
    assert counts["paper_inputs"] == 1 and counts["paper"] == 1
