"""The study's result at one noise level: D_KL by both estimators, bounds, evidences, biases."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
result = study.divergence(
    snakemake.params.cfg, float(snakemake.wildcards.noise_mK), snakemake.input
)
artifacts.write_json(snakemake.output[0], result)
