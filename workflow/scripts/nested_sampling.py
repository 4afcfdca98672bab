"""Nested sampling of one model's posterior at one noise level.

Run by a shell rule with command-line arguments (not Snakemake's ``script:``), so that
an MPI sampler's ranks can each start it; only rank 0 writes the outputs.
"""

import argparse
import json
from pathlib import Path

from posterior_recovery import study
from posterior_recovery.names import MODELS

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--config", type=json.loads, required=True, help="config sections, JSON")
parser.add_argument("--model", choices=MODELS, required=True)
parser.add_argument("--noise-mK", type=float, required=True, help="noise level [mK]")
parser.add_argument("--data", required=True, help="mock data (npz)")
parser.add_argument("--emulator", default="", help="emulator model folder (model emulator)")
parser.add_argument("--samples", required=True, help="output: nested samples (anesthetic csv)")
parser.add_argument("--stats", required=True, help="output: run statistics (json)")
parser.add_argument("--log", required=True)
parser.add_argument(
    "--emulator-posterior",
    nargs=2,
    metavar=("TABLE", "SUMMARY"),
    help="the emulator posterior that repartitions the prior (full model)",
)
args = parser.parse_args()

study.setup_logging(args.log)
samples, stats = study.nested_sampling(
    args.config, args.model, args.noise_mK, args.data, args.emulator or None,
    Path(args.samples).parent, args.emulator_posterior,
)  # fmt: skip
if samples is not None:  # MPI rank 0 (or no MPI)
    study.write_run(samples, stats, args.samples, args.stats)
