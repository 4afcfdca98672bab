"""Nested sampling of one model's posterior at one noise level."""

import json

import numpy as np

from posterior_recovery import posterior, study
from posterior_recovery.likelihood import GaussianLikelihood
from posterior_recovery.samplers import SAMPLERS

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
model_name, noise_sigma_mK = snakemake.wildcards.model, float(snakemake.wildcards.noise)
prior = study.prior_from(cfg)
model = study.model_from(cfg, model_name, snakemake.input.get("emulator", [None])[0])
data = np.load(snakemake.input.data)
likelihood = GaussianLikelihood(data["data"], noise_sigma_mK, model, prior)
seed = study.jax_seed(
    cfg["seed"], "sampler", study.noise_code(noise_sigma_mK), study.MODEL_CODES[model_name]
)
log.info("sampling the %s posterior at %g mK with %s", model_name, noise_sigma_mK, cfg["sampler"])
samples, stats = SAMPLERS[cfg["sampler"]["name"]](likelihood, prior, cfg["sampler"], seed)
log_z, log_z_err = posterior.log_evidence(samples, 1000, seed)
stats.update(log_evidence=log_z, log_evidence_err=log_z_err)
samples.to_csv(snakemake.output.samples)
with open(snakemake.output.stats, "w") as f:
    json.dump(stats, f, indent=2)
log.info("log Z = %.3f +- %.3f", stats["log_evidence"], stats["log_evidence_err"])
