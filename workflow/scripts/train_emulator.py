"""Make the configured emulator: train globalemu, or perturb the linear simulator."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
with artifacts.folder(snakemake.output[0]) as model_dir:
    study.train_emulator(
        snakemake.params.cfg, model_dir, snakemake.input.train, snakemake.input.validation
    )
