"""D_KL(P_full || P_emulator) at one noise level by both estimators, the bounds and the
linearised prediction."""

import json

import numpy as np

from posterior_recovery import density, divergence, posterior, study
from posterior_recovery.linearisation import kl_linearised

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
noise_sigma_mK = float(snakemake.wildcards.noise)
n_bootstrap = cfg["divergence"]["n_bootstrap"]
rng = study.rng_for(cfg["seed"], "bootstrap", study.noise_code(noise_sigma_mK))
with open(snakemake.input.accuracy) as f:
    accuracy = json.load(f)
full, full_summary = posterior.read(snakemake.input.full, snakemake.input.full_summary)
with open(snakemake.input.emulator) as f:
    emulator_summary = json.load(f)

# (a) From density estimators: held-out full-posterior samples under both estimators,
# pooled over estimator seeds and bootstrap resamples of the held-out set.
flow_draws = []
for estimator_seed in range(cfg["density_estimator"]["n_seeds"]):
    full_dir = f"{snakemake.input.full_densities}/seed{estimator_seed}"
    emulator_dir = f"{snakemake.input.emulator_densities}/seed{estimator_seed}"
    held_out = density.held_out_samples(full_dir)
    log_p = density.load(full_dir).log_prob(held_out)
    log_q = density.load(emulator_dir).log_prob(held_out)
    estimate = divergence.kl_from_densities(log_p, log_q)
    log.info("estimator seed %d: D_KL = %.4f", estimator_seed, estimate)
    flow_draws.append(divergence.bootstrap_kl_from_densities(log_p, log_q, n_bootstrap, rng))
kl_flow = divergence.percentile_summary(np.concatenate(flow_draws))

# (b) From likelihood differences on the full posterior's weighted samples.
delta_logL = (full["logL_emu"] - full["logL_full"]).to_numpy()
kl_likelihood = divergence.kl_from_likelihoods(delta_logL, full["weight"])
kl_likelihood_draws = divergence.bootstrap_kl_from_likelihoods(
    delta_logL, full["weight"], n_bootstrap, rng
)
# log <exp(dlogL)>_P equals log Z_emu - log Z_full: a check of both runs' evidences.
log_mean_ratio = kl_likelihood + float(np.sum(full["weight"] * delta_logL))
evidence_ratio = emulator_summary["log_evidence"] - full_summary["log_evidence"]

linearisation = dict(np.load(snakemake.input.linearisation))
data = np.load(snakemake.input.data)["data"]

result = {
    "noise_mK": noise_sigma_mK,
    "n_data": accuracy["n_data"],
    "bound_mean": float(divergence.kl_bound(accuracy["rmse_mean_mK"], noise_sigma_mK,
                                            accuracy["n_data"])),
    "bound_p95": float(divergence.kl_bound(accuracy["rmse_p95_mK"], noise_sigma_mK,
                                           accuracy["n_data"])),
    "kl_linearised": kl_linearised(linearisation, noise_sigma_mK, data),
    "kl_flow": kl_flow["median"],
    "kl_flow_low": kl_flow["low"],
    "kl_flow_high": kl_flow["high"],
    "kl_likelihood": kl_likelihood,
    "kl_likelihood_err": float(np.std(kl_likelihood_draws)),
    "log_mean_likelihood_ratio": log_mean_ratio,
    "log_evidence_ratio": evidence_ratio,
    "log_evidence_ratio_err": float(np.hypot(emulator_summary["log_evidence_err"],
                                             full_summary["log_evidence_err"])),
    "full_posterior": full_summary["route"],
    "ess": full_summary["ess"],
    "ess_below_threshold": full_summary["ess_below_threshold"],
}  # fmt: skip
log.info("%s", result)
with open(snakemake.output[0], "w") as f:
    json.dump(result, f, indent=2)
