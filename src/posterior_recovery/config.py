"""Validation of the workflow configuration, before any job starts.

The workflow's JSON schema (workflow/schemas/config.schema.yaml) gives the keys that
every study has; :func:`schema` completes it from the backend registries (each chosen
backend's settings, the registered names). :func:`semantic_errors` adds what a schema
cannot say: prior ranges, fiducials inside priors, and the rules of each backend family
and backend (:mod:`posterior_recovery.backends`). :func:`backend_errors` says whether
the optional backends that the config names are installed. Every message names the
offending key.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path

import yaml

from .backends import schema_errors
from .density import ESTIMATORS
from .emulators import EMULATORS, has_preprocessing
from .names import ROUTES, SAMPLED_ROUTES, noise_label
from .samplers import SAMPLERS
from .seeds import noise_code
from .simulators import SIMULATORS

FAMILIES = (SIMULATORS, EMULATORS, SAMPLERS, ESTIMATORS)


class ConfigError(ValueError):
    """The configuration is wrong; the message names the key and the fix."""


def load_config_file(path) -> dict:
    """Read a YAML (or JSON) config file; a syntax error names the file, line and column.

    Raises
    ------
    ConfigError
        When the file is missing, is not valid YAML, or is not a mapping.
    """
    try:
        config = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{path}{where}: not valid YAML: {problem}") from None
    if not isinstance(config, dict):
        kind = type(config).__name__
        raise ConfigError(f"{path}: a config file is a mapping of keys, not a {kind}")
    return config


def _typed(value):
    """Return the number, boolean or null that a command-line string spells, or the string."""
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _typed(item) for key, item in value.items()}
    if not isinstance(value, str):
        return value
    for parse in (int, float):
        try:
            return parse(value)
        except ValueError:
            pass
    return {"true": True, "false": False, "null": None}.get(value.lower(), value)


def coerce_overrides(config: dict, overrides: Mapping) -> None:
    """Give values from the command line (``--config key=value``) their config-file types.

    Snakemake reads a command-line value as a number where it can, but a list or a
    mapping as YAML with every item a string (``noise_levels_mK=[5,25]`` gives
    ``['5', '25']``). At every place that ``overrides`` sets, ``config`` (which already
    holds them) gets the number, boolean or null that each string spells; values from
    config files are left as they are.
    """
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(config.get(key), dict):
            coerce_overrides(config[key], value)
        elif key in config:
            config[key] = _typed(config[key])


def _noise_errors(levels) -> list[str]:
    """Noise levels that would share a folder or a seed stream."""
    errors = []
    for i, a in enumerate(levels):
        for b in levels[i + 1 :]:
            if noise_label(a) == noise_label(b) or noise_code(a) == noise_code(b):
                errors.append(
                    f"noise_levels_mK: {a} and {b} are one level to the 1 uK resolution of "
                    "the seed streams (and file names); keep one of them"
                )
    return errors


def schema(base: dict) -> dict:
    """Return the complete config schema: ``base`` with the registries' names and settings."""
    complete = copy.deepcopy(base)
    properties = complete["properties"]
    properties["full_posterior"]["enum"] = list(ROUTES)
    for family in FAMILIES:
        properties[family.section] = family.schema(properties[family.section])
    return complete


def _prior_errors(parameters: list[dict]) -> list[str]:
    errors = []
    for i, p in enumerate(parameters):
        key = f"parameters[{i}] ({p['name']})"
        if p["min"] >= p["max"]:
            errors.append(f"{key}.min: prior min {p['min']} must be below max {p['max']}")
        elif p["prior"] == "log-uniform" and p["min"] <= 0:
            errors.append(f"{key}.min: a log-uniform prior needs min > 0, got {p['min']}")
        if not p["min"] <= p["fiducial"] <= p["max"]:
            errors.append(
                f"{key}.fiducial: {p['fiducial']} lies outside its prior [{p['min']}, {p['max']}]"
            )
    names = [p["name"] for p in parameters]
    if len(set(names)) != len(names):
        errors.append(f"parameters: names must be unique, got {names}")
    return errors


def _jax_errors(config: dict) -> list[str]:
    """Check that a sampler that compiles its likelihood gets JAX models only."""
    sampler = SAMPLERS.chosen(config)
    if not sampler.JAX_ONLY:
        return []
    others = [name for name in SAMPLERS.names if not SAMPLERS.get(name).JAX_ONLY]
    sampled = [EMULATORS.chosen(config)]
    if config["full_posterior"] in SAMPLED_ROUTES:
        sampled.append(SIMULATORS.chosen(config))
    return [
        f"sampler.name: {sampler.NAME} samples JAX models only, and the {model.NAME!r} "
        f"{family} is not one; use sampler.name: {' or '.join(others)}"
        + (", or full_posterior: reweighting" if family == "simulator" else "")
        for model, family in zip(sampled, ("emulator", "simulator"), strict=False)
        if not model.JAX_TRACEABLE
    ]


def _repeats_errors(config: dict) -> list[str]:
    """Return the error for repeat runs at a level the study lacks (by label, as the files)."""
    repeats = config.get("repeats")
    if repeats and noise_label(repeats["noise_mK"]) not in map(
        noise_label, config["noise_levels_mK"]
    ):
        return [
            f"repeats.noise_mK: {repeats['noise_mK']} is not one of noise_levels_mK "
            f"{config['noise_levels_mK']}; repeat runs repeat one of the study's levels (edit "
            "repeats too when you change the grid)"
        ]
    return []


def semantic_errors(config: dict) -> list[str]:
    """Violations of the rules a schema cannot express, for a schema-valid config."""
    errors = _prior_errors(config["parameters"]) + _noise_errors(config["noise_levels_mK"])
    z = config["simulator"]["redshift"]
    if z["min"] >= z["max"]:
        errors.append(f"simulator.redshift.min: {z['min']} must be below max {z['max']}")
    for family in FAMILIES:
        errors += family.check(config)
    errors += _jax_errors(config)
    errors += _repeats_errors(config)
    if config.get("emulator_without_preprocessing") and not has_preprocessing(
        config["emulator"]["name"]
    ):
        errors.append(
            "emulator_without_preprocessing: the emulator "
            f"{config['emulator']['name']!r} has no preprocessing to turn off (globalemu "
            "has); set it to false"
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
    """Backends the config names that are not installed here, for a valid config.

    One message each (ARES's interpreter, pypolychord), naming the backend, why it is
    needed and the command that installs it.
    """
    return [error for family in FAMILIES for error in family.unavailable(config)]


def check_config(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError listing every problem with ``config``; return None if valid.

    Parameters
    ----------
    config : dict
        The workflow configuration.
    schema_path : path
        The workflow's JSON schema (YAML), completed by :func:`schema`.
    """
    base = yaml.safe_load(Path(schema_path).read_text())
    errors = schema_errors(config, schema(base))
    if not errors:
        errors = semantic_errors(config)
    if errors:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(errors))
