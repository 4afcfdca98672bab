"""Fit the density estimators (all estimator seeds) of one posterior."""

import numpy as np

from posterior_recovery import density, posterior, study

log = study.setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
settings = cfg["density_estimator"]
prior = study.prior_from(cfg)
noise_code = study.noise_code(float(snakemake.wildcards.noise))
model_code = study.MODEL_CODES[snakemake.wildcards.model]
table = posterior.read(snakemake.input[0])
for estimator_seed in range(settings["n_seeds"]):
    keys = (noise_code, model_code, estimator_seed)
    estimator, held_out = density.fit_posterior(
        table,
        prior,
        settings,
        # The same split for both models: see posterior.split.
        split_key=study.jax_seed(cfg["seed"], "density", noise_code, estimator_seed),
        rng=study.rng_for(cfg["seed"], "density", *keys),
        seed=study.jax_seed(cfg["seed"], "density", *keys),
    )
    density.save(estimator, f"{snakemake.output[0]}/seed{estimator_seed}", held_out, settings)
    log.info("seed %d: mean held-out log density %.3f", estimator_seed,
             np.mean(estimator.log_prob(held_out)))  # fmt: skip
