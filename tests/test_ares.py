"""The ARES adapter, without ARES; one real ARES run where an ARES interpreter is named.

Parameter mapping, log transforms, grid interpolation and the worker protocol.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml

from posterior_recovery import study
from posterior_recovery.simulators import ares, make_simulator

from .conftest import REDSHIFT

ROOT = Path(__file__).resolve().parents[1]

# The paper's Table 1 (../shared/reference/paper.md): ARES key, prior, fiducial.
PAPER = {
    "c_X": ("pop_rad_yield{1}", "log-uniform", 1e36, 1e41, 2e39),
    "f_esc": ("pop_fesc{0}", "uniform", 0.0, 1.0, 0.2),
    "T_min": ("pop_Tmin{0}", "log-uniform", 3e2, 5e5, 1e4),
    "log_N_HI": ("pop_logN{1}", "uniform", 18.0, 23.0, 21.0),
    "f_star_0": ("pq_func_par0[0]{0}", "log-uniform", 1e-5, 1.0, 0.05),
    "M_p": ("pq_func_par1[0]{0}", "log-uniform", 1e8, 1e15, 2.8e11),
    "gamma_lo": ("pq_func_par2[0]{0}", "uniform", 0.0, 2.0, 0.49),
    "gamma_hi": ("pq_func_par3[0]{0}", "uniform", -4.0, 0.0, -0.61),
}


@pytest.fixture(scope="module")
def paper():
    return yaml.safe_load((ROOT / "config/paper.yaml").read_text())


def test_names_map_to_the_papers_ares_keys_and_fiducials():
    assert ares.ARES_KEYS == {name: row[0] for name, row in PAPER.items()}
    assert ares.PARAMETERS == {name: row[4] for name, row in PAPER.items()}


def test_paper_config_has_the_papers_priors(paper):
    assert paper["simulator"]["name"] == "ares"
    assert paper["simulator"]["options"]["bundle"] == "mirocha2017:base"
    table = {
        p["name"]: (p["prior"], p["min"], p["max"], p["fiducial"]) for p in paper["parameters"]
    }
    assert table == {name: row[1:] for name, row in PAPER.items()}


def test_log_uniform_parameters_reach_ares_as_physical_values(paper, tmp_path):
    python = tmp_path / "python"
    python.touch(mode=0o755)  # only named here; no ARES run in this test
    prior = study.prior_from(paper)
    simulator = make_simulator(
        "ares", REDSHIFT, prior.names, {"python": str(python), "bundle": "mirocha2017:base"}
    )
    # Sampled space: log10 for c_X, T_min, f_star_0 and M_p, the value itself otherwise.
    sampled = np.array([[39.0, 0.3, 4.0, 20.0, -2.0, 11.0, 0.5, -1.0]])
    (call,) = simulator.ares_parameters(prior.to_physical(sampled))
    assert call == pytest.approx(
        {
            "pop_rad_yield{1}": 1e39,
            "pop_fesc{0}": 0.3,
            "pop_Tmin{0}": 1e4,
            "pop_logN{1}": 20.0,
            "pq_func_par0[0]{0}": 1e-2,
            "pq_func_par1[0]{0}": 1e11,
            "pq_func_par2[0]{0}": 0.5,
            "pq_func_par3[0]{0}": -1.0,
        }  # fmt: skip
    )


def test_history_from_high_to_low_redshift_is_interpolated_onto_the_ascending_grid():
    z_ares = np.linspace(60.0, 5.0, 400)  # ARES's order: high to low z
    signal = ares.interpolate_history(z_ares, 3.0 * z_ares - 100.0, REDSHIFT)
    np.testing.assert_allclose(signal, 3.0 * REDSHIFT - 100.0, atol=1e-9)
    # A history that stops above the grid's low end leaves NaN there (a failed run).
    short = ares.interpolate_history(np.linspace(60.0, 10.0, 200), np.zeros(200), REDSHIFT)
    assert np.isnan(short[REDSHIFT < 10.0]).all()
    assert np.isfinite(short[REDSHIFT >= 10.0]).all()


# A stand-in for the ares package, to test the worker protocol where ARES is absent. Its
# signal is a trough whose depth is pop_fesc{0} * 100 mK; it prints to stdout as ARES does,
# and fails for a negative escape fraction.
FAKE_ARES = """
import numpy as np
print("ARES banner on stdout")

