"""The posterior artifact of one model at one noise level, by the configured route.

- emulator, or full with ``nested_sampling``: the run's weighted samples; the other
  model's log-likelihood is evaluated at them (the emulator's is cheap; the full
  model's is not needed for the emulator posterior).
- full with ``reweighting``: the emulator run reweighted by L_full / L_emu, evaluating
  the full model (batched) at the emulator run's samples only.
"""

import json

import numpy as np
from anesthetic import read_chains

from posterior_recovery import posterior, study
from posterior_recovery.likelihood import GaussianLikelihood

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
model_name, noise_sigma_mK = snakemake.wildcards.model, float(snakemake.wildcards.noise)
prior = study.prior_from(cfg)
data = np.load(snakemake.input.data)["data"]
samples = read_chains(snakemake.input.samples)
names = list(prior.names)
seed = study.jax_seed(cfg["seed"], "sampler", study.noise_code(noise_sigma_mK))
DRAWS = 1000  # prior-volume compressions for the log-evidence error


def n_sampler_calls():
    with open(snakemake.input.stats) as f:
        return json.load(f)["n_likelihood_calls"]


if model_name == "emulator":
    table, summary = posterior.from_nested_samples(samples, names, "logL_emu", DRAWS, seed)
    summary.update(route="nested_sampling", n_model_calls=n_sampler_calls())
elif cfg["full_posterior"] == "nested_sampling":
    table, summary = posterior.from_nested_samples(samples, names, "logL_full", DRAWS, seed)
    emulator = study.model_from(cfg, "emulator", snakemake.input.emulator)
    emulated = GaussianLikelihood(data, noise_sigma_mK, emulator, prior)
    table["logL_emu"] = emulated.evaluate_in_batches(table[names].to_numpy(), 256)
    summary.update(route="nested_sampling", n_model_calls=n_sampler_calls())
else:
    full = GaussianLikelihood(data, noise_sigma_mK, study.simulator_from(cfg), prior)
    theta = samples[names].to_numpy()
    log.info("evaluating the full model at %d emulator samples", len(theta))
    logL_full = full.evaluate_in_batches(theta, cfg["reweighting"]["batch_size"])
    table, summary = posterior.reweight(samples, names, logL_full, DRAWS, seed)
    summary.update(route="reweighting", n_model_calls=len(theta))
# Only a reweighted posterior can fail to cover the full one; a nested-sampling run's ESS
# is reported but not flagged.
threshold = cfg["reweighting"]["ess_threshold"]
summary["ess_threshold"] = threshold
summary["ess_below_threshold"] = summary["route"] == "reweighting" and bool(
    summary["ess"] < threshold
)
if summary["ess_below_threshold"]:
    log.warning(
        "effective sample size %.0f is below reweighting.ess_threshold = %g: the emulator "
        "posterior does not cover the full one; only nested_sampling can tell how far "
        "apart they are",
        summary["ess"],
        threshold,
    )
log.info("%s posterior: %s", model_name, summary)
posterior.write(table, summary, snakemake.output.table, snakemake.output.summary)
