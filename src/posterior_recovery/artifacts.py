"""The files that pass between rules: written whole or not at all, checked when read.

==================  ==================  ==========================================  =======
kind                rule that writes it  what it holds (checked on read)             example
==================  ==================  ==========================================  =======
chunk               simulate_chunk      theta, signals, redshift, failed, reason    .npz
split               merge_split         theta, signals (finite), redshift, n_failed .npz
data                mock_data           redshift, signal, data, noise_mK (finite)   .npz
emulator            train_emulator      the backend's files, emulator.json          folder
accuracy            emulator_accuracy   the RMSE summary, n_data, n_test            .json
errors              emulator_accuracy   rmse, mean and p95 error against z          .npz
run                 nested_sampling     anesthetic's nested samples (n_samples)     .csv
stats               nested_sampling     calls, live points, log Z, n_samples        .json
posterior           posterior           weighted samples, both log L (n_samples)    .csv
summary             posterior           log Z, route, ESS and its flag, n_samples   .json
density             fit_density         margarine estimators per replicate, fold    folder
linearisation       linearise           both models and Jacobians at the fiducial   .npz
result              divergence          every column of the tables, the biases      .json
prediction          kl_prediction       bounds and linearised D_KL against noise    .csv
kl, bias            tables              the tables the figures draw                 .csv
repeats             repeats_table       every run's D_KL and log Z at one level     .csv
==================  ==================  ==========================================  =======

Every writer writes to a temporary name in the target's folder and renames it into
place, so a job killed mid-write leaves no truncated file under the output's name (and
Snakemake reruns the job). Folders (the emulator, the density estimators) are built
under a temporary name the same way, and end with ``manifest.json``: the size and
SHA-256 of every member.

Every reader checks what it reads: that the file parses, has the keys or columns its
producer writes, as many rows as the producer recorded, finite values where they must
be, and for a folder that every member matches its manifest. A file that fails stops
the job with one :class:`ArtifactError` naming the file, the rule that writes it and
how to remake it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .names import EVIDENCE_COLUMNS, KL_COLUMNS, REPEATS_COLUMNS, VALIDATION_COLUMNS

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Format:
    """What a kind of file holds: its producer, required keys (or columns), finite ones."""

    producer: str
    keys: tuple[str, ...] = ()
    finite: tuple[str, ...] = ()


_LINEARISATION = ("full_signal", "emulator_signal", "full_jacobian", "emulator_jacobian",
                  "prior_mean", "prior_variance")  # fmt: skip
_DATA = ("redshift", "signal", "data", "noise_mK", "theta_fiducial")
_ERRORS = ("redshift", "rmse", "mean_abs_error_z", "p95_abs_error_z")
FORMATS = {
    "chunk": Format("simulate_chunk", ("theta", "signals", "redshift", "failed", "reason")),
    "split": Format("merge_split", ("theta", "signals", "redshift", "n_failed"),
                    ("theta", "signals")),
    "data": Format("mock_data", _DATA, _DATA),
    "emulator": Format("train_emulator"),
    "accuracy": Format("emulator_accuracy", ("rmse_mean_mK", "rmse_median_mK", "rmse_p95_mK",
                                             "rmse_max_mK", "n_data", "n_test")),
    "errors": Format("emulator_accuracy", _ERRORS, _ERRORS),
    "run": Format("nested_sampling"),
    "stats": Format("nested_sampling", ("n_likelihood_calls", "n_live", "log_evidence",
                                        "log_evidence_err")),
    "posterior": Format("posterior", ("weight", "logL_full", "logL_emu"), ("weight",)),
    "summary": Format("posterior", ("log_evidence", "log_evidence_err", "route", "ess",
                                    "ess_below_threshold", "n_model_calls")),
    "density": Format("fit_density"),
    "linearisation": Format("linearise", _LINEARISATION, _LINEARISATION),
    "result": Format("divergence", tuple(dict.fromkeys(
        [*KL_COLUMNS, *EVIDENCE_COLUMNS, *VALIDATION_COLUMNS, "bias"]))),
    "prediction": Format("kl_prediction", ("noise_mK", "bound_mean", "bound_p95",
                                           "kl_linearised"),
                         ("noise_mK", "bound_mean", "bound_p95", "kl_linearised")),
    "kl": Format("tables", tuple(KL_COLUMNS)),
    "bias": Format("tables", ("noise_mK", "parameter", "emulator_bias")),
    "repeats": Format("repeats_table", tuple(REPEATS_COLUMNS)),
}  # fmt: skip


class ArtifactError(RuntimeError):
    """A file that a rule reads is missing, damaged, or not what its producer writes."""


def damaged(path, problem: str, producer: str) -> ArtifactError:
    """Make the error for a bad file: what is wrong, and how to remake it.

    Parameters
    ----------
    path : path
        The file or folder.
    problem : str
        What is wrong with it.
    producer : str
        The rule that writes it.
    """
    return ArtifactError(
        f"{path}: {problem}. The {producer} rule writes it: remove it and run the same "
        f"command again to remake it, or remake every such file with --forcerun {producer}"
    )


# --- writing ---------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_path(path, suffix: str = ""):
    """Yield a temporary path beside ``path``, renamed to it when the block succeeds.

    Parameters
    ----------
    path : path
        The final file or folder.
    suffix : str, optional
        Ending of the temporary name (some writers insist on one, e.g. ``.npz``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.partial-*"):  # left by a killed job
        _remove(stale)
    temporary = path.with_name(f".{path.name}.partial-{os.getpid()}{suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        _remove(temporary)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def folder(path):
    """Yield a temporary folder that becomes ``path``, with its manifest, on success."""
    with atomic_path(path) as temporary:
        temporary.mkdir()
        yield temporary
        write_manifest(temporary)


def write_npz(path, arrays: dict) -> None:
    """Write named arrays as an uncompressed ``.npz``."""
    with atomic_path(path) as temporary, open(temporary, "wb") as f:
        np.savez(f, **arrays)


def write_json(path, record) -> None:
    """Write a JSON record, indented."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(record, indent=2))


def write_csv(path, table: pd.DataFrame) -> None:
    """Write a pandas DataFrame as CSV without its index."""
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=False)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _members(directory: Path):
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST)


def write_manifest(directory) -> None:
    """Record the size and SHA-256 of every file under ``directory`` in its manifest."""
    directory = Path(directory)
    files = {
        str(p.relative_to(directory)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in _members(directory)
    }
    (directory / MANIFEST).write_text(json.dumps({"files": files}, indent=2))


# --- reading ---------------------------------------------------------------------------


def folder_problem(directory) -> str | None:
    """Say what is wrong with a folder output, judged by sizes only (cheap), or None.

    The problem names the member, relative to the folder. A folder without a manifest
    (written before manifests existed) cannot be judged and passes.
    """
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return None
    try:
        files = json.loads(manifest.read_text())["files"]
    except (ValueError, KeyError):
        return f"its {MANIFEST} is damaged"
    for name, record in files.items():
        member = directory / name
        if not member.is_file():
            return f"{name} is missing"
        if member.stat().st_size != record["bytes"]:
            return f"{name} has {member.stat().st_size} bytes, not the {record['bytes']} written"
    return None


def check_folder(directory, producer: str) -> Path:
    """Check every member of a folder output against its manifest (sizes and SHA-256).

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    ArtifactError
        When it is missing, or a member is missing or differs from what was written.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise damaged(directory, "the folder is missing", producer)
    problem = folder_problem(directory)
    if problem is None and (directory / MANIFEST).is_file():
        files = json.loads((directory / MANIFEST).read_text())["files"]
        changed = [name for name, record in files.items()
                   if _sha256(directory / name) != record["sha256"]]  # fmt: skip
        problem = f"{changed[0]} differs from what was written" if changed else None
    elif problem is None:
        log.warning("%s has no %s (written by an older version): not checked", directory,
                    MANIFEST)  # fmt: skip
    if problem is not None:
        raise damaged(directory, problem, producer)
    return directory


def _require(condition: bool, path, problem: str, producer: str) -> None:
    if not condition:
        raise damaged(path, problem, producer)


def _non_finite(arrays: dict, finite) -> str | None:
    for key in finite:
        values = np.asarray(arrays[key], dtype=float)
        if not np.all(np.isfinite(values)):
            return f"{key} has {int(np.sum(~np.isfinite(values)))} non-finite values"
    return None


def read_npz(path, producer: str, keys=(), finite=()) -> dict[str, np.ndarray]:
    """Read the arrays of an ``.npz``, every member (so that its checksum is verified).

    Parameters
    ----------
    path : path
        The file.
    producer : str
        The rule that writes it, for the message.
    keys : sequence of str
        Arrays it must hold.
    finite : sequence of str
        Arrays whose values must all be finite.
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise damaged(path, "it is missing", producer) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise damaged(path, f"it is not a readable .npz ({error})", producer) from None
    missing = [key for key in keys if key not in arrays]
    _require(not missing, path, f"it lacks the arrays {missing}", producer)
    problem = _non_finite(arrays, finite)
    _require(problem is None, path, str(problem), producer)
    return arrays


def read_json(path, producer: str, keys=()) -> dict:
    """Read a JSON record that must hold ``keys``."""
    try:
        record = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise damaged(path, "it is missing", producer) from None
    except ValueError as error:
        raise damaged(path, f"it is not valid JSON ({error})", producer) from None
    missing = [key for key in keys if key not in record]
    _require(not missing, path, f"it lacks the keys {missing}", producer)
    return record


def read_csv(path, producer: str, columns=(), rows: int | None = None, finite=()):
    """Read a CSV table with ``columns``, ``rows`` rows if given, finite ``finite`` columns."""
    try:
        table = pd.read_csv(path)
    except FileNotFoundError:
        raise damaged(path, "it is missing", producer) from None
    except (ValueError, pd.errors.ParserError) as error:
        raise damaged(path, f"it is not a readable table ({error})", producer) from None
    _check_table(table, path, producer, columns, rows, finite)
    return table


def _check_table(table, path, producer, columns, rows, finite) -> None:
    missing = [column for column in columns if column not in table.columns]
    _require(not missing, path, f"it lacks the columns {missing}", producer)
    if rows is not None:
        _require(len(table) == rows, path, f"it has {len(table)} rows, not the {rows} written",
                 producer)  # fmt: skip
    problem = _non_finite(table, finite)
    _require(problem is None, path, str(problem), producer)


def read_nested_samples(path, producer: str, names, rows: int | None = None):
    """Read a nested-sampling run (anesthetic's CSV) with parameter columns ``names``."""
    from anesthetic import read_chains

    try:
        samples = read_chains(str(path))
    except FileNotFoundError:
        raise damaged(path, "it is missing", producer) from None
    except (ValueError, KeyError, IndexError, pd.errors.ParserError) as error:
        raise damaged(path, f"it is not a readable anesthetic run ({error})", producer) from None
    columns = samples.columns.get_level_values(0)
    missing = [column for column in [*names, "logL", "logL_birth"] if column not in columns]
    _require(not missing, path, f"it lacks the columns {missing}", producer)
    if rows is not None:
        _require(len(samples) == rows, path, f"it has {len(samples)} samples, not the {rows} "
                 "written", producer)  # fmt: skip
    theta = samples[list(names)].to_numpy(dtype=float)
    log_likelihoods = [samples.logL.to_numpy()]
    if "logL_model" in columns:  # a repartitioned run's model log-likelihood
        log_likelihoods.append(samples["logL_model"].to_numpy(dtype=float))
    _require(np.all(np.isfinite(theta)) and np.all(np.isfinite(log_likelihoods)), path,
             "it has non-finite parameters or log-likelihoods", producer)  # fmt: skip
    return samples


def read(kind: str, path, *, columns=(), rows: int | None = None):
    """Read a file of one of the :data:`FORMATS`, checked.

    Parameters
    ----------
    kind : str
        Its kind (the module docstring's table).
    path : path
        The file (or folder, for ``emulator`` and ``density``).
    columns : sequence of str, optional
        Further columns that a table must have, with finite values (its parameters).
    rows : int, optional
        The rows (samples) that its producer recorded.

    Returns
    -------
    dict, pandas.DataFrame, anesthetic.NestedSamples or pathlib.Path
        The arrays, record, table, run or checked folder.
    """
    spec = FORMATS[kind]
    if kind in ("emulator", "density"):
        return check_folder(path, spec.producer)
    if kind == "run":
        return read_nested_samples(path, spec.producer, columns, rows)
    suffix = Path(path).suffix
    if suffix == ".npz":
        return read_npz(path, spec.producer, spec.keys, spec.finite)
    if suffix == ".json":
        return read_json(path, spec.producer, spec.keys)
    return read_csv(path, spec.producer, [*spec.keys, *columns], rows, [*spec.finite, *columns])
