"""The posterior-recovery command line: bound, requirement and its errors."""

import subprocess
import sys

import pytest

from posterior_recovery.cli import main


def test_bound_prints_table_3_of_the_paper(capsys):
    assert main(["bound", "--rmse", "0.99", "--sigma", "5", "250", "--n-data", "490"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("D_KL <= 9.605 nats")  # the paper's Table 3: 9.60
    assert lines[1].startswith("D_KL <= 0.003842 nats")  # 0.004


def test_requirement_is_sqrt_two_over_n_data(capsys):
    assert main(["requirement", "--sigma", "25", "--n-data", "490", "--max-kl", "1"]) == 0
    out = capsys.readouterr().out
    # 25 mK * sqrt(2 / 490) = 1.597 mK
    assert out.startswith("RMSE <= 1.597 (RMSE / sigma <= 0.06389)")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["bound", "--rmse", "-1", "--sigma", "5", "--n-data", "490"], "'-1' must be positive"),
        (["bound", "--rmse", "1", "--sigma", "x", "--n-data", "490"], "'x' is not a number"),
        (["requirement", "--sigma", "5", "--n-data", "4.5"], "must be a positive integer"),
        (["bound", "--sigma", "5", "--n-data", "490"], "required: --rmse"),
        ([], "required: command"),
    ],
)
def test_bad_arguments_give_one_error_line(arguments, message):
    result = subprocess.run(
        [sys.executable, "-m", "posterior_recovery.cli", *arguments],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
