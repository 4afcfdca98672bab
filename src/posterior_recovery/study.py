"""What each rule of the workflow computes, from the validated configuration.

One function per rule: the workflow scripts read Snakemake's inputs, call one of these
and write what it returns. ``cfg`` is the configuration mapping, or the subset of its
sections that the rule receives (its ``params.cfg``); paths are the rule's inputs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from pathlib import Path

import numpy as np

from . import (
    artifacts,
    comparison,
    density,
    emulators,
    paper,
    posterior,
    repartitioning,
    samplers,
    seeds,
    training_set,
)
from .artifacts import ArtifactError, damaged
from .batching import map_batches
from .divergence import kl_from_likelihoods
from .likelihood import GaussianLikelihood
from .likelihood import mock_data as draw_mock_data
from .linearisation import linearise as linearise_models
from .parameters import Prior
from .simulators import make_simulator, redshift_grid
from .tables import repeats_table as tabulate_repeats
from .tables import study_tables, validation_table


def setup_logging(log_path: str | Path) -> logging.Logger:
    """Send this process's logging, stdout and stderr to the rule's log file.

    stdout too, since globalemu and margarine report training progress with print(), and
    at the level of file descriptors, so that what compiled libraries write lands there
    as well instead of on Snakemake's console.
    """
    log_file = open(log_path, "a", buffering=1)  # noqa: SIM115 - lives as long as the job
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
        os.dup2(log_file.fileno(), stream.fileno())
    sys.stdout = sys.stderr = log_file
    logging.basicConfig(
        stream=log_file,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        force=True,
    )
    return logging.getLogger("posterior_recovery")


log = logging.getLogger(__name__)


def prior_from(cfg: dict) -> Prior:
    """Return the prior of the config's ``parameters``."""
    return Prior.from_config(cfg["parameters"])


def simulator_from(cfg: dict):
    """Return the full model of the config's ``simulator`` on its redshift grid."""
    simulator = cfg["simulator"]
    names = [p["name"] for p in cfg["parameters"]]
    return make_simulator(
        simulator["name"], redshift_grid(simulator["redshift"]), names, simulator.get("options")
    )


def model_from(cfg: dict, model: str, emulator_dir=None):
    """Return the full model (the simulator) or the trained emulator in ``emulator_dir``."""
    return simulator_from(cfg) if model == "full" else load_emulator(emulator_dir)


def load_emulator(emulator_dir):
    """Return the emulator in ``emulator_dir``, its files checked against their manifest."""
    return emulators.load(artifacts.read("emulator", emulator_dir))


def read_data(path, noise_mK: float) -> dict:
    """Read the mock data of one noise level, checked to be that level's."""
    data = artifacts.read("data", path)
    if float(data["noise_mK"]) != float(noise_mK):
        raise damaged(path, f"it holds data for {float(data['noise_mK'])} mK, not {noise_mK} mK",
                      "mock_data")  # fmt: skip
    return data


def inputs_digest(text: str, paths) -> str:
    """Return a short hex digest of ``text`` and of the files under ``paths`` (files or folders).

    Names a sampler's resume folder, so that a run with other settings, data or emulator
    never resumes from it.
    """
    digest = hashlib.sha256(text.encode())
    for path in map(Path, paths):
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


# --- training set and emulator ---------------------------------------------------------


def simulate_chunk(cfg: dict, split: str, chunk: int) -> dict[str, np.ndarray]:
    """One chunk of a split, simulated: the arrays of a chunk file (:mod:`.training_set`)."""
    prior, simulator = prior_from(cfg), simulator_from(cfg)
    n_total = cfg["training_set"][f"n_{split}"]
    rows = training_set.chunk_slice(n_total, cfg["training_set"]["chunks"], chunk)
    theta = training_set.split_parameters(prior, n_total, cfg["seed"], split)[rows]
    log.info("%s chunk %d: simulating %d signals with %s", split, chunk, len(theta), simulator)
    result = training_set.simulate(simulator, prior, theta, cfg["simulator"]["batch_size"])
    log.info("%d failed simulations", result["failed"].sum())
    return result


