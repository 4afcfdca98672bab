"""The study's fixed names, shared by the library and the workflow's rules.

Nothing else defines them: the rules build their wildcards and file names from these,
and the library keys its seed streams, columns and outputs on them.
"""

from __future__ import annotations

SPLITS = ("train", "validation", "test")
"""The simulated sets: training, validation (the emulator's early stopping) and test
(its accuracy)."""

MODELS = ("full", "emulator")
"""The two models of the likelihood: the full model (the simulator) and its emulator."""

ROUTES = ("nested_sampling", "reweighting")
"""How the full-model posterior is obtained (config ``full_posterior``)."""

TABLES = ("kl", "accuracy", "evidence", "bias")
"""The study's tables, each written as .csv, .md and .tex."""


def noise_label(noise_mK: float) -> str:
    """Return the noise level as it appears in file names (``noise_<label>mK``).

    Parameters
    ----------
    noise_mK : float
        White-noise standard deviation in mK.

    Returns
    -------
    str
        Its shortest decimal form (``%g``): 25.0 -> ``25``, 2.5 -> ``2.5``.
    """
    return f"{float(noise_mK):g}"
