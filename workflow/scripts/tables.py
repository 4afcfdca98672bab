"""The study's tables: D_KL with bounds, emulator accuracy, evidences and biases."""

from pathlib import Path

from posterior_recovery import study
from posterior_recovery.tables import FLOAT_FORMATS, write_table

study.setup_logging(snakemake.log[0])
tables = study.tables(snakemake.input.results, snakemake.input.accuracy)
for name, table in tables.items():
    write_table(table, Path(snakemake.output[0]).parent / name, FLOAT_FORMATS.get(name, "{:.4g}"))
