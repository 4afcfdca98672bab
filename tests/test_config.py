"""Configuration validation: the shipped configs pass, and each mistake names its key."""

import copy
import json
from pathlib import Path

import pytest
import yaml

from posterior_recovery.config import ConfigError, check_config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
CONFIGS = [
    "config/config.yaml",
    "config/quick.yaml",
    "config/validation.yaml",
    "config/paper.yaml",
    "tests/config/tiny.yaml",
    "tests/config/ares_offline.yaml",
    "tests/config/validation_tiny.yaml",
]
PERTURBED = {"name": "perturbed", "error_matrix_mK": 1.0, "error_offset_mK": 2.0}
ARES = {"name": "ares", "redshift": {"min": 6.0, "max": 54.9, "step": 0.1}, "batch_size": 8}
POLYCHORD = {
    "name": "polychord", "live_points_per_dim": 25, "num_repeats": 40,
    "precision_criterion": 1e-3, "do_clustering": True,
}  # fmt: skip


def load(relative):
    return yaml.safe_load((ROOT / relative).read_text())


@pytest.fixture(scope="module")
def tiny():
    return load("tests/config/tiny.yaml")


@pytest.mark.parametrize("relative", CONFIGS)
def test_shipped_configs_are_valid(relative):
    config = load(relative)
    assert check_config(config, SCHEMA) is None
    assert check_config(config, str(SCHEMA)) is None  # a str path works too


def set_key(path, value):
    def mutate(config):
        *parents, last = path
        target = config
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def delete_key(path):
    def mutate(config):
        *parents, last = path
        target = config
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


