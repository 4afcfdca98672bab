"""Summarise Snakemake ``benchmark:`` files by rule: the stage breakdown of a run.

    python -m posterior_recovery.benchmarks [benchmarks/]

prints a Markdown table of jobs, total and longest wall time (s) and peak memory (MB)
per rule, from the ``benchmarks/<rule>[/<job>].tsv`` files the workflow writes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd


def stage_breakdown(directory: str | Path) -> pd.DataFrame:
    """One row per rule: jobs, total_s, longest_s, max_rss_MB; sorted by total_s."""
    directory = Path(directory)
    rows = []
    for path in sorted(directory.rglob("*.tsv")):
        relative = path.relative_to(directory)
        rule = relative.parts[0] if len(relative.parts) > 1 else path.stem
        last = pd.read_csv(path, sep="\t").iloc[-1]
        rss = pd.to_numeric(last["max_rss"], errors="coerce")
        rows.append({"rule": rule, "s": last["s"], "max_rss": rss})
    if not rows:
        raise FileNotFoundError(f"no benchmark files (*.tsv) under {directory}")
    jobs = pd.DataFrame(rows)
    table = jobs.groupby("rule").agg(
        jobs=("s", "size"),
        total_s=("s", "sum"),
        longest_s=("s", "max"),
        max_rss_MB=("max_rss", "max"),
    )
    return table.sort_values("total_s", ascending=False).reset_index()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="benchmarks",
                        help="the run's benchmarks folder (default: benchmarks)")  # fmt: skip
    table = stage_breakdown(parser.parse_args().directory)
    print(table.to_markdown(index=False, floatfmt=".0f"))
    print(f"\nsum of job wall times: {table['total_s'].sum():.0f} s")
