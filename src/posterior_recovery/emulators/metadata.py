"""``emulator.json``: which emulator backend made a model folder, for which parameters."""

from __future__ import annotations

import json
from pathlib import Path

METADATA = "emulator.json"


def write_metadata(model_dir, name: str, parameter_names, **extra) -> None:
    """Write ``emulator.json`` (``name``, ``parameter_names`` and ``extra``) into a folder."""
    metadata = {"name": name, "parameter_names": list(parameter_names), **extra}
    (Path(model_dir) / METADATA).write_text(json.dumps(metadata, indent=2) + "\n")


def read_metadata(model_dir) -> dict:
    """Return the ``emulator.json`` of a model folder."""
    metadata = json.loads((Path(model_dir) / METADATA).read_text())
    # Emulators trained before there was a choice of backend are globalemu networks;
    # they stay usable without retraining.
    metadata.setdefault("name", "globalemu")
    return metadata
