"""Full models of the global 21-cm signal, chosen by name from the config.

A simulator is an object with

- ``redshift``: the data grid, shape (N_d,), ascending;
- ``parameter_names``: the physical parameters it is called with, in column order;
- ``__call__(physical)``: signals in mK, shape (n, N_d), for physical parameter values
  of shape (n, d). JAX-traceable simulators set ``jax_traceable = True`` so that the
  likelihood can ``jit``/``vmap`` through them (and the linearisation can differentiate
  them).

Adding a simulator is one module defining a class with a ``known_parameters`` mapping
(name -> default), constructed as ``cls(redshift, parameter_names, **options)`` with the
config's ``simulator.options``, and one line in :data:`SIMULATORS`. A class may add a
static ``option_errors(options) -> list[str]`` for checks before any job starts.
"""

from __future__ import annotations

import inspect

import numpy as np

from .ares import Ares
from .gaussian import GaussianTrough
from .hyprfine import Hyprfine
from .linear import Linear

SIMULATORS = {"ares": Ares, "gaussian": GaussianTrough, "hyprfine": Hyprfine, "linear": Linear}


def redshift_grid(grid: dict) -> np.ndarray:
    """The data grid from the config's ``simulator.redshift`` {min, max, step}."""
    n = int(round((grid["max"] - grid["min"]) / grid["step"])) + 1
    return np.round(grid["min"] + grid["step"] * np.arange(n), 10)


def configuration_errors(name: str, parameter_names, options=None) -> list[str]:
    """What is wrong with a simulator's name, parameter names and options: messages
    naming the config key, empty if nothing."""
    if name not in SIMULATORS:
        return [f"simulator.name: unknown simulator {name!r}; choose one of {sorted(SIMULATORS)}"]
    cls, errors = SIMULATORS[name], []
    unknown = [p for p in parameter_names if p not in cls.known_parameters]
    if unknown:
        errors.append(
            f"parameters: {unknown} are not parameters of the {name!r} simulator; "
            f"it knows {sorted(cls.known_parameters)}"
        )
    accepted = list(inspect.signature(cls.__init__).parameters)[3:]
    unexpected = [key for key in options or {} if key not in accepted]
    if unexpected:
        errors.append(
            f"simulator.options: the {name!r} simulator has no option(s) {unexpected}; "
            f"it takes {accepted or 'none'}"
        )
    elif hasattr(cls, "option_errors"):  # checks of its options that need no backend
        errors += cls.option_errors(options or {})
    return errors


def make_simulator(name: str, redshift: np.ndarray, parameter_names, options=None):
    """Instantiate the simulator registered as ``name`` with ``options`` (a mapping).

    Raises ValueError naming the cause when the name, a parameter name or an option is
    unknown to it.
    """
    errors = configuration_errors(name, parameter_names, options)
    if errors:
        raise ValueError("; ".join(errors))
    cls = SIMULATORS[name]
    return cls(np.asarray(redshift, dtype=float), tuple(parameter_names), **(options or {}))