class _Global21cm:
    def __init__(self, **pars):
        self.pars = pars
    def run(self):
        print("progress on stdout")
        fesc = self.pars["pop_fesc{0}"]
        if fesc < 0:
            raise ValueError("negative escape fraction")
        z = np.linspace(70.0, 5.0, 651)
        self.history = {"z": z, "dTb": -100.0 * fesc * np.exp(-0.5 * ((z - 15.0) / 3.0) ** 2)}

class simulations:
    Global21cm = _Global21cm

class util:
    @staticmethod
    def ParameterBundle(name):
        assert name == "mirocha2017:base"
        return {"bundle_key": 1}
"""


def fake_ares(tmp_path, monkeypatch, source=FAKE_ARES):
    (tmp_path / "ares").mkdir()
    (tmp_path / "ares" / "__init__.py").write_text(textwrap.dedent(source))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return make_simulator(
        "ares", REDSHIFT, ("f_esc",), {"python": os.environ.get("PYTHON", "python3")}
    )


def test_worker_returns_signals_and_marks_failed_runs(tmp_path, monkeypatch):
    simulator = fake_ares(tmp_path, monkeypatch)
    signals = simulator(np.array([[0.2], [-1.0], [0.5]]))
    simulator.close()
    expected = -100.0 * np.exp(-0.5 * ((REDSHIFT - 15.0) / 3.0) ** 2)
    np.testing.assert_allclose(signals[0], 0.2 * expected, atol=1e-6)
    assert np.isnan(signals[1]).all()
    np.testing.assert_allclose(signals[2], 0.5 * expected, atol=1e-6)


def test_an_interpreter_without_ares_names_the_install_command(tmp_path, monkeypatch):
    simulator = fake_ares(tmp_path, monkeypatch, source="raise ImportError('no ARES here')")
    with pytest.raises(RuntimeError, match="ARES could not start .*no ARES here.*pip install"):
        simulator(np.array([[0.2]]))


def test_backend_check_names_a_missing_interpreter_and_a_missing_ares(tmp_path):
    missing = ares.available({"python": str(tmp_path / "nowhere/python")})
    assert "not an executable file" in missing and "pip install" in missing
    no_ares = ares.available({"python": "/usr/bin/python3"})
    assert "ARES does not import in /usr/bin/python3" in no_ares


ARES_PYTHON = os.environ.get("ARES_PYTHON")


@pytest.mark.skipif(not ARES_PYTHON, reason="set ARES_PYTHON to an interpreter with ARES")
def test_real_ares_responds_to_its_parameters_on_the_papers_grid():
    """Run ARES's offline stand-in for mirocha2017:base at two parameter sets.

    tests/config/ares_offline.yaml at the paper's fiducial values, and with c_X ten
    times larger (more X-ray heating).
    """
    config = yaml.safe_load((ROOT / "tests/config/ares_offline.yaml").read_text())
    options = {**config["simulator"]["options"], "python": ARES_PYTHON}
    simulator = make_simulator("ares", REDSHIFT, ("c_X",), options)
    fiducial, heated = simulator(np.array([[2e39], [2e40]]))
    simulator.close()
    assert np.isfinite(fiducial).all() and np.isfinite(heated).all()
    # Measured with ARES fd77c4a: a -86.2 mK trough at z = 10.0, 37 mK shallower with c_X x 10.
    assert -100.0 < fiducial.min() < -70.0
    assert heated.min() > fiducial.min() + 20.0
