"""Shared fixtures: the repository root and a runner for the Snakemake workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.simulators import redshift_grid

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the workflow of this repository in ``workdir`` with the current interpreter."""
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir), "--cores", "2", *args,
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
    return result


TINY = REPO / "tests/config/tiny.yaml"


@pytest.fixture(scope="session")
def tiny_study(tmp_path_factory):
    """Run the tiny study once (nested-sampling route): its folder and console output.

    Tests that change results work on a copy (:func:`copy_study`).
    """
    workdir = tmp_path_factory.mktemp("tiny_study")
    result = run_snakemake(workdir, "--configfile", str(TINY))
    return SimpleNamespace(workdir=workdir, console=result.stdout + result.stderr)


def copy_study(study, destination: Path) -> Path:
    """Copy a run's folder (results, logs, Snakemake's records) to ``destination``."""
    shutil.copytree(study.workdir, destination, symlinks=True)
    return destination


# The paper's data grid, z = 6.0 .. 54.9 in steps of 0.1 (N_d = 490).
REDSHIFT = redshift_grid({"min": 6.0, "max": 54.9, "step": 0.1})


def gaussian_trough_prior() -> Prior:
    """Return the prior of the quick and tiny studies (the gaussian simulator)."""
    return Prior(
        [
            Parameter("amplitude_mK", "uniform", 50.0, 300.0, 200.0),
            Parameter("centre_z", "uniform", 10.0, 25.0, 16.0),
            Parameter("width_z", "log-uniform", 1.0, 8.0, 3.0),
        ]
    )
