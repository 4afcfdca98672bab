"""Merge the simulated chunks of one split, leaving out failed simulations."""

import numpy as np

from posterior_recovery import study, training_set

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
chunks = [dict(np.load(path)) for path in snakemake.input]
names = study.prior_from(cfg).names
merged, failures = training_set.merge_chunks(
    chunks, names, cfg["training_set"]["max_failure_fraction"]
)
log.info("%d signals kept, %d failed simulations left out", len(merged["theta"]), len(failures))
failures.to_csv(snakemake.output.failures, index=False)
np.savez(snakemake.output.signals, **merged)
