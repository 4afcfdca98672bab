"""Files between rules: written whole or not at all, and a damaged one named on read."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from posterior_recovery import artifacts
from posterior_recovery.artifacts import ArtifactError


def truncate(path, fraction=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def fix_in(message: str, path, producer: str) -> bool:
    return (
        str(path) in message
        and f"The {producer} rule writes it" in message
        and (f"--forcerun {producer}" in message)
    )


def test_a_failed_write_leaves_nothing_under_the_name(tmp_path):
    target = tmp_path / "out" / "table.csv"
    with pytest.raises(RuntimeError), artifacts.atomic_path(target) as temporary:
        temporary.write_text("half a table")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary left either


def test_npz_round_trip_and_every_kind_of_damage(tmp_path):
    path = tmp_path / "data.npz"
    arrays = {"redshift": np.arange(5.0), "signal": np.ones(5), "data": np.ones(5),
              "noise_mK": np.array(25.0), "theta_fiducial": np.zeros(2)}  # fmt: skip
    artifacts.write_npz(path, arrays)
    read = artifacts.read("data", path)
    np.testing.assert_array_equal(read["data"], arrays["data"])
    truncate(path)
    with pytest.raises(ArtifactError) as error:
        artifacts.read("data", path)
    assert fix_in(str(error.value), path, "mock_data") and "not a readable .npz" in str(error.value)
    artifacts.write_npz(path, {**arrays, "data": np.array([1.0, np.nan, 1.0, 1.0, 1.0])})
    with pytest.raises(ArtifactError, match="data has 1 non-finite values"):
        artifacts.read("data", path)
    artifacts.write_npz(path, {k: v for k, v in arrays.items() if k != "signal"})
    with pytest.raises(ArtifactError, match=r"lacks the arrays \['signal'\]"):
        artifacts.read("data", path)
    path.unlink()
    with pytest.raises(ArtifactError, match="it is missing"):
        artifacts.read("data", path)


def test_json_truncated_or_incomplete(tmp_path):
    path = tmp_path / "accuracy.json"
    record = {"rmse_mean_mK": 1.0, "rmse_median_mK": 0.8, "rmse_p95_mK": 3.0,
              "rmse_max_mK": 9.0, "n_data": 490, "n_test": 100}  # fmt: skip
    artifacts.write_json(path, record)
    assert artifacts.read("accuracy", path) == record
    truncate(path)
    with pytest.raises(ArtifactError) as error:
        artifacts.read("accuracy", path)
    assert fix_in(str(error.value), path, "emulator_accuracy")
    artifacts.write_json(path, {"rmse_mean_mK": 1.0})
    with pytest.raises(ArtifactError, match="lacks the keys"):
        artifacts.read("accuracy", path)


def test_a_table_with_fewer_rows_than_written_is_named(tmp_path):
    path = tmp_path / "full.csv"
    table = pd.DataFrame({"a": np.arange(100.0), "weight": np.full(100, 0.01),
                          "logL_full": np.zeros(100), "logL_emu": np.zeros(100)})  # fmt: skip
    artifacts.write_csv(path, table)
    pd.testing.assert_frame_equal(artifacts.read("posterior", path, columns=["a"], rows=100), table)
    truncate(path)  # cut mid-line: a shorter table, its last row maybe half
    with pytest.raises(ArtifactError) as error:
        artifacts.read("posterior", path, columns=["a"], rows=100)
    assert fix_in(str(error.value), path, "posterior")
    with pytest.raises(ArtifactError, match=r"lacks the columns \['b'\]"):
        artifacts.read("posterior", tmp_path / "full.csv", columns=["b"])


def test_a_nested_sampling_run_cut_short_is_named(tmp_path):
    from anesthetic import NestedSamples

    rng = np.random.default_rng(0)
    logL = np.sort(rng.normal(size=200))
    run = NestedSamples(rng.uniform(size=(200, 2)), columns=["a", "b"], logL=logL,
                        logL_birth=np.r_[np.full(50, -np.inf), logL[:150]])  # fmt: skip
    path = tmp_path / "nested_samples.csv"
    run.to_csv(path)
    assert len(artifacts.read("run", path, columns=["a", "b"], rows=200)) == 200
    truncate(path)
    with pytest.raises(ArtifactError) as error:
        artifacts.read("run", path, columns=["a", "b"], rows=200)
    assert fix_in(str(error.value), path, "nested_sampling")


def test_a_repartitioned_run_with_a_non_finite_model_log_likelihood_is_named(tmp_path):
    from posterior_recovery.parameters import Parameter, Prior
    from posterior_recovery.samplers import DeadPoints, nested_samples

    prior = Prior([Parameter(name, "uniform", 0.0, 1.0, 0.5) for name in "ab"])
    rng = np.random.default_rng(0)
    logL = np.sort(rng.normal(size=100))
    logL_model = logL + 1.0
    dead = DeadPoints(rng.uniform(size=(100, 2)), logL, np.r_[np.full(20, -np.inf), logL[:80]],
                      logL_model)  # fmt: skip
    path = tmp_path / "nested_samples.csv"
    nested_samples(dead, prior).to_csv(path)
    run = artifacts.read("run", path, columns=["a", "b"], rows=100)
    # anesthetic sorts by logL: each row keeps its own model log-likelihood
    np.testing.assert_allclose(run["logL_model"].to_numpy(), run.logL.to_numpy() + 1.0)
    logL_model[3] = np.nan
    nested_samples(dead._replace(logL_model=logL_model), prior).to_csv(path)
    with pytest.raises(ArtifactError, match="non-finite parameters or log-likelihoods"):
        artifacts.read("run", path, columns=["a", "b"], rows=100)


def test_a_folder_is_checked_against_its_manifest(tmp_path):
    target = tmp_path / "model"
    with artifacts.folder(target) as directory:
        (directory / "model.h5").write_bytes(b"weights" * 100)
        (directory / "sub").mkdir()
        (directory / "sub" / "fit.json").write_text("{}")
    manifest = json.loads((target / artifacts.MANIFEST).read_text())["files"]
    assert set(manifest) == {"model.h5", "sub/fit.json"}
    assert artifacts.folder_problem(target) is None
    assert artifacts.read("emulator", target) == target
    # a byte changed in place: same size, so only the checksum sees it
    (target / "model.h5").write_bytes(b"Weights" + b"weights" * 99)
    assert artifacts.folder_problem(target) is None
    with pytest.raises(ArtifactError, match="model.h5 differs from what was written"):
        artifacts.read("emulator", target)
    truncate(target / "model.h5")
    assert artifacts.folder_problem(target) == "model.h5 has 350 bytes, not the 700 written"
    (target / "sub" / "fit.json").unlink()
    (target / "model.h5").write_bytes(b"weights" * 100)
    assert artifacts.folder_problem(target) == "sub/fit.json is missing"
    with pytest.raises(ArtifactError) as error:
        artifacts.read("density", target)
    assert fix_in(str(error.value), target, "fit_density")


def test_a_folder_from_before_manifests_passes_unchecked(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "model.h5").write_bytes(b"x")
    assert artifacts.folder_problem(tmp_path / "old") is None
    assert artifacts.read("emulator", tmp_path / "old") == tmp_path / "old"
