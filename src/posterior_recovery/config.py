"""Validation of the workflow configuration, before any job starts.

The JSON schema (workflow/schemas/config.schema.yaml) checks types, required and
unknown keys; :func:`check_config` adds what a schema cannot say (prior ranges,
fiducials inside priors, registered backends), and :func:`backend_errors` whether the
optional backends it names are installed. Every message names the offending key.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    """The configuration is wrong; the message names the key and the fix."""


def _key_path(path) -> str:
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def schema_errors(config: dict, schema: dict) -> list[str]:
    """All schema violations as 'key: message' strings."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    return [f"{_key_path(e.absolute_path)}: {e.message}" for e in errors]


def semantic_errors(config: dict) -> list[str]:
    """Violations of the rules a schema cannot express."""
    from .density import ESTIMATORS
    from .samplers import MPI_SAMPLERS, SAMPLERS
    from .simulators import SIMULATORS, configuration_errors

    errors = []
    for i, p in enumerate(config["parameters"]):
        key = f"parameters[{i}] ({p['name']})"
        if p["min"] >= p["max"]:
            errors.append(f"{key}.min: prior min {p['min']} must be below max {p['max']}")
        elif p["prior"] == "log-uniform" and p["min"] <= 0:
            errors.append(f"{key}.min: a log-uniform prior needs min > 0, got {p['min']}")
        if not p["min"] <= p["fiducial"] <= p["max"]:
            errors.append(
                f"{key}.fiducial: {p['fiducial']} lies outside its prior [{p['min']}, {p['max']}]"
            )
    names = [p["name"] for p in config["parameters"]]
    if len(set(names)) != len(names):
        errors.append(f"parameters: names must be unique, got {names}")
    z = config["simulator"]["redshift"]
    if z["min"] >= z["max"]:
        errors.append(f"simulator.redshift.min: {z['min']} must be below max {z['max']}")
    simulator = config["simulator"]
    errors += configuration_errors(simulator["name"], names, simulator.get("options"))
    for section, registry in (("sampler", SAMPLERS), ("density_estimator", ESTIMATORS)):
        name = config[section]["name"]
        if name not in registry:
            errors.append(f"{section}.name: unknown {section} {name!r}; known: {sorted(registry)}")
    sampler = config["sampler"]
    full_model = SIMULATORS.get(simulator["name"])
    if (
        sampler["name"] == "nss"
        and config["full_posterior"] == "nested_sampling"
        and full_model is not None
        and not full_model.jax_traceable
    ):
        errors.append(
            f"sampler.name: nss samples JAX models only, and the {simulator['name']!r} "
            "simulator is not one; use sampler.name: polychord, or full_posterior: "
            "reweighting"
        )
    if sampler.get("mpi_tasks", 1) > 1 and sampler["name"] not in MPI_SAMPLERS:
        errors.append(
            f"sampler.mpi_tasks: sampler {sampler['name']!r} runs in one process; set "
            f"mpi_tasks: 1 or use an MPI sampler ({sorted(MPI_SAMPLERS)})"
        )
    emulator = config["emulator"]
    if emulator["name"] == "perturbed":
        if config["simulator"]["name"] != "linear":
            errors.append(
                "emulator.name: the perturbed emulator perturbs the linear simulator; "
                f"set simulator.name: linear (got {config['simulator']['name']!r})"
            )
        log_uniform = [p["name"] for p in config["parameters"] if p["prior"] == "log-uniform"]
        if log_uniform:
            errors.append(
                f"parameters: {log_uniform} are log-uniform; the perturbed emulator's exact "
                "D_KL holds for a model linear in the sampled parameters: use uniform priors"
            )
    elif emulator["early_stop"] and emulator["epochs"] < 50:
        errors.append(
            f"emulator.early_stop: globalemu waits 2% of emulator.epochs for an improvement, "
            f"which is no epoch at all for epochs = {emulator['epochs']}; use epochs >= 50 "
            "or early_stop: false"
        )
    training = config["training_set"]
    for split in ("n_train", "n_validation", "n_test"):
        if training["chunks"] > training[split]:
            errors.append(
                f"training_set.chunks: {training['chunks']} chunks exceed "
                f"training_set.{split} = {training[split]}"
            )
    return errors


def backend_errors(config: dict) -> list[str]:
    """Backends the config names that are not installed here (ARES's interpreter,
    pypolychord): one message each, naming the backend, why it is needed and the
    command that installs it. Only for a valid config."""
    from .samplers import OPTIONAL
    from .simulators import SIMULATORS

    errors = []
    simulator = SIMULATORS[config["simulator"]["name"]]
    if hasattr(simulator, "backend_errors"):
        errors += simulator.backend_errors(config["simulator"].get("options") or {})
    sampler_missing = OPTIONAL.get(config["sampler"]["name"], lambda: None)()
    if sampler_missing:
        errors.append(sampler_missing)
    return errors


def check_config(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError listing every problem with ``config``; return None if valid."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    errors = schema_errors(config, schema)
    if not errors:
        errors = semantic_errors(config)
    if errors:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(errors))
