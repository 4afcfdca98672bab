"""The emulator's mean and 95th-percentile error against redshift."""

import numpy as np

from posterior_recovery import plots, study

study.setup_logging(snakemake.log[0])
errors = np.load(snakemake.input[0])
stem = snakemake.output[0].removesuffix(".pdf")
plots.emulator_error(
    errors["redshift"], errors["mean_abs_error_z"], errors["p95_abs_error_z"], stem
)
