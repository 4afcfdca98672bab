"""Fit the density estimators of one posterior: every replicate and fold."""

from posterior_recovery import artifacts, density, study

study.setup_logging(snakemake.log[0])
fits = study.fit_densities(
    snakemake.params.cfg,
    float(snakemake.wildcards.noise_mK),
    snakemake.input.table,
    snakemake.input.summary,
)
with artifacts.folder(snakemake.output[0]) as directory:
    density.save(fits, directory, snakemake.params.cfg["density_estimator"])
