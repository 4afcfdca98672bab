"""JAX in double precision: every module of the package takes ``jax`` from here.

Nested-sampling weights and log-evidences lose precision in float32 (prior volumes
shrink to exp(-100) and beyond), and hyprfine's ODE takes no step in float32, so the
package computes in float64. The switch is global in JAX; it is made where the package
first computes with JAX, not when the package is imported, so that the config check
and the ``posterior-recovery`` command leave JAX alone (they never import it).
"""

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)

__all__ = ["jax", "jnp"]
