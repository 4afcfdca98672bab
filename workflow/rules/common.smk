# Configuration checks, wildcard constraints and small input helpers.

from snakemake.exceptions import WorkflowError

from posterior_recovery.config import ConfigError, check_config

try:
    check_config(config, workflow.source_path("../schemas/config.schema.yaml"))
except ConfigError as error:
    raise WorkflowError(str(error)) from None


RESULTS = "results"
NOISE_LEVELS = [f"{float(sigma):g}" for sigma in config["noise_levels_mK"]]
SPLITS = ["train", "validation", "test"]
MODELS = ["full", "emulator"]
CHUNKS = list(range(config["training_set"]["chunks"]))


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
    return tables + figures


def sections(*names):
    """The config sections a rule depends on, passed as its params.

    Passing only these (not the whole config) means that editing, say, the noise grid
    does not mark the simulations or the emulator as changed.
    """
    return {name: config[name] for name in names}
