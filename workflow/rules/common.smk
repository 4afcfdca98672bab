# Configuration checks, wildcard constraints and small input helpers.

import json
import os
import shlex
import sys
from glob import glob

from snakemake.exceptions import WorkflowError
from snakemake.settings.types import DeploymentMethod

from posterior_recovery.config import (
    ConfigError,
    backend_errors,
    check_config,
    coerce_overrides,
)
from posterior_recovery.artifacts import folder_problem
from posterior_recovery import emulators
from posterior_recovery.emulators import knows_exact_kl
from posterior_recovery.names import (
    MODELS,
    PAPER_FILES,
    SAMPLED_ROUTES,
    SPLITS,
    TABLES,
    noise_label,
)
from posterior_recovery.samplers import mpi_tasks

# Values given as --config key=value get the types they have in a config file.
coerce_overrides(config, workflow.config_settings.config)
try:
    check_config(config, workflow.source_path("../schemas/config.schema.yaml"))
except ConfigError as error:
    raise WorkflowError(str(error)) from None


# The optional backends (ARES, pypolychord) are checked when a run starts, before any
# job: not in a dry run, which thus also works on a machine without them.
onstart:
    missing = backend_errors(config)
    if missing:
        raise WorkflowError("missing backend:\n  " + "\n  ".join(missing))


RESULTS = "results"
ENV = "../../envs/posterior-recovery.yaml"
NOISE_LEVELS = [noise_label(noise_mK) for noise_mK in config["noise_levels_mK"]]
CHUNKS = list(range(config["training_set"]["chunks"]))

# Snakemake sees a folder output (the emulator, the density estimators) as one file and
# cannot tell when a file inside it is deleted or changed; their manifests can.
DAMAGED_FOLDERS = [
    f"{folder}: {problem}"
    for folder in [
        f"{RESULTS}/emulator/model",
        f"{RESULTS}/emulator_without_preprocessing/model",
        *glob(f"{RESULTS}/density/noise_*mK/*"),
        *glob(f"{RESULTS}/repeats/seed_*/density/noise_*mK/*"),
    ]
    if (problem := folder_problem(folder))
]
if DAMAGED_FOLDERS:
    raise WorkflowError(
        "a folder output no longer holds what its job wrote:\n  "
        + "\n  ".join(DAMAGED_FOLDERS)
        + "\nRemove that folder and run the same command again: Snakemake then remakes it"
        " and reruns what depends on it."
    )
SAMPLER_TASKS = mpi_tasks(config)
# Shell rules run `python`: the job's conda environment's with --sdm conda, otherwise the
# one running Snakemake (its .venv need not be activated). A prefix, not a param, so
# that how Snakemake was started never reruns a job.
if DeploymentMethod.CONDA not in workflow.deployment_settings.deployment_method:
    shell.prefix(
        f"set -euo pipefail; export PATH={shlex.quote(os.path.dirname(sys.executable))}:$PATH; "
    )


wildcard_constraints:
    noise_mK=r"[0-9.]+",
    split="|".join(SPLITS),
    model="|".join(MODELS),
    chunk=r"\d+",
    sampler_seed=r"\d+",


def final_outputs():
    """Every table and figure of the study (and the validation table where it applies)."""
    outputs = [
        *rules.tables.output,
        *rules.figure_emulator_error.output,
        *rules.figure_kl.output,
        *rules.figure_bias.output,
        *rules.figure_rmse_allowed.output,
        *per_noise(rules.figure_corner.output),
        *rules.paper_inputs.output,
    ]
    if knows_exact_kl(config["emulator"]["name"]):
        outputs += rules.validation_table.output
    if "repeats" in config:
        outputs += [*rules.repeats_table.output, *rules.figure_repeats.output]
    return outputs


def sections(*names):
    """The config sections a rule depends on, passed as its params.

    Passing only these (not the whole config) means that editing, say, the noise grid
    does not mark the simulations or the emulator as changed.
    """
    # Key order canonicalised, so that reordering a config file reruns nothing.
    return json.loads(
        json.dumps({name: config[name] for name in names}, sort_keys=True)
    )


def sections_without_preprocessing(*names):
    """The config sections ``names`` with the emulator's preprocessing turned off."""
    cfg = sections(*names)
    return {**cfg, "emulator": emulators.without_preprocessing(cfg["emulator"])}


def emulator_error_inputs(wildcards):
    """The test-set errors of the emulator, and of the one without preprocessing if made."""
    inputs = {"errors": rules.emulator_accuracy.output.errors}
    if config.get("emulator_without_preprocessing"):
        inputs["without_preprocessing"] = (
            rules.emulator_accuracy_without_preprocessing.output.errors
        )
    return inputs


def accuracy_without_preprocessing(wildcards):
    """The accuracy of the emulator without preprocessing, where the study trains it."""
    if config.get("emulator_without_preprocessing"):
        return {
            "accuracy_without_preprocessing": (
                rules.emulator_accuracy_without_preprocessing.output.summary
            )
        }
    return {}


