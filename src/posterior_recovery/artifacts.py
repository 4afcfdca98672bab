"""Writing the files that pass between rules: whole or not at all.

Every writer writes to a temporary name in the target's folder and renames it into
place, so a job killed mid-write leaves no truncated file under the output's name (and
Snakemake reruns the job). Folders are built under a temporary name the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import numpy as np


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
    temporary = path.with_name(f".{path.name}.partial-{os.getpid()}{suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.is_dir():
            shutil.rmtree(temporary)
        else:
            temporary.unlink(missing_ok=True)


def write_npz(path, arrays: dict) -> None:
    """Write named arrays as an uncompressed ``.npz``."""
    with atomic_path(path) as temporary, open(temporary, "wb") as f:
        np.savez(f, **arrays)


def write_json(path, record) -> None:
    """Write a JSON record, indented."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(record, indent=2))


def write_csv(path, table) -> None:
    """Write a pandas DataFrame as CSV without its index."""
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=False)
