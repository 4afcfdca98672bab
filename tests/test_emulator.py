"""globalemu training (offline, seeded) and the JAX forward pass against evaluate()."""

from __future__ import annotations

import json

import numpy as np
import pytest

from posterior_recovery import emulators
from posterior_recovery.kappa_hh import KAPPA_10_HH_CM3_PER_S, TEMPERATURE_K
from posterior_recovery.simulators import make_simulator

from .conftest import REDSHIFT, gaussian_trough_prior

PRIOR = gaussian_trough_prior()
SETTINGS = {
    "name": "globalemu",
    "log_parameters": True,  # the width (column 2) is log-uniform
    "layer_sizes": [16, 16],
    "activation": "tanh",
    "learning_rate": 1e-3,
    "epochs": 2,
    "batch_size": 451,
    "early_stop": False,
    "afb": True,
    "resampling": True,
    "std_division": True,
}


def simulated_set(n, seed):
    """Return a training-set split as the workflow stores it: theta in the sampled space."""
    simulator = make_simulator("gaussian", REDSHIFT, PRIOR.names)
    theta = PRIOR.draw(n, np.random.default_rng(seed))
    return {"theta": theta, "signals": np.asarray(simulator(PRIOR.to_physical(theta))),
            "redshift": REDSHIFT}  # fmt: skip


def train_small(model_dir):
    emulators.build(
        model_dir,
        SETTINGS,
        prior=PRIOR,
        train_set=simulated_set(150, 0),
        validation_set=simulated_set(30, 1),
        simulator=None,
        seed=7,
    )


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("emulator") / "model"
    train_small(directory)
    return directory


def test_training_writes_the_kappa_table_and_metadata(model_dir):
    table = np.loadtxt(model_dir / "kappa_HH.txt")
    np.testing.assert_array_equal(table[:, 0], TEMPERATURE_K)
    np.testing.assert_allclose(table[:, 1], KAPPA_10_HH_CM3_PER_S, rtol=1e-12)
    metadata = json.loads((model_dir / emulators.METADATA).read_text())
    assert metadata == {
        "name": "globalemu",
        "parameter_names": list(PRIOR.names),
        "log_columns": [2],
    }
    assert (model_dir / "model.h5").exists()
    assert not (model_dir / "data").exists()  # training copies are removed


def test_jax_emulator_equals_globalemu_evaluate(model_dir):
    from globalemu.eval import evaluate

    physical = np.asarray(PRIOR.to_physical(simulated_set(20, 2)["theta"]))
    reference, reference_z = evaluate(base_dir=f"{model_dir}/", logs=[2])(physical)
    jax_emulator = emulators.load(model_dir)
    np.testing.assert_allclose(jax_emulator.redshift, reference_z)
    ours = np.asarray(jax_emulator(physical))
    assert ours.shape == (20, REDSHIFT.size)
    # globalemu evaluates in float32 (relative rounding ~1e-7 on signals of ~300 mK).
    assert np.max(np.abs(ours - reference)) < 1e-4


def test_training_is_reproducible_given_the_seed(model_dir, tmp_path):
    import h5py

    train_small(tmp_path / "again")

    def weights(directory):
        with h5py.File(directory / "model.h5") as f:
            group = f["model_weights"]
            return [np.array(group[n][n]["kernel"]) for n in group if n.startswith("dense")]

    for first, second in zip(weights(model_dir), weights(tmp_path / "again"), strict=True):
        np.testing.assert_array_equal(first, second)


def test_accuracy_summary():
    true = np.zeros((4, 10))
    emulated = true + np.array([1.0, 2.0, 3.0, 4.0])[:, None]
    result = emulators.accuracy(emulated, true)
    np.testing.assert_allclose(result["rmse"], [1, 2, 3, 4])
    assert result["summary"]["rmse_mean_mK"] == 2.5
    assert result["summary"]["rmse_max_mK"] == 4.0
    assert result["summary"]["n_data"] == 10
    np.testing.assert_allclose(result["mean_abs_error_z"], 2.5)


@pytest.mark.parametrize("name", emulators.globalemu.ACTIVATIONS)
def test_every_allowed_activation_is_the_same_in_keras_and_jax(name):
    """The network trains with Keras's activation and is evaluated with JAX's."""
    import keras

    from posterior_recovery.emulators.globalemu import _activation

    x = np.linspace(-6.0, 6.0, 1001)
    trained = np.asarray(keras.activations.get(name)(x.astype("float32")))
    # float32 rounding of values of order 1-6: ~1e-6
    np.testing.assert_allclose(np.asarray(_activation(name)(x)), trained, atol=5e-6)
