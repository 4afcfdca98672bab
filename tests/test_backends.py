"""The backend protocol: registries, generated schemas, and a throw-away backend per family.

Each throw-away backend is a module written here and added to its family's registry as
one entry (what one registry line does in the package): the config check then accepts
its settings and rejects unknown ones, and the family's entry point runs it.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import types

import numpy as np
import pytest
import yaml
from scipy import stats

from posterior_recovery import config as config_module
from posterior_recovery import density, emulators, samplers, simulators
from posterior_recovery.backends import Registry, schema_errors, settings_schema
from posterior_recovery.config import FAMILIES, ConfigError, check_config
from posterior_recovery.parameters import Parameter, Prior
from posterior_recovery.samplers import DeadPoints

from .conftest import REDSHIFT, REPO

SCHEMA = REPO / "workflow/schemas/config.schema.yaml"
TINY = yaml.safe_load((REPO / "tests/config/tiny.yaml").read_text())


def module(name: str, **attributes) -> types.ModuleType:
    backend = types.ModuleType(f"throwaway_{name}")
    backend.__dict__.update(NAME=name, **attributes)
    return backend


def register(monkeypatch, registry: Registry, backend) -> None:
    monkeypatch.setitem(registry.backends, backend.NAME, backend)


def full_schema():
    return config_module.schema(yaml.safe_load(SCHEMA.read_text()))


def test_schema_names_are_the_registries():
    properties = full_schema()["properties"]
    for family in FAMILIES:
        assert properties[family.section]["properties"]["name"]["enum"] == family.names
    routes = ["nested_sampling", "repartitioned", "reweighting"]
    assert properties["full_posterior"]["enum"] == routes


def test_each_backend_brings_its_settings_into_the_schema():
    section = full_schema()["properties"]["sampler"]
    branches = {b["if"]["properties"]["name"]["const"]: b["then"] for b in section["allOf"]}
    assert set(branches) == {"nss", "polychord"}
    # beside the name: the backend's keys and the section's own (mpi_tasks), nothing else
    assert set(branches["nss"]["properties"]) == {"name", "mpi_tasks", *samplers.nss.SETTINGS}
    assert branches["nss"]["additionalProperties"] is False


def test_settings_fill_in_defaults_and_keep_given_values():
    registry = density.ESTIMATORS
    assert registry.settings({"name": "kde"}) == {"bandwidth": "silverman"}
    assert registry.settings({"name": "kde", "settings": {"bandwidth": 0.3}}) == {"bandwidth": 0.3}
    nice = registry.settings({"name": "nice", "settings": {"epochs": 7}})
    assert nice["epochs"] == 7 and nice["hidden_size"] == 16  # the flows' default
    section = {"name": "nss", "mpi_tasks": 2, **{k: 1 for k in samplers.nss.SETTINGS}}
    assert samplers.SAMPLERS.settings(section) == {k: 1 for k in samplers.nss.SETTINGS}


def test_an_unknown_backend_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"sampler.name: unknown sampler 'ultranest'.*'nss'"):
        samplers.SAMPLERS.get("ultranest")


def test_settings_schema_requires_the_keys_without_a_default():
    schema = settings_schema({"a": {"type": "number"}, "b": {"type": "number", "default": 1}})
    assert schema_errors({"a": 1.0}, schema) == []
    assert schema_errors({}, schema) == ["(top level): 'a' is a required property"]
    (unknown,) = schema_errors({"a": 1.0, "c": 2}, schema, prefix=("emulator",))
    assert unknown.startswith("emulator: ") and unknown.endswith(
        "('c' was unexpected); allowed: ['a', 'b']"
    )


def fresh_python(code: str) -> str:
    """Run ``code`` in a new interpreter; return what it printed."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_config_check_loads_no_numerical_library():
    default = str(REPO / "config/config.yaml")
    loaded = fresh_python(
        "import sys, yaml; from posterior_recovery.config import check_config; "
        f"check_config(yaml.safe_load(open({default!r})), {str(SCHEMA)!r}); "
        "print(sorted(m for m in ('jax', 'blackjax', 'anesthetic', 'margarine', 'tensorflow', "
        "'h5py', 'keras', 'flax') if m in sys.modules))"
    )
    assert loaded == "[]"


def test_importing_the_package_leaves_jax_in_float32():
    code = "import jax, posterior_recovery.cli, posterior_recovery.config; "
    assert fresh_python(code + "print(jax.config.jax_enable_x64)") == "False"


