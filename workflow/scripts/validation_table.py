"""The validation table: every D_KL estimate beside the exact value of the linear problem."""

from pathlib import Path

from posterior_recovery import study
from posterior_recovery.tables import write_table

study.setup_logging(snakemake.log[0])
table = study.validation(snakemake.input.results)
write_table(table, Path(snakemake.output[0]).with_suffix(""))