def merge_split(cfg: dict, chunk_paths):
    """Merge a split's chunks, failures left out; return (merged arrays, failures table)."""
    chunks = [artifacts.read("chunk", path) for path in chunk_paths]
    merged, failures = training_set.merge_chunks(
        chunks, prior_from(cfg).names, cfg["training_set"]["max_failure_fraction"]
    )
    log.info("%d signals kept, %d failed simulations left out", len(merged["theta"]),
             len(failures))  # fmt: skip
    return merged, failures


def train_emulator(cfg: dict, model_dir, train_path, validation_path) -> None:
    """Make the configured emulator in ``model_dir`` from the training and validation sets."""
    emulators.build(
        model_dir,
        cfg["emulator"],
        prior=prior_from(cfg),
        train_set=artifacts.read("split", train_path),
        validation_set=artifacts.read("split", validation_path),
        simulator=simulator_from(cfg),
        seed=seeds.emulator(cfg["seed"]),
    )
    log.info("%s emulator made in %s", cfg["emulator"]["name"], model_dir)


def emulator_accuracy(cfg: dict, model_dir, test_path):
    """Evaluate the emulator on the unseen test set; return (summary, error arrays).

    The summary is ``accuracy.json``; the arrays are the per-signal RMSE and the mean
    and 95th-percentile absolute error against redshift (:func:`.emulators.accuracy`).
    """
    prior = prior_from(cfg)
    test = artifacts.read("split", test_path)
    physical = np.asarray(prior.to_physical(test["theta"]))
    emulated = map_batches(load_emulator(model_dir), physical, 256)
    result = emulators.accuracy(emulated, test["signals"])
    log.info("accuracy: %s", result["summary"])
    errors = {key: value for key, value in result.items() if key != "summary"}
    return result["summary"], {"redshift": test["redshift"], **errors}


# --- data, sampling, posteriors --------------------------------------------------------


def mock_data(cfg: dict, noise_mK: float) -> dict[str, np.ndarray]:
    """Return the fiducial full-model signal plus one noise draw (:func:`.likelihood.mock_data`)."""
    rng = seeds.mock_data(cfg["seed"], noise_mK)
    data = draw_mock_data(simulator_from(cfg), prior_from(cfg), noise_mK, rng)
    log.info("mock data with sigma = %g mK, trough %.1f mK", noise_mK, data["signal"].min())
    return data


def nested_sampling(
    cfg: dict, model: str, noise_mK: float, data_path, emulator_dir, run_parent,
    emulator_posterior=None,
):  # fmt: skip
    """Sample one model's posterior at one noise level.

    With ``full_posterior: repartitioned`` the full model is sampled under the prior
    repartitioned by the emulator posterior at the same level, ``emulator_posterior``
    (its table and summary paths; :mod:`.repartitioning`). The sampler's own files go
    to ``run_parent/<sampler>-<digest>``, named by a digest of the run's config, data,
    emulator, emulator posterior and q, so that a rerun of the same run resumes and any
    other starts afresh. Returns (anesthetic NestedSamples, stats with ``log_evidence``
    and ``log_evidence_err``), or (None, None) on MPI ranks other than 0.
    """
    prior = prior_from(cfg)
    likelihood = GaussianLikelihood(
        read_data(data_path, noise_mK)["data"], noise_mK, model_from(cfg, model, emulator_dir),
        prior,
    )  # fmt: skip
    seed = seeds.sampler(cfg["seed"], noise_mK, model, cfg.get("sampler_seed", 0))
    log.info("sampling the %s posterior at %g mK with %s", model, noise_mK, cfg["sampler"])
    repartition = None
    if emulator_posterior is not None:
        table, _ = posterior.read(*emulator_posterior, prior.names)
        repartition = repartitioning.from_posterior(
            table[list(prior.names)].to_numpy(), table["weight"].to_numpy(), prior.lower,
            prior.upper, **cfg["repartitioning"], rng=seeds.repartition(cfg["seed"], noise_mK),
        )  # fmt: skip
        log.info("under the prior repartitioned by the emulator posterior: %s",
                 repartition.to_json())  # fmt: skip
    inputs = [data_path, *([emulator_dir] if emulator_dir else []), *(emulator_posterior or [])]
    run = {"config": cfg, "model": model, "noise_mK": noise_mK}
    if repartition is not None:
        # q itself, so that a change in how it is fitted starts afresh instead of resuming
        run["repartition"] = repartition.to_json()
    digest = inputs_digest(json.dumps(run, sort_keys=True), inputs)
    run_dir = Path(run_parent) / f"{cfg['sampler']['name']}-{digest}"
    samples, stats = samplers.sample(likelihood, prior, cfg["sampler"], seed, run_dir,
                                     repartition)  # fmt: skip
    if samples is None:
        return None, None
    log_z, log_z_err = posterior.log_evidence(samples, seed)
    stats.update(log_evidence=log_z, log_evidence_err=log_z_err, n_samples=len(samples))
    log.info("log Z = %.3f +- %.3f", log_z, log_z_err)
    return samples, stats


