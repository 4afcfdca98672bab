"""The posterior artifact of one model at one noise level, by the configured route."""

from posterior_recovery import posterior, study

study.setup_logging(snakemake.log[0])
table, summary = study.make_posterior(
    snakemake.params.cfg,
    snakemake.wildcards.model,
    float(snakemake.wildcards.noise_mK),
    snakemake.input.samples,
    snakemake.input.data,
    snakemake.input.emulator,
    snakemake.input.stats,
    (
        (snakemake.input.emulator_samples, snakemake.input.emulator_stats)
        if "emulator_samples" in snakemake.input.keys()
        else None
    ),
)
posterior.write(table, summary, snakemake.output.table, snakemake.output.summary)
