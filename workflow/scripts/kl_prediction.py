"""The bounds and the linearised D_KL against the noise level, for the D_KL figure."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
prediction = study.kl_prediction(
    snakemake.params.noise_levels, snakemake.input.accuracy, snakemake.input.linearisation
)
artifacts.write_csv(snakemake.output[0], prediction)
