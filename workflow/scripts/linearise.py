"""Both models and their Jacobians at the fiducial parameters, for the linearised D_KL."""

import numpy as np

from posterior_recovery import study
from posterior_recovery.linearisation import linearise

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
full = study.model_from(cfg, "full")
emulator = study.model_from(cfg, "emulator", snakemake.input.emulator[0])
linearisation = linearise(full, emulator, study.prior_from(cfg))
error = linearisation["emulator_signal"] - linearisation["full_signal"]
log.info("emulator error at the fiducial: RMSE %.3f mK", np.sqrt(np.mean(error**2)))
np.savez(snakemake.output[0], **linearisation)
