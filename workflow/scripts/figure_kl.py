"""D_KL against noise: bounds, the linearised prediction and both estimators."""

from posterior_recovery import artifacts, plots, study

study.setup_logging(snakemake.log[0])
plots.kl_against_noise(
    artifacts.read("kl", snakemake.input.kl),
    artifacts.read("prediction", snakemake.input.prediction),
    artifacts.read("accuracy", snakemake.input.accuracy),
    snakemake.output[0].removesuffix(".pdf"),
)
