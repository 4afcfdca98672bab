"""The posterior artifact of one model at one noise level, by the configured route."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
table, summary = study.make_posterior(
    snakemake.params.cfg,
    snakemake.wildcards.model,
    float(snakemake.wildcards.noise_mK),
    snakemake.input.samples,
    snakemake.input.data,
    snakemake.input.emulator,
    snakemake.input.get("stats"),
)
artifacts.write_csv(snakemake.output.table, table)
artifacts.write_json(snakemake.output.summary, summary)
