"""Issue 26: the first screen's runs are read from its α families, so a cold page compiles
one batched trajectory program instead of one for the race and one for the family."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import optiviz
from bench.bench_app import staircase_settings
from optiviz import scenes
from optiviz.ui import explore, sliders
from tests.support import child

ROOT = Path(__file__).resolve().parents[1]

FIRST_PAGE = r"""
import json, sys
from streamlit.testing.v1 import AppTest
from optiviz import engine
at = AppTest.from_file(sys.argv[1], default_timeout=600)
at.run()
print(json.dumps({"traces": engine.TRACES["trajectory"],
                  "exceptions": [e.message for e in at.exception]}))
"""


def test_the_first_page_traces_one_trajectory_program(tmp_path) -> None:
    """A fresh process's first page run (no warm-up, empty JAX cache) traces the engine's
    trajectory loop once: the race, "my α" and the α family are one batched program."""
    env = {"OPTIVIZ_WARMUP": "0", "OPTIVIZ_JAX_CACHE": str(tmp_path)}
    report = child.report(FIRST_PAGE, str(ROOT / "app.py"), env=env)
    assert report["exceptions"] == []
    assert report["traces"] == 1, report


def _chart(s, read: bool, monkeypatch) -> str:
    """``explore.chart_for``'s data for ``s``, its scene read from the families or not."""
    build = (lambda s: scenes.scene(s, sliders.members(s))) if read else scenes.scene
    monkeypatch.setattr(explore, "scene_for", build)
    return json.dumps(explore.chart_for.__wrapped__(s), sort_keys=True, default=str)


@pytest.mark.parametrize(
    "changes",
    [{}, {"mode": "single", "alpha": 0.3}, {"presets": ("too small", "good")}],
    ids=["first-screen", "single", "race-without-my-alpha"],
)
def test_reading_the_runs_from_the_family_changes_nothing_drawn(changes, monkeypatch) -> None:
    """The chart's data (every trace, slider and family) is the same byte for byte
    whether the scene simulates its runs or reads them from the α family."""
    s = staircase_settings(**changes)
    assert _chart(s, True, monkeypatch) == _chart(s, False, monkeypatch)


def test_each_optimizer_is_read_from_its_own_family() -> None:
    """In Compare optimizers each run is its optimizer's α family member at α (what the
    chart draws), and equal to ``simulate`` where the path is not chaotic."""
    s = staircase_settings(mode="optimizers", compare_optimizers=("sgd", "adam"), alpha=0.8)
    read = scenes.scene(s, sliders.members(s))
    for run, name in zip(read.runs, s.compare_optimizers, strict=True):
        (member,) = sliders.members(s)(name, [s.alpha])
        np.testing.assert_array_equal(run.trajectory.positions, member.positions)
        core = optiviz.simulate("staircase", name, alpha=s.alpha, **s.run_kwargs(name))
        assert (run.trajectory.label, run.trajectory.optimizer) == (core.label, name)
        np.testing.assert_allclose(run.trajectory.positions, core.positions, rtol=1e-4, atol=1e-5)


def test_a_rate_off_the_slider_or_a_seeds_view_is_simulated() -> None:
    """``members`` answers only with every asked α a stop of the family's span; Many
    seeds (no α family) gets none."""
    s = staircase_settings()
    members = sliders.members(s)
    assert members("sgd", [0.8, 0.123456]) is None
    assert len(members("sgd", [0.8, 0.055])) == 2
    assert sliders.members(replace(s, mode="seeds")) is None
