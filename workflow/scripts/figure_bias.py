"""Emulator bias per parameter and noise level."""

from posterior_recovery import artifacts, plots, study

study.setup_logging(snakemake.log[0])
plots.bias(
    artifacts.read("bias", snakemake.input[0]),
    study.prior_from(snakemake.params.cfg).labels,
    snakemake.output[0].removesuffix(".pdf"),
)