def make_posterior(
    cfg: dict, model: str, noise_mK: float, samples_path, data_path, emulator_dir, stats_path,
    emulator_run=None,
):  # fmt: skip
    """Make the posterior artifact of one model at one noise level, by the configured route.

    - the emulator, or the full model with ``nested_sampling`` or ``repartitioned``:
      the run's weighted samples, with the model's own log L; the other model's log L
      is evaluated at them (the emulator's is cheap; the full model's is not needed
      for the emulator posterior);
    - the full model with ``reweighting``: the emulator run (``samples_path``)
      reweighted by L_full / L_emu, evaluating the full model (batched) at its samples.

    A sampled full posterior given the emulator run (``emulator_run``: its samples and
    stats paths) records under ``reweighting`` what reweighting that run would have
    given instead (:func:`reweighting_check`). Returns the table and summary
    (:mod:`.posterior`).
    """
    prior = prior_from(cfg)
    names = list(prior.names)
    data = read_data(data_path, noise_mK)["data"]
    route = cfg["full_posterior"] if model == "full" else "nested_sampling"
    seed = seeds.evidence(cfg["seed"], noise_mK)
    # the emulator run's samples (reweighting) or this model's own run
    samples, stats = read_run(samples_path, stats_path, names)
    if route == "reweighting":
        table, summary = _reweighted(cfg, noise_mK, samples, data, seed)
        n_model_calls = len(samples)  # one full-model call per emulator sample
    else:
        column = "logL_full" if model == "full" else "logL_emu"
        table, summary = posterior.from_nested_samples(samples, names, column, seed)
        if model == "full":
            emulated = GaussianLikelihood(data, noise_mK, load_emulator(emulator_dir), prior)
            table["logL_emu"] = emulated.evaluate_in_batches(table[names].to_numpy(), 256)
            if emulator_run is not None:
                summary["reweighting"] = reweighting_check(
                    cfg, noise_mK, read_run(*emulator_run, names)[0], data, seed
                )
        n_model_calls = stats["n_likelihood_calls"]
    if not np.isfinite([summary["log_evidence"], summary["log_evidence_err"]]).all():
        raise ArtifactError(f"{samples_path}: its log-evidence is not finite; see the log")
    summary = posterior.flag_ess(
        {**summary, "route": route, "n_model_calls": n_model_calls},
        cfg["reweighting"]["ess_threshold"],
    )
    if summary["ess_below_threshold"]:
        log.warning(
            "effective sample size %.0f is below reweighting.ess_threshold = %g: the emulator "
            "posterior does not cover the full one; only nested_sampling can tell how far "
            "apart they are", summary["ess"], summary["ess_threshold"],
        )  # fmt: skip
    log.info("%s posterior: %s", model, summary)
    return table, summary


