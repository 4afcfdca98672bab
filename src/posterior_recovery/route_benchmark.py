"""The full-posterior routes side by side, on a finished study.

    python -m posterior_recovery.route_benchmark --configfile config/quick.yaml
        [--results results] [--noise-mK 5 25] [--routes reweighting repartitioned]
        [--rerun-study-route] [--runs DIR] [--sampler-seeds 0 1 2]

For each noise level it obtains the full-model posterior by each route, from the
study's own data, emulator and emulator runs (``results/``), with the study's config
and seeds, and prints a Markdown table: full-model likelihood calls the algorithm
needed, evaluations the hardware did, the sampler's iterations (``nss``), wall time
(a sampled route's: the sampler's, from its ``stats.json``; reweighting's: all of it),
log Z and its error, a sampled route's full-model calls for a log Z error of one nat
(``calls_for_unit_log_Z_err``: calls x err^2, since a run's calls grow as its live
points and its err^2 falls as them, so the ratio of two routes' values is their cost
ratio at equal log Z error), the largest shift of a posterior mean from plain nested
sampling's with the same sampler seed, in posterior standard deviations
(``max_mean_shift_sd``; where both were run), and the sampler seed. The study's own
route is read from its run in ``results/`` where that run was
made by the route (with the same config, seeds and inputs it is the same run; its wall
time may include sharing the cores with other jobs), unless ``--rerun-study-route``.
Sampler files go to a temporary folder, so no run resumes from the study's
checkpoints; with ``--runs DIR`` they go to ``DIR/noise_<sigma>mK/<route>/`` instead,
with each run's ``nested_samples.csv`` and ``stats.json`` (the study's formats), so that
a benchmark stopped mid-run resumes from its checkpoints and its posteriors can be
compared afterwards (a sampler seed s >= 1: ``DIR/seed_<s>/noise_<sigma>mK/<route>/``,
as the workflow keeps its repeat runs).

``--sampler-seeds`` runs the sampled routes again with each sampler seed (config
``sampler_seed``; 0 is the study's own) on the same data and emulator posterior (so the
same q), to measure their spread; reweighting samples nothing and has one row per level.
With more than one seed a second table follows: per level and route, the runs' mean and
standard deviation of calls, iterations and log Z, and the mean calls as a fraction of
plain nested sampling's mean, with its standard error.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd

from . import study
from .bias import weighted_mean_std
from .cli import SCHEMA
from .config import check_config, load_config_file
from .names import ROUTES, noise_label


def compare_routes(cfg: dict, results, noise_levels, routes=ROUTES,
                   rerun_study_route: bool = False, runs=None,
                   sampler_seeds=(0,)) -> pd.DataFrame:  # fmt: skip
    """Return one row per noise level, route and sampler seed (the module docstring).

    Parameters
    ----------
    cfg : dict
        The study's validated config.
    results : path
        Its results folder, with the data, the emulator and the emulator posteriors of
        ``noise_levels``.
    noise_levels : sequence of float
        Noise levels, mK.
    routes : sequence of str, optional
        Full-posterior routes (:data:`~posterior_recovery.names.ROUTES`).
    rerun_study_route : bool, optional
        Run the study's own route (``cfg["full_posterior"]``) again instead of reading
        its run from ``results``.
    runs : path, optional
        Keep the sampled routes' runs here (see the module docstring) instead of in a
        temporary folder.
    sampler_seeds : sequence of int, optional
        Sampler seeds of the sampled routes' runs; 0 is the study's own.
    """
    results = Path(results)
    names = list(study.prior_from(cfg).names)
    rows = []
    for noise_mK in noise_levels:
        for sampler_seed in sampler_seeds:
            moments = {}
            for route in routes:
                if route == "reweighting" and sampler_seed != sampler_seeds[0]:
                    continue  # it samples nothing: one row per level
                route_cfg = {**copy.deepcopy(cfg), "full_posterior": route}
                if sampler_seed:  # as the workflow sets it: a seed-0 run keeps its digest
                    route_cfg["sampler_seed"] = sampler_seed
                study_run = route == cfg["full_posterior"] and not sampler_seed
                row, theta, weights = _full_posterior(
                    route_cfg, noise_mK, results, names, study_run and not rerun_study_route,
                    runs and _run_folder(Path(runs), sampler_seed),
                )  # fmt: skip
                moments[route] = weighted_mean_std(theta, weights)
                rows.append({
                    "noise_mK": noise_mK, "route": route, **row,
                    "max_mean_shift_sd": _mean_shift(moments, route),
                    "sampler_seed": sampler_seed,
                })  # fmt: skip
    return pd.DataFrame(rows)


def _full_posterior(cfg: dict, noise_mK: float, results: Path, names: list, read_study_run: bool,
                    runs=None):  # fmt: skip
    """Obtain the full-model posterior by ``cfg``'s route: (row, theta, weights).

    ``row`` has the table's cost and evidence columns, ``calls_for_unit_log_Z_err``
    included (NaN for reweighting, whose error is mostly the emulator run's, bought with
    emulator calls); ``read_study_run``: read the study's own run where it has one made
    by this route; ``runs``: keep a new run there.
    """
    route = cfg["full_posterior"]
    level = f"noise_{noise_label(noise_mK)}mK"
    data = results / f"data/{level}.npz"
    start = time.perf_counter()
    if route == "reweighting":
        emulator_run = results / f"sampling/emulator/{level}"
        table, summary = study.make_posterior(
            cfg, "full", noise_mK, emulator_run / "nested_samples.csv", data,
            results / "emulator/model", emulator_run / "stats.json",
        )  # fmt: skip
        row = {"full_model_calls": summary["n_model_calls"],
               "full_model_evaluations": summary["n_model_calls"], "n_iterations": float("nan"),
               "wall_time_s": time.perf_counter() - start,
               "log_Z_full": summary["log_evidence"],
               "log_Z_full_err": summary["log_evidence_err"],
               "calls_for_unit_log_Z_err": float("nan")}  # fmt: skip
        return row, table[names].to_numpy(), table["weight"].to_numpy()
    study_run = (
        _study_run(results / f"sampling/full/{level}", cfg, names) if read_study_run else None
    )
    if study_run is not None:
        samples, stats = study_run
    else:
        emulator_posterior = [results / f"posteriors/{level}/emulator.{ext}" for ext in
                              ("csv", "json")]  # fmt: skip
        samples, stats = _sample(cfg, noise_mK, data, emulator_posterior,
                                 runs and runs / level / route)  # fmt: skip
    row = {"full_model_calls": stats["n_likelihood_calls"],
           "full_model_evaluations": stats["n_likelihood_evaluations"],
           "n_iterations": stats.get("n_iterations", float("nan")),  # nss only
           "wall_time_s": stats["wall_time_s"],
           "log_Z_full": stats["log_evidence"],
           "log_Z_full_err": stats["log_evidence_err"],
           "calls_for_unit_log_Z_err": stats["n_likelihood_calls"]
           * stats["log_evidence_err"]**2}  # fmt: skip
    return row, samples[names].to_numpy(), samples.get_weights()


def spread_over_seeds(table: pd.DataFrame) -> pd.DataFrame:
    """Return the spread of a :func:`compare_routes` table's runs, per level and route.

    Columns: the runs' mean and standard deviation of calls, iterations and log Z, and
    the mean calls over plain nested sampling's (``calls_over_plain``, with its
    standard error from both means').
    """
    grouped = table.groupby(["noise_mK", "route"], sort=False)
    columns = ["full_model_calls", "n_iterations", "log_Z_full"]
    spread = grouped[columns].agg(["mean", "std"])
    spread.columns = [f"{column}_{statistic}" for column, statistic in spread.columns]
    spread.insert(0, "n_runs", grouped.size())
    spread = spread.reset_index()
    sem = spread["full_model_calls_std"] / np.sqrt(spread["n_runs"])
    relative_sem = sem / spread["full_model_calls_mean"]
    plain = spread["route"] == "nested_sampling"
    by_level = spread[plain].assign(relative_sem=relative_sem[plain]).set_index("noise_mK")
    plain_mean = spread["noise_mK"].map(by_level["full_model_calls_mean"])
    plain_relative_sem = spread["noise_mK"].map(by_level["relative_sem"])
    spread["calls_over_plain"] = spread["full_model_calls_mean"] / plain_mean
    spread["calls_over_plain_err"] = spread["calls_over_plain"] * np.sqrt(
        relative_sem**2 + plain_relative_sem**2
    )
    spread.loc[plain, "calls_over_plain_err"] = 0.0  # plain NS over itself
    return spread


def _run_folder(runs: Path, sampler_seed: int) -> Path:
    """Where ``--runs`` keeps the runs of a sampler seed (the workflow's layout)."""
    return runs if sampler_seed == 0 else runs / f"seed_{sampler_seed}"


def _sample(cfg: dict, noise_mK: float, data, emulator_posterior, run_parent=None):
    """Sample the full model by ``cfg``'s route; keep the run in ``run_parent`` if given."""
    repartition_by = emulator_posterior if cfg["full_posterior"] == "repartitioned" else None
    kept = run_parent is not None
    with nullcontext(run_parent) if kept else tempfile.TemporaryDirectory() as parent:
        Path(parent).mkdir(parents=True, exist_ok=True)
        samples, stats = study.nested_sampling(cfg, "full", noise_mK, data, None, parent,
                                               repartition_by)  # fmt: skip
    if kept:
        study.write_run(samples, stats, Path(run_parent) / "nested_samples.csv",
                        Path(run_parent) / "stats.json")  # fmt: skip
    return samples, stats


def _study_run(run: Path, cfg: dict, names: list):
    """Return the study's full-model run in ``run`` (samples, stats), or None.

    None where there is none, or where it was not made by the config's route with its
    live points (e.g. a study run with another ``full_posterior``).
    """
    if not (run / "stats.json").exists():
        return None
    samples, stats = study.read_run(run / "nested_samples.csv", run / "stats.json", names)
    repartitioned = cfg["full_posterior"] == "repartitioned"
    n_live = cfg["sampler"]["live_points_per_dim"] * len(names)
    if ("repartition" in stats) != repartitioned or stats["n_live"] != n_live:
        return None
    return samples, stats


def _mean_shift(moments: dict, route: str) -> float:
    """Return the largest |mean - plain NS's mean| / plain NS's std over the parameters."""
    if route == "nested_sampling" or "nested_sampling" not in moments:
        return float("nan")
    (mean, _), (plain_mean, plain_std) = moments[route], moments["nested_sampling"]
    return float(np.max(np.abs(mean - plain_mean) / plain_std))


def main(argv=None) -> None:
    """Print the side-by-side table for the study of a config file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configfile", required=True, type=Path)
    parser.add_argument("--results", default="results", type=Path)
    parser.add_argument("--noise-mK", nargs="+", type=float, help="default: the config's")
    parser.add_argument("--routes", nargs="+", choices=ROUTES, default=list(ROUTES))
    parser.add_argument("--rerun-study-route", action="store_true",
                        help="run the study's own route again, not read its run")  # fmt: skip
    parser.add_argument("--runs", type=Path,
                        help="keep the sampled routes' runs (resumable) here")  # fmt: skip
    parser.add_argument("--sampler-seeds", nargs="+", type=int, default=[0],
                        help="run the sampled routes with each (0: the study's own)")  # fmt: skip
    args = parser.parse_args(argv)
    cfg = load_config_file(args.configfile)
    check_config(cfg, SCHEMA)
    table = compare_routes(cfg, args.results, args.noise_mK or cfg["noise_levels_mK"],
                           args.routes, args.rerun_study_route, args.runs,
                           args.sampler_seeds)  # fmt: skip
    print(table.to_markdown(index=False, floatfmt=".6g"))
    if len(args.sampler_seeds) > 1:
        print()
        print(spread_over_seeds(table).to_markdown(index=False, floatfmt=".6g"))


if __name__ == "__main__":
    main()
