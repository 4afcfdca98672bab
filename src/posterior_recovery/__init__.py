"""Posterior recovery with neural network emulators.

The science behind the Snakemake workflow of this repository: simulators, the
globalemu emulator, Gaussian likelihoods, nested sampling, density estimators,
Kullback-Leibler divergences and their bounds (Bevins, Gessey-Jones & Handley 2025).
"""

import jax

# Nested-sampling weights and log-evidences lose precision in float32 (prior volumes
# shrink to exp(-100) and beyond), so the whole package computes in float64.
jax.config.update("jax_enable_x64", True)

__version__ = "0.1.0"
