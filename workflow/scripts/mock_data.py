"""Mock data at one noise level: the fiducial full-model signal plus white noise."""

import numpy as np

from posterior_recovery import study
from posterior_recovery.likelihood import mock_data

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
noise_sigma_mK = float(snakemake.wildcards.noise)
rng = study.rng_for(cfg["seed"], "mock_data", study.noise_code(noise_sigma_mK))
data = mock_data(study.simulator_from(cfg), study.prior_from(cfg), noise_sigma_mK, rng)
log.info("mock data with sigma = %g mK, trough %.1f mK", noise_sigma_mK, data["signal"].min())
np.savez(snakemake.output[0], **data)
