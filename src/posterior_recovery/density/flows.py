"""What margarine's normalising flows (NICE, RealNVP) share: settings and training."""

from __future__ import annotations

# margarine 2.2.0's own defaults.
SETTINGS = {
    "num_coupling_layers": {"type": "integer", "minimum": 1, "default": 4},
    "hidden_size": {"type": "integer", "minimum": 1, "default": 128,
                    "description": "width of the coupling networks' hidden layers"},
    "num_layers": {"type": "integer", "minimum": 1, "default": 2,
                   "description": "layers of each coupling network"},
    "learning_rate": {"type": "number", "exclusiveMinimum": 0, "default": 1e-4},
    "epochs": {"type": "integer", "minimum": 1, "default": 1000},
    "patience": {"type": "integer", "minimum": 1, "default": 50,
                 "description": "epochs without a better held-out loss before stopping"},
    "batch_size": {"type": "integer", "minimum": 1, "default": 256},
}  # fmt: skip
TRAINING = ("learning_rate", "epochs", "patience", "batch_size")


def fit(flow_class, samples, ranges, key, settings: dict, permutations: bool = False):
    """Fit one margarine flow to equally weighted samples.

    Parameters
    ----------
    flow_class : type
        margarine's ``NICE`` or ``RealNVP``.
    samples : jax array, shape (n, d)
        Sampled-space points.
    ranges : jax array, shape (2, d)
        The prior box (margarine's ``theta_ranges``).
    key : jax PRNG key
        Split into the network initialisation, the permutations and the training.
    settings : dict
        :data:`SETTINGS`: architecture (constructor) and training keywords.
    permutations : bool, optional
        Pass the permutations key to the constructor (RealNVP).

    Returns
    -------
    The trained margarine flow.
    """
    from flax import nnx

    from .._jax import jax

    init_key, permutation_key, train_key = jax.random.split(key, 3)
    architecture = {k: v for k, v in settings.items() if k not in TRAINING}
    if permutations:
        architecture["permutations_key"] = permutation_key
    flow = flow_class(
        samples,
        theta_ranges=ranges,
        in_size=samples.shape[1],
        nnx_rngs=nnx.Rngs(int(jax.random.randint(init_key, (), 0, 2**31 - 1))),
        **architecture,
    )
    flow.train(train_key, **{k: settings[k] for k in TRAINING if k in settings})
    return flow
