"""Mock data at one noise level: the fiducial full-model signal plus white noise."""

from posterior_recovery import artifacts, study

study.setup_logging(snakemake.log[0])
data = study.mock_data(snakemake.params.cfg, float(snakemake.wildcards.noise_mK))
artifacts.write_npz(snakemake.output[0], data)
