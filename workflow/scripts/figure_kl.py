"""D_KL against noise with the bound curves and both estimators."""

import json

import pandas as pd

from posterior_recovery import plots, study

study.setup_logging(snakemake.log[0])
with open(snakemake.input.accuracy) as f:
    accuracy = json.load(f)
plots.kl_against_noise(
    pd.read_csv(snakemake.input.kl), accuracy, snakemake.output[0].removesuffix(".pdf")
)
