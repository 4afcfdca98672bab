"""The rule functions of ``study`` in one process, on the validation problem at one level.

The linear simulator and the perturbed emulator need no training and sample in seconds,
so every rule's function runs here, in the workflow's order, on files it writes itself.
"""

from __future__ import annotations

import json
import types

import numpy as np
import pandas as pd
import pytest
import yaml

from posterior_recovery import artifacts, density, posterior, repartitioning, study
from posterior_recovery.names import SPLITS, TABLES

from .conftest import REPO

NOISE_MK = 10.0


@pytest.fixture(scope="module")
def cfg():
    config = yaml.safe_load((REPO / "tests/config/validation_tiny.yaml").read_text())
    config["noise_levels_mK"] = [NOISE_MK]
    config["training_set"].update(n_train=20, n_validation=20, n_test=40, chunks=2)
    return config


@pytest.fixture(scope="module")
def run(cfg, tmp_path_factory):
    """Every rule's function once, by the reweighting route; returns the files written."""
    root = tmp_path_factory.mktemp("study")
    files = types.SimpleNamespace(root=root)
    for split in SPLITS:
        chunks = []
        for chunk in range(cfg["training_set"]["chunks"]):
            chunks.append(root / f"{split}_{chunk}.npz")
            artifacts.write_npz(chunks[-1], study.simulate_chunk(cfg, split, chunk))
        merged, failures = study.merge_split(cfg, chunks)
        artifacts.write_npz(root / f"{split}.npz", merged)
        assert failures.empty
    files.emulator = root / "emulator"
    with artifacts.folder(files.emulator) as model_dir:
        study.train_emulator(cfg, model_dir, root / "train.npz", root / "validation.npz")
    files.accuracy = root / "accuracy.json"
    summary, errors = study.emulator_accuracy(cfg, files.emulator, root / "test.npz")
    artifacts.write_json(files.accuracy, summary)
    files.data = root / "data.npz"
    artifacts.write_npz(files.data, study.mock_data(cfg, NOISE_MK))
    files.samples = root / "emulator_run" / "nested_samples.csv"
    files.stats = root / "emulator_run" / "stats.json"
    samples, stats = study.nested_sampling(
        cfg, "emulator", NOISE_MK, files.data, files.emulator, files.samples.parent
    )
    files.samples.parent.mkdir()
    study.write_run(samples, stats, files.samples, files.stats)
    for model in ("full", "emulator"):
        table, summary = study.make_posterior(
            cfg, model, NOISE_MK, files.samples, files.data, files.emulator, files.stats
        )
        posterior.write(table, summary, root / f"{model}.csv", root / f"{model}.json")
        fits = study.fit_densities(cfg, NOISE_MK, root / f"{model}.csv", root / f"{model}.json")
        with artifacts.folder(root / f"{model}_densities") as directory:
            density.save(fits, directory, cfg["density_estimator"])
    files.linearisation = root / "linearisation.npz"
    artifacts.write_npz(files.linearisation, study.linearise(cfg, files.emulator))
    inputs = types.SimpleNamespace(
        data=files.data, linearisation=files.linearisation, accuracy=files.accuracy,
        emulator_model=files.emulator, full=root / "full.csv", full_summary=root / "full.json",
        emulator=root / "emulator.csv", emulator_summary=root / "emulator.json",
        full_densities=root / "full_densities", emulator_densities=root / "emulator_densities",
    )  # fmt: skip
    files.result = root / "result.json"
    artifacts.write_json(files.result, study.divergence(cfg, NOISE_MK, inputs))
    return files


def test_the_simulated_sets_are_the_linear_model(cfg, run):
    test = np.load(run.root / "test.npz")
    assert test["theta"].shape == (40, 3) and test["signals"].shape == (40, 490)
    model = study.simulator_from(cfg)
    np.testing.assert_allclose(test["signals"], np.asarray(model(test["theta"])), rtol=1e-12)


def test_accuracy_is_the_perturbation(run):
    accuracy = json.loads(run.accuracy.read_text())
    # E entries ~ N(0, 2^2) per unit parameter, eps ~ N(0, 9^2): an RMSE of ~9 mK
    assert 5 < accuracy["rmse_mean_mK"] < 15 and accuracy["n_test"] == 40


def test_both_posteriors_and_the_reweighting(run):
    full = json.loads((run.root / "full.json").read_text())
    emulated = json.loads((run.root / "emulator.json").read_text())
    assert full["route"] == "reweighting" and emulated["route"] == "nested_sampling"
    from anesthetic import read_chains

    assert full["n_model_calls"] == len(read_chains(run.samples))  # one per emulator sample
    assert emulated["n_model_calls"] == json.loads(run.stats.read_text())["n_likelihood_calls"]
    table = pd.read_csv(run.root / "full.csv")
    assert np.isfinite(table[["logL_full", "logL_emu"]].to_numpy()).all()


def test_the_result_recovers_the_exact_kl(run):
    result = json.loads(run.result.read_text())
    # the exact value from the emulator (tests/test_perturbed_emulator.py checks it), and
    # the likelihood estimator within 3 bootstrap standard deviations of it
    assert abs(result["kl_likelihood"] - result["kl_exact"]) < 3 * result["kl_likelihood_err"]
    # by reweighting, log <exp dlogL>_P is log Z_E - log Z up to the evidence draws
    assert result["log_mean_likelihood_ratio"] == pytest.approx(result["log_evidence_ratio"],
                                                                abs=0.01)  # fmt: skip


def test_tables_and_validation_aggregate_the_results(run):
    tables = study.tables([run.result], run.accuracy)
    assert list(tables) == list(TABLES)
    assert tables["kl"]["noise_mK"].tolist() == [NOISE_MK]
    assert len(tables["bias"]) == 3
    validation = study.validation([run.result])
    assert validation["kl_exact"].iloc[0] == json.loads(run.result.read_text())["kl_exact"]


def test_prediction_curve(cfg, run):
    prediction = study.kl_prediction([5.0, 40.0], run.accuracy, run.linearisation)
    assert prediction["noise_mK"].iloc[0] == pytest.approx(2.5)
    assert (np.diff(prediction["kl_linearised"]) < 0).all()  # falls as the noise grows


def test_a_repartitioned_run_resumes_only_under_the_same_q(cfg, run, tmp_path, monkeypatch):
    """The run folder is named by q, not only by the files q is fitted to."""
    cfg = {**cfg, "full_posterior": "repartitioned",
           "sampler": {**cfg["sampler"], "checkpoint_interval_s": 0}}  # fmt: skip
    emulator_posterior = (run.root / "emulator.csv", run.root / "emulator.json")

    def sample():
        samples, _ = study.nested_sampling(cfg, "full", NOISE_MK, run.data, None, tmp_path,
                                           emulator_posterior)  # fmt: skip
        return samples

    first = sample()
    # the same run again: its folder (resumed from the last checkpoint), its samples
    assert sample().equals(first)
    assert len(list(tmp_path.glob("nss-*"))) == 1
    # the same inputs and config, q fitted otherwise (as after a change in its code)
    fit = repartitioning.from_posterior
    monkeypatch.setattr(repartitioning, "from_posterior",
                        lambda *args, **kwargs: fit(*args, **{**kwargs, "alpha": 0.5}))  # fmt: skip
    sample()
    assert len(list(tmp_path.glob("nss-*"))) == 2