def run_dir(wildcards):
    """The folder of a run's sampling and what follows it: the study's, or a repeat's."""
    if hasattr(wildcards, "sampler_seed"):
        return f"{RESULTS}/repeats/seed_{wildcards.sampler_seed}"
    return RESULTS


def run_path(pattern):
    """An input function: ``pattern`` (wildcards in braces) inside the run's folder."""
    return (
        lambda wildcards: f"{run_dir(wildcards)}/{pattern.format(**dict(wildcards.items()))}"
    )


def repeat_level_runs(study_pattern, repeat_pattern, **wildcards):
    """An input function: a file of the study's run and of every repeat run (config
    repeats) at the repeats' noise level, in that order; ``wildcards`` fill the rest."""

    def inputs(_):
        repeats = config["repeats"]
        level = {"noise_mK": noise_label(repeats["noise_mK"]), **wildcards}
        return [
            *expand(study_pattern, **level),
            *expand(repeat_pattern, sampler_seed=repeats["sampler_seeds"], **level),
        ]

    return inputs


def repeat_sampler_seeds(wildcards):
    """The sampler seed of every run at the repeats' level: 0 (the study's run), then each
    repeat's."""
    return [0, *config["repeats"]["sampler_seeds"]]


def repeats_table_input(wildcards):
    """The repeat runs' table, where the study has repeat runs (config repeats)."""
    return {"repeats": rules.repeats_table.output[0]} if "repeats" in config else {}


def repeats_figure(wildcards):
    """The repeat runs' figure, where the study has repeat runs."""
    return rules.figure_repeats.output.pdf if "repeats" in config else []


def repartitioned(wildcards):
    """Whether this run samples the full model under the repartitioned prior."""
    return wildcards.model == "full" and config["full_posterior"] == "repartitioned"


def model_inputs(wildcards):
    """The trained emulator where the run needs it, the emulator posterior where the
    prior is repartitioned by it."""
    if wildcards.model == "emulator":
        return {"emulator": rules.train_emulator.output}
    if repartitioned(wildcards):
        stem = f"{run_dir(wildcards)}/posteriors/noise_{wildcards.noise_mK}mK/emulator"
        return {"emulator_table": f"{stem}.csv", "emulator_summary": f"{stem}.json"}
    return {}


def sampling_sections(wildcards):
    """The config sections of a nested-sampling run (JSON for its command line)."""
    names = ["seed", "simulator", "parameters", "sampler"]
    if repartitioned(wildcards):
        names += ["repartitioning"]
    cfg = sections(*names)
    if hasattr(wildcards, "sampler_seed"):
        cfg["sampler_seed"] = int(wildcards.sampler_seed)
    return json.dumps(cfg)


def posterior_threads(wildcards):
    """Two where the job evaluates the full model (reweighting, or what it would give),
    one otherwise: a two-thread emulator posterior would wait for a full-model sampling
    run to finish before the next level's full-model run could start."""
    return 2 if wildcards.model == "full" else 1


def posterior_inputs(wildcards):
    """What the posterior of each model is made from, by the configured route."""
    run = f"{run_dir(wildcards)}/sampling/{{model}}/noise_{wildcards.noise_mK}mK/nested_samples.csv"
    inputs = {
        "data": f"{RESULTS}/data/noise_{wildcards.noise_mK}mK.npz",
        "emulator": rules.train_emulator.output[0],
    }
    if wildcards.model == "full" and config["full_posterior"] == "reweighting":
        inputs["samples"] = run.format(model="emulator")
    else:
        inputs["samples"] = run.format(model=wildcards.model)
    inputs["stats"] = inputs["samples"].replace("nested_samples.csv", "stats.json")
    if wildcards.model == "full" and config["full_posterior"] != "reweighting":
        # what reweighting the emulator run would give, beside the exact posterior
        inputs["emulator_samples"] = run.format(model="emulator")
        inputs["emulator_stats"] = inputs["emulator_samples"].replace(
            "nested_samples.csv", "stats.json"
        )
    return inputs


def sampling_stats():
    """Every nested-sampling run's stats.json: the emulator's, and the full model's
    where its route samples it."""
    models = ["emulator"] + (
        ["full"] if config["full_posterior"] in SAMPLED_ROUTES else []
    )
    return expand(
        f"{RESULTS}/sampling/{{model}}/noise_{{noise_mK}}mK/stats.json",
        model=models,
        noise_mK=NOISE_LEVELS,
    )


def per_noise(pattern):
    """``pattern`` (a path or a rule's outputs) at every noise level."""
    return expand(pattern, noise_mK=NOISE_LEVELS)


def mpi_launcher(wildcards):
    """How a sampling job starts its processes: directly for one, else through MPI.

    Snakemake's SLURM executor rejects an MPI job (non-empty ``mpi``) with one task, so a
    one-process run leaves it empty. On a cluster ``srun`` can replace ``mpiexec``
    (README, "Running on a cluster"); it takes the task count from the allocation.
    """
    return f"mpiexec -n {SAMPLER_TASKS}" if SAMPLER_TASKS > 1 else ""
