"""The H-H spin-exchange (collisional coupling) rate table that globalemu's AFB needs.

globalemu's astrophysics-free baseline (AFB) solves for the spin temperature with the
collisional coupling coefficient kappa_10^HH(T_K), read from ``kappa_HH.txt`` in the
current directory (and otherwise downloaded at run time, which fails offline). This
module writes that file from the published values instead.

Source: Zygelman, B. (2005), ApJ 622, 1356, Table 2, as tabulated in Furlanetto, Oh &
Briggs (2006), Physics Reports 433, 181, Table 2: kinetic temperature T_K [K] and the
H-H de-excitation rate coefficient kappa_10^HH [cm^3 s^-1]. The same values appear in
ARES (``ares/physics/Hydrogen.py``) and in globalemu's own ``kappa_HH.txt``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

TEMPERATURE_K = np.array(
    [1, 2, 4, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100,
     200, 300, 500, 700, 1000, 2000, 3000, 5000, 7000, 10000],
    dtype=float,
)  # fmt: skip
KAPPA_10_HH_CM3_PER_S = np.array(
    [1.38e-13, 1.43e-13, 2.71e-13, 6.60e-13, 1.47e-12, 2.88e-12, 9.10e-12, 1.78e-11,
     2.73e-11, 3.67e-11, 5.38e-11, 6.86e-11, 8.14e-11, 9.25e-11, 1.02e-10, 1.11e-10,
     1.19e-10, 1.75e-10, 2.09e-10, 2.56e-10, 2.91e-10, 3.31e-10, 4.27e-10, 4.97e-10,
     6.03e-10, 6.87e-10, 7.87e-10],
)  # fmt: skip

FILE_NAME = "kappa_HH.txt"


def write_kappa_table(directory: str | Path) -> Path:
    """Write ``kappa_HH.txt`` (two columns: T_K [K], kappa [cm^3/s]) into ``directory``."""
    path = Path(directory) / FILE_NAME
    np.savetxt(path, np.column_stack([TEMPERATURE_K, KAPPA_10_HH_CM3_PER_S]), fmt="%g %.3e")
    return path
