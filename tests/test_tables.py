"""Result tables: .csv/.md/.tex files and the table builders."""

import numpy as np
import pandas as pd
import pytest

from posterior_recovery.names import REPEATS_COLUMNS
from posterior_recovery.tables import (
    KL_COLUMNS,
    bias_table,
    evidence_table,
    kl_table,
    repeats_table,
    write_table,
)


def test_write_table_writes_three_formats_and_csv_round_trips(tmp_path):
    table = pd.DataFrame(
        {
            "noise_mK": [5, 25],
            "kl": [0.123456789012, 3.14159265358979],
            "route": ["reweighting", "nested_sampling"],
            "flag": [True, False],
        }
    )
    stem = tmp_path / "sub" / "dir" / "kl"  # parents are created
    paths = write_table(table, stem)
    assert paths == [stem.with_suffix(s) for s in (".csv", ".md", ".tex")]
    assert all(p.is_file() for p in paths)
    # the csv keeps full precision
    pd.testing.assert_frame_equal(pd.read_csv(paths[0]), table)
    markdown = paths[1].read_text()
    assert (
        markdown.startswith("|")
        and "noise_mK" in markdown
        and "0.1235" in markdown
        and "3.142" in markdown
    )
    assert "0.123456789" not in markdown  # rounded to 4 significant digits
    tex = paths[2].read_text()
    assert "\\begin{tabular}" in tex and "0.1235" in tex and "3.142" in tex
    assert "0.123456789" not in tex


def test_write_table_tex_escapes_underscores(tmp_path):
    table = pd.DataFrame({"noise_mK": [5], "route": ["nested_sampling"]})
    tex = write_table(table, tmp_path / "t")[2].read_text()
    assert "noise\\_mK" in tex and "nested\\_sampling" in tex


def test_write_table_custom_float_format(tmp_path):
    table = pd.DataFrame({"x": [1.23456]})
    paths = write_table(table, tmp_path / "t", float_format="{:.2f}")
    assert "1.23" in paths[1].read_text() and "1.235" not in paths[1].read_text()
    assert "1.23" in paths[2].read_text() and "1.235" not in paths[2].read_text()


def divergence_row(noise, **extra):
    row = {column: float(i) + noise for i, column in enumerate(KL_COLUMNS)}
    row.update(noise_mK=noise, full_posterior="reweighting", ess_below_threshold=False)
    row.update(extra)
    return row


def test_kl_table_column_order_and_sorting():
    rows = [divergence_row(n, unrelated="dropped") for n in (250, 5, 50, 25)]
    # keys in another order in the input dicts do not matter
    rows[0] = dict(reversed(list(rows[0].items())))
    table = kl_table(rows)
    assert list(table.columns) == KL_COLUMNS
    assert table["noise_mK"].tolist() == [5, 25, 50, 250]
    assert table.index.tolist() == [0, 1, 2, 3]
    assert table.loc[0, "kl_flow"] == pytest.approx(KL_COLUMNS.index("kl_flow") + 5)


def test_kl_table_missing_column_is_an_error():
    row = divergence_row(5)
    del row["kl_flow"]
    with pytest.raises(KeyError):
        kl_table([row])


def evidence_row(noise, log_z, route="nested_sampling", calls=1000, emulator_calls=1000):
    return {
        "noise_mK": noise, "log_Z_full": log_z, "log_Z_full_err": 0.1,
        "log_Z_emulator": log_z - 1, "log_Z_emulator_err": 0.1, "full_posterior": route,
        "full_model_calls": calls, "emulator_calls": emulator_calls, "kl_flow": 0.5,
    }  # fmt: skip


def test_evidence_table():
    rows = [evidence_row(50, -10.0, "reweighting", 500), evidence_row(5, -100.0,
            emulator_calls=7), evidence_row(25, -30.0)]  # fmt: skip
    table = evidence_table(rows)
    assert table.shape == (3, 8)
    assert list(table.columns) == [
        "noise_mK", "log_Z_full", "log_Z_full_err", "log_Z_emulator", "log_Z_emulator_err",
        "full_posterior", "full_model_calls", "emulator_calls",
    ]  # fmt: skip
    assert table["noise_mK"].tolist() == [5, 25, 50]
    assert table["log_Z_full"].tolist() == [-100.0, -30.0, -10.0]
    assert table["log_Z_emulator"].tolist() == [-101.0, -31.0, -11.0]
    assert table["full_posterior"].tolist() == ["nested_sampling", "nested_sampling", "reweighting"]
    assert table["emulator_calls"].tolist() == [7, 1000, 1000]
    assert table["full_model_calls"].tolist() == [1000, 1000, 500]


def test_bias_table():
    names = ["amplitude_mK", "centre_z", "width_z"]
    keys = ["mean_full", "std_full", "mean_emulator", "emulator_bias", "true_bias"]
    results = [
        {"noise_mK": noise, "bias": {"parameter": names,
                                     **{k: list(np.arange(3.0) + 10 * noise) for k in keys}}}
        for noise in (250, 5)
    ]  # fmt: skip
    table = bias_table(results)
    assert table.shape == (6, 2 + len(keys))
    assert list(table.columns) == ["noise_mK", "parameter", *keys]
    assert table["noise_mK"].tolist() == [5, 5, 5, 250, 250, 250]
    assert table["parameter"].tolist() == names * 2
    np.testing.assert_allclose(table["emulator_bias"], [50, 51, 52, 2500, 2501, 2502])


def test_repeats_table_keeps_every_run_in_seed_order():
    """One row per run, named by its sampler seed (0 the study's run), seed-ordered."""
    columns = [c for c in REPEATS_COLUMNS if c != "sampler_seed"]
    results = [{c: float(i) for c in columns} | {"extra": 0} for i in range(3)]
    table = repeats_table(results, [2, 0, 1])
    assert list(table.columns) == REPEATS_COLUMNS
    assert table["sampler_seed"].tolist() == [0, 1, 2]
    assert table["kl_flow"].tolist() == [1.0, 2.0, 0.0]
