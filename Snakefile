# Posterior recovery with neural network emulators (Bevins, Gessey-Jones & Handley 2025).
#
#   snakemake --cores all                                  # default study (config/config.yaml)
#   snakemake --cores all --configfile config/quick.yaml   # a first look in minutes
#   snakemake --profile workflow/profiles/slurm            # on a SLURM cluster
#
# Orchestration only: the science lives in src/posterior_recovery.
#
# Every rule declares threads, mem_mb and runtime (minutes), which a cluster executor
# turns into its job request: at least twice the peak memory and three times the
# longest wall time of the rule's jobs in the default study's benchmark files (README,
# "Running on a cluster"; workflow/profiles/slurm).

from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

from posterior_recovery.config import ConfigError, load_config_file

min_version("9.0")


# The default study, unless --configfile names another: Snakemake would otherwise merge
# the two, and keys of the default (the globalemu and flow settings) would leak into it.
if not workflow.overwrite_configfiles:
    if Path("config/config.yaml").exists():
        # Snakemake's own message for a YAML error names neither the file nor the line.
        try:
            load_config_file("config/config.yaml")
        except ConfigError as error:
            raise WorkflowError(str(error)) from None

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/emulate.smk"
include: "workflow/rules/sample.smk"
include: "workflow/rules/compare.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/repeats.smk"
include: "workflow/rules/paper.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
