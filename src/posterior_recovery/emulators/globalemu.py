"""The ``globalemu`` emulator: offline training and a batched JAX forward pass.

Training uses globalemu's own preprocessing and network code. Evaluation inside
likelihoods uses :class:`JaxEmulator`, a re-implementation of
``globalemu.eval.evaluate`` on the saved weights, so that nested sampling can ``vmap``
and ``jit`` through the emulator (tested equal to ``evaluate`` to within 1e-4 mK).

A trained model directory holds globalemu's files (``model.h5``, ``data_mins.txt``,
``data_maxs.txt``, ``cdf.txt``, ``AFB.txt``, ``labels_stds.npy``, ``z.txt`` ...) plus
``emulator.json`` with the parameter names and which of them globalemu log-transforms.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path

import numpy as np

from ..kappa_hh import write_kappa_table
from .metadata import read_metadata, write_metadata

log = logging.getLogger(__name__)

NAME = "globalemu"
# Activations that Keras (training) and JAX (evaluation, :class:`JaxEmulator`) compute
# alike, to float32 precision (tests/test_emulator.py); gelu and leaky_relu differ.
ACTIVATIONS = ("celu", "elu", "hard_sigmoid", "hard_tanh", "log_sigmoid", "mish", "relu",
               "relu6", "selu", "sigmoid", "silu", "softplus", "swish", "tanh")  # fmt: skip
SETTINGS = {
    "layer_sizes": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1},
                    "description": "hidden layer widths"},
    "activation": {"enum": list(ACTIVATIONS), "description": "activation of the hidden layers"},
    "learning_rate": {"type": "number", "exclusiveMinimum": 0},
    "epochs": {"type": "integer", "minimum": 1},
    "batch_size": {"type": "integer", "minimum": 1},
    "early_stop": {"type": "boolean"},
    "afb": {"type": "boolean", "description": "subtract the astrophysics-free baseline"},
    "resampling": {"type": "boolean", "description": "resample redshifts where signals vary most"},
    "std_division": {"type": "boolean"},
    "log_parameters": {"type": "boolean",
                       "description": "globalemu sees log10 of the log-uniform parameters"},
}  # fmt: skip
JAX_TRACEABLE = True
# globalemu's preprocessing of the signals (the paper's Fig. 1 compares with and without).
PREPROCESSING = ("afb", "resampling", "std_division")


def without_preprocessing(settings: dict) -> dict:
    """Return ``settings`` without AFB subtraction, resampling and std division."""
    return {**settings, **dict.fromkeys(PREPROCESSING, False)}


def check(config: dict) -> list[str]:
    """Globalemu's early stopping needs enough epochs to wait for an improvement."""
    settings = config["emulator"]
    if settings["early_stop"] and settings["epochs"] < 50:
        return [
            "emulator.early_stop: globalemu waits 2% of emulator.epochs for an improvement, "
            f"which is no epoch at all for epochs = {settings['epochs']}; use epochs >= 50 "
            "or early_stop: false"
        ]
    return []


@contextlib.contextmanager
def _working_directory(path: Path):
    # globalemu reads kappa_HH.txt from, and builds its paths on, the current directory.
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def train(model_dir, train_set, validation_set, parameter_names, log_columns, settings, seed):
    """Preprocess and train a globalemu network into ``model_dir``.

    ``train_set`` / ``validation_set``: (physical parameters (n, d), signals (n, N_d) in
    mK, redshift (N_d,)). The validation set drives globalemu's early stopping.
    ``log_columns``: indices of parameters that globalemu takes log10 of.
    ``settings``: the config's ``emulator`` section. Deterministic given ``seed``.
    """
    from .. import _tensorflow  # noqa: F401 - TensorFlow without its start-up banner

    # isort: split
    import keras
    from globalemu.network import nn
    from globalemu.preprocess import process

    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    (train_theta, train_signals, redshift), (valid_theta, valid_signals, _) = (
        train_set,
        validation_set,
    )
    with _working_directory(model_dir):
        write_kappa_table(".")
        Path("data").mkdir(exist_ok=True)
        np.savetxt("data/train_data.txt", train_theta)
        np.savetxt("data/train_labels.txt", train_signals)
        np.savetxt("data/test_data.txt", valid_theta)
        np.savetxt("data/test_labels.txt", valid_signals)
        keras.utils.set_random_seed(seed)  # seeds Keras initialisers, TF, numpy, random
        process(
            "full",
            np.asarray(redshift),
            base_dir="./",
            data_location="data/",
            AFB=settings["afb"],
            std_division=settings["std_division"],
            resampling=settings["resampling"],
            logs=list(log_columns),
        )
        nn(
            base_dir="./",
            epochs=settings["epochs"],
            batch_size=settings["batch_size"],
            lr=settings["learning_rate"],
            activation=settings["activation"],
            layer_sizes=list(settings["layer_sizes"]),
            input_shape=train_theta.shape[1] + 1,
            early_stop=settings["early_stop"],
            random_seed=seed,
        )
        # The training copies are large and rebuilt from results/training_set anyway.
        shutil.rmtree("data")
        for copy in ("train_dataset.csv", "train_data.txt", "train_label.txt",
                     "test_data.txt", "test_label.txt"):  # fmt: skip
            Path(copy).unlink(missing_ok=True)
        write_metadata(".", NAME, parameter_names, log_columns=list(log_columns))


