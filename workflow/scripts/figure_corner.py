"""Corner plot of both posteriors at one noise level, with the true parameters."""

from posterior_recovery import plots, posterior, study

study.setup_logging(snakemake.log[0])
prior = study.prior_from(snakemake.params.cfg)
full, summary = posterior.read(snakemake.input.full, snakemake.input.full_summary, prior.names)
emulated, _ = posterior.read(
    snakemake.input.emulator, snakemake.input.emulator_summary, prior.names
)
plots.corner(
    full,
    emulated,
    prior,
    float(snakemake.wildcards.noise_mK),
    snakemake.output[0].removesuffix(".pdf"),
    flag="reweighting ESS below threshold" if summary["ess_below_threshold"] else "",
)
