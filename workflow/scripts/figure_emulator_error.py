"""The emulators' mean and 95th-percentile error against redshift, the noise levels marked."""

from posterior_recovery import artifacts, plots, study

study.setup_logging(snakemake.log[0])
both = "without_preprocessing" in snakemake.input.keys()
labels = {"errors": "with preprocessing" if both else "emulator",
          "without_preprocessing": "without preprocessing"}  # fmt: skip
errors = {labels[name]: artifacts.read("errors", path) for name, path in snakemake.input.items()}
plots.emulator_error(
    next(iter(errors.values()))["redshift"],
    {label: (e["mean_abs_error_z"], e["p95_abs_error_z"]) for label, e in errors.items()},
    snakemake.params.noise_levels,
    snakemake.output.pdf.removesuffix(".pdf"),
)
