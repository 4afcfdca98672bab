"""blackjax's nested slice sampling (``blackjax.nss``) over a uniform prior box.

The sampler works in the unit hypercube; points map linearly to the box. It vectorises
over the points replaced in one iteration (``jax.vmap``), in one process, and needs a
JAX-traceable log-likelihood. Under a repartitioned prior
(:mod:`posterior_recovery.repartitioning`) it samples L~ = L / pi~ under pi~.

The run writes ``checkpoint.npz`` into its ``output_dir`` every
``checkpoint_interval_s``: the sampler's state, its random key and the dead points so
far. A run with the same inputs (the same folder) resumes from it and gives the same
dead points as an uninterrupted run.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from .. import artifacts
from . import asynchronous_slice
from .asynchronous_slice import LaneInfo
from .dead_points import DeadPoints

log = logging.getLogger(__name__)

NAME = "nss"
SETTINGS = {
    "live_points_per_dim": {"type": "integer", "minimum": 1},
    "inner_steps_per_dim": {"type": "integer", "minimum": 1,
                            "description": "slice steps per replaced point, per dimension"},
    "delete_fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                        "description": "live points replaced per iteration"},
    "precision_criterion": {"type": "number", "exclusiveMinimum": 0,
                            "description": "stop when the live points hold less of Z than this"},
    "update": {"enum": ["asynchronous", "lockstep"], "default": "asynchronous",
               "description": "replacement chains: each at its own pace, or in lockstep"},
    "checkpoint_interval_s": {"type": "number", "minimum": 0, "default": 300,
                              "description": "seconds between checkpoints of the run"},
}  # fmt: skip
JAX_ONLY = True
MPI = False
REPARTITIONING = True

CHECKPOINT = "checkpoint.npz"
_CHECKPOINT_PRODUCER = "nested_sampling (a checkpoint: remove it to start the run afresh)"


def likelihood_counts(update_info, n_delete: int) -> tuple[int, int, int, int | None]:
    """Likelihood evaluations of one iteration: (needed, done, candidates, failed).

    With ``update: asynchronous`` (a :class:`~.asynchronous_slice.LaneInfo`) every
    chain counts its evaluations and its candidates (those the prior rejected need
    none), and the hardware evaluates all ``n_delete`` lanes in every round (done);
    failed evaluations are those at the likelihood's floor for a non-finite model
    output. With ``lockstep`` (blackjax's SliceInfo, ``num_expansions`` and
    ``num_shrink`` of shape (n_delete, inner steps)), where every candidate is
    evaluated: a slice move evaluates both ends of its bracket, then once per expansion
    and once per shrink, and under ``vmap`` each loop of a move runs until its slowest
    chain is done. Its two stepping-out loops (left,
    right) are counted as one, so the hardware count is a lower bound, exact when no
    move expands on both sides; failed evaluations are not counted there (None).

    Parameters
    ----------
    update_info : LaneInfo or blackjax SliceInfo
        What the chains of the iteration did.
    n_delete : int
        Chains run side by side.
    """
    if isinstance(update_info, LaneInfo):
        evaluations = np.asarray(update_info.num_evaluations)
        candidates = int(np.sum(update_info.num_candidates))
        failed = int(np.sum(update_info.num_failed))
        done = int(n_delete * np.max(update_info.num_rounds))
        return int(evaluations.sum()), done, candidates, failed
    expansions = np.asarray(update_info.num_expansions)
    shrinks = np.asarray(update_info.num_shrink)
    needed = int(np.sum(2 + expansions + shrinks))
    done = int(n_delete * np.sum(2 + expansions.max(axis=0) + shrinks.max(axis=0)))
    return needed, done, needed, None


def run(
    log_likelihood,
    lower,
    upper,
    *,
    seed: int,
    output_dir=None,
    repartition=None,
    live_points_per_dim: int,
    inner_steps_per_dim: int,
    delete_fraction: float,
    precision_criterion: float,
    update: str = "asynchronous",
    checkpoint_interval_s: float = 300,
    max_iterations: int = 1_000_000,
):
    """Nested sampling of ``log_likelihood`` in the box [lower, upper].

    Parameters
    ----------
    log_likelihood : callable
        JAX-traceable log L of one point, shape (d,) -> scalar.
    lower, upper : array, shape (d,)
        The prior box.
    seed : int
        The run is deterministic given it.
    output_dir : path, optional
        The run's own folder, for its checkpoint; without it the run keeps none.
    repartition : Repartition, optional
        Sample under this prior pi~ on the unit cube, with L / pi~ as the likelihood.
    live_points_per_dim, inner_steps_per_dim : int
        Live points and slice-sampling steps per replaced point, per dimension.
    delete_fraction : float
        Live points replaced per iteration.
    precision_criterion : float
        Stop when the live points hold less than this fraction of the evidence.
    update : {"asynchronous", "lockstep"}, optional
        How the replacement chains share the vectorised evaluations
        (:mod:`.asynchronous_slice`, or blackjax's own strategy).
    checkpoint_interval_s : float, optional
        Seconds between checkpoints.
    max_iterations : int, optional
        A safety stop.

    Returns
    -------
    DeadPoints, dict
        The dead points (their ``logL`` the sampled likelihood, ``logL_model`` the
        model's) and the run's statistics: ``n_likelihood_calls`` (evaluations the
        algorithm needed), ``n_likelihood_evaluations`` (evaluations done, lanes that
        waited included), ``batch_efficiency`` (their ratio), ``n_candidates``
        (slice-sampling candidates drawn, the initial live points included: the calls
        had every candidate been evaluated; those below their move's slice level of the
        prior needed none), ``n_failed_evaluations`` (evaluations whose log-likelihood
        is :data:`~posterior_recovery.likelihood.FAILED_LOG_LIKELIHOOD` or below, i.e.
        a non-finite model output: the posterior is zero there; None with ``update:
        lockstep``, which cannot count them), ``n_iterations``, ``n_live``,
        ``wall_time_s``.
    """
    import blackjax

    from .._jax import jax
    from ..likelihood import FAILED_LOG_LIKELIHOOD

    d = len(lower)
    n_live = live_points_per_dim * d
    n_delete = max(1, int(round(delete_fraction * n_live)))
    lower_np, upper_np = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    log_prior, sampled_log_likelihood, draw = _in_unit_cube(
        log_likelihood, lower_np, upper_np, repartition
    )
    strategy = {"update_strategy": asynchronous_slice.update_strategy(
        log_prior, sampled_log_likelihood, failed_below=FAILED_LOG_LIKELIHOOD,
    )} if update == "asynchronous" else {}  # fmt: skip
    algorithm = blackjax.nss(
        logprior_fn=log_prior,
        loglikelihood_fn=sampled_log_likelihood,
        num_inner_steps=inner_steps_per_dim * d,
        num_delete=n_delete,
        **strategy,
    )
    key, init_key = jax.random.split(jax.random.PRNGKey(seed))
    checkpoint = Path(output_dir) / CHECKPOINT if output_dir is not None else None
    start = time.perf_counter()
    state, dead, key, counters = _start(algorithm, draw(init_key, n_live), key, checkpoint,
                                        FAILED_LOG_LIKELIHOOD)  # fmt: skip
    step = jax.jit(algorithm.step)
    log_tolerance = np.log(precision_criterion)
    last_checkpoint = time.perf_counter()
    while state.integrator.logZ_live - state.integrator.logZ >= log_tolerance:
        if counters["iteration"] >= max_iterations:
            log.warning("stopped after max_iterations = %d before converging", max_iterations)
            break
        key, subkey = jax.random.split(key)
        state, info = step(subkey, state)
        dead.append(info.particles)
        needed, done, candidates, failed = likelihood_counts(info.update_info, n_delete)
        counters["iteration"] += 1
        counters["n_calls"] += needed
        counters["n_evaluations"] += done
        counters["n_candidates"] += candidates
        counters["n_failed"] += failed or 0
        if counters["iteration"] % 50 == 0:
            log.info(
                "iteration %d: log Z = %.3f, log Z_live = %.3f, %d calls (of %d candidates), "
                "%d evaluations", counters["iteration"], float(state.integrator.logZ),
                float(state.integrator.logZ_live), counters["n_calls"], counters["n_candidates"],
                counters["n_evaluations"],
            )  # fmt: skip
        if checkpoint and time.perf_counter() - last_checkpoint >= checkpoint_interval_s:
            dead = [_concatenate(dead)]
            elapsed = counters["wall_time_s"] + time.perf_counter() - start
            _write_checkpoint(checkpoint, state, dead[0], key, {**counters, "wall_time_s": elapsed})
            last_checkpoint = time.perf_counter()
    wall_time = counters["wall_time_s"] + time.perf_counter() - start

    live = jax.tree.map(np.asarray, state.particles)
    particles = _concatenate([*dead, live])
    position = np.asarray(particles.position)
    logL = np.asarray(particles.loglikelihood)
    logL_birth = np.asarray(particles.loglikelihood_birth)
    log_prior_values = np.asarray(particles.logdensity)
    points = DeadPoints(
        theta=lower_np + (upper_np - lower_np) * position,
        logL=logL,
        logL_birth=np.where(np.isnan(logL_birth), -np.inf, logL_birth),  # initial points
        # L = L~ pi~ (pi = 1 on the cube)
        logL_model=logL + log_prior_values if repartition is not None else None,
    )
    stats = {
        "n_likelihood_calls": counters["n_calls"],
        "n_likelihood_evaluations": counters["n_evaluations"],
        "batch_efficiency": counters["n_calls"] / counters["n_evaluations"],
        "n_candidates": counters["n_candidates"],
        "n_failed_evaluations": counters["n_failed"] if update == "asynchronous" else None,
        "n_iterations": counters["iteration"],
        "n_live": n_live,
        "wall_time_s": wall_time,
    }
    if repartition is not None:
        stats["repartition"] = repartition.to_json()
    log.info("converged: %d calls, %d evaluations, in %.1f s", counters["n_calls"],
             counters["n_evaluations"], wall_time)  # fmt: skip
    if stats["n_failed_evaluations"]:
        log.warning(
            "%d of %d model evaluations failed (non-finite output) and count as zero "
            "likelihood: the posterior excludes where they lie", counters["n_failed"],
            counters["n_calls"],
        )  # fmt: skip
    return points, stats


def _in_unit_cube(log_likelihood, lower, upper, repartition):
    """Return the sampler's (log prior, log likelihood, draw) on the unit cube.

    Uniform: log pi = 0 and L. Repartitioned: log pi~ and L / pi~. Outside the cube
    both are -inf.
    """
    from .._jax import jax, jnp

    origin, width = jnp.asarray(lower), jnp.asarray(upper - lower)

    def inside(u):
        return jnp.all((u >= 0.0) & (u <= 1.0))

    def log_likelihood_in_cube(u):
        # Candidates outside the box are evaluated (masked) under vmap: clip them, so the
        # model only ever sees parameters inside its prior.
        log_l = log_likelihood(origin + jnp.clip(u, 0.0, 1.0) * width)
        return jnp.where(inside(u), log_l, -jnp.inf)

    if repartition is None:

        def log_prior(u):
            return jnp.where(inside(u), 0.0, -jnp.inf)

        def draw(key, n):
            return jax.random.uniform(key, (n, len(lower)), dtype=float)

        return log_prior, log_likelihood_in_cube, draw

    def repartitioned_log_prior(u):
        return jnp.where(inside(u), repartition.log_prior(u), -jnp.inf)

    def repartitioned_log_likelihood(u):
        return jnp.where(inside(u), log_likelihood_in_cube(u) - repartition.log_prior(u),
                         -jnp.inf)  # fmt: skip

    return repartitioned_log_prior, repartitioned_log_likelihood, repartition.draw


def _start(algorithm, initial_points, key, checkpoint, failed_below):
    """Return (state, dead particles, key, counters): from the checkpoint, or afresh."""
    from .._jax import jax

    if checkpoint is not None and checkpoint.exists():
        template = jax.eval_shape(algorithm.init, initial_points)
        state, dead_particles, key, counters = _read_checkpoint(checkpoint, template)
        log.info("resumed from %s at iteration %d", checkpoint, counters["iteration"])
        return state, [dead_particles], key, counters
    n_live = len(initial_points)
    state = algorithm.init(initial_points)
    n_failed = int(np.sum(np.asarray(state.particles.loglikelihood) <= failed_below))
    counters = {"iteration": 0, "n_calls": n_live, "n_evaluations": n_live, "n_candidates": n_live,
                "n_failed": n_failed, "wall_time_s": 0.0}  # fmt: skip
    return state, [], key, counters


def _concatenate(particles: list):
    from .._jax import jax

    return jax.tree.map(lambda *xs: np.concatenate([np.asarray(x) for x in xs]), *particles)


def _write_checkpoint(path, state, dead_particles, key, counters: dict) -> None:
    from .._jax import jax

    arrays = {f"state_{i}": np.asarray(x) for i, x in enumerate(jax.tree.leaves(state))}
    dead_leaves = jax.tree.leaves(dead_particles)
    arrays |= {f"dead_{i}": np.asarray(x) for i, x in enumerate(dead_leaves)}
    arrays |= {"key": np.asarray(key)} | {name: np.asarray(v) for name, v in counters.items()}
    artifacts.write_npz(path, arrays)
    log.info("checkpoint at iteration %d: %s", counters["iteration"], path)


def _read_checkpoint(path, template):
    """Return (state, dead particles, key, counters) from a checkpoint, shaped like ``template``."""
    from .._jax import jax, jnp

    counter_names = ("iteration", "n_calls", "n_evaluations", "n_candidates", "n_failed",
                     "wall_time_s")  # fmt: skip
    arrays = artifacts.read_npz(path, _CHECKPOINT_PRODUCER, ("key", *counter_names))
    state_leaves, treedef = jax.tree.flatten(template)
    particle_leaves, particle_treedef = jax.tree.flatten(template.particles)
    state = [arrays.get(f"state_{i}") for i in range(len(state_leaves))]
    dead = [arrays.get(f"dead_{i}") for i in range(len(particle_leaves))]
    complete = all(v is not None and v.shape == leaf.shape
                   for v, leaf in zip(state, state_leaves, strict=True))  # fmt: skip
    if not complete or any(v is None for v in dead):
        raise artifacts.damaged(path, "it does not hold a state of this run",
                                _CHECKPOINT_PRODUCER)  # fmt: skip
    counters = {name: arrays[name].item() for name in counter_names}
    return (
        jax.tree.unflatten(treedef, [jnp.asarray(v) for v in state]),
        jax.tree.unflatten(particle_treedef, dead),
        jnp.asarray(arrays["key"]),
        counters,
    )
