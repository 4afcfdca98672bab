"""What margarine's normalising flows (NICE, RealNVP) share: settings and a compiled fit.

margarine's own ``train`` runs one Python-level step per batch (each an ``nnx.jit`` call
with its graph bookkeeping), evaluates every batch twice and shuffles the batches the
same way in every epoch; on this project's 2-core machines that is about a second per
epoch. :func:`train` fits the same flow, with margarine's Adam and its loss (the
weighted negative log-density, here the weighted mean over each batch), as one compiled
``jax.lax.while_loop`` over epochs: each epoch a ``lax.scan`` over freshly shuffled
batches, then the held-out loss, keeping the best parameters and stopping after
``patience`` epochs without improvement. The fitted flow is margarine's object, with
the attributes its ``save`` writes, so its file format is margarine's own.

margarine 2.2 builds every coupling layer's network from the same layer objects, so the
coupling layers share one network: ``num_layers`` + 1 hidden layers of ``hidden_size``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import ndtr, ndtri

log = logging.getLogger(__name__)

# Chosen on the validation problem's posteriors (README, "Density estimators"): a small
# flow fitted in standardised coordinates reaches the accuracy of a Gaussian fit (the
# exact family there) in tens of epochs, a second per fit.
SETTINGS = {
    "num_coupling_layers": {"type": "integer", "minimum": 1, "default": 8},
    "hidden_size": {"type": "integer", "minimum": 1, "default": 16,
                    "description": "width of the coupling networks' hidden layers"},
    "num_layers": {"type": "integer", "minimum": 1, "default": 1,
                   "description": "margarine's: the coupling network has num_layers + 1 "
                                  "hidden layers"},
    "learning_rate": {"type": "number", "exclusiveMinimum": 0, "default": 1e-2},
    "epochs": {"type": "integer", "minimum": 1, "default": 2000,
               "description": "the most epochs; training stops earlier (patience)"},
    "patience": {"type": "integer", "minimum": 1, "default": 20,
                 "description": "epochs without a better held-out loss before stopping"},
    "batch_size": {"type": "integer", "minimum": 1, "default": 256},
    "validation_fraction": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1,
                            "default": 0.2,
                            "description": "rows held out of the fit for early stopping"},
}  # fmt: skip
TRAINING = ("learning_rate", "epochs", "patience", "batch_size", "validation_fraction")


def fit(flow_class, samples, weights, ranges, key, settings: dict, permutations=False):
    """Fit one margarine flow to weighted samples.

    Parameters
    ----------
    flow_class : type
        margarine's ``NICE`` or ``RealNVP``.
    samples : array, shape (n, d)
        Sampled-space points.
    weights : array, shape (n,)
        Their weights (any normalisation).
    ranges : array, shape (2, d)
        The prior box (margarine's ``theta_ranges``).
    key : jax PRNG key
        Split into the network initialisation, the permutations and the training.
    settings : dict
        :data:`SETTINGS`: architecture (constructor) and training keywords.
    permutations : bool, optional
        Pass a permutations key to the constructor (RealNVP).

    Returns
    -------
    The trained margarine flow.
    """
    from flax import nnx

    from .._jax import jax, jnp

    init_key, permutation_key, train_key = jax.random.split(key, 3)
    architecture = {k: v for k, v in settings.items() if k not in TRAINING}
    if permutations:
        architecture["permutations_key"] = permutation_key
    flow = flow_class(
        jnp.asarray(samples, dtype=float),
        weights=jnp.asarray(weights, dtype=float),
        theta_ranges=jnp.asarray(ranges, dtype=float),
        in_size=np.shape(samples)[1],
        nnx_rngs=nnx.Rngs(int(jax.random.randint(init_key, (), 0, 2**31 - 1))),
        **architecture,
    )
    start_at_the_identity(flow)
    whitened = WhitenedFlow.around(flow, samples, weights)
    record = train(flow, whitened.standardised(samples), weights, train_key,
                   **{k: settings[k] for k in TRAINING})  # fmt: skip
    if not np.isfinite(record["best_validation_loss"]):
        raise FloatingPointError(
            f"the {flow_class.__name__} fit to {len(samples)} samples never reached a finite "
            "held-out loss: lower density_estimator.settings.learning_rate"
        )
    if not np.all(np.isfinite(np.asarray(flow.val_loss))):
        # the untrained flow or an earlier epoch is kept: a fit, but say so
        log.warning("%s: training diverged (a non-finite held-out loss); kept epoch %d: "
                    "lower density_estimator.settings.learning_rate", flow_class.__name__,
                    record["best_epoch"])  # fmt: skip
    log.info("%s: %d epochs, best %d, held-out loss %.4f", flow_class.__name__,
             record["epochs"], record["best_epoch"], record["best_validation_loss"])  # fmt: skip
    return whitened


def start_at_the_identity(flow) -> None:
    """Zero the output layer of each coupling network of a margarine flow, in place.

    Every coupling's shift (and RealNVP's log-scale) is then zero, so the flow only
    permutes the coordinates (NICE with 8 couplings: the identity; with 2 or 3 mod 4 a
    reversal) and its density is the standard normal: in whitened coordinates the
    density starts as the Gaussian fit to the samples. Training moves away from it only
    as far as the held-out loss rewards (the hidden layers start random, so the
    gradients do not vanish). A randomly initialised flow starts elsewhere, and where
    early stopping leaves it adds noise of its own to each fit: on the validation
    problem (seed 2025) the D_KL errors at 20 and 40 mK were twice today's (README,
    "Density estimators").
    """
    from flax import nnx

    from .._jax import jnp

    for _, node in nnx.iter_graph(flow):
        if isinstance(node, nnx.Sequential) and isinstance(node.layers[-1], nnx.Linear):
            output = node.layers[-1]
            output.kernel[...] = jnp.zeros_like(output.kernel[...])
            output.bias[...] = jnp.zeros_like(output.bias[...])


# The flow's log-density in margarine's Gaussianised space, by class.
LOG_DENSITY = {"NICE": "log_prob_under_NICE", "RealNVP": "log_prob_under_RealNVP"}


def _padded(phi, weights, size: int):
    """Return the rows padded to ``size`` with zero-weight copies, so that shapes repeat."""
    copies = np.arange(len(phi), size) % len(phi)
    return (np.concatenate([phi, phi[copies]]),
            np.concatenate([weights, np.zeros(len(copies))]))  # fmt: skip


def power_of_two(n: int) -> int:
    """Return the least power of two >= n.

    Shapes rounded up so: a posterior's folds and replicates, a few per cent apart in
    size, share one compiled program as a rule (each new shape compiles for ~5 s, most
    of a fit job's time); the padding rows weigh nothing. (A batch of padding alone
    gives no gradient, but Adam's momentum still steps; with batches of 256 rows it does
    not happen.)
    """
    return 1 << max(int(n) - 1, 0).bit_length()


_TRAINERS: dict = {}


def _trainer(flow, graphdef, learning_rate: float, epochs: int, patience: int,
             n_batches: int, batch_size: int):  # fmt: skip
    """Return the compiled training run for this architecture and these settings.

    Fits of one architecture and batch count (a posterior's folds and replicates, as a
    rule) share one program: margarine's flows hold lambdas, so two flows' graph
    definitions never compare equal, and the first one's serves for all. (``jax.jit``
    traces it again for a new padded held-out size.)
    """
    method = LOG_DENSITY[type(flow).__name__]
    architecture = (type(flow).__name__, flow.in_size, flow.hidden_size, flow.nlayers,
                    flow.num_coupling_layers)  # fmt: skip
    key = (architecture, learning_rate, epochs, patience, n_batches, batch_size)
    if key not in _TRAINERS:
        _TRAINERS[key] = _compile(graphdef, method, learning_rate, epochs, patience, n_batches,
                                  batch_size)  # fmt: skip
    return _TRAINERS[key]


def _compile(graphdef, method, learning_rate, epochs, patience, n_batches, batch_size):
    import optax
    from flax import nnx

    from .._jax import jax, jnp

    optimiser = optax.adam(learning_rate)

    def loss(params, rest, phi, w):
        model = nnx.merge(graphdef, params, rest)
        # a batch of padding alone (weight 0): zero loss and gradient, not 0 / 0
        return -jnp.sum(w * getattr(model, method)(phi)) / jnp.maximum(jnp.sum(w), 1e-300)

    @jax.jit
    def run(params, rest, fit_phi, fit_w, validation_phi, validation_w, key):
        def batch_step(carry, batch):
            params, opt_state = carry
            grads = jax.grad(loss)(params, rest, *batch)
            updates, opt_state = optimiser.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), None

        # n counts the epochs trained; history[n] is the held-out loss after them
        def epoch(state):
            params, opt_state, best, best_loss, best_epoch, n, key, history = state
            key, subkey = jax.random.split(key)
            order = jax.random.permutation(subkey, len(fit_w)).reshape(n_batches, batch_size)
            (params, opt_state), _ = jax.lax.scan(
                batch_step, (params, opt_state), (fit_phi[order], fit_w[order])
            )
            validation_loss = loss(params, rest, validation_phi, validation_w)
            better = validation_loss < best_loss
            best = jax.tree.map(lambda new, old: jnp.where(better, new, old), params, best)
            return (params, opt_state, best, jnp.where(better, validation_loss, best_loss),
                    jnp.where(better, n + 1, best_epoch), n + 1, key,
                    history.at[n + 1].set(validation_loss))  # fmt: skip

        def running(state):
            return (state[5] < epochs) & (state[5] - state[4] < patience)

        # The untrained flow (the identity: the whitened Gaussian) is the first candidate.
        start_loss = loss(params, rest, validation_phi, validation_w)
        zero = jnp.asarray(0)
        start = (params, optimiser.init(params), params, start_loss, zero, zero, key,
                 jnp.full(epochs + 1, jnp.nan).at[0].set(start_loss))  # fmt: skip
        _, _, best, best_loss, best_epoch, n_epochs, _, history = jax.lax.while_loop(
            running, epoch, start
        )
        return best, best_loss, best_epoch, n_epochs, history

    return run


def train(flow, phi, weights, key, *, learning_rate: float, epochs: int, patience: int,
          batch_size: int, validation_fraction: float) -> dict:  # fmt: skip
    """Train a margarine flow in place, compiled; return the run's record.

    Minimises the weighted mean of -log q over each batch of fit rows, with early
    stopping on the weighted held-out loss; the best parameters stay.

    Parameters
    ----------
    flow : margarine NICE or RealNVP
        The flow, initialised.
    phi : array, shape (n, d)
        The points in the flow's own coordinates.
    weights : array, shape (n,)
        Their weights.
    key : jax PRNG key
        Chooses the held-out rows and shuffles the batches.
    learning_rate, epochs, patience, batch_size, validation_fraction
        The training settings (:data:`SETTINGS`).

    Returns
    -------
    dict
        ``epochs`` run, ``best_epoch`` (the epochs behind the parameters kept; 0: the
        flow as it started) and ``best_validation_loss``.
    """
    from flax import nnx

    from .._jax import jax, jnp

    phi = np.asarray(phi, dtype=float)
    # numpy, not JAX, for everything whose shape is the fit's own: JAX compiles each
    # operation anew for every new shape, and folds differ in size (~450 compilations,
    # 20 s, per posterior before)
    weights = np.asarray(weights, dtype=float)
    weights = weights / weights.sum()
    split_key, shuffle_key = jax.random.split(key)
    order = np.random.default_rng(np.asarray(split_key)).permutation(len(phi))
    n_validation = max(1, int(round(validation_fraction * len(phi))))
    fit_rows, validation_rows = order[n_validation:], order[:n_validation]
    batch_size = min(batch_size, len(fit_rows))
    n_batches = power_of_two(-(-len(fit_rows) // batch_size))
    fit_phi, fit_w = _padded(phi[fit_rows], weights[fit_rows], n_batches * batch_size)
    validation_phi, validation_w = _padded(
        phi[validation_rows], weights[validation_rows], 64 * power_of_two(-(-n_validation // 64))
    )
    # The samples the flow keeps for margarine's file would make every fit's shapes new,
    # and recompile: out of the compiled run, back afterwards.
    samples_kept = flow.theta, flow.weights
    flow.theta, flow.weights = (jax.device_put(np.asarray(a)[:1]) for a in samples_kept)
    graphdef, params, rest = nnx.split(flow, nnx.Param, ...)
    run = _trainer(flow, graphdef, float(learning_rate), int(epochs), int(patience), n_batches,
                   batch_size)  # fmt: skip
    best, best_loss, best_epoch, n_epochs, history = run(
        params, rest, *map(jnp.asarray, (fit_phi, fit_w, validation_phi, validation_w)),
        shuffle_key,
    )  # fmt: skip
    nnx.update(flow, best)
    flow.theta, flow.weights = samples_kept
    # What margarine's save writes beside the parameters.
    # (device_put: jnp.asarray compiles a conversion for every new shape)
    flow.train_phi, flow.train_weights = jax.device_put((phi[fit_rows], weights[fit_rows]))
    flow.val_phi, flow.val_weights = jax.device_put((phi[validation_rows],
                                                     weights[validation_rows]))  # fmt: skip
    flow.test_phi, flow.test_weights = flow.val_phi, flow.val_weights
    # only the held-out loss is tracked: margarine's train_loss slot gets it too
    flow.val_loss = flow.train_loss = jax.device_put(np.asarray(history)[: int(n_epochs) + 1])
    return {"epochs": int(n_epochs), "best_epoch": int(best_epoch),
            "best_validation_loss": float(best_loss)}  # fmt: skip


def _gaussianised(theta, ranges):
    # margarine's forward_transform (normal quantile of the uniform CDF), in numpy
    # (clipped off the box's faces, where the quantile is infinite)
    lower, upper = ranges
    u = (np.asarray(theta, dtype=float) - lower) / (upper - lower)
    return ndtri(np.clip(u, 1e-15, 1 - 1e-15))


class WhitenedFlow:
    """A margarine flow fitted in whitened coordinates: a density on the prior box.

    margarine maps the prior box onto the real line (``phi``: the normal quantile of
    the uniform CDF); a posterior that fills a small part of the box becomes a narrow,
    correlated blob far from the origin there, which a flow with a standard-normal base
    reaches only after many epochs, if at all. Here the flow sees z = L^-1 (phi - shift)
    instead, with the weighted mean ``shift`` and the Cholesky factor L of the weighted
    covariance of the samples' phi: a Gaussian posterior becomes the flow's base, and the
    flow learns only how the posterior departs from one. The density keeps the
    Jacobians of both maps:

        log p(x) = log q_flow(z) - sum log diag L + sum (phi^2 / 2 + log(2 pi) / 2 - log w)

    with w the box widths. The flow is margarine's object, saved in margarine's format
    beside ``<path>_whitening.json``.
    """

    def __init__(self, flow, shift, cholesky):
        self.flow = flow
        self.shift = np.asarray(shift, dtype=float)
        self.cholesky = np.atleast_2d(np.asarray(cholesky, dtype=float))
        self.theta_ranges = np.asarray(flow.theta_ranges, dtype=float)

    @classmethod
    def around(cls, flow, samples, weights):
        """Return the wrapper whose whitening fits weighted ``samples`` (n, d)."""
        d = np.shape(samples)[1]
        phi = _gaussianised(samples, np.asarray(flow.theta_ranges, dtype=float))
        w = np.asarray(weights, dtype=float)
        w = w / w.sum()
        shift = w @ phi
        covariance = ((phi - shift).T * w) @ (phi - shift)
        # a tiny ridge keeps the factor defined for samples that span fewer dimensions
        ridge = 1e-12 * np.trace(covariance) / d
        return cls(flow, shift, np.linalg.cholesky(covariance + ridge * np.eye(d)))

    def standardised(self, theta) -> np.ndarray:
        """Return the flow's coordinates z (n, d) of sampled-space points (n, d)."""
        return self._whiten(_gaussianised(theta, self.theta_ranges))

    def _whiten(self, phi):
        return solve_triangular(self.cholesky, (phi - self.shift).T, lower=True).T

    def log_prob(self, theta) -> np.ndarray:
        """Return the log density (n,) on the box of sampled-space points (n, d)."""
        from .._jax import jnp

        phi = _gaussianised(theta, self.theta_ranges)
        z = jnp.asarray(self._whiten(phi))
        log_q = np.asarray(getattr(self.flow, LOG_DENSITY[type(self.flow).__name__])(z))
        width = self.theta_ranges[1] - self.theta_ranges[0]
        box = np.sum(0.5 * phi**2 + 0.5 * np.log(2 * np.pi) - np.log(width), axis=1)
        return log_q - np.sum(np.log(np.diag(self.cholesky))) + box

    def sample(self, key, n: int) -> np.ndarray:
        """Return n draws (n, d) from the density."""
        from .._jax import jax

        base = jax.random.normal(key, (n, len(self.shift)))
        phi = self.shift + np.asarray(self.flow.inverse(base)) @ self.cholesky.T
        lower, upper = self.theta_ranges
        return lower + (upper - lower) * ndtr(phi)

    def save(self, path) -> None:
        """Write margarine's file ``<path>.marg`` and the standardisation beside it."""
        self.flow.save(str(path))
        record = {"shift": self.shift.tolist(), "cholesky": self.cholesky.tolist()}
        Path(f"{path}_whitening.json").write_text(json.dumps(record, indent=2))

    @classmethod
    def load(cls, flow_class, path):
        """Read a flow written by :meth:`save`."""
        record = json.loads(Path(f"{path}_whitening.json").read_text())
        return cls(flow_class.load(str(path)), record["shift"], record["cholesky"])
