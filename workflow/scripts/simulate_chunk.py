"""Simulate one chunk of a training, validation or test split."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
chunk = study.simulate_chunk(
    snakemake.params.cfg, snakemake.wildcards.split, int(snakemake.wildcards.chunk)
)
artifacts.write_npz(snakemake.output[0], chunk)
