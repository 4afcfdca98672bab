"""What survives, on the tiny study: a killed run, failing simulations, damaged files.

Every rerun here is what a user types: the same command again (with the local profile,
which reruns incomplete jobs and prints a failed job's log). A damaged file must stop the
rerun with the file named, or be remade; the tables must never change silently.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
import yaml

from .conftest import REPO, TINY, copy_study, run_snakemake

PROFILE = ("--workflow-profile", str(REPO / "workflow/profiles/default"), "--cores", "2")

pytestmark = pytest.mark.slow


def tables(workdir) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (workdir / "results/tables").iterdir()}


def test_a_run_killed_with_sigkill_resumes_to_the_same_tables(tiny_study, tmp_path):
    """Kill a run mid-sampling; the same command again gives the same tables.

    The run starts from the tiny study with everything after the emulator removed (the
    training set and the emulator, a third of the run, are not what is tested here).
    """
    workdir = copy_study(tiny_study, tmp_path / "killed")
    for made in (workdir / "results").iterdir():
        if made.name not in ("training_set", "emulator"):
            shutil.rmtree(made)
    shutil.rmtree(workdir / "logs/nested_sampling")
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir), *PROFILE, "--configfile", str(TINY),
    ]  # fmt: skip
    run = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # Kill Snakemake and every job (a node failure) once a nested-sampling job runs.
    deadline = time.monotonic() + 600
    while not list(workdir.glob("logs/nested_sampling/*.log")):
        assert run.poll() is None and time.monotonic() < deadline, "the run ended before"
        time.sleep(0.5)
    time.sleep(3)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert not (workdir / "results/tables").exists()
    # The README's recovery: unlock the folder the killed run held, run the same again.
    run_snakemake(workdir, "--unlock", "--configfile", str(TINY))
    run_snakemake(workdir, *PROFILE, "--configfile", str(TINY))
    assert tables(workdir) == tables(tiny_study.workdir)


def faulty_study(tmp_path, failure_fraction):
    config = yaml.safe_load(TINY.read_text())
    config["simulator"] = {
        **config["simulator"], "name": "faulty",
        "options": {"failure_fraction": failure_fraction},
    }  # fmt: skip
    path = tmp_path / f"faulty_{failure_fraction}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


TRAINING_SET = ("results/training_set/train.npz", "results/training_set/train_failures.csv")


def test_failed_simulations_below_the_limit_are_recorded_and_left_out(tmp_path):
    # 2% of draws fail; the limit is 5%: of 300 draws, 6 +- 2.4 fail (binomial)
    run_snakemake(tmp_path, *TRAINING_SET, "--configfile", str(faulty_study(tmp_path, 0.02)))
    failures = pd.read_csv(tmp_path / TRAINING_SET[1])
    train = np.load(tmp_path / TRAINING_SET[0])
    assert 0 < len(failures) <= 15 and (failures["reason"] == "non-finite signal").all()
    assert len(train["theta"]) + len(failures) == 300 and int(train["n_failed"]) == len(failures)
    assert np.isfinite(train["signals"]).all()
    # none of the failed parameter sets is in the training set
    kept = {tuple(row) for row in np.round(train["theta"], 12)}
    names = ["amplitude_mK", "centre_z", "width_z"]
    assert not kept & {tuple(row) for row in np.round(failures[names].to_numpy(), 12)}


def test_failed_simulations_above_the_limit_stop_with_the_reason_on_the_console(tmp_path):
    config = faulty_study(tmp_path, 0.3)
    result = run_snakemake(tmp_path, *TRAINING_SET, *PROFILE, "--configfile", str(config),
                           check=False)  # fmt: skip
    console = result.stdout + result.stderr
    assert result.returncode != 0
    # the job's own error, from its log, on the console (show-failed-logs)
    assert "simulations failed" in console and "training_set.max_failure_fraction" in console
    assert "non-finite signal" in console
    assert not (tmp_path / TRAINING_SET[0]).exists()


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


# (the file, what is done to it, the rule that writes it); a file that is truncated is
# read damaged by the jobs that rerun (its time is new), a member of a folder is checked
# when the workflow starts, a deleted file is remade.
DAMAGE = {
    "npz": ("results/data/noise_50mK.npz", truncate, "mock_data"),
    "anesthetic csv": ("results/sampling/full/noise_50mK/nested_samples.csv", truncate,
                       "nested_sampling"),
    "json": ("results/emulator/accuracy.json", truncate, "emulator_accuracy"),
    "emulator model file": ("results/emulator/model/model.h5", os.remove, None),
    "density estimator file": ("results/density/noise_250mK/emulator/r1_k0_estimator_0.marg",
                               truncate, None),
    "posterior csv": ("results/posteriors/noise_250mK/emulator.csv", truncate, "posterior"),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_file_stops_the_rerun_naming_it(tiny_study, tmp_path, kind):
    relative, damage, producer = DAMAGE[kind]
    workdir = copy_study(tiny_study, tmp_path / "study")
    damage(workdir / relative)
    result = run_snakemake(workdir, *PROFILE, "--configfile", str(TINY), check=False)
    console = result.stdout + result.stderr
    assert result.returncode != 0
    assert relative.rsplit("/", 1)[-1] in console and relative.split("/")[1] in console
    if producer:  # a job read it: its error names the file and the rule that remakes it
        assert f"{relative}: " in console and f"--forcerun {producer}" in console
    else:  # a folder's member: the workflow stops before any job
        assert "no longer holds what its job wrote" in console
    assert tables(workdir) == tables(tiny_study.workdir)


def test_a_deleted_file_is_remade_the_same_when_needed(tiny_study, tmp_path):
    """Remake a deleted file, the same, once a job needs it.

    While everything after it is up to date, Snakemake leaves it missing.
    """
    relative = "results/posteriors/noise_250mK/full.json"
    workdir = copy_study(tiny_study, tmp_path / "study")
    (workdir / relative).unlink()
    run_snakemake(workdir, *PROFILE, "--configfile", str(TINY))
    assert tables(workdir) == tables(tiny_study.workdir)
    run_snakemake(workdir, *PROFILE, "--configfile", str(TINY), "--forcerun", "divergence")
    assert (workdir / relative).read_bytes() == (tiny_study.workdir / relative).read_bytes()
    assert tables(workdir) == tables(tiny_study.workdir)
