"""The emulator's mean and 95th-percentile error against redshift."""

from posterior_recovery import artifacts, plots, study

study.setup_logging(snakemake.log[0])
errors = artifacts.read("errors", snakemake.input[0])
plots.emulator_error(
    errors["redshift"],
    errors["mean_abs_error_z"],
    errors["p95_abs_error_z"],
    snakemake.output[0].removesuffix(".pdf"),
)
