"""Emulator bias per parameter and noise level."""

import pandas as pd

from posterior_recovery import plots, study

study.setup_logging(snakemake.log[0])
plots.bias(pd.read_csv(snakemake.input[0]), snakemake.output[0].removesuffix(".pdf"))