def read_run(samples_path, stats_path, names):
    """Return a nested-sampling run's samples (anesthetic) and its ``stats.json``, checked."""
    stats = artifacts.read("stats", stats_path)
    return artifacts.read("run", samples_path, columns=names, rows=stats.get("n_samples")), stats


def write_run(samples, stats: dict, samples_path, stats_path) -> None:
    """Write a nested-sampling run's samples (anesthetic csv) and ``stats.json``, each whole."""
    with artifacts.atomic_path(samples_path) as temporary:
        samples.to_csv(temporary)
    artifacts.write_json(stats_path, stats)


def _reweighted(cfg: dict, noise_mK: float, emulator_samples, data, seed: int):
    """Return the full posterior (table, summary) by reweighting an emulator run."""
    prior = prior_from(cfg)
    full = GaussianLikelihood(data, noise_mK, simulator_from(cfg), prior)
    theta = emulator_samples[list(prior.names)].to_numpy()
    log.info("evaluating the full model at %d emulator samples", len(theta))
    logL_full = full.evaluate_in_batches(theta, cfg["reweighting"]["batch_size"])
    return posterior.reweight(emulator_samples, prior.names, logL_full, seed)


def reweighting_check(cfg: dict, noise_mK: float, emulator_samples, data, seed: int) -> dict:
    """Return what reweighting the emulator run would give: its ESS, log Z and D_KL.

    ``kl_likelihood`` is the likelihood estimator's D_KL(P_reweighted || P_emulator),
    beside which the sampled route's own shows whether the cheap route would have
    sufficed.
    """
    table, summary = _reweighted(cfg, noise_mK, emulator_samples, data, seed)
    delta_logL = (table["logL_emu"] - table["logL_full"]).to_numpy()
    return {
        "ess": summary["ess"],
        "log_evidence": summary["log_evidence"],
        "log_evidence_err": summary["log_evidence_err"],
        "kl_likelihood": kl_from_likelihoods(delta_logL, table["weight"]),
    }


# --- comparison ------------------------------------------------------------------------


def replicate_keys(cfg: dict, noise_mK: float) -> list[int]:
    """Return the keys of the density estimators' replicates at one noise level.

    Replicate 0 is the estimate, the others its bootstrap; both models share the keys.
    """
    count = 1 + cfg["density_estimator"]["n_replicates"]
    return [seeds.density_replicate(cfg["seed"], noise_mK, r) for r in range(count)]


def fit_densities(cfg: dict, noise_mK: float, posterior_path, summary_path):
    """Fit the density estimators of one posterior (:func:`.density.fit_replicates`).

    Both models' posteriors at a noise level are fitted with the same seeds
    (:func:`.seeds.density_fit`).

    Returns (replicate, fold) -> DensityEstimator.
    """
    prior = prior_from(cfg)
    table, _ = posterior.read(posterior_path, summary_path, prior.names)
    return density.fit_replicates(
        table, prior, cfg["density_estimator"], replicate_keys(cfg, noise_mK),
        lambda r, k: seeds.density_fit(cfg["seed"], noise_mK, r, k),
    )  # fmt: skip


def linearise(cfg: dict, emulator_dir) -> dict[str, np.ndarray]:
    """Both models and their Jacobians at the fiducial (:func:`.linearisation.linearise`)."""
    linearisation = linearise_models(
        model_from(cfg, "full"), model_from(cfg, "emulator", emulator_dir), prior_from(cfg)
    )
    error = linearisation["emulator_signal"] - linearisation["full_signal"]
    log.info("emulator error at the fiducial: RMSE %.3f mK", np.sqrt(np.mean(error**2)))
    return linearisation


