"""D_KL against noise: bounds, the linearised prediction and both estimators."""

import json
from pathlib import Path

import pandas as pd

from posterior_recovery import plots, study

study.setup_logging(snakemake.log[0])
plots.kl_against_noise(
    pd.read_csv(snakemake.input.kl),
    pd.read_csv(snakemake.input.prediction),
    json.loads(Path(snakemake.input.accuracy).read_text()),
    snakemake.output[0].removesuffix(".pdf"),
)