def build(model_dir, settings, *, prior, train_set, validation_set, seed, **_):
    """:func:`train` on training and validation sets given in the sampled space."""

    def physical(split):
        return np.asarray(prior.to_physical(split["theta"])), split["signals"], split["redshift"]

    log_columns = np.flatnonzero(prior.is_log) if settings["log_parameters"] else []
    train(
        model_dir,
        physical(train_set),
        physical(validation_set),
        prior.names,
        [int(i) for i in log_columns],
        settings,
        seed,
    )


def _activation(name: str):
    from .._jax import jax, jnp

    function = getattr(jnp, name, None) or getattr(jax.nn, name, None)
    if function is None:
        raise ValueError(f"emulator.activation: {name!r} has no JAX equivalent")
    return function


class JaxEmulator:
    """A trained globalemu network as a batched, JAX-traceable model.

    Call with physical parameters (n, d) to get signals (n, N_d) in mK on the training
    redshift grid. Mirrors ``globalemu.eval.evaluate``: log10 of the log columns,
    min-max normalisation, the resampled redshift input, the dense network, then the
    label standard deviation and the AFB added back. Computes in float64.
    """

    jax_traceable = JAX_TRACEABLE

    def __init__(self, model_dir):
        import pickle  # globalemu's own settings file is a pickle; read-only here

        import h5py

        from .._jax import jax, jnp

        model_dir = Path(model_dir)
        metadata = read_metadata(model_dir)
        self.parameter_names = tuple(metadata["parameter_names"])
        self.log_columns = np.array(metadata["log_columns"], dtype=int)
        with open(model_dir / "preprocess_settings.pkl", "rb") as f:
            settings = pickle.load(f)
        self.redshift = np.loadtxt(model_dir / "z.txt")
        mins = np.loadtxt(model_dir / "data_mins.txt", ndmin=1)
        maxs = np.loadtxt(model_dir / "data_maxs.txt", ndmin=1)
        if settings["resampling"]:
            z_input = np.loadtxt(model_dir / "cdf.txt")
        else:
            z_input = (self.redshift - self.redshift.min()) / np.ptp(self.redshift)
        std = float(np.load(model_dir / "labels_stds.npy")) if settings["std_division"] else 1.0
        afb = np.loadtxt(model_dir / "AFB.txt") if settings["AFB"] else np.zeros_like(z_input)
        # globalemu records the keywords it was trained with as "key: value" lines.
        lines = (model_dir / "kwargs.txt").read_text().splitlines()
        kwargs = dict(line.split(": ", 1) for line in lines if ": " in line)
        activation = _activation(kwargs.get("activation", "tanh"))
        with h5py.File(model_dir / "model.h5", "r") as f:
            group = f["model_weights"]
            names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["layer_names"]]
            weights = [
                (jnp.asarray(group[n][n]["kernel"][()], dtype=float),
                 jnp.asarray(group[n][n]["bias"][()], dtype=float))
                for n in names if n.startswith("dense")
            ]  # fmt: skip
        is_log = np.zeros(len(mins), dtype=bool)
        is_log[self.log_columns] = True

        def forward(physical):
            p = jnp.where(is_log, jnp.log10(jnp.where(physical == 0, 1e-6, physical)), physical)
            p = (p - mins) / (maxs - mins)
            n, n_z = p.shape[0], z_input.size
            x = jnp.concatenate([jnp.repeat(p, n_z, axis=0), jnp.tile(z_input, n)[:, None]], axis=1)
            for kernel, bias in weights[:-1]:
                x = activation(x @ kernel + bias)
            kernel, bias = weights[-1]
            return (x @ kernel + bias)[:, 0].reshape(n, n_z) * std + afb

        self._forward = jax.jit(forward)

    def __call__(self, physical):
        """Signals in mK, shape (n, N_d), for physical parameters of shape (n, d)."""
        from .._jax import jnp

        return self._forward(jnp.atleast_2d(jnp.asarray(physical, dtype=float)))


def load(model_dir) -> JaxEmulator:
    """Return the trained network in ``model_dir`` as a batched JAX model."""
    return JaxEmulator(model_dir)
