"""The RMSE that the bound allows over noise level and D_KL, with the measured D_KL."""

from posterior_recovery import artifacts, plots, study

study.setup_logging(snakemake.log[0])
plots.rmse_allowed(
    artifacts.read("kl", snakemake.input.kl),
    artifacts.read("accuracy", snakemake.input.accuracy),
    snakemake.output[0].removesuffix(".pdf"),
)
