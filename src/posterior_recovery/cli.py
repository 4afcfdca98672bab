"""``posterior-recovery``: the paper's bound and accuracy requirement, and a config check.

    posterior-recovery bound --rmse 0.99 --sigma 5 25 50 250 --n-data 490
    posterior-recovery requirement --sigma 25 --n-data 490 --max-kl 1
    posterior-recovery check-config config/my_study.yaml

``bound`` prints D_KL <= (N_d / 2) (RMSE / sigma)^2 for each noise level; ``requirement``
prints the largest emulator RMSE for which that bound stays below ``--max-kl`` nats
(Bevins, Gessey-Jones & Handley 2025, Section 2). ``check-config`` runs the workflow's
config check on a file, naming the line of a YAML syntax error (Snakemake's own message
for one names neither file nor line), and exits with status 1 when the file is wrong.
A bad argument gives one error line and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .divergence import kl_bound, required_rmse

# The workflow's schema, beside the package in the repository (an editable install).
SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive integer")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="posterior-recovery", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sigma_help = "white-noise standard deviation(s) of the data, in the units of the RMSE"
    n_data_help = "number of data points N_d (490 for z = 6.0..54.9 in steps of 0.1)"

    bound = commands.add_parser("bound", help="the D_KL bound for an emulator's RMSE")
    bound.add_argument("--rmse", type=_positive, required=True, help="emulator RMSE (mK)")
    bound.add_argument("--sigma", type=_positive, nargs="+", required=True, help=sigma_help)
    bound.add_argument("--n-data", type=_positive_int, required=True, help=n_data_help)

    requirement = commands.add_parser(
        "requirement", help="the largest RMSE whose bound stays below --max-kl"
    )
    requirement.add_argument("--sigma", type=_positive, nargs="+", required=True, help=sigma_help)
    requirement.add_argument("--n-data", type=_positive_int, required=True, help=n_data_help)
    requirement.add_argument(
        "--max-kl", type=_positive, default=1.0, help="largest acceptable D_KL in nats (1)"
    )

    check = commands.add_parser("check-config", help="check a config file as the workflow does")
    check.add_argument("configfile", help="the config file (YAML or JSON)")
    check.add_argument("--schema", default=str(SCHEMA), help="the workflow's config schema")
    return parser


def _check_config(path, schema) -> int:
    from .config import ConfigError, check_config, load_config_file

    try:
        check_config(load_config_file(path), schema)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{path}: a valid configuration")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "check-config":
        return _check_config(args.configfile, args.schema)
    for sigma in args.sigma:
        if args.command == "bound":
            value = kl_bound(args.rmse, sigma, args.n_data)
            print(
                f"D_KL <= {value:.4g} nats for RMSE {args.rmse:g}, sigma {sigma:g}, "
                f"N_d {args.n_data}: the most information the emulator can lose"
            )
        else:
            value = required_rmse(sigma, args.n_data, args.max_kl)
            print(
                f"RMSE <= {value:.4g} (RMSE / sigma <= {value / sigma:.4g}) for sigma {sigma:g}, "
                f"N_d {args.n_data}: keeps the D_KL bound below {args.max_kl:g} nats"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
