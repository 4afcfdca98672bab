"""Fit the density estimators (all estimator seeds) of one posterior."""

from posterior_recovery import artifacts, density, study

study.setup_logging(snakemake.log[0])
settings = snakemake.params.cfg["density_estimator"]
fits = study.fit_densities(
    snakemake.params.cfg,
    snakemake.wildcards.model,
    float(snakemake.wildcards.noise_mK),
    snakemake.input.table,
    snakemake.input.summary,
)
with artifacts.folder(snakemake.output[0]) as directory:
    for estimator_seed, (estimator, held_out) in enumerate(fits):
        density.save(estimator, directory / f"seed{estimator_seed}", held_out, settings)
