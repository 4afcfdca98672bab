"""Both models and their Jacobians at the fiducial parameters, for the linearised D_KL."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
linearisation = study.linearise(snakemake.params.cfg, snakemake.input.emulator[0])
artifacts.write_npz(snakemake.output[0], linearisation)
