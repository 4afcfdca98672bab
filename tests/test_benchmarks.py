"""The stage breakdown of Snakemake benchmark files."""

from __future__ import annotations

import pytest

from posterior_recovery.benchmarks import stage_breakdown

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def write(path, seconds, rss):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{seconds}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t50\t1\n")


def test_stage_breakdown_groups_jobs_by_rule(tmp_path):
    write(tmp_path / "fit_density/noise_5mK_full.tsv", 10.0, 300)
    write(tmp_path / "fit_density/noise_5mK_emulator.tsv", 30.0, 500)
    write(tmp_path / "train_emulator.tsv", 25.0, "-")
    table = stage_breakdown(tmp_path).set_index("rule")
    assert table.loc["fit_density", "jobs"] == 2
    assert table.loc["fit_density", "total_s"] == 40.0
    assert table.loc["fit_density", "longest_s"] == 30.0
    assert table.loc["fit_density", "max_rss_MB"] == 500
    assert table.index[0] == "fit_density"  # sorted by total time
    assert table.loc["train_emulator", "total_s"] == 25.0


def test_a_folder_without_benchmarks_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no benchmark files"):
        stage_breakdown(tmp_path)
