"""D_KL against noise: bounds, the linearised prediction and both estimators."""

import json

import numpy as np
import pandas as pd

from posterior_recovery import plots, study

study.setup_logging(snakemake.log[0])
with open(snakemake.input.accuracy) as f:
    accuracy = json.load(f)
plots.kl_against_noise(
    pd.read_csv(snakemake.input.kl),
    accuracy,
    dict(np.load(snakemake.input.linearisation)),
    snakemake.output[0].removesuffix(".pdf"),
)
