"""Nested slice sampling's replacement step with every vectorised lane kept busy.

blackjax's nested slice sampler replaces ``num_delete`` points per iteration by running
that many slice-sampling chains side by side (``jax.vmap``), each ``num_inner_steps``
hit-and-run slice moves from a surviving live point. Under ``vmap`` each of a move's
loops (stepping out left, right, shrinking) runs until its slowest chain is done, so
most lanes wait at every move: about a third of the likelihood evaluations the
hardware does are thrown away.

Here each chain is a small state machine that takes one likelihood evaluation per round
on its own lane, whatever phase of whichever move it is in, and the rounds go on until
every chain has made all its moves. A chain that has made its moves lends its lane to
the chains still moving (round robin), which then evaluate several candidates per round:
the ends of further expansions (deterministic, given the bracket), and shrinkage
candidates drawn uniformly over the largest bracket the move can still reach. A chain
takes its candidates in order, exactly as if it had proposed them one at a time, and
skips those its move no longer needs (an expansion after the stepping out stopped, a
shrinkage candidate outside the bracket it has shrunk to: uniform on the bracket given
that it lies in it, so skipping is rejection sampling). The chains' moves are those of
sequential slice sampling; the busiest chain's lag, which every lane used to wait for at
the end of an iteration, is worked off several evaluations a round.

A candidate below its move's slice level of the prior is outside the slice whatever
its likelihood: the chain rejects it without evaluating the likelihood and proposes
again within the same round (cheap: the prior is a box or a mixture of Gaussians), so
every evaluation a chain counts goes to a candidate that needs it. The chains move
exactly as they would if every candidate were evaluated, with fewer calls: outside
the box, and under a repartitioned prior, where log pi~ falls by many nats across a
bracket.

The moves themselves are blackjax's: the same covariance-shaped directions
(:func:`blackjax.ns.nss.sample_direction_from_covariance_factor`), Neal's (2003)
stepping out with at most ``max_expansions`` expansions split at random between the
two sides, and shrinkage with at most ``max_shrinkage`` candidates (after which the
chain stays put). The factory plugs into ``blackjax.nss`` as its ``update_strategy``.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

# blackjax's defaults (blackjax.ns.nss.build_kernel)
MAX_EXPANSIONS = 10
MAX_SHRINKAGE = 100

# a chain's phase in its current move
_LEFT, _RIGHT, _SHRINK = 0, 1, 2


class LaneInfo(NamedTuple):
    """What the chains of one replacement did, one entry per chain (n_delete,)."""

    num_expansions: object
    num_shrink: object
    num_evaluations: object  # likelihood evaluations
    num_candidates: object  # candidates, those outside the slice of pi~ included
    num_failed: object  # evaluations that failed (log-likelihood at most ``failed_below``)
    num_rounds: object  # the iteration's rounds of evaluations of every lane (the same for all)


class _Lane(NamedTuple):
    key: object
    position: object
    logdensity: object
    loglikelihood: object
    moves: object  # completed moves
    fresh: object  # the next round starts a new move
    phase: object
    direction: object
    level: object
    left: object
    right: object
    left_budget: object
    right_budget: object
    shrinks: object  # in the current move
    num_expansions: object
    num_shrink: object
    num_evaluations: object
    num_candidates: object
    num_failed: object


class _Proposal(NamedTuple):
    lane: _Lane  # the chain, set up for this candidate (its move's direction, level, ...)
    t: object  # the candidate's place on the move's line
    candidate: object
    logdensity: object  # its log-prior


def update_strategy(log_prior, log_likelihood, max_expansions=MAX_EXPANSIONS,
                    max_shrinkage=MAX_SHRINKAGE, failed_below=float("-inf")):  # fmt: skip
    """Return a ``blackjax.nss`` update strategy that keeps its lanes busy.

    Parameters
    ----------
    log_prior, log_likelihood : callable
        The sampler's log-prior and log-likelihood of one position (d,), as given to
        ``blackjax.nss``.
    max_expansions, max_shrinkage : int, optional
        Caps of a slice move's stepping out and shrinkage, as in blackjax.
    failed_below : float, optional
        An evaluated log-likelihood at most this marks a failed model evaluation,
        counted in ``num_failed`` (give the likelihood's floor for a non-finite signal;
        by default only -inf counts).

    Returns
    -------
    callable
        ``(constrained_step_fn, num_inner_steps, num_delete) -> update_fn``, the
        contract of :func:`blackjax.ns.from_mcmc.build_kernel`; ``constrained_step_fn``
        is not used (this does the constrained moves itself). ``update_fn`` returns
        the new particles and a :class:`LaneInfo`.
    """
    from blackjax.ns.nss import sample_direction_from_covariance_factor

    from .._jax import jax, jnp

    def factory(constrained_step_fn, num_inner_steps, num_delete):
        del constrained_step_fn

        def update_fn(rng_key, state, loglikelihood_0, covariance_factor):
            choice_key, lanes_key, rounds_key = jax.random.split(rng_key, 3)
            particles = state.particles
            # start from survivors, as blackjax's update_with_mcmc_take_last
            survivors = (particles.loglikelihood > loglikelihood_0).astype(float)
            survivors = jnp.where(survivors.sum() > 0, survivors, jnp.ones_like(survivors))
            start = jax.random.choice(choice_key, len(survivors), (num_delete,),
                                      p=survivors / survivors.sum())  # fmt: skip
            zero = jnp.zeros(num_delete, dtype=int)
            lanes = _Lane(
                key=jax.random.split(lanes_key, num_delete),
                position=particles.position[start],
                logdensity=particles.logdensity[start],
                loglikelihood=particles.loglikelihood[start],
                moves=zero, fresh=jnp.ones(num_delete, dtype=bool), phase=zero,
                direction=jnp.zeros_like(particles.position[start]),
                level=jnp.zeros(num_delete), left=jnp.zeros(num_delete),
                right=jnp.zeros(num_delete), left_budget=zero, right_budget=zero,
                shrinks=zero, num_expansions=zero, num_shrink=zero, num_evaluations=zero,
                num_candidates=zero, num_failed=zero,
            )  # fmt: skip

            def one_round(carry):
                lanes, key, rounds = carry
                key, round_key = jax.random.split(key)
                return _round(lanes, round_key, loglikelihood_0, covariance_factor,
                              num_inner_steps), key, rounds + 1  # fmt: skip

            lanes, _, rounds = jax.lax.while_loop(
                lambda carry: jnp.any(carry[0].moves < num_inner_steps), one_round,
                (lanes, rounds_key, 0),
            )  # fmt: skip
            new_particles = type(particles)(
                position=lanes.position,
                logdensity=lanes.logdensity,
                loglikelihood=lanes.loglikelihood,
                loglikelihood_birth=jnp.full(num_delete, loglikelihood_0),
            )
            return new_particles, LaneInfo(lanes.num_expansions, lanes.num_shrink,
                                           lanes.num_evaluations, lanes.num_candidates,
                                           lanes.num_failed,
                                           jnp.full(num_delete, rounds))  # fmt: skip

        return update_fn

    def _round(lanes, key, loglikelihood_0, covariance_factor, num_inner_steps):
        """One round: one likelihood evaluation per lane, for the chains still moving.

        Each chain still moving proposes its next candidate (rejecting those below the
        slice level of pi~ without a likelihood evaluation) on its own lane; the lanes
        of chains that have made their moves take the candidates after those, for the
        chains still moving in turn. Every lane's candidate is evaluated at once, then
        each chain takes its candidates in order (:func:`_take`).
        """
        n = lanes.moves.shape[0]

        def needs_no_likelihood(proposal):
            return (proposal.lane.moves < num_inner_steps) & (
                proposal.logdensity < proposal.lane.level
            )

        def reject(proposal):
            settled = _settle(proposal, -jnp.inf, loglikelihood_0, evaluated=False)
            return _propose(settled, covariance_factor)

        proposals = jax.vmap(lambda lane: jax.lax.while_loop(
            needs_no_likelihood, reject, _propose(lane, covariance_factor)
        ))(lanes)  # fmt: skip
        start = proposals.lane  # each chain as its candidates of this round find it
        moving = start.moves < num_inner_steps
        # a moving chain's own lane is its candidate 0; the others' lanes are lent
        idle_rank = jnp.cumsum(~moving) - 1
        n_moving = jnp.maximum(jnp.sum(moving), 1)
        moving_chains = jnp.nonzero(moving, size=n, fill_value=0)[0]
        owner = jnp.where(moving, jnp.arange(n), moving_chains[idle_rank % n_moving])
        order = jnp.where(moving, 0, 1 + idle_rank // n_moving)
        owners_start = jax.tree.map(lambda leaf: leaf[owner], start)
        uniforms = jax.random.uniform(key, (n,))
        t = jnp.where(order == 0, proposals.t,
                      jax.vmap(_lent_t)(owners_start, order, uniforms))  # fmt: skip
        candidate = owners_start.position + t[:, None] * owners_start.direction
        logdensity = jnp.where(order == 0, proposals.logdensity,
                               jax.vmap(log_prior)(candidate))  # fmt: skip
        loglikelihood = jax.vmap(log_likelihood)(candidate)
        # lane_of[c, k]: the lane of chain c's candidate k (-1: none)
        lane_of = jnp.full((n, n), -1).at[owner, order].set(jnp.arange(n), mode="drop")

        take_one = jax.vmap(partial(_take, settle=_settle),
                            in_axes=(0, 0, None, 0, 0, 0, 0, 0, None, None))  # fmt: skip

        def take(k, chains):
            lane = lane_of[:, k]
            at = jnp.maximum(lane, 0)
            return take_one(
                chains, start, k, lane >= 0, t[at], candidate[at], logdensity[at],
                loglikelihood[at], loglikelihood_0, num_inner_steps,
            )  # fmt: skip

        return jax.lax.fori_loop(0, jnp.max(order) + 1, take, start)

    def _propose(lane, covariance_factor):
        """Set the chain up for its next candidate (a new move if it is fresh) and draw it."""
        key, direction_key, level_key, bracket_key, split_key, shrink_key = jax.random.split(
            lane.key, 6
        )
        # a new move: direction, slice level, initial bracket and expansion budgets
        direction = jnp.where(
            lane.fresh,
            sample_direction_from_covariance_factor(direction_key, lane.position,
                                                    covariance_factor),
            lane.direction,
        )  # fmt: skip
        level = jnp.where(lane.fresh, lane.logdensity + jnp.log(jax.random.uniform(level_key)),
                          lane.level)  # fmt: skip
        initial_left = -jax.random.uniform(bracket_key)
        left_budget_new = jnp.floor(max_expansions * jax.random.uniform(split_key)).astype(int)
        lane = lane._replace(
            key=key,
            direction=direction,
            level=level,
            left=jnp.where(lane.fresh, initial_left, lane.left),
            right=jnp.where(lane.fresh, initial_left + 1.0, lane.right),
            left_budget=jnp.where(lane.fresh, left_budget_new, lane.left_budget),
            right_budget=jnp.where(
                lane.fresh, max_expansions - 1 - left_budget_new, lane.right_budget
            ),  # fmt: skip
            phase=jnp.where(lane.fresh, _LEFT, lane.phase),
            shrinks=jnp.where(lane.fresh, 0, lane.shrinks),
        )
        t_shrink = lane.left + jax.random.uniform(shrink_key) * (lane.right - lane.left)
        t = jnp.select([lane.phase == _LEFT, lane.phase == _RIGHT], [lane.left, lane.right],
                       t_shrink)  # fmt: skip
        candidate = lane.position + t * direction
        return _Proposal(lane, t, candidate, log_prior(candidate))

    def _settle(proposal, candidate_loglikelihood, loglikelihood_0, evaluated):
        """Return the chain after its candidate: accepted, expanded, shrunk or given up."""
        lane, t, phase = proposal.lane, proposal.t, proposal.lane.phase
        in_slice = (proposal.logdensity >= lane.level) & (candidate_loglikelihood > loglikelihood_0)
        expand_left = (phase == _LEFT) & in_slice & (lane.left_budget > 0)
        expand_right = (phase == _RIGHT) & in_slice & (lane.right_budget > 0)
        accepted = (phase == _SHRINK) & in_slice
        shrinking = (phase == _SHRINK) & ~in_slice
        gave_up = shrinking & (lane.shrinks + 1 >= max_shrinkage)
        move_done = accepted | gave_up
        next_phase = jnp.select(
            [phase == _LEFT, phase == _RIGHT],
            [jnp.where(expand_left, _LEFT, _RIGHT), jnp.where(expand_right, _RIGHT, _SHRINK)],
            _SHRINK,
        )
        left, right = lane.left, lane.right
        return lane._replace(
            position=jnp.where(accepted, proposal.candidate, lane.position),
            logdensity=jnp.where(accepted, proposal.logdensity, lane.logdensity),
            loglikelihood=jnp.where(accepted, candidate_loglikelihood, lane.loglikelihood),
            moves=lane.moves + move_done,
            fresh=move_done,
            phase=next_phase,
            left=jnp.where(expand_left, left - 1.0, jnp.where(shrinking & (t < 0), t, left)),
            right=jnp.where(
                expand_right, right + 1.0, jnp.where(shrinking & (t >= 0), t, right)
            ),  # fmt: skip
            left_budget=lane.left_budget - expand_left,
            right_budget=lane.right_budget - expand_right,
            shrinks=lane.shrinks + (phase == _SHRINK),
            num_expansions=lane.num_expansions + expand_left + expand_right,
            num_shrink=lane.num_shrink + (phase == _SHRINK),
            num_evaluations=lane.num_evaluations + evaluated,
            num_candidates=lane.num_candidates + 1,
            num_failed=lane.num_failed + (evaluated & (candidate_loglikelihood <= failed_below)),
        )

    return factory


def _roles(start, k):
    """Return the phase, and the index within it, of a chain's candidate k of a round.

    After the chain's own candidate (k = 0), those of lent lanes: the further left
    ends (a chain stepping out to the left), the right ends, then shrinkage.
    """
    from .._jax import jnp

    left_phase = start.phase == _LEFT
    n_left = jnp.where(left_phase, start.left_budget, 0)
    n_right = jnp.where(left_phase, start.right_budget + 1,
                        jnp.where(start.phase == _RIGHT, start.right_budget, 0))  # fmt: skip
    phase = jnp.select([k == 0, k <= n_left, k <= n_left + n_right],
                       [start.phase, _LEFT, _RIGHT], _SHRINK)  # fmt: skip
    index = jnp.where(phase == _RIGHT, k - n_left - left_phase, k)
    return phase, index


def _lent_t(start, k, uniform):
    """Return where on the move's line a lent lane's candidate k (>= 1) lies."""
    from .._jax import jnp

    phase, index = _roles(start, k)
    # shrinkage candidates cover the largest bracket the stepping out can reach
    lowest = start.left - jnp.where(start.phase == _LEFT, start.left_budget, 0)
    highest = start.right + jnp.where(start.phase == _SHRINK, 0, start.right_budget)
    return jnp.select([phase == _LEFT, phase == _RIGHT],
                      [start.left - index, start.right + index],
                      lowest + uniform * (highest - lowest))  # fmt: skip


def _take(chain, start, k, exists, t, candidate, logdensity, loglikelihood,
          loglikelihood_0, num_inner_steps, settle):  # fmt: skip
    """Return the chain after its candidate k of the round, if its move still needs it.

    An expansion is needed while the stepping out on its side has not stopped, a
    shrinkage candidate while it lies inside the bracket shrunk so far. ``settle`` is the
    update strategy's, which settles a chain on one candidate.
    """
    from .._jax import jax, jnp

    phase, index = _roles(start, k)
    needed = jnp.select(
        [phase == _LEFT, phase == _RIGHT],
        [chain.left_budget == start.left_budget - index,
         chain.right_budget == start.right_budget - index],
        (k == 0) | ((chain.left < t) & (t < chain.right)),
    )  # fmt: skip
    needed = (exists & (chain.moves < num_inner_steps) & ((k == 0) | ~chain.fresh)
              & (chain.phase == phase) & needed)  # fmt: skip
    evaluated = logdensity >= chain.level
    settled = settle(_Proposal(chain, t, candidate, logdensity),
                      jnp.where(evaluated, loglikelihood, -jnp.inf), loglikelihood_0,
                      evaluated)  # fmt: skip
    return jax.tree.map(lambda new, old: jnp.where(needed, new, old), settled, chain)
