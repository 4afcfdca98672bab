"""blackjax's nested slice sampling (``blackjax.nss``) over a uniform prior box.

The sampler works in the unit hypercube; points map linearly to the sampled space.
Settings (config ``sampler``): ``live_points_per_dim``, ``inner_steps_per_dim``,
``delete_fraction`` (live points replaced per iteration) and ``precision_criterion``
(stop when the live points hold less than this fraction of the evidence).
"""

from __future__ import annotations

import logging
import time

import blackjax
import jax
import jax.numpy as jnp
import numpy as np
from anesthetic import NestedSamples

log = logging.getLogger(__name__)


def run(
    likelihood, prior, settings: dict, seed: int, output_dir=None, max_iterations: int = 1_000_000
):
    """Nested sampling of ``likelihood`` (JAX-traceable) in ``prior``'s box.

    Returns (anesthetic NestedSamples, stats dict). Deterministic given ``seed``. The
    run lives in memory: ``output_dir`` is not used.
    """
    if not likelihood.jax_traceable:
        raise ValueError("sampler.name: nss needs a JAX-traceable model (simulator or emulator)")
    d = prior.ndim
    n_live = settings["live_points_per_dim"] * d
    n_delete = max(1, int(round(settings["delete_fraction"] * n_live)))
    lower, width = jnp.asarray(prior.lower), jnp.asarray(prior.upper - prior.lower)

    def inside(u):
        return jnp.all((u >= 0.0) & (u <= 1.0))

    def log_prior(u):
        return jnp.where(inside(u), 0.0, -jnp.inf)

    def log_likelihood(u):
        # Candidates outside the box are evaluated (masked) under vmap: clip them, so the
        # model only ever sees parameters inside its prior.
        log_l = likelihood.single(lower + jnp.clip(u, 0.0, 1.0) * width)
        return jnp.where(inside(u), log_l, -jnp.inf)

    algorithm = blackjax.nss(
        logprior_fn=log_prior,
        loglikelihood_fn=log_likelihood,
        num_inner_steps=settings["inner_steps_per_dim"] * d,
        num_delete=n_delete,
    )
    key, init_key = jax.random.split(jax.random.PRNGKey(seed))
    start = time.perf_counter()
    state = algorithm.init(jax.random.uniform(init_key, (n_live, d), dtype=float))
    step = jax.jit(algorithm.step)
    log_tolerance = np.log(settings["precision_criterion"])
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
    theta = np.asarray(prior.from_unit_cube(np.asarray(particles.position)))
    logL = np.asarray(particles.loglikelihood)
    logL_birth = np.asarray(particles.loglikelihood_birth)
    samples = NestedSamples(
        data=theta,
        columns=list(prior.names),
        logL=logL,
        logL_birth=np.where(np.isnan(logL_birth), -np.inf, logL_birth),  # initial points
        labels=prior.labels,
        logzero=-np.inf,
    )
    stats = {
        "n_likelihood_calls": n_calls,
        "n_iterations": len(dead),
        "n_live": n_live,
        "wall_time_s": wall_time,
    }
    log.info("converged: %d calls in %.1f s", n_calls, wall_time)
    return samples, stats
