"""The study's figures; each function writes ``<stem>.pdf`` and ``<stem>.png``."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from anesthetic import Samples, make_2d_axes  # noqa: E402


def save(fig, stem) -> None:
    """Write ``fig`` to ``stem``.pdf and ``stem``.png, and close it."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".pdf", ".png"):
        fig.savefig(stem.with_suffix(suffix), bbox_inches="tight", dpi=150)
    plt.close(fig)


def emulator_error(redshift, mean_abs_error, p95_abs_error, stem) -> None:
    """Mean and 95th-percentile |T_true - T_emu| against redshift (the paper's Fig. 1)."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(redshift, mean_abs_error, label="mean")
    ax.plot(redshift, p95_abs_error, label="95th percentile")
    ax.set(xlabel="$z$", ylabel=r"$|T_\mathrm{true} - T_\mathrm{emu}|$ [mK]", yscale="log")
    ax.legend()
    save(fig, stem)


def corner(full, emulated, prior, noise_mK: float, stem, flag: str = "") -> None:
    """Both posteriors of one noise level with the true parameters (anesthetic).

    ``full`` / ``emulated``: posterior tables (parameter columns and ``weight``).
    """
    names = list(prior.names)
    fig, axes = make_2d_axes(names, labels=prior.labels, upper=False)
    for table, label in ((full, "full model"), (emulated, "emulator")):
        samples = Samples(table[names], weights=table["weight"].to_numpy(), labels=prior.labels)
        samples.plot_2d(axes, label=label, kinds={"diagonal": "kde_1d", "lower": "kde_2d"})
    axes.axlines(dict(zip(names, prior.fiducial, strict=True)), color="k", ls=":", lw=1)
    title = rf"$\sigma = {noise_mK:g}$ mK" + (f" ({flag})" if flag else "")
    axes.iloc[-1, 0].legend(loc="lower center", bbox_to_anchor=(len(names) / 2, len(names)),
                            ncol=2, title=title)  # fmt: skip
    save(fig, stem)


def kl_against_noise(kl_table, prediction, accuracy: dict, stem) -> None:
    """D_KL against the noise level: both estimators over the predictions.

    Parameters
    ----------
    kl_table : pandas.DataFrame
        The ``kl`` table.
    prediction : pandas.DataFrame
        The bounds at the mean and 95th-percentile RMSE and the linearised prediction
        for noise-free data, on a grid of noise levels
        (:func:`~posterior_recovery.comparison.kl_prediction`).
    accuracy : dict
        The emulator's ``accuracy.json``, for the RMSEs in the legend.
    stem : path
        Output path without suffix.

    Notes
    -----
    Noise levels whose reweighting ESS fell below threshold are drawn hollow.
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    grid_mK = prediction["noise_mK"]
    for which, style, label in (("mean", "-", "mean"), ("p95", "--", "95th pct")):
        rmse = accuracy[f"rmse_{which}_mK"]
        ax.plot(grid_mK, prediction[f"bound_{which}"], "k" + style, lw=1,
                label=f"bound, {label} RMSE = {rmse:.2f} mK")  # fmt: skip
    ax.plot(grid_mK, prediction["kl_linearised"], "C2-.", lw=1, label="linearised at the fiducial")
    flagged = kl_table["ess_below_threshold"].to_numpy(dtype=bool)
    noise = kl_table["noise_mK"].to_numpy()
    flow = kl_table["kl_flow"].to_numpy()
    flow_err = [flow - kl_table["kl_flow_low"], kl_table["kl_flow_high"] - flow]
    like, like_err = kl_table["kl_likelihood"].to_numpy(), kl_table["kl_likelihood_err"]
    for offset, values, errors, label, colour in (
        (0.97, flow, np.array(flow_err), "density estimators", "C0"),
        (1.03, like, np.array([like_err, like_err]), "likelihood differences", "C1"),
    ):
        for mask, face in ((~flagged, colour), (flagged, "none")):
            if mask.any():
                ax.errorbar(
                    noise[mask] * offset,
                    values[mask],
                    yerr=errors[:, mask],
                    fmt="o",
                    color=colour,
                    mfc=face,
                    capsize=3,
                    label=label if face != "none" else f"{label} (ESS below threshold)",
                )
    ax.set(
        xscale="log",
        xlabel=r"$\sigma$ [mK]",
        ylabel=r"$D_\mathrm{KL}(\mathcal{P}\,\|\,\mathcal{P}_\mathrm{E})$ [nats]",
    )
    # symlog, since flow estimates can scatter below zero; logarithmic down to the
    # smallest likelihood estimate or bound
    smallest = min(like[like > 0].min(initial=1.0), kl_table["bound_mean"].min())
    ax.set_yscale("symlog", linthresh=10.0 ** np.floor(np.log10(min(smallest, 1e-2))))
    # symlog autoscaling pads far into negative values; show them only where there are any
    lowest = min(kl_table["kl_flow_low"].min(), (like - like_err).min())
    ax.set_ylim(bottom=min(0.0, 2.0 * lowest))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.legend(fontsize="small")
    save(fig, stem)


def bias(bias_table, stem) -> None:
    """Emulator bias per parameter and noise level, log axis, line at 1 (Fig. B1)."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    parameters = list(dict.fromkeys(bias_table["parameter"]))
    noise_levels = sorted(set(bias_table["noise_mK"]))
    width = 0.8 / len(noise_levels)
    for i, noise in enumerate(noise_levels):
        rows = bias_table[bias_table["noise_mK"] == noise].set_index("parameter").loc[parameters]
        ax.bar(np.arange(len(parameters)) + (i - (len(noise_levels) - 1) / 2) * width,
               rows["emulator_bias"], width, label=f"{noise:g} mK")  # fmt: skip
    ax.axhline(1.0, color="k", lw=1)
    ax.set_xticks(np.arange(len(parameters)), parameters, rotation=30)
    ax.set(yscale="log", ylabel=r"$|\mu_\mathrm{E} - \mu| / \sigma$")
    ax.legend(title=r"$\sigma$", fontsize="small")
    save(fig, stem)
