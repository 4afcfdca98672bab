"""The repeat runs' table: D_KL and evidences of every run at the repeats' noise level."""

from pathlib import Path

from posterior_recovery import study
from posterior_recovery.tables import FLOAT_FORMATS, write_table

study.setup_logging(snakemake.log[0])
table = study.repeats_table(snakemake.input.results, snakemake.params.sampler_seeds)
write_table(table, Path(snakemake.output[0]).with_suffix(""), FLOAT_FORMATS["repeats"])
