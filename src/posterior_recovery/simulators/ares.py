"""ARES (Mirocha et al.), the paper's full model, run in its own interpreter.

ARES needs numpy < 2 and old scipy, which the workflow's environment cannot have, so this
adapter never imports it: it starts :mod:`.ares_worker` with the interpreter named by
``simulator.options.python`` (a separate virtual environment, or the conda environment
of ``envs/ares.yaml``) and exchanges JSON lines with it. One worker per process runs the
simulations one after another (a few seconds each); a study spreads them over jobs
(``training_set.chunks``).

The paper's eight parameters of the ``mirocha2017:base`` bundle, by the names the config
uses (physical units; the log-uniform priors of c_X, T_min, f_*,0 and M_p are sampled in
log10 by :class:`~posterior_recovery.parameters.Prior`, and arrive here as physical
values):

============  ======================  ===========  ==========================================
name          ARES key                fiducial     meaning
============  ======================  ===========  ==========================================
``c_X``       ``pop_rad_yield{1}``    2e39         X-ray luminosity per SFR [erg/s/(M_sun/yr)]
``f_esc``     ``pop_fesc{0}``         0.2          escape fraction of ionising photons
``T_min``     ``pop_Tmin{0}``         1e4          minimum virial temperature of haloes [K]
``log_N_HI``  ``pop_logN{1}``         21           log10 neutral column of X-ray sources [cm^-2]
``f_star_0``  ``pq_func_par0[0]{0}``  0.05         star-formation efficiency at the pivot mass
``M_p``       ``pq_func_par1[0]{0}``  2.8e11       pivot halo mass [M_sun]
``gamma_lo``  ``pq_func_par2[0]{0}``  0.49         low-mass slope of the efficiency
``gamma_hi``  ``pq_func_par3[0]{0}``  -0.61        high-mass slope of the efficiency
============  ======================  ===========  ==========================================

ARES's ``history['dTb']`` [mK] runs from high to low redshift; it is interpolated onto the
data grid, and a simulation that fails (or does not cover the grid) gives a NaN row,
which the workflow records as a failed simulation.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ARES_KEYS = {
    "c_X": "pop_rad_yield{1}",
    "f_esc": "pop_fesc{0}",
    "T_min": "pop_Tmin{0}",
    "log_N_HI": "pop_logN{1}",
    "f_star_0": "pq_func_par0[0]{0}",
    "M_p": "pq_func_par1[0]{0}",
    "gamma_lo": "pq_func_par2[0]{0}",
    "gamma_hi": "pq_func_par3[0]{0}",
}

NAME = "ares"
PARAMETERS = {
    "c_X": 2e39,
    "f_esc": 0.2,
    "T_min": 1e4,
    "log_N_HI": 21.0,
    "f_star_0": 0.05,
    "M_p": 2.8e11,
    "gamma_lo": 0.49,
    "gamma_hi": -0.61,
}
SETTINGS = {
    "python": {"type": ["string", "null"], "default": None,
               "description": "ARES's interpreter (its own environment; required)"},
    "bundle": {"type": ["string", "null"], "default": "mirocha2017:base",
               "description": "ARES parameter bundle, null for none"},
    "settings": {"type": "object", "default": {},
                 "description": "further ARES parameters, fixed"},
    "keys": {"type": "object", "additionalProperties": {"type": "string"}, "default": {},
             "description": "name -> ARES key for parameters whose key differs from ARES_KEYS"},
}  # fmt: skip
JAX_TRACEABLE = False

INSTALL = (
    "install ARES in its own environment as the README's 'The paper's setup' shows "
    "(python3.11 -m venv ares-venv; ares-venv/bin/pip install with numpy<2, scipy<1.12, "
    "matplotlib<3.9 constraints, h5py, hmf<4, camb; ares-venv/bin/pip install --no-deps -e "
    "a clone of https://github.com/mirochaj/ares; python remote.py there for its tables), "
    "then set simulator.options.python to that environment's python"
)


def interpolate_history(z_ares, dtb_ares, redshift: np.ndarray) -> np.ndarray:
    """Interpolate ARES's brightness temperature onto ``redshift``.

    ARES orders its history from high to low z; ``redshift`` is ascending. Returns mK,
    NaN where the history does not reach.
    """
    z_ares, dtb_ares = np.asarray(z_ares, dtype=float), np.asarray(dtb_ares, dtype=float)
    order = np.argsort(z_ares)
    return np.interp(redshift, z_ares[order], dtb_ares[order], left=np.nan, right=np.nan)


def _log_file():
    """Where ARES's own output goes: the job's log (sys.stderr), if it is a file."""
    try:
        sys.stderr.fileno()
        return sys.stderr
    except (AttributeError, OSError, ValueError):
        return None


class Ares:
    """The global signal of ARES's ``Global21cm`` simulation on a redshift grid."""

    jax_traceable = JAX_TRACEABLE

    def __init__(
        self,
        redshift: np.ndarray,
        parameter_names: tuple[str, ...],
        python: str | None = None,
        bundle: str | None = "mirocha2017:base",
        settings: dict | None = None,
        keys: dict | None = None,
    ):
        """Prepare a worker (started at the first call) in ARES's interpreter.

        Parameters
        ----------
        redshift : array, shape (N_d,)
            The data grid, ascending.
        parameter_names : tuple of str
            The varied parameters (:data:`ARES_KEYS` names).
        python : str
            ARES's interpreter.
        bundle : str or None, optional
            ARES parameter bundle (None for none).
        settings : dict, optional
            Further ARES parameters, fixed.
        keys : dict, optional
            Name -> ARES key for parameters whose key differs from :data:`ARES_KEYS`.
        """
        if not python:
            raise ValueError(_missing_python())
        self.redshift = redshift
        self.parameter_names = parameter_names
        self.ares_keys = {**ARES_KEYS, **(keys or {})}
        self._command = [
            python,
            str(Path(__file__).with_name("ares_worker.py")),
            json.dumps({"bundle": bundle, "settings": settings or {}}),
        ]
        self._worker = None

    def ares_parameters(self, physical) -> list[dict]:
        """ARES keyword dicts for physical parameters of shape (n, d)."""
        physical = np.atleast_2d(np.asarray(physical, dtype=float))
        keys = [self.ares_keys[name] for name in self.parameter_names]
        return [dict(zip(keys, map(float, row), strict=True)) for row in physical]

    def _start(self):
        self._worker = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=_log_file(),
            text=True,
        )
        atexit.register(self.close)
        hello = json.loads(self._worker.stdout.readline() or '{"error": "no answer"}')
        if "error" in hello:
            self.close()
            raise RuntimeError(
                f"ARES could not start in {self._command[0]} ({hello['error']}); {INSTALL}"
            )

    def close(self):
        """Stop the worker (it ends when its stdin closes); kill it if it does not."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.stdin.close()
            worker.stdout.close()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    def __call__(self, physical) -> np.ndarray:
        """Signals in mK, shape (n, N_d), for physical parameters of shape (n, d)."""
        if self._worker is None:
            self._start()
        request = self.ares_parameters(physical)
        self._worker.stdin.write(json.dumps(request) + "\n")
        self._worker.stdin.flush()
        answer = self._worker.stdout.readline()
        if not answer:
            self.close()
            raise RuntimeError(f"the ARES worker ({self._command[0]}) stopped; see the log")
        results = json.loads(answer)
        signals = np.full((len(results), self.redshift.size), np.nan)
        for i, (result, call) in enumerate(zip(results, request, strict=True)):
            if "error" in result:
                log.warning("ARES failed at %s: %s", call, result["error"])
            else:
                signals[i] = interpolate_history(result["z"], result["dTb"], self.redshift)
        return signals


def _missing_python() -> str:
    return (
        "simulator.options.python: the 'ares' simulator runs ARES in its own "
        f"interpreter, since ARES needs numpy < 2; {INSTALL}"
    )


def check(config: dict) -> list[str]:
    """Check that the config names ARES's interpreter."""
    return [] if (config["simulator"].get("options") or {}).get("python") else [_missing_python()]


def available(settings: dict) -> str | None:
    """Whether ARES imports in the named interpreter (takes a few seconds)."""
    python = settings["python"]
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        return (
            f"simulator.options.python: {python!r} is not an executable file; the "
            f"'ares' simulator needs ARES there: {INSTALL}"
        )
    try:  # away from the run directory, where a clone named ares/ would shadow ARES
        check_import = subprocess.run(
            [python, "-c", "import ares.simulations"],
            capture_output=True, text=True, timeout=300, cwd=tempfile.gettempdir(),
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"simulator.options.python: importing ARES in {python} took > 300 s"
    if check_import.returncode != 0:
        last_line = (check_import.stderr.strip().splitlines() or ["no output"])[-1]
        return (
            f"simulator.options.python: ARES does not import in {python} ({last_line}); {INSTALL}"
        )
    return None


def make(redshift, parameter_names, **options) -> Ares:
    """ARES's signal on ``redshift`` (N_d,) through a worker in ``options["python"]``."""
    return Ares(redshift, parameter_names, **options)
