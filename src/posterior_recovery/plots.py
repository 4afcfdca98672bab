"""The study's figures; each function writes ``<stem>.pdf`` and ``<stem>.png``."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from anesthetic import Samples, make_2d_axes  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

CONTOUR_LEVELS = (0.95, 0.68)
"""The corner plots' contours: posterior mass enclosed."""


def save(fig, stem) -> None:
    """Write ``fig`` to ``stem``.pdf and ``stem``.png, and close it."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".pdf", ".png"):
        fig.savefig(stem.with_suffix(suffix), bbox_inches="tight", dpi=150)
    plt.close(fig)


def emulator_error(redshift, errors: dict, noise_levels_mK, stem) -> None:
    """Mean and 95th-percentile |T_true - T_emu| against redshift (the paper's Fig. 1).

    ``errors`` maps an emulator's label to its (mean, 95th-percentile) absolute error
    (N_d,) each, in mK; each emulator has one colour, mean solid and 95th percentile
    dashed. The noise levels sigma are drawn as grey lines, labelled at the left.
    """
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for label, (mean_abs_error, p95_abs_error) in errors.items():
        (line,) = ax.plot(redshift, mean_abs_error, label=f"{label}: mean")
        ax.plot(redshift, p95_abs_error, ls="--", color=line.get_color(),
                label=f"{label}: 95th percentile")  # fmt: skip
    for noise_mK in noise_levels_mK:
        ax.axhline(noise_mK, color="0.6", lw=0.8, zorder=0)
        ax.annotate(rf"$\sigma = {noise_mK:g}$ mK", (0.01, noise_mK), xycoords=("axes fraction",
                    "data"), xytext=(0, 2), textcoords="offset points", va="bottom",
                    fontsize="x-small", color="0.4")  # fmt: skip
    ax.set(xlabel="$z$", ylabel=r"$|T_\mathrm{true} - T_\mathrm{emu}|$ [mK]", yscale="log")
    # room above the highest noise level for its label
    ax.set_ylim(top=max(ax.get_ylim()[1], 2 * max(noise_levels_mK, default=0)))
    ax.legend(fontsize="small", ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    save(fig, stem)


def _plot_posterior(axes, table, prior, facecolor, **kwargs) -> None:
    """Draw one posterior table on corner ``axes``: 1-D KDEs and 68%/95% contours."""
    names = list(prior.names)
    samples = Samples(table[names], weights=table["weight"].to_numpy(), labels=prior.labels)
    samples.plot_2d(axes, kinds={"diagonal": "kde_1d", "lower": "kde_2d"},
                    lower_kwargs={"levels": CONTOUR_LEVELS, "facecolor": facecolor},
                    **kwargs)  # fmt: skip


def _save_corner(fig, axes, prior, title: str, stem, handles=None) -> None:
    """Mark the true parameters, put the legend above the corner plot, and save it."""
    names = list(prior.names)
    axes.axlines(dict(zip(names, prior.fiducial, strict=True)), color="k", ls=":", lw=1)
    axes.iloc[-1, 0].legend(handles=handles, loc="lower center", ncol=2,
                            bbox_to_anchor=(len(names) / 2, len(names)), title=title)  # fmt: skip
    save(fig, stem)


def corner(full, emulated, prior, noise_mK: float, stem, flag: str = "") -> None:
    """Both posteriors of one noise level with the true parameters (anesthetic).

    ``full`` / ``emulated``: posterior tables (parameter columns and ``weight``). The
    full model's 68% and 95% contours are filled, the emulator's drawn as lines on top,
    so that both show where they overlap.
    """
    fig, axes = make_2d_axes(list(prior.names), labels=prior.labels, upper=False)
    for table, label, facecolor in ((full, "full model", True), (emulated, "emulator", "none")):
        _plot_posterior(axes, table, prior, facecolor, label=label)
    title = rf"$\sigma = {noise_mK:g}$ mK" + (f" ({flag})" if flag else "")
    _save_corner(fig, axes, prior, title, stem)


def repeats(runs: dict, prior, noise_mK: float, stem) -> None:
    """Both posteriors of repeat runs at one noise level, overlaid (the paper's Fig. C1).

    ``runs`` maps a run's sampler seed (0: the study's run) to its (full, emulator)
    posterior tables. One colour per run; the full model solid, the emulator dashed; 68%
    and 95% contours.
    """
    fig, axes = make_2d_axes(list(prior.names), labels=prior.labels, upper=False)
    handles = []
    for i, (seed, tables) in enumerate(runs.items()):
        run = "study run" if seed == 0 else f"sampler seed {seed}"
        for table, model, linestyle in zip(tables, ("full", "emulator"), ("-", "--"), strict=True):
            _plot_posterior(axes, table, prior, "none", color=f"C{i}", ls=linestyle)
            handles.append(Line2D([], [], color=f"C{i}", ls=linestyle, label=f"{model}, {run}"))
    _save_corner(fig, axes, prior, rf"$\sigma = {noise_mK:g}$ mK", stem, handles)


def _log_axis_bottom(*arrays) -> float:
    """Return a decade below the smallest positive value of ``arrays`` (a log axis's bottom)."""
    positive = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    positive = positive[positive > 0]
    return 10.0 ** np.floor(np.log10(positive.min() / 2)) if positive.size else 1e-3


def _kl_points(ax, kl_table, bottom: float, offsets=(0.97, 1.03)) -> None:
    """Both D_KL estimators with their 1-sigma errors, on a logarithmic D_KL axis.

    An estimate at or below zero cannot be drawn on a log axis: it appears as its upper
    end (estimate + error) with a downward arrow, and not at all if that is not positive
    either. Noise levels whose reweighting ESS fell below threshold are drawn hollow.
    """
    flagged = kl_table["ess_below_threshold"].to_numpy(dtype=bool)
    noise = kl_table["noise_mK"].to_numpy(dtype=float)
    estimators = (
        ("kl_flow", kl_table["kl_flow_err"], "density estimators", "C0"),
        ("kl_likelihood", kl_table["kl_likelihood_err"], "likelihood differences", "C1"),
    )
    for offset, (column, err, label, colour) in zip(offsets, estimators, strict=True):
        value, err = kl_table[column].to_numpy(dtype=float), np.asarray(err, dtype=float)
        drawn = value > 0
        for mask, face in ((~flagged, colour), (flagged, "none")):
            points = mask & drawn
            if points.any():
                lower = np.minimum(err[points], value[points] - bottom)
                shown = label if face != "none" else f"{label} (ESS below threshold)"
                ax.errorbar(noise[points] * offset, value[points], yerr=[lower, err[points]],
                            fmt="o", color=colour, mfc=face, capsize=3, label=shown)  # fmt: skip
        limits = ~drawn & (value + err > 0)
        if limits.any():
            upper = (value + err)[limits]
            ax.errorbar(noise[limits] * offset, upper, yerr=0.5 * upper, uplims=True,
                        fmt="none", color=colour, capsize=3,
                        label=f"{label}, upper limit (estimate <= 0)")  # fmt: skip


def _kl_axis_label() -> str:
    return r"$D_\mathrm{KL}(\mathcal{P}\,\|\,\mathcal{P}_\mathrm{E})$ [nats]"


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
    Both axes are logarithmic; see :func:`_kl_points` for estimates at or below zero.
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    grid_mK = prediction["noise_mK"]
    for which, style, label in (("mean", "-", "mean"), ("p95", "--", "95th pct")):
        rmse = accuracy[f"rmse_{which}_mK"]
        ax.plot(grid_mK, prediction[f"bound_{which}"], "k" + style, lw=1,
                label=f"bound, {label} RMSE = {rmse:.2f} mK")  # fmt: skip
    ax.plot(grid_mK, prediction["kl_linearised"], "C2-.", lw=1, label="linearised at the fiducial")
    bottom = _log_axis_bottom(kl_table["kl_likelihood"], kl_table["kl_flow"],
                              kl_table["kl_flow_high"], kl_table["bound_mean"])  # fmt: skip
    _kl_points(ax, kl_table, bottom)
    ax.set(xscale="log", yscale="log", xlabel=r"$\sigma$ [mK]", ylabel=_kl_axis_label())
    ax.set_ylim(bottom=bottom)
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.legend(fontsize="small")
    save(fig, stem)


def rmse_allowed(kl_table, accuracy: dict, stem) -> None:
    """Contours of the RMSE that the bound allows over sigma and D_KL (the paper's Fig. 3).

    The bound D_KL <= (N_d / 2) (RMSE / sigma)^2 allows RMSE = sigma sqrt(2 D_KL / N_d).
    The emulator's mean and 95th-percentile RMSE are drawn as labelled contours, and the
    measured D_KL (both estimators, 1-sigma errors) at each noise level on top.

    Parameters
    ----------
    kl_table : pandas.DataFrame
        The ``kl`` table.
    accuracy : dict
        The emulator's ``accuracy.json`` (RMSEs in mK, ``n_data``).
    stem : path
        Output path without suffix.
    """
    noise = kl_table["noise_mK"].to_numpy(dtype=float)
    # the bounds too: the RMSE contours cross the measured levels at those D_KL
    drawn = [kl_table[column] for column in ("kl_likelihood", "kl_flow", "kl_flow_high",
                                             "bound_mean", "bound_p95")]  # fmt: skip
    bottom = _log_axis_bottom(*drawn)
    top = max(10.0, 2 * max(np.nanmax(column) for column in drawn))
    sigma, kl = np.meshgrid(np.geomspace(noise.min() / 2, noise.max() * 2, 200),
                            np.geomspace(bottom, top, 200))  # fmt: skip
    rmse = sigma * np.sqrt(2 * kl / accuracy["n_data"])
    fig, ax = plt.subplots(figsize=(6, 4))
    filled = ax.contourf(sigma, kl, np.log10(rmse), levels=20, cmap="Greys", alpha=0.6)
    fig.colorbar(filled, ax=ax, label=r"$\log_{10}$ allowed RMSE [mK]")
    for which, style, label in (("mean", "-", "mean"), ("p95", "--", "95th pct")):
        value = accuracy[f"rmse_{which}_mK"]
        lines = ax.contour(sigma, kl, rmse, levels=[value], colors="k", linestyles=style)
        ax.clabel(lines, fmt={value: f"{label} RMSE {value:.2f} mK"}, fontsize="small")
    _kl_points(ax, kl_table, bottom)
    ax.set(xscale="log", yscale="log", xlabel=r"$\sigma$ [mK]", ylabel=_kl_axis_label())
    ax.set_ylim(bottom, top)
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.legend(fontsize="small", loc="lower left")
    save(fig, stem)


def bias(bias_table, labels: dict, stem) -> None:
    """Emulator bias per parameter and noise level, log axis, line at 1 (Fig. B1).

    ``labels``: parameter name -> axis label in the sampled space (the bias is computed
    there, :mod:`.bias`).
    """
    fig, ax = plt.subplots(figsize=(6, 3.5))
    parameters = list(dict.fromkeys(bias_table["parameter"]))
    noise_levels = sorted(set(bias_table["noise_mK"]))
    width = 0.8 / len(noise_levels)
    for i, noise in enumerate(noise_levels):
        rows = bias_table[bias_table["noise_mK"] == noise].set_index("parameter").loc[parameters]
        ax.bar(np.arange(len(parameters)) + (i - (len(noise_levels) - 1) / 2) * width,
               rows["emulator_bias"], width, label=f"{noise:g} mK")  # fmt: skip
    ax.axhline(1.0, color="k", lw=1)
    ax.annotate("one posterior standard deviation", (1.0, 1.0), xytext=(-4, 3),
                xycoords=("axes fraction", "data"), textcoords="offset points", ha="right",
                fontsize="small")  # fmt: skip
    ax.set_xticks(np.arange(len(parameters)), [labels[name] for name in parameters],
                  rotation=30, ha="right")  # fmt: skip
    ax.set(yscale="log", ylabel=r"$|\mu_\mathrm{E} - \mu|\,/\,s$")
    ax.legend(title=r"noise $\sigma$", fontsize="small")
    save(fig, stem)
