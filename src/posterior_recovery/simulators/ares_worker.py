"""ARES simulations for :mod:`posterior_recovery.simulators.ares`, in ARES's interpreter.

ARES needs numpy < 2; the workflow's environment has numpy 2.

Started as ``<ares python> ares_worker.py '{"bundle": ..., "settings": {...}}'``: the
base parameters are ARES's parameter bundle ``bundle`` (none if null) updated with
``settings``. It must not import this package.

Protocol: one JSON request per line on stdin, a list of ARES parameter dicts; one JSON
answer per line on stdout, per dict either ``{"z": [...], "dTb": [...]}`` (ARES's
history, in ARES's order) or ``{"error": "..."}``. The first line out is
``{"ready": <ARES version>}``, or ``{"error": ...}`` when ARES cannot start. Everything
ARES prints goes to stderr, so stdout carries only answers.
"""

import json
import os
import signal
import sys

# A simulation that runs longer than this is a failed one (ARES can loop for ever
# outside its physical range, e.g. a negative escape fraction); normal runs take seconds.
TIMEOUT_S = 600


def _give_up(signum, frame):
    raise TimeoutError(f"ARES ran longer than {TIMEOUT_S} s")


def main():
    """Answer requests on stdin, one JSON line each, until stdin closes."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # ARES's prints, C-level too
    sys.stdout = sys.stderr
    request = json.loads(sys.argv[1])
    # Python puts this script's folder first on sys.path, and its neighbour ares.py (the
    # adapter) would shadow the ares package.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != here]
    try:
        import ares

        base = dict(ares.util.ParameterBundle(request["bundle"])) if request["bundle"] else {}
    except Exception as error:  # the caller names the fix
        answers.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
        return 1
    base.update(request["settings"])
    signal.signal(signal.SIGALRM, _give_up)
    answers.write(json.dumps({"ready": getattr(ares, "__version__", "unknown")}) + "\n")
    for line in sys.stdin:
        results = []
        for parameters in json.loads(line):
            signal.alarm(TIMEOUT_S)
            try:
                simulation = ares.simulations.Global21cm(**{**base, **parameters})
                simulation.run()
                history = simulation.history
                results.append(
                    {"z": [float(z) for z in history["z"]],
                     "dTb": [float(t) for t in history["dTb"]]}
                )  # fmt: skip
            except Exception as error:  # a failed simulation, recorded by the caller
                results.append({"error": f"{type(error).__name__}: {error}"})
            finally:
                signal.alarm(0)
        answers.write(json.dumps(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
