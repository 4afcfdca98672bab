"""Priors, the sampled space and the transforms to physical parameters.

This is the only module that knows about log-uniform priors. Every other module works
in the *sampled space*: a uniform box in which a log-uniform parameter is represented
by its base-10 logarithm. Arrays of parameters have shape ``(n, d)`` with the columns
in the order of :attr:`Prior.names`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._jax import jnp


@dataclass(frozen=True)
class Parameter:
    """One varied parameter: its prior in physical units and its fiducial value."""

    name: str
    prior: str
    min: float
    max: float
    fiducial: float
    label: str = ""

    @property
    def is_log(self) -> bool:
        """Whether the prior is log-uniform (sampled in log10)."""
        return self.prior == "log-uniform"

    @property
    def sampled_label(self) -> str:
        """The axis label in the sampled space."""
        label = self.label or self.name
        return rf"$\log_{{10}}\,{label.strip('$')}$" if self.is_log else label


class Prior:
    """A product of uniform and log-uniform priors, uniform in the sampled space."""

    def __init__(self, parameters: list[Parameter]):
        if not parameters:
            raise ValueError("at least one parameter must be varied")
        self.parameters = tuple(parameters)
        self.names = tuple(p.name for p in parameters)
        self.is_log = np.array([p.is_log for p in parameters])
        to_sampled = lambda v, p: np.log10(v) if p.is_log else v  # noqa: E731
        self.lower = np.array([to_sampled(p.min, p) for p in parameters], dtype=float)
        self.upper = np.array([to_sampled(p.max, p) for p in parameters], dtype=float)
        self.fiducial = np.array([to_sampled(p.fiducial, p) for p in parameters], dtype=float)

    @classmethod
    def from_config(cls, entries: list[dict]) -> Prior:
        """Build from the config's ``parameters`` list of mappings."""
        return cls([Parameter(**entry) for entry in entries])

    @property
    def ndim(self) -> int:
        """The number of varied parameters, d."""
        return len(self.parameters)

    @property
    def labels(self) -> dict[str, str]:
        """Axis labels of the sampled-space columns, for anesthetic."""
        return {p.name: p.sampled_label for p in self.parameters}

    def from_unit_cube(self, u):
        """Map points of the unit hypercube, shape (n, d), to the sampled space."""
        return self.lower + (self.upper - self.lower) * u

    def to_physical(self, theta):
        """Map sampled-space points to physical values, shape (..., d); JAX-traceable."""
        return jnp.where(self.is_log, 10.0**theta, theta)

    def to_sampled(self, physical):
        """Physical values -> sampled space, shape (..., d)."""
        physical = np.asarray(physical, dtype=float)
        safe = np.where(self.is_log, physical, 1.0)
        return np.where(self.is_log, np.log10(safe), physical)

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """N points drawn uniformly in the sampled-space box, shape (n, d)."""
        return self.from_unit_cube(rng.uniform(size=(n, self.ndim)))
