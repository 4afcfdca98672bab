"""Make the configured emulator: train globalemu, or perturb the linear simulator."""

import numpy as np

from posterior_recovery import emulators, study

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
emulators.build(
    snakemake.output[0],
    cfg["emulator"],
    prior=study.prior_from(cfg),
    train_set=dict(np.load(snakemake.input.train)),
    validation_set=dict(np.load(snakemake.input.validation)),
    simulator=study.simulator_from(cfg),
    seed=study.jax_seed(cfg["seed"], "emulator"),
)
log.info("%s emulator made in %s", cfg["emulator"]["name"], snakemake.output[0])