def divergence(cfg: dict, noise_mK: float, inputs) -> dict:
    """Compute the study's result at one noise level (:func:`.comparison.noise_level_result`).

    ``inputs`` names the rule's input files: ``data``, ``linearisation``, ``accuracy``,
    ``emulator_model``, ``full`` / ``full_summary`` and ``emulator`` /
    ``emulator_summary`` (the posteriors), ``full_densities`` and ``emulator_densities``.
    """
    prior = prior_from(cfg)
    full, full_summary = posterior.read(inputs.full, inputs.full_summary, prior.names)
    emulated, emulator_summary = posterior.read(
        inputs.emulator, inputs.emulator_summary, prior.names
    )
    density_estimates = comparison.kl_from_density_estimators(
        full, prior.names,
        density.load(artifacts.read("density", inputs.full_densities)),
        density.load(artifacts.read("density", inputs.emulator_densities)),
        replicate_keys(cfg, noise_mK), cfg["density_estimator"]["n_folds"],
    )  # fmt: skip
    log.info("D_KL from density estimators: %.4f +- %.4f", density_estimates["kl_flow"],
             density_estimates["kl_flow_err"])  # fmt: skip
    data = read_data(inputs.data, noise_mK)["data"]
    result = comparison.noise_level_result(
        noise_mK=noise_mK,
        full=full,
        full_summary=full_summary,
        emulator=emulated,
        emulator_summary=emulator_summary,
        density_estimates=density_estimates,
        accuracy=artifacts.read("accuracy", inputs.accuracy),
        linearisation=artifacts.read("linearisation", inputs.linearisation),
        data=data,
        prior=prior,
        n_bootstrap=cfg["divergence"]["n_bootstrap"],
        rng=seeds.bootstrap(cfg["seed"], noise_mK),
        kl_exact=emulators.exact_kl(
            artifacts.read("emulator", inputs.emulator_model), noise_mK, data
        ),  # fmt: skip
    )
    log.info("%s", result)
    return result


def kl_prediction(noise_levels, accuracy_path, linearisation_path):
    """Return the bounds and linearised D_KL on a grid of noise levels (the D_KL figure)."""
    return comparison.kl_prediction(
        comparison.prediction_grid(noise_levels),
        artifacts.read("accuracy", accuracy_path),
        artifacts.read("linearisation", linearisation_path),
    )


# --- report ----------------------------------------------------------------------------


def _results(result_paths) -> list[dict]:
    return [artifacts.read("result", path) for path in result_paths]


def repeats_table(result_paths, sampler_seeds):
    """Return the repeat runs' table (:func:`.tables.repeats_table`) from their results."""
    return tabulate_repeats(_results(result_paths), sampler_seeds)


def tables(result_paths, accuracy_path) -> dict:
    """Return the study's tables (:func:`.tables.study_tables`) from the per-noise results."""
    return study_tables(_results(result_paths), artifacts.read("accuracy", accuracy_path))


def validation(result_paths):
    """Return the validation table: every estimate beside the exact D_KL."""
    return validation_table(_results(result_paths))


def paper_inputs(cfg: dict, result_paths, accuracy_path, stats_paths, noise_labels,
                 accuracy_without_preprocessing_path=None, repeats_path=None) -> dict:  # fmt: skip
    """Return the paper's generated LaTeX files (``numbers`` and the tables) by name.

    ``stats_paths``: every nested-sampling run's ``stats.json``, for the total wall time;
    ``accuracy_without_preprocessing_path``: that emulator's ``accuracy.json``, if trained;
    ``repeats_path``: the repeat runs' table (csv), if the study has them.
    """
    results = _results(result_paths)
    wall_time_s = sum(artifacts.read("stats", path).get("wall_time_s", 0.0) for path in stats_paths)
    without = (
        artifacts.read("accuracy", accuracy_without_preprocessing_path)
        if accuracy_without_preprocessing_path
        else None
    )
    values = paper.numbers(
        results, artifacts.read("accuracy", accuracy_path), cfg, wall_time_s, without
    )
    repeats = artifacts.read("repeats", repeats_path) if repeats_path else None
    tables = paper.paper_tables(results, cfg, noise_labels, repeats)
    return {"numbers": paper.numbers_tex(values), **tables}
