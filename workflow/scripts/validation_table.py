"""The validation table: every D_KL estimate beside the exact value of the linear problem."""

import os

import numpy as np
import pandas as pd

from posterior_recovery import study, tables
from posterior_recovery.emulators.perturbed import exact_kl

log = study.setup_logging(snakemake.log[0])
exact = {
    noise: exact_kl(snakemake.input.emulator[0], noise, np.load(path)["data"])
    for noise, path in zip(snakemake.params.noise_levels, snakemake.input.data, strict=True)
}
table = tables.validation_table(pd.read_csv(snakemake.input.kl), exact)
log.info("\n%s", table.to_string())
tables.write_table(table, os.path.splitext(snakemake.output[0])[0])
