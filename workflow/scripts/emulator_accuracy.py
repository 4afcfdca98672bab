"""The emulator's accuracy on the unseen test set."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
summary, errors = study.emulator_accuracy(
    snakemake.params.cfg, snakemake.input.model[0], snakemake.input.test
)
artifacts.write_json(snakemake.output.summary, summary)
artifacts.write_npz(snakemake.output.errors, errors)