# --- a throw-away backend of each family ------------------------------------------------


def flat_simulator():
    """T(z) = level + offset everywhere: a simulator with one parameter and one option."""

    class Flat:
        jax_traceable = False

        def __init__(self, redshift, parameter_names, offset_mK):
            self.redshift, self.parameter_names, self.offset_mK = (
                redshift,
                parameter_names,
                offset_mK,
            )

        def __call__(self, physical):
            physical = np.atleast_2d(physical)
            return np.repeat(physical[:, :1] + self.offset_mK, self.redshift.size, axis=1)

    return module(
        "flat",
        PARAMETERS={"level_mK": -100.0},
        SETTINGS={"offset_mK": {"type": "number", "default": 0.0}},
        JAX_TRACEABLE=False,
        make=lambda redshift, names, offset_mK: Flat(redshift, names, offset_mK),
    )


def flat_config(**options):
    config = copy.deepcopy(TINY)
    config["simulator"] = {**config["simulator"], "name": "flat", "options": options}
    config["parameters"] = [
        {"name": "level_mK", "prior": "uniform", "min": -200.0, "max": 0.0, "fiducial": -100.0}
    ]
    # nss samples JAX models only: reweight the full model instead
    config["full_posterior"] = "reweighting"
    return config


def test_a_new_simulator_is_one_module_and_one_registry_entry(monkeypatch):
    register(monkeypatch, simulators.SIMULATORS, flat_simulator())
    check_config(flat_config(offset_mK=5.0), SCHEMA)
    with pytest.raises(ConfigError, match=r"simulator.options: .*'offsett_mK'.*\['offset_mK'\]"):
        check_config(flat_config(offsett_mK=5.0), SCHEMA)
    # the cross-family rule knows it is not JAX: no nss sampling of the full model
    nested = {**flat_config(), "full_posterior": "nested_sampling"}
    with pytest.raises(ConfigError, match="the 'flat' simulator is not one"):
        check_config(nested, SCHEMA)
    model = simulators.make_simulator("flat", REDSHIFT, ["level_mK"], {"offset_mK": 5.0})
    np.testing.assert_array_equal(model(np.array([[-50.0]])), np.full((1, REDSHIFT.size), -45.0))


def test_a_new_emulator_is_one_module_and_one_registry_entry(monkeypatch, tmp_path):
    def build(model_dir, settings, *, prior, simulator, **_):
        np.save(model_dir / "shift.npy", np.array(settings["shift_mK"]))
        emulators.write_metadata(model_dir, "shifted", prior.names)

    def load(model_dir):
        shift = float(np.load(model_dir / "shift.npy"))
        simulator = simulators.make_simulator("gaussian", REDSHIFT, ["centre_z"])
        return lambda physical: np.asarray(simulator(physical)) + shift

    register(monkeypatch, emulators.EMULATORS, module(
        "shifted", SETTINGS={"shift_mK": {"type": "number"}}, JAX_TRACEABLE=True,
        build=build, load=load,
    ))  # fmt: skip
    config = copy.deepcopy(TINY)
    config["emulator"] = {"name": "shifted", "shift_mK": 2.0}
    check_config(config, SCHEMA)
    config["emulator"]["epochs"] = 3
    with pytest.raises(ConfigError, match=r"emulator: .*'epochs' was unexpected"):
        check_config(config, SCHEMA)
    prior = Prior([Parameter("centre_z", "uniform", 10.0, 25.0, 16.0)])
    emulators.build(tmp_path, {"name": "shifted", "shift_mK": 2.0}, prior=prior, simulator=None)
    emulated = emulators.load(tmp_path)(np.array([[15.0]]))
    exact = np.asarray(simulators.make_simulator("gaussian", REDSHIFT, ["centre_z"])([[15.0]]))
    np.testing.assert_allclose(emulated, exact + 2.0)
    assert not emulators.knows_exact_kl("shifted")
    assert emulators.exact_kl(tmp_path, 25.0, exact[0]) is None