# (mutation of the tiny config, substrings its error message must contain)
MISTAKES = {
    "unknown top-level key": (set_key(["noise_level"], [5]), ["(top level)", "'noise_level'"]),
    "unknown nested key": (set_key(["emulator", "epoch"], 5), ["emulator:", "'epoch'"]),
    "negative noise level": (set_key(["noise_levels_mK", 1], -5), ["noise_levels_mK[1]"]),
    "prior min >= max": (
        set_key(["parameters", 0, "max"], 50.0),
        ["parameters[0] (amplitude_mK).min", "below max"],
    ),
    "fiducial outside prior": (
        set_key(["parameters", 1, "fiducial"], 30.0),
        ["parameters[1] (centre_z).fiducial", "outside its prior"],
    ),
    "unknown simulator": (
        set_key(["simulator", "name"], "21cmfast"),
        ["simulator.name", "21cmfast"],
    ),
    "unknown sampler": (set_key(["sampler", "name"], "dynesty"), ["sampler.name", "dynesty"]),
    "nss with a non-JAX full model": (
        set_key(["simulator"], {**ARES, "options": {"python": "/usr/bin/python3"}}),
        ["sampler.name: nss samples JAX models only", "'ares'", "polychord"],
    ),
    "ARES without its interpreter": (
        set_key(["simulator"], ARES),
        ["simulator.options.python", "numpy < 2", "pip install"],
    ),
    "unknown PolyChord setting": (
        set_key(["sampler"], {**POLYCHORD, "inner_steps_per_dim": 3}),
        ["sampler:", "'inner_steps_per_dim'"],
    ),
    "PolyChord under a repartitioned prior": (
        lambda config: [
            set_key(["sampler"], POLYCHORD)(config),
            set_key(["full_posterior"], "repartitioned")(config),
        ],
        ["full_posterior: sampler 'polychord' cannot sample a repartitioned prior", "nss"],
    ),
    "repartitioning with alpha = 1": (
        set_key(["repartitioning", "alpha"], 1.0),
        ["repartitioning.alpha"],
    ),
    "MPI tasks for a one-process sampler": (
        set_key(["sampler", "mpi_tasks"], 4),
        ["sampler.mpi_tasks", "'nss' runs in one process", "mpi_tasks: 1"],
    ),
    "unknown density estimator": (
        set_key(["density_estimator", "name"], "maf"),
        ["density_estimator.name", "'maf'"],
    ),
    "parameter unknown to the simulator": (
        set_key(["parameters", 2, "name"], "L40"),
        ["parameters:", "'L40'", "'gaussian' simulator"],
    ),
    "log-uniform prior with min <= 0": (
        set_key(["parameters", 2, "min"], 0.0),
        ["parameters[2] (width_z).min", "log-uniform", "min > 0"],
    ),
    "early stop with too few epochs": (
        set_key(["emulator", "early_stop"], True),
        ["emulator.early_stop", "epochs >= 50"],
    ),
    "unknown emulator": (set_key(["emulator", "name"], "gp"), ["emulator.name", "'gp'"]),
    "unknown activation": (
        set_key(["emulator", "activation"], "tanhh"),
        ["emulator.activation: 'tanhh' is not one of", "'tanh'", "'relu'"],
    ),
    "unknown density estimator setting": (
        set_key(["density_estimator", "settings"], {"bandwith": 0.2}),
        ["density_estimator.settings", "'bandwith' was unexpected", "allowed: ['bandwidth']"],
    ),
    "unknown sampler setting": (
        set_key(["sampler", "inner_steps"], 3),
        ["sampler: ", "'inner_steps' was unexpected", "'inner_steps_per_dim'"],
    ),
    "perturbed emulator of a nonlinear simulator": (
        set_key(["emulator"], PERTURBED),
        ["emulator.name", "simulator.name: linear", "['width_z'] are log-uniform"],
    ),
    "globalemu key for the perturbed emulator": (
        set_key(["emulator"], {**PERTURBED, "epochs": 5}),
        ["emulator:", "'epochs'"],
    ),
    "unknown simulator option": (
        set_key(["simulator", "options"], {"design_seed": 1}),
        ["simulator.options", "'design_seed' was unexpected", "allowed: []"],
    ),
    "missing required key": (delete_key(["sampler", "precision_criterion"]), ["sampler:"]),
    "wrong type": (set_key(["seed"], "2025"), ["seed:"]),
    "unknown full-posterior route": (set_key(["full_posterior"], "mcmc"), ["full_posterior"]),
    "more chunks than samples": (set_key(["training_set", "chunks"], 80), ["training_set.chunks"]),
    "duplicate parameter names": (
        set_key(["parameters", 1, "name"], "amplitude_mK"),
        ["parameters: names must be unique"],
    ),
    "redshift min >= max": (
        set_key(["simulator", "redshift", "min"], 60.0),
        ["simulator.redshift"],
    ),
    "no preprocessing to turn off": (
        lambda config: (
            set_key(["emulator"], PERTURBED)(config),
            set_key(["emulator_without_preprocessing"], True)(config),
        ),
        ["emulator_without_preprocessing", "'perturbed' has no preprocessing"],
    ),
    "repeats at a level the study lacks": (
        set_key(["repeats"], {"noise_mK": 25, "sampler_seeds": [1]}),
        ["repeats.noise_mK: 25 is not one of noise_levels_mK"],
    ),
    "a repeat with the study's own sampler seed": (
        set_key(["repeats"], {"noise_mK": 50, "sampler_seeds": [0, 1]}),
        ["repeats.sampler_seeds[0]"],
    ),
    "preprocessing switch not a bool": (
        set_key(["emulator_without_preprocessing"], "yes"),
        ["emulator_without_preprocessing:"],
    ),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_mistakes_are_named(tiny, mistake):
    mutate, expected = MISTAKES[mistake]
    config = copy.deepcopy(tiny)
    mutate(config)
    with pytest.raises(ConfigError) as error:
        check_config(config, SCHEMA)
    message = str(error.value)
    print(f"{mistake}: {message}")
    assert message.startswith("invalid configuration:")
    for part in expected:
        assert part in message
    check_config(tiny, SCHEMA)  # the fixture itself was not mutated


@pytest.mark.parametrize(
    "mutations, keys",
    [
        # two schema violations
        ({("sampler", "name"): "dynesty", ("divergence", "n_bootstrap"): 1},
         ["sampler.name", "divergence.n_bootstrap"]),
        # two rules beyond the schema
        ({("parameters", 0, "fiducial"): 1000.0, ("training_set", "chunks"): 80},
         ["parameters[0] (amplitude_mK).fiducial", "training_set.chunks"]),
    ],
)  # fmt: skip
def test_every_problem_is_listed(tiny, mutations, keys):
    config = copy.deepcopy(tiny)
    for path, value in mutations.items():
        set_key(list(path), value)(config)
    with pytest.raises(ConfigError) as error:
        check_config(config, SCHEMA)
    lines = str(error.value).splitlines()[1:]
    for key in keys:
        assert sum(line.strip().startswith(key) for line in lines) == 1, lines


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def number_and_list_keys(config, path=()):
    """Yield the path of every number or list in ``config``, through its mappings."""
    if isinstance(config, dict):
        for key, value in config.items():
            yield from number_and_list_keys(value, (*path, key))
    elif isinstance(config, int | float | list) and not isinstance(config, bool):
        yield path


def as_command_line(path, value) -> str:
    """Write the ``--config`` entry that sets ``path`` to ``value`` (nested: a mapping)."""
    text = json.dumps(value)
    for key in reversed(path[1:]):
        text = f"{{{key}: {text}}}"
    return f"{path[0]}={text}"


@pytest.mark.parametrize("relative", ["tests/config/tiny.yaml", "config/config.yaml",
                                      "config/validation.yaml", "config/paper.yaml"])  # fmt: skip
def test_every_number_and_list_key_can_be_set_on_the_command_line(relative):
    """``--config key=value`` gives what a config file gives, for every such key."""
    from snakemake.cli import parse_config
    from snakemake.utils import update_config

    from posterior_recovery.config import coerce_overrides

    original = load(relative)
    # what Snakemake makes of a list: strings, which the schema rejects
    assert parse_config(["noise_levels_mK=[5, 25]"]) == {"noise_levels_mK": ["5", "25"]}
    paths = list(number_and_list_keys(original))
    assert ("noise_levels_mK",) in paths and ("parameters",) in paths and len(paths) > 15
    for path in paths:
        value = original
        for key in path:
            value = value[key]
        overrides = parse_config([as_command_line(path, value)])
        config = copy.deepcopy(original)
        update_config(config, overrides)  # as Snakemake merges --config into the config
        coerce_overrides(config, overrides)
        assert config == original, path
    check_config(config, SCHEMA)


def test_command_line_strings_stay_strings_where_they_are_no_number():
    from posterior_recovery.config import coerce_overrides

    config = {"simulator": {"name": "ares", "options": {"python": "ares-venv/bin/python",
                                                        "bundle": "null"}}}  # fmt: skip
    coerce_overrides(config, config)
    assert config["simulator"]["options"] == {"python": "ares-venv/bin/python", "bundle": None}


@pytest.mark.parametrize(
    "levels, message",
    [
        ([25, 25.0000001], "25 and 25.0000001 are one level to the 1 uK resolution"),
        ([25, 25.0], "has non-unique elements"),
    ],
)
def test_noise_levels_that_collide_are_rejected(tiny, levels, message):
    config = copy.deepcopy(tiny)
    config["noise_levels_mK"] = levels
    with pytest.raises(ConfigError, match=message):
        check_config(config, SCHEMA)


def test_noise_labels_keep_the_level_exactly():
    from posterior_recovery.names import noise_label

    labels = [noise_label(x) for x in (5, 25.0, 2.5, 25.000001, 1234567, 0.001)]
    assert labels == ["5", "25", "2.5", "25.000001", "1234567", "0.001"]
    assert all(float(label) == x for label, x in zip(labels, (5, 25, 2.5, 25.000001, 1234567,
                                                              0.001), strict=True))  # fmt: skip


def test_a_yaml_error_names_the_file_and_line(tmp_path):
    from posterior_recovery.config import load_config_file

    path = tmp_path / "study.yaml"
    path.write_text("seed: 1\nnoise_levels_mK: [5, 25\nfull_posterior: reweighting\n")
    with pytest.raises(ConfigError, match=rf"{path}, line 3, column \d+: not valid YAML"):
        load_config_file(path)
    path.write_text("- a list\n")
    with pytest.raises(ConfigError, match="a mapping of keys, not a list"):
        load_config_file(path)


def test_check_config_command(tmp_path, capsys):
    from posterior_recovery.cli import main

    assert main(["check-config", str(ROOT / "config/quick.yaml")]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("seed: [1\n")
    assert main(["check-config", str(bad)]) == 1
    assert f"{bad}, line 2" in capsys.readouterr().err
