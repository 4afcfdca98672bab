"""hyprfine: a physical global 21-cm signal model in JAX (the default full model).

``hyprfine.analytic.main.generate_signal(f_grid, cosmo, astro)`` returns the
brightness temperature T21 [mK] on an *ascending frequency* grid [MHz]; this adapter
maps it to the ascending redshift grid of the data. Parameters are the fields of
``hyprfine.parameters.astrophysics`` (physical units):

==============  ==========================================================  ==============
name            meaning                                                     paper's role
==============  ==========================================================  ==============
``epsilon``     star-formation efficiency amplitude                         f_*,0
``alpha_star``  low-mass slope of the star-formation efficiency             gamma_lo
``beta_star``   high-mass slope of the star-formation efficiency            gamma_hi
``M_pivot``     pivot halo mass of the efficiency [M_sun]                   M_p
``L40``         X-ray luminosity, 0.5-2 keV, [1e40 erg/s per M_sun/yr]      c_X
``alpha_x``     X-ray spectral index (energy SED ~ nu^alpha_x)              X-ray spectrum
``nu_0``        minimum X-ray energy [keV] (no effect below 0.5 keV)        X-ray spectrum
``N_alpha``     Lyman-series photons per stellar baryon                     Ly-alpha yield
``f_esc``       escape fraction of ionising photons                         f_esc
``N_ion``       ionising photons per stellar baryon (enters as f_esc N_ion)  -
==============  ==========================================================  ==============

hyprfine has no minimum virial temperature (T_min) or log N_HI parameter; its halo mass
limits are fixed. Two conventions of this adapter:

- hyprfine does not cap the ionised fraction, so for efficient sources x_e exceeds 1
  and T21 ~ (1 - x_e) changes sign. Where x_e >= 1 the IGM is fully ionised and the
  adapter returns T21 = 0 (continuous, since T21 -> 0 as x_e -> 1).
- a failed ODE solve (its ``max_steps`` cap, hit silently) shows up as non-finite T21;
  it is passed on as such and treated as a failed simulation downstream.

hyprfine needs float64 (``jax_enable_x64``, set by this package): in float32 its ODE
takes no step and the output is all NaN.
"""

from __future__ import annotations

import numpy as np
from hyprfine.parameters import astrophysics  # a NamedTuple: imports no JAX

# Rest frequency of the 21-cm line [MHz], as hyprfine converts frequency to redshift.
NU_21CM_MHZ = 1420.4

NAME = "hyprfine"
PARAMETERS = dict(astrophysics()._asdict())  # hyprfine's own defaults
SETTINGS = {}
JAX_TRACEABLE = True


class Hyprfine:
    """hyprfine's global signal on a redshift grid (JAX, batched with ``vmap``)."""

    jax_traceable = JAX_TRACEABLE

    def __init__(self, redshift: np.ndarray, parameter_names: tuple[str, ...]):
        from hyprfine.analytic.main import generate_signal
        from hyprfine.parameters import cosmology

        from .._jax import jax, jnp

        self.redshift = redshift
        self.parameter_names = parameter_names
        # hyprfine integrates in frequency and wants it ascending (redshift descending).
        frequency_mhz = jnp.asarray(NU_21CM_MHZ / (1.0 + redshift[::-1]))
        cosmo = cosmology()
        defaults = {k: jnp.asarray(v, dtype=float) for k, v in PARAMETERS.items()}

        def one_signal(physical):
            # Every field a float64 array, so the traced types never change (no recompiles).
            values = dict(defaults)
            values.update({name: physical[i] for i, name in enumerate(parameter_names)})
            t21, x_e, _ = generate_signal(frequency_mhz, cosmo, astrophysics(**values))
            return jnp.where(x_e >= 1.0, 0.0, t21)[::-1]

        self._signals = jax.vmap(one_signal)
        self._signals_jit = jax.jit(self._signals)

    def __call__(self, physical):
        """Signals in mK, shape (n, N_d), for physical parameters of shape (n, d)."""
        from .._jax import jnp

        physical = jnp.atleast_2d(jnp.asarray(physical, dtype=float))
        return self._signals_jit(physical)


def make(redshift: np.ndarray, parameter_names: tuple[str, ...]) -> Hyprfine:
    """Hyprfine's signal on ``redshift`` (N_d,), varying ``parameter_names``."""
    return Hyprfine(redshift, parameter_names)
