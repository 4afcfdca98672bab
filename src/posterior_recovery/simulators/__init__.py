"""Full models of the global 21-cm signal, chosen by name (``simulator.name``).

A simulator is a backend (:mod:`posterior_recovery.backends`) whose settings are the
config's ``simulator.options``, and which also defines

``PARAMETERS``
    name -> default value (physical units) of every parameter it can vary;
``JAX_TRACEABLE``
    whether its models are JAX functions, through which samplers ``jit`` and ``vmap``
    and the linearisation differentiates;
``make(redshift, parameter_names, **options) -> model``
    the full model on the ascending redshift grid (N_d,), varying ``parameter_names``.

A model, here and for the emulators, has ``redshift``, ``parameter_names``,
``jax_traceable`` and ``__call__(physical)``: signals in mK, shape (n, N_d), for
physical parameter values of shape (n, d) with the columns in ``parameter_names`` order.
"""

from __future__ import annotations

import numpy as np

from ..backends import Registry, schema_errors, settings_schema
from . import ares, faulty, gaussian, hyprfine, linear


def _parameter_errors(config: dict, backend) -> list[str]:
    names = [p["name"] for p in config["parameters"]]
    unknown = [name for name in names if name not in backend.PARAMETERS]
    if not unknown:
        return []
    return [
        f"parameters: {unknown} are not parameters of the {backend.NAME!r} simulator; "
        f"it knows {sorted(backend.PARAMETERS)}"
    ]


SIMULATORS = Registry(
    "simulator", [ares, faulty, gaussian, hyprfine, linear], settings_key="options",
    check=_parameter_errors,
)  # fmt: skip


def redshift_grid(grid: dict) -> np.ndarray:
    """Return the data grid (N_d,) from the config's ``simulator.redshift`` {min, max, step}."""
    n = int(round((grid["max"] - grid["min"]) / grid["step"])) + 1
    return np.round(grid["min"] + grid["step"] * np.arange(n), 10)


def make_simulator(name: str, redshift: np.ndarray, parameter_names, options=None):
    """Return the simulator registered as ``name`` with ``options`` (a mapping).

    Raises
    ------
    ValueError
        Naming the config key, when the name, a parameter name or an option is unknown
        to it.
    """
    backend = SIMULATORS.get(name)
    config = {"parameters": [{"name": p} for p in parameter_names]}
    errors = _parameter_errors(config, backend) + schema_errors(
        options or {}, settings_schema(backend.SETTINGS), prefix=("simulator", "options")
    )
    if errors:
        raise ValueError("; ".join(errors))
    settings = SIMULATORS.settings({"name": name, "options": options})
    return backend.make(np.asarray(redshift, dtype=float), tuple(parameter_names), **settings)
