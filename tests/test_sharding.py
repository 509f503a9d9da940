"""Grids spread over several devices: the same cells as on one, from one compiled program.

Four CPU devices exist only in a process started with
``XLA_FLAGS=--xla_force_host_platform_device_count=4``, so the comparisons run in such
a subprocess (``CHILD``) and report back as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

import optiviz
from optiviz.core import sweeps

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys
import jax, numpy as np
import optiviz
from optiviz.core import engine, sweeps

assert len(jax.devices()) == 4, jax.devices()
cases = [
    ("rosenbrock", "adam", {"schedule": "exponential", "steps": 80, "start": (-1.5, 2.0)}),
    ("himmelblau", "momentum", {"schedule": "step", "steps": 60, "noise": 0.3, "seed": 2}),
    ("linear_regression", "rmsprop", {"schedule": "inverse_time", "steps": 50, "batch_size": 8}),
    ("staircase", "sgd", {"steps": 150}),
]
alphas, ks = np.geomspace(1e-3, 0.8, 13), np.linspace(0.0, 0.1, 7)
report = []
for surface, optimizer, kwargs in cases:
    grid = {"alphas": alphas, "ks": ks, "block_cells": 4, **kwargs}
    one = optiviz.landscape(surface, optimizer, devices=1, **grid)
    traces = engine.TRACES["sweep"]
    every = optiviz.landscape(surface, optimizer, **grid)
    traced = engine.TRACES["sweep"] - traces
    two = optiviz.landscape(surface, optimizer, devices=jax.devices()[2:], **grid)
    final = optiviz.sweep(surface, optimizer, **grid)
    report.append({
        "case": surface,
        "one": [one[0].tolist(), one[1].tolist()],
        "every": [every[0].tolist(), every[1].tolist()],
        "two": [two[0].tolist(), two[1].tolist()],
        "sweep": final.tolist(),
        "traced": traced,
    })
report.append({"mesh_programs": sweeps.mesh_fn.cache_info().currsize})
json.dump(report, sys.stdout, default=float)
"""


def _as_array(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


@pytest.fixture(scope="module")
def four_devices() -> list[dict]:
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4"}
    env["JAX_PLATFORMS"] = "cpu"
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _assert_same_cells(got, want) -> None:
    final, first = (_as_array(part) for part in got)
    want_final, want_first = (_as_array(part) for part in want)
    np.testing.assert_array_equal(np.isinf(final), np.isinf(want_final))
    finite = np.isfinite(want_final)
    np.testing.assert_allclose(final[finite], want_final[finite], rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(first, want_first)


def test_four_devices_give_the_cells_of_one(four_devices) -> None:
    for case in four_devices[:-1]:
        _assert_same_cells(case["every"], case["one"])
        final = _as_array(case["one"][0])
        assert np.isfinite(final).any(), case["case"]
        assert (_as_array(case["one"][1]) <= 150).any() or case["case"] == "linear_regression"


def test_two_devices_off_the_default_give_the_same_cells(four_devices) -> None:
    for case in four_devices[:-1]:
        _assert_same_cells(case["two"], case["one"])


def test_the_sharded_sweep_is_the_landscape_without_the_count(four_devices) -> None:
    for case in four_devices[:-1]:
        sweep, final = _as_array(case["sweep"]), _as_array(case["every"][0])
        np.testing.assert_array_equal(np.isinf(sweep), np.isinf(final))
        finite = np.isfinite(final)
        np.testing.assert_allclose(sweep[finite], final[finite], rtol=1e-5)


def test_a_grid_on_four_devices_is_one_compiled_program(four_devices) -> None:
    # 13 x 7 cells in blocks of 4: the 7 ks in two column parts of 4 (the last padded),
    # one alpha per block, so 26 blocks, padded to 28 for four devices. One trace for
    # each case's 4-device call.
    assert [case["traced"] for case in four_devices[:-1]] == [1, 1, 1, 1]
    # per case: the 4-device program of the landscape, the 2-device one, and the sweep's
    assert four_devices[-1]["mesh_programs"] == 3 * 4


def test_devices_are_checked() -> None:
    grid = {"alphas": [0.01, 0.1], "ks": [0.0], "steps": 10}
    local = len(jax.local_devices())
    for bad in (0, local + 1):
        with pytest.raises(ValueError, match="devices must be 1 to"):
            optiviz.landscape("quadratic", "sgd", devices=bad, **grid)
    with pytest.raises(ValueError, match="at least one device"):
        optiviz.sweep("quadratic", "sgd", devices=[], **grid)
    assert sweeps.resolve_devices() == tuple(jax.local_devices())
