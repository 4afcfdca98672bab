# Posterior recovery with neural network emulators (Bevins, Gessey-Jones & Handley 2025).
#
#   snakemake --cores all                                  # default study (config/config.yaml)
#   snakemake --cores all --configfile config/quick.yaml   # a first look in minutes
#
# Orchestration only: the science lives in src/posterior_recovery.

from snakemake.utils import min_version

min_version("9.0")


# The default study, unless --configfile names another: Snakemake would otherwise merge
# the two, and keys of the default (the globalemu and flow settings) would leak into it.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/emulate.smk"
include: "workflow/rules/sample.smk"
include: "workflow/rules/compare.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
