"""Merge the simulated chunks of one split, leaving out failed simulations."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
merged, failures = study.merge_split(snakemake.params.cfg, snakemake.input)
artifacts.write_csv(snakemake.output.failures, failures)
artifacts.write_npz(snakemake.output.signals, merged)
