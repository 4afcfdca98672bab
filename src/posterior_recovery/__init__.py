"""Posterior recovery with neural network emulators.

The science behind the Snakemake workflow of this repository: simulators, the
globalemu emulator, Gaussian likelihoods, nested sampling, density estimators,
Kullback-Leibler divergences and their bounds (Bevins, Gessey-Jones & Handley 2025).
"""

__version__ = "0.1.0"