def rejection_run(log_likelihood, lower, upper, *, seed, output_dir=None, live_points):
    """Nested sampling by rejection from the prior: exact, and fine in one or two dimensions."""
    rng = np.random.default_rng(seed)

    def draw():
        theta = rng.uniform(lower, upper)
        return theta, float(log_likelihood(theta))

    live = [draw() for _ in range(live_points)]
    births = [-np.inf] * live_points
    dead, n_calls = [], live_points
    for _ in range(7 * live_points):  # 7 e-folds of prior volume; the live points follow
        worst = int(np.argmin([log_l for _, log_l in live]))
        threshold = live[worst][1]
        dead.append((*live[worst], births[worst]))
        while True:
            n_calls += 1
            theta, log_l = draw()
            if log_l > threshold:
                break
        live[worst], births[worst] = (theta, log_l), threshold
    dead += [(*point, birth) for point, birth in zip(live, births, strict=True)]
    theta, log_l, birth = (np.array(column) for column in zip(*dead, strict=True))
    return DeadPoints(theta, log_l, birth), {"n_likelihood_calls": n_calls, "n_live": live_points}


def test_a_new_sampler_is_one_module_and_one_registry_entry(monkeypatch):
    register(monkeypatch, samplers.SAMPLERS, module(
        "rejection", SETTINGS={"live_points": {"type": "integer", "minimum": 1}},
        JAX_ONLY=False, MPI=False, REPARTITIONING=False, run=rejection_run,
    ))  # fmt: skip
    config = copy.deepcopy(TINY)
    config["sampler"] = {"name": "rejection", "live_points": 100}
    check_config(config, SCHEMA)
    with pytest.raises(ConfigError, match="'rejection' runs in one process"):
        check_config({**config, "sampler": {**config["sampler"], "mpi_tasks": 4}}, SCHEMA)
    # a normalised Gaussian of width 0.1 inside the box [-1, 1]^2: Z = 1/4
    width = 0.1
    normalisation = -np.log(2 * np.pi * width**2)
    likelihood = types.SimpleNamespace(
        single=lambda theta: normalisation - 0.5 * (theta @ theta) / width**2
    )
    prior = Prior([Parameter(f"x{i}", "uniform", -1.0, 1.0, 0.0) for i in range(2)])
    run, run_stats = samplers.sample(likelihood, prior, config["sampler"], seed=4)
    assert list(run.columns.get_level_values(0)[:2]) == ["x0", "x1"]
    log_z = run.logZ(200)
    # within 3 standard deviations of the draws of the prior-volume compression
    assert abs(log_z.mean() - np.log(0.25)) < 3 * log_z.std()
    assert run_stats["n_likelihood_calls"] > 100


def test_a_new_density_estimator_is_one_module_and_one_registry_entry(monkeypatch, tmp_path):
    class Gaussian:
        """A Gaussian fitted by its moments, saved as .npz."""

        def __init__(self, mean, cov, theta_ranges):
            self.mean, self.cov, self.theta_ranges = mean, cov, np.asarray(theta_ranges)

        def log_prob(self, theta):
            return stats.multivariate_normal(self.mean, self.cov).logpdf(np.asarray(theta))

        def save(self, path):
            np.savez(f"{path}.npz", mean=self.mean, cov=self.cov, ranges=self.theta_ranges)

    def fit(samples, weights, ranges, key, inflation):
        samples, weights = np.asarray(samples), np.asarray(weights)
        cov = np.cov(samples.T, aweights=weights)
        return Gaussian(np.average(samples, axis=0, weights=weights), inflation * cov, ranges)

    def load(path):
        with np.load(f"{path}.npz") as saved:
            return Gaussian(saved["mean"], saved["cov"], saved["ranges"])

    register(monkeypatch, density.ESTIMATORS, module(
        "moments", SETTINGS={"inflation": {"type": "number", "default": 1.0}}, fit=fit,
        load=load,
    ))  # fmt: skip
    config = copy.deepcopy(TINY)
    config["density_estimator"] = {**config["density_estimator"], "name": "moments"}
    check_config(config, SCHEMA)
    samples = np.random.default_rng(1).normal([0.0, 1.0], 0.5, size=(4000, 2))
    lower, upper = np.full(2, -5.0), np.full(2, 5.0)
    fitted = density.fit(samples, lower, upper, "moments", {}, seed=0)
    density.save({(0, 0): fitted}, tmp_path / "moments", config["density_estimator"])
    loaded = density.load(tmp_path / "moments")[0, 0]
    truth = stats.multivariate_normal([0.0, 1.0], 0.25).logpdf(samples[:10])
    # 4000 samples fix the mean to 0.008 and the variance to 2%: log densities to ~0.05
    np.testing.assert_allclose(loaded.log_prob(samples[:10]), truth, atol=0.1)
