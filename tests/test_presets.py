"""Every preset earns its label: plain GD from the default start, in the default steps."""

from __future__ import annotations

import pytest

import optiviz
from optiviz import scenes
from optiviz.core import surfaces
from optiviz.scenes import lessons, params
from optiviz.ui import options

EXPECTED = {
    "too small": "slow",
    "good": "converged",
    "too large": "oscillating",
    "diverging": "diverged",
}
"""The verdict (optiviz.core.verdicts) each preset label promises."""

NO_GOOD = {"rosenbrock", "polynomial_regression"}
"""Surfaces on which plain GD cannot settle within limits.MAX_STEPS (see their description)."""

PRESETS = [(n, label) for n in surfaces.names() for label in surfaces.get(n).lr_presets]


@pytest.mark.parametrize(("name", "label"), PRESETS)
def test_preset_earns_its_label_with_plain_gradient_descent(name: str, label: str) -> None:
    s = surfaces.get(name)
    run = optiviz.simulate(name, "sgd", alpha=s.lr_presets[label])
    assert len(run.losses) == s.default_steps + 1
    assert run.verdict == EXPECTED[label], (name, label, s.lr_presets[label])


@pytest.mark.parametrize("name", surfaces.names())
def test_presets_are_ordered_slider_rates_with_the_teaching_pair(name: str) -> None:
    presets = surfaces.get(name).lr_presets
    assert list(presets) == [k for k in surfaces.PRESET_KEYS if k in presets]
    assert "too small" in presets
    assert ("good" in presets) == (name not in NO_GOOD)
    values = list(presets.values())
    assert all(0 < a < b for a, b in zip(values[:-1], values[1:], strict=False))
    row = params.PARAMS["alpha"]
    assert all(row.accepts(f"{v:g}") for v in values), "the α slider must be able to show it"


def test_the_missing_labels_are_the_ones_without_an_honest_window() -> None:
    missing = {
        n: set(surfaces.PRESET_KEYS) - set(surfaces.get(n).lr_presets) for n in surfaces.names()
    }
    assert {n: m for n, m in missing.items() if m} == {
        "rosenbrock": {"good"},
        "beale": {"too large"},
        "logistic_regression": {"diverging"},
        "polynomial_regression": {"good", "too large"},
    }


def test_a_surface_without_good_opens_on_a_rate_between_its_presets() -> None:
    s = surfaces.get("rosenbrock")
    alpha = options.default_alpha(s)
    assert s.lr_presets["too small"] < alpha < s.lr_presets["too large"]
    assert alpha in options.alpha_options()
    assert options.default_alpha(surfaces.get("staircase")) == 0.8  # its "good", exactly


def test_picker_offers_only_the_surface_labels() -> None:
    assert options.available_presets(surfaces.get("beale")) == [
        "too small",
        "good",
        "diverging",
        "my α",
    ]


def test_spec_with_an_unknown_or_missing_label_is_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        surfaces.base.presets({"lr_presets": {"good": 0.1}})
    with pytest.raises(ValueError, match="too small"):
        surfaces.base.presets({"lr_presets": {"too small": 0.1, "fast": 1.0}})


def test_every_lesson_races_only_labels_its_surface_has() -> None:
    """Its surface's presets (of the lesson's degree, on the polynomial model) or "my α"."""
    for lesson in lessons.load().values():
        chosen = lesson.settings.get("presets", [])
        surface = scenes.resolve_surface(
            lesson.settings.get("surface", "staircase"), degree=lesson.settings.get("degree")
        )
        assert set(chosen) <= set(options.available_presets(surface)), lesson.id


@pytest.mark.parametrize("degree", [1, 4, 11, 14])
def test_polynomial_presets_chosen_in_closed_form_earn_their_labels(degree: int) -> None:
    s = surfaces.polynomial_regression(degree)
    assert "too large" not in s.lr_presets
    for label, alpha in s.lr_presets.items():
        assert optiviz.simulate(s, "sgd", alpha=alpha).verdict == EXPECTED[label], (label, alpha)
