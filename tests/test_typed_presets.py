"""A typed formula's presets earn their labels, as the registered surfaces' do
(tests/test_presets.py): plain GD from the start, in the default steps."""

from __future__ import annotations

import re

import numpy as np
import pytest

import optiviz
from optiviz.core import engine, surfaces
from optiviz.core.surfaces import probe, typed

EXPECTED = {
    "too small": "slow",
    "good": "converged",
    "too large": "oscillating",
    "diverging": "diverged",
}
"""The verdict each label promises (the table of tests/test_presets.py)."""

FORMULAS = [
    "x^2 + 5*y^2 + sin(3*x)",
    "x^2+10*y^2",
    "(1-x)^2+100*(y-x^2)^2",
    "x^4-3*x^2+x",
    "sin(x)+0.1*x^2",
    "(x^2+y-11)^2+(x+y^2-7)^2",
    "abs(x)+y^2",
    "exp(x)+y^2",
]


def test_the_promises_are_the_registered_surfaces_promises() -> None:
    assert probe.PROMISES == EXPECTED


@pytest.mark.parametrize("text", FORMULAS)
def test_every_preset_earns_its_label_with_plain_gradient_descent(text: str) -> None:
    s = surfaces.from_expression(text)
    assert s.lr_presets, "a formula needs at least one preset for the α slider's default"
    for label, alpha in s.lr_presets.items():
        run = optiviz.simulate(s, "sgd", alpha=alpha)
        assert len(run.losses) == s.default_steps + 1
        assert run.verdict == EXPECTED[label], (text, label, alpha)
        for nudged in (alpha * (1 - probe.NUDGE), alpha * (1 + probe.NUDGE)):
            assert optiviz.simulate(s, "sgd", alpha=nudged).verdict == EXPECTED[label], "robust"


@pytest.mark.parametrize("text", FORMULAS)
def test_presets_are_ordered_rates_of_three_significant_figures(text: str) -> None:
    presets = surfaces.from_expression(text).lr_presets
    assert list(presets) == [k for k in surfaces.PRESET_KEYS if k in presets]
    values = list(presets.values())
    assert all(0 < a < b for a, b in zip(values[:-1], values[1:], strict=False))
    assert all(v == float(f"{v:.3g}") for v in values)
    assert all(probe.ALPHA_RANGE[0] <= v <= probe.ALPHA_RANGE[1] for v in values)


def test_the_narrow_bowl_has_all_four_labels_on_the_right_side_of_its_edge() -> None:
    """x^2 + 10 y^2: λ_max = 20, so plain GD is stable iff α < 2/20 = 0.1."""
    s = surfaces.from_expression("x^2+10*y^2")
    presets = s.lr_presets
    assert tuple(presets) == surfaces.PRESET_KEYS
    assert presets["too small"] < presets["good"] < presets["too large"] < 0.1
    assert 0.1 < presets["diverging"] < 0.5, "diverging, but slowly enough to watch"
    bounce = optiviz.simulate(s, "sgd", alpha=presets["too large"])
    assert bounce.losses[-1] < bounce.losses[0], "too large bounces without running away"


def test_the_default_formula_keeps_all_four_labels() -> None:
    presets = surfaces.from_expression("x^2 + 5*y^2 + sin(3*x)").lr_presets
    assert tuple(presets) == surfaces.PRESET_KEYS


@pytest.mark.parametrize(
    ("text", "missing"),
    [("(1-x)^2+100*(y-x^2)^2", {"good", "too large"}), ("abs(x)+y^2", {"good"})],
)
def test_a_label_no_rate_earns_is_left_out(text: str, missing: set[str]) -> None:
    """Rosenbrock's valley takes plain GD thousands of steps; |x| has a kink that plain
    GD bounces across at every rate, so neither converges in 100 steps."""
    presets = surfaces.from_expression(text).lr_presets
    assert set(surfaces.PRESET_KEYS) - set(presets) == missing


def test_description_agrees_with_the_curvature_and_the_presets() -> None:
    s = surfaces.from_expression("x^2+10*y^2")
    assert "L ≈ 20," in s.description and "2/L ≈ 0.1." in s.description
    found = re.search(r"for α ≈ ([\d.e+-]+) to ([\d.e+-]+);", s.description)
    edge = re.search(r"diverged was ≈ ([\d.e+-]+)\.", s.description)
    assert found and edge, s.description
    lo, hi, first = float(found[1]), float(found[2]), float(edge[1])
    p = s.lr_presets
    assert lo < p["good"] < hi < p["too large"] < first <= p["diverging"]
    assert lo > p["too small"]


@pytest.mark.parametrize("text", ["x^2 + 5*y^2 + sin(3*x)", "sin(x)+0.1*x^2", "abs(x)+y^2"])
def test_the_probe_judges_every_rate_as_the_engine_does(text: str) -> None:
    s = surfaces.from_expression(text)
    alphas = np.geomspace(*probe.ALPHA_RANGE, 50)
    runs = probe.Probe(s.f, s.start, s.scale)
    engine_verdicts = [r.verdict for r in optiviz.simulate_many(s, "sgd", alphas=alphas)]
    assert runs.verdicts(alphas) == engine_verdicts
    assert len(set(engine_verdicts)) >= 3, "the grid crosses the interesting rates"


def test_the_probe_compiles_f_once_whatever_the_number_of_rates() -> None:
    traces = []

    def f(p):
        traces.append(1)
        return p[0] ** 2 + 3 * p[1] ** 2

    runs = probe.Probe(f, (1.0, 1.0), 8.0)
    for n in (1, 7, probe.PROBE_RUNS):
        assert len(runs.verdicts(np.geomspace(0.01, 1.0, n))) == n
    assert len(traces) == 1


def test_a_typed_formula_compiles_no_engine_loop() -> None:
    before = dict(engine.TRACES)
    surfaces.from_expression("x^2 + 7*y^2 + cos(2*y)")
    assert dict(engine.TRACES) == before


def test_a_formula_that_earns_no_label_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe.Probe, "verified", lambda self, candidates: {})
    with pytest.raises(ValueError, match="earns no preset label"):
        surfaces.from_expression("x^2 + 9*y^2 + 0.5*x")


def test_grids_probe_runs_and_the_view_check_share_one_compiled_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Typing a formula compiles its f for the grids, the probe and minimum_in_view once,
    and once more for the Hessian (which traces f twice: its value and its curvature)."""
    traces = []
    parse = typed.parse

    def counted(text: str):
        formula = parse(text)

        def f(p):
            traces.append(1)
            return formula.f(p)

        return formula._replace(f=f)

    monkeypatch.setattr(typed, "parse", counted)
    s = surfaces.from_expression("x^2 + 2.75*y^2 + 0.1*x*y")
    assert len(traces) == 3
    assert typed.minimum_in_view(s)
    assert len(traces) == 3
