"""Nested sampling of one model's posterior at one noise level.

Run by a shell rule with command-line arguments (not Snakemake's ``script:``), so that
an MPI sampler's ranks can each start it.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from posterior_recovery import posterior, study
from posterior_recovery.likelihood import GaussianLikelihood
from posterior_recovery.samplers import SAMPLERS

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--config", type=json.loads, required=True, help="config sections, JSON")
parser.add_argument("--model", choices=sorted(study.MODEL_CODES), required=True)
parser.add_argument("--noise-mK", type=float, required=True, help="noise sigma [mK]")
parser.add_argument("--data", required=True, help="mock data (npz)")
parser.add_argument("--emulator", default="", help="emulator model folder (model emulator)")
parser.add_argument("--samples", required=True, help="output: nested samples (anesthetic csv)")
parser.add_argument("--stats", required=True, help="output: run statistics (json)")
parser.add_argument("--log", required=True)
args = parser.parse_args()

log = study.setup_logging(args.log)
cfg = args.config
prior = study.prior_from(cfg)
model = study.model_from(cfg, args.model, args.emulator or None)
data = np.load(args.data)
likelihood = GaussianLikelihood(data["data"], args.noise_mK, model, prior)
seed = study.jax_seed(
    cfg["seed"], "sampler", study.noise_code(args.noise_mK), study.MODEL_CODES[args.model]
)
log.info("sampling the %s posterior at %g mK with %s", args.model, args.noise_mK, cfg["sampler"])
name = cfg["sampler"]["name"]
inputs = [args.data, args.emulator] if args.emulator else [args.data]
run = json.dumps({"config": cfg, "model": args.model, "noise_mK": args.noise_mK}, sort_keys=True)
sampler_dir = Path(args.samples).parent / f"{name}-{study.inputs_digest(run, inputs)}"
samples, stats = SAMPLERS[name](likelihood, prior, cfg["sampler"], seed, sampler_dir)
if samples is None:  # an MPI rank other than 0: rank 0 writes the outputs
    sys.exit(0)
log_z, log_z_err = posterior.log_evidence(samples, 1000, seed)
stats.update(log_evidence=log_z, log_evidence_err=log_z_err)
samples.to_csv(args.samples)
with open(args.stats, "w") as f:
    json.dump(stats, f, indent=2)
log.info("log Z = %.3f +- %.3f", stats["log_evidence"], stats["log_evidence_err"])
