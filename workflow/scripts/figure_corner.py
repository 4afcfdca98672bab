"""Corner plot of both posteriors at one noise level, with the true parameters."""

from posterior_recovery import plots, posterior, study

study.setup_logging(snakemake.log[0])
full, summary = posterior.read(snakemake.input.full, snakemake.input.full_summary)
plots.corner(
    full,
    posterior.read(snakemake.input.emulator),
    study.prior_from(snakemake.params.cfg),
    float(snakemake.wildcards.noise_mK),
    snakemake.output[0].removesuffix(".pdf"),
    flag="reweighting ESS below threshold" if summary["ess_below_threshold"] else "",
)
