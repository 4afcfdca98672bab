"""The full-posterior routes side by side, on a finished study.

    python -m posterior_recovery.route_benchmark --configfile config/quick.yaml
        [--results results] [--noise-mK 5 25] [--routes reweighting repartitioned]
        [--rerun-study-route] [--runs DIR]

For each noise level it obtains the full-model posterior by each route, from the
study's own data, emulator and emulator runs (``results/``), with the study's config
and seeds, and prints a Markdown table: full-model likelihood calls the algorithm
needed, evaluations the hardware did, the sampler's iterations (``nss``), wall time
(a sampled route's: the sampler's, from its ``stats.json``; reweighting's: all of it),
log Z and its error, and the largest shift of a posterior mean from plain nested
sampling's, in posterior standard deviations (``max_mean_shift_sd``; where both were
run). The study's own route is read from its run in ``results/`` where that run was
made by the route (with the same config, seeds and inputs it is the same run; its wall
time may include sharing the cores with other jobs), unless ``--rerun-study-route``.
Sampler files go to a temporary folder, so no run resumes from the study's
checkpoints; with ``--runs DIR`` they go to ``DIR/noise_<sigma>mK/<route>/`` instead,
with each run's ``nested_samples.csv`` and ``stats.json`` (the study's formats), so that
a benchmark stopped mid-run resumes from its checkpoints and its posteriors can be
compared afterwards.
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
                   rerun_study_route: bool = False, runs=None) -> pd.DataFrame:  # fmt: skip
    """Return one row per noise level and route (the module docstring's columns).

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
    """
    results = Path(results)
    emulator_dir = results / "emulator/model"
    names = list(study.prior_from(cfg).names)
    rows = []
    for noise_mK in noise_levels:
        moments = {}
        level = f"noise_{noise_label(noise_mK)}mK"
        data = results / f"data/{level}.npz"
        emulator_run = results / f"sampling/emulator/{level}"
        emulator_posterior = [results / f"posteriors/{level}/emulator.{ext}" for ext in
                              ("csv", "json")]  # fmt: skip
        for route in routes:
            route_cfg = {**copy.deepcopy(cfg), "full_posterior": route}
            start = time.perf_counter()
            if route == "reweighting":
                table, summary = study.make_posterior(
                    route_cfg, "full", noise_mK, emulator_run / "nested_samples.csv", data,
                    emulator_dir, emulator_run / "stats.json",
                )  # fmt: skip
                calls = evaluations = summary["n_model_calls"]
                iterations = float("nan")
                log_z, log_z_err = summary["log_evidence"], summary["log_evidence_err"]
                weights, theta = table["weight"].to_numpy(), table[names].to_numpy()
                wall_time = time.perf_counter() - start
            else:
                study_run = None
                if route == cfg["full_posterior"] and not rerun_study_route:
                    study_run = _study_run(results / f"sampling/full/{level}", cfg, names)
                if study_run is not None:
                    samples, stats = study_run
                else:
                    samples, stats = _sample(route_cfg, noise_mK, data, emulator_posterior,
                                             runs and Path(runs) / level / route)  # fmt: skip
                calls, evaluations = stats["n_likelihood_calls"], stats["n_likelihood_evaluations"]
                iterations = stats.get("n_iterations", float("nan"))  # nss only
                log_z, log_z_err = stats["log_evidence"], stats["log_evidence_err"]
                weights, theta = samples.get_weights(), samples[names].to_numpy()
                wall_time = stats["wall_time_s"]
            moments[route] = weighted_mean_std(theta, weights)
            rows.append({
                "noise_mK": noise_mK, "route": route, "full_model_calls": calls,
                "full_model_evaluations": evaluations, "n_iterations": iterations,
                "wall_time_s": wall_time,
                "log_Z_full": log_z, "log_Z_full_err": log_z_err,
                "max_mean_shift_sd": _mean_shift(moments, route),
            })  # fmt: skip
    return pd.DataFrame(rows)


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
    args = parser.parse_args(argv)
    cfg = load_config_file(args.configfile)
    check_config(cfg, SCHEMA)
    table = compare_routes(cfg, args.results, args.noise_mK or cfg["noise_levels_mK"],
                           args.routes, args.rerun_study_route, args.runs)  # fmt: skip
    print(table.to_markdown(index=False, floatfmt=".6g"))


if __name__ == "__main__":
    main()
