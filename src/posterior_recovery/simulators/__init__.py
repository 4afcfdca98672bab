"""Full models of the global 21-cm signal, chosen by name from the config.

A simulator is an object with

- ``redshift``: the data grid, shape (N_d,), ascending;
- ``parameter_names``: the physical parameters it is called with, in column order;
- ``__call__(physical)``: signals in mK, shape (n, N_d), for physical parameter values
  of shape (n, d). JAX-traceable simulators set ``jax_traceable = True`` so that the
  likelihood can ``jit``/``vmap`` through them.

Adding a simulator is one module defining a class with a ``known_parameters`` mapping
(name -> default) and one line in :data:`SIMULATORS`.
"""

from __future__ import annotations

import numpy as np

from .gaussian import GaussianTrough
from .hyprfine import Hyprfine

SIMULATORS = {"gaussian": GaussianTrough, "hyprfine": Hyprfine}


def redshift_grid(grid: dict) -> np.ndarray:
    """The data grid from the config's ``simulator.redshift`` {min, max, step}."""
    n = int(round((grid["max"] - grid["min"]) / grid["step"])) + 1
    return np.round(grid["min"] + grid["step"] * np.arange(n), 10)


def make_simulator(name: str, redshift: np.ndarray, parameter_names, options=None):
    """Instantiate the simulator registered as ``name``.

    Raises ValueError naming the cause when the simulator is unknown or does not
    understand one of the parameter names.
    """
    if name not in SIMULATORS:
        raise ValueError(
            f"simulator.name: unknown simulator {name!r}; choose one of {sorted(SIMULATORS)}"
        )
    cls = SIMULATORS[name]
    unknown = [p for p in parameter_names if p not in cls.known_parameters]
    if unknown:
        raise ValueError(
            f"parameters: {unknown} are not parameters of the {name!r} simulator; "
            f"it knows {sorted(cls.known_parameters)}"
        )
    return cls(np.asarray(redshift, dtype=float), tuple(parameter_names), **(options or {}))
