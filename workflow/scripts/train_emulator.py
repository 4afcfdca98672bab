"""Train the globalemu emulator on the merged training and validation sets."""

import numpy as np

from posterior_recovery import emulator, study

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
prior = study.prior_from(cfg)


def physical_set(path):
    arrays = np.load(path)
    return np.asarray(prior.to_physical(arrays["theta"])), arrays["signals"], arrays["redshift"]


log_columns = np.flatnonzero(prior.is_log) if cfg["emulator"]["log_parameters"] else []
emulator.train(
    snakemake.output[0],
    physical_set(snakemake.input.train),
    physical_set(snakemake.input.validation),
    prior.names,
    [int(i) for i in log_columns],
    cfg["emulator"],
    seed=study.jax_seed(cfg["seed"], "emulator"),
)
log.info("emulator trained into %s", snakemake.output[0])
