"""The emulator's accuracy on the unseen test set."""

import json

import numpy as np

from posterior_recovery import emulators, study
from posterior_recovery.batching import map_batches

log = study.setup_logging(snakemake.log[0])
prior = study.prior_from(snakemake.params.cfg)
test = np.load(snakemake.input.test)
network = emulators.load(snakemake.input.model[0])
emulated = map_batches(network, np.asarray(prior.to_physical(test["theta"])), 256)
result = emulators.accuracy(emulated, test["signals"])
log.info("accuracy: %s", result["summary"])
with open(snakemake.output.summary, "w") as f:
    json.dump(result["summary"], f, indent=2)
np.savez(
    snakemake.output.errors,
    redshift=test["redshift"],
    **{k: v for k, v in result.items() if k != "summary"},
)
