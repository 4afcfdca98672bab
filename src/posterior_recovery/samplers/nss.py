"""blackjax's nested slice sampling (``blackjax.nss``) over a uniform prior box.

The sampler works in the unit hypercube; points map linearly to the box. It vectorises
over the live points in one process, and needs a JAX-traceable log-likelihood.
"""

from __future__ import annotations

import logging
import time

import numpy as np

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
}  # fmt: skip
JAX_ONLY = True
MPI = False


def run(
    log_likelihood,
    lower,
    upper,
    *,
    seed: int,
    output_dir=None,
    live_points_per_dim: int,
    inner_steps_per_dim: int,
    delete_fraction: float,
    precision_criterion: float,
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
        Not used: the run lives in memory.
    live_points_per_dim, inner_steps_per_dim : int
        Live points and slice-sampling steps per replaced point, per dimension.
    delete_fraction : float
        Live points replaced per iteration.
    precision_criterion : float
        Stop when the live points hold less than this fraction of the evidence.
    max_iterations : int, optional
        A safety stop.

    Returns
    -------
    DeadPoints, dict
        The dead points and the run's statistics (``n_likelihood_calls``,
        ``n_iterations``, ``n_live``, ``wall_time_s``).
    """
    import blackjax

    from .._jax import jax, jnp

    d = len(lower)
    n_live = live_points_per_dim * d
    n_delete = max(1, int(round(delete_fraction * n_live)))
    lower_np, upper_np = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    origin, width = jnp.asarray(lower_np), jnp.asarray(upper_np - lower_np)

    def inside(u):
        return jnp.all((u >= 0.0) & (u <= 1.0))

    def log_prior(u):
        return jnp.where(inside(u), 0.0, -jnp.inf)

    def log_likelihood_in_cube(u):
        # Candidates outside the box are evaluated (masked) under vmap: clip them, so the
        # model only ever sees parameters inside its prior.
        log_l = log_likelihood(origin + jnp.clip(u, 0.0, 1.0) * width)
        return jnp.where(inside(u), log_l, -jnp.inf)

    algorithm = blackjax.nss(
        logprior_fn=log_prior,
        loglikelihood_fn=log_likelihood_in_cube,
        num_inner_steps=inner_steps_per_dim * d,
        num_delete=n_delete,
    )
    key, init_key = jax.random.split(jax.random.PRNGKey(seed))
    start = time.perf_counter()
    state = algorithm.init(jax.random.uniform(init_key, (n_live, d), dtype=float))
    step = jax.jit(algorithm.step)
    log_tolerance = np.log(precision_criterion)
    dead, n_calls = [], n_live
    for iteration in range(1, max_iterations + 1):
        if state.integrator.logZ_live - state.integrator.logZ < log_tolerance:
            break
        key, subkey = jax.random.split(key)
        state, info = step(subkey, state)
        dead.append(info)
        # Each slice move costs two end-point calls plus one per expansion and shrink.
        slice_info = info.update_info
        n_calls += int(jnp.sum(2 + slice_info.num_expansions + slice_info.num_shrink))
        if iteration % 50 == 0:
            log.info(
                "iteration %d: %d dead points, log Z = %.3f, log Z_live = %.3f, %d calls",
                iteration, iteration * n_delete, float(state.integrator.logZ),
                float(state.integrator.logZ_live), n_calls,
            )  # fmt: skip
    else:
        log.warning("stopped after max_iterations = %d before converging", max_iterations)
    wall_time = time.perf_counter() - start

    particles = blackjax.ns.utils.finalise(state, dead).particles
    logL_birth = np.asarray(particles.loglikelihood_birth)
    points = DeadPoints(
        theta=lower_np + (upper_np - lower_np) * np.asarray(particles.position),
        logL=np.asarray(particles.loglikelihood),
        logL_birth=np.where(np.isnan(logL_birth), -np.inf, logL_birth),  # initial points
    )
    stats = {
        "n_likelihood_calls": n_calls,
        "n_iterations": len(dead),
        "n_live": n_live,
        "wall_time_s": wall_time,
    }
    log.info("converged: %d calls in %.1f s", n_calls, wall_time)
    return points, stats
