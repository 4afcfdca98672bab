"""Both posteriors of the study's run and of every repeat run at one noise level."""

from posterior_recovery import plots, posterior, study

study.setup_logging(snakemake.log[0])
prior = study.prior_from(snakemake.params.cfg)
inputs = snakemake.input
runs = {
    seed: tuple(
        posterior.read(table, summary, prior.names)[0]
        for table, summary in ((full, full_summary), (emulated, emulator_summary))
    )
    for seed, full, full_summary, emulated, emulator_summary in zip(
        snakemake.params.sampler_seeds, inputs.full, inputs.full_summary, inputs.emulator,
        inputs.emulator_summary, strict=True,
    )
}  # fmt: skip
plots.repeats(runs, prior, snakemake.params.noise_mK, snakemake.output.pdf.removesuffix(".pdf"))
