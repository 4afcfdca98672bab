# Configuration checks, wildcard constraints and small input helpers.

import json
import os
import shlex
import sys

from snakemake.exceptions import WorkflowError
from snakemake.settings.types import DeploymentMethod

from posterior_recovery.config import ConfigError, backend_errors, check_config

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
NOISE_LEVELS = [f"{float(sigma):g}" for sigma in config["noise_levels_mK"]]
SPLITS = ["train", "validation", "test"]
MODELS = ["full", "emulator"]
CHUNKS = list(range(config["training_set"]["chunks"]))
# Shell rules run `python`: the job's conda environment's with --sdm conda, otherwise the
# one running Snakemake (its .venv need not be activated). A prefix, not a param, so
# that how Snakemake was started never reruns a job.
if DeploymentMethod.CONDA not in workflow.deployment_settings.deployment_method:
    shell.prefix(
        f"set -euo pipefail; export PATH={shlex.quote(os.path.dirname(sys.executable))}:$PATH; "
    )
SAMPLER_TASKS = config["sampler"].get("mpi_tasks", 1)


wildcard_constraints:
    noise=r"[0-9.e+-]+",
    split="|".join(SPLITS),
    model="|".join(MODELS),
    chunk=r"\d+",


def final_outputs():
    tables = expand(
        f"{RESULTS}/tables/{{name}}.{{ext}}",
        name=["kl", "accuracy", "evidence", "bias"],
        ext=["csv", "md", "tex"],
    )
    figures = expand(
        f"{RESULTS}/figures/{{name}}.{{ext}}",
        name=["emulator_error", "kl", "bias"]
        + [f"corner_noise_{noise}mK" for noise in NOISE_LEVELS],
        ext=["pdf", "png"],
    )
    validation = (
        expand(f"{RESULTS}/validation/kl.{{ext}}", ext=["csv", "md", "tex"])
        if config["emulator"]["name"] == "perturbed"
        else []
    )
    return tables + figures + validation


def sections(*names):
    """The config sections a rule depends on, passed as its params.

    Passing only these (not the whole config) means that editing, say, the noise grid
    does not mark the simulations or the emulator as changed.
    """
    # Key order canonicalised, so that reordering a config file reruns nothing.
    return json.loads(
        json.dumps({name: config[name] for name in names}, sort_keys=True)
    )


def model_inputs(wildcards):
    """The trained emulator where the run needs it."""
    return (
        {"emulator": rules.train_emulator.output}
        if wildcards.model == "emulator"
        else {}
    )


def posterior_inputs(wildcards):
    """What the posterior of each model is made from, by the configured route."""
    run = f"{RESULTS}/sampling/{{model}}/noise_{wildcards.noise}mK/nested_samples.csv"
    inputs = {
        "data": f"{RESULTS}/data/noise_{wildcards.noise}mK.npz",
        "emulator": rules.train_emulator.output[0],
    }
    if wildcards.model == "full" and config["full_posterior"] == "reweighting":
        inputs["samples"] = run.format(model="emulator")
    else:
        inputs["samples"] = run.format(model=wildcards.model)
        inputs["stats"] = inputs["samples"].replace("nested_samples.csv", "stats.json")
    return inputs


def per_noise(pattern):
    return expand(pattern, noise=NOISE_LEVELS)


def mpi_launcher(wildcards):
    """How a sampling job starts its processes: directly for one, else through MPI.

    Snakemake's SLURM executor rejects an MPI job (non-empty ``mpi``) with one task, so a
    one-process run leaves it empty. On a cluster ``srun`` can replace ``mpiexec``
    (README, "Running on a cluster"); it takes the task count from the allocation.
    """
    return f"mpiexec -n {SAMPLER_TASKS}" if SAMPLER_TASKS > 1 else ""
