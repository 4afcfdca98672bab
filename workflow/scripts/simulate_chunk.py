"""Simulate one chunk of a training/validation/test split."""

import numpy as np

from posterior_recovery import study, training_set

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
prior, simulator = study.prior_from(cfg), study.simulator_from(cfg)
split, chunk = snakemake.wildcards.split, int(snakemake.wildcards.chunk)
n_total = cfg["training_set"][f"n_{split}"]
rows = training_set.chunk_slice(n_total, cfg["training_set"]["chunks"], chunk)
theta = training_set.split_parameters(prior, n_total, cfg["seed"], split)[rows]
log.info("%s chunk %d: simulating %d signals with %s", split, chunk, len(theta), simulator)
result = training_set.simulate(simulator, prior, theta, cfg["simulator"]["batch_size"])
log.info("%d failed simulations", result["failed"].sum())
np.savez(snakemake.output[0], **result)
