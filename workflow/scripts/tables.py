"""The study's tables: D_KL with bounds, emulator accuracy, evidences and biases."""

import json
import os

import pandas as pd

from posterior_recovery import bias, posterior, study, tables

log = study.setup_logging(snakemake.log[0])
prior = study.prior_from(snakemake.params.cfg)
noise_levels = snakemake.params.noise_levels
stem = os.path.dirname(snakemake.output[0])


def read_json(paths):
    result = []
    for path in paths:
        with open(path) as f:
            result.append(json.load(f))
    return result


tables.write_table(tables.kl_table(read_json(snakemake.input.divergences)), f"{stem}/kl")
accuracy = read_json([snakemake.input.accuracy])[0]
tables.write_table(pd.DataFrame([accuracy]), f"{stem}/accuracy")
tables.write_table(
    tables.evidence_table(
        noise_levels,
        read_json(snakemake.input.full_summaries),
        read_json(snakemake.input.emulator_summaries),
    ),
    f"{stem}/evidence",
)
names = list(prior.names)
biases = []
for full_path, emulator_path in zip(snakemake.input.full, snakemake.input.emulator, strict=True):
    full, emulated = posterior.read(full_path), posterior.read(emulator_path)
    biases.append(
        bias.posterior_biases(
            full[names], full["weight"], emulated[names], emulated["weight"], prior.fiducial
        )
    )
tables.write_table(tables.bias_table(noise_levels, names, biases), f"{stem}/bias")
log.info("tables written to %s", stem)
