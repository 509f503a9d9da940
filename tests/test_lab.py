"""The lab's cache key (``ui.lab_results.lab_settings``): it leaves out only what the lab's
computations do not read, so a cached result is the one the page's own settings give;
and the search space a data surface opens on."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from optiviz.scenes.settings import Settings
from optiviz.ui import lab, lab_results

BASE = Settings(
    surface="staircase",
    mode="single",
    optimizer="sgd",
    compare_optimizers=("sgd",),
    presets=(),
    alpha=0.1,
    schedule="constant",
    k=0.0,
    drop=0.5,
    every=10,
    staircase=False,
    momentum=0.9,
    rho=0.99,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    steps=40,
    start=(0.2, 0.3),
)
UNREAD = {
    "mode": "optimizers",
    "compare_optimizers": ("sgd", "adam", "momentum"),
    "presets": ("good", "too large"),
    "alpha": 0.37,
    "noise": 0.5,
    "batch_size": 7,
    "seed": 3,
    "n_seeds": 5,
}
"""Values of the fields no lab computation reads, unlike the page's defaults."""
POLYNOMIAL = {"surface": "polynomial_regression", "degree": 3, "start": None}
CASES = {
    "sgd, constant": ({}, "k", {"drop": 0.2, "every": 3, "staircase": True, "momentum": 0.5}),
    "momentum, step": (
        {"optimizer": "momentum", "schedule": "step", "drop": 0.25, "every": 7},
        "k",
        {"beta1": 0.5, "eps": 1e-3, "k": 0.3},
    ),
    "adam, exponential": (
        {"surface": "rosenbrock", "optimizer": "adam", "schedule": "exponential", "k": 0.02},
        "k",
        {"momentum": 0.1, "rho": 0.5, "drop": 0.1, "k": 0.3},
    ),
    "polynomial, step": (
        {**POLYNOMIAL, "schedule": "step", "drop": 0.25, "every": 7},
        "weight_decay",
        {"momentum": 0.1, "k": 0.3, "staircase": True},
    ),
    "polynomial, exponential": (
        {**POLYNOMIAL, "schedule": "exponential", "k": 0.05, "staircase": True, "every": 7},
        "weight_decay",
        {"momentum": 0.1, "drop": 0.1},
    ),
}
"""(the settings' own values, the space searched, values of fields it does not read)."""
RANGES = {"k": ((1e-3, 1.0), (1e-3, 0.5)), "weight_decay": ((1e-3, 1.0), (1e-4, 0.1))}
SIDE = 5


def _computed(s: Settings, space: str) -> list[np.ndarray]:
    """Every array the lab page computes for ``s`` (uncached): the landscape, a random
    search's trials and the range test."""
    alpha_range, second_range = RANGES[space]
    if space == "k":
        grid = lab_results.cached_landscape.__wrapped__(s, alpha_range, second_range, SIDE)
        found = lab_results.cached_search.__wrapped__(s, "random", 4, alpha_range, second_range, 0)
    else:
        grid = lab_results.cached_decay_landscape.__wrapped__(s, alpha_range, second_range, SIDE)
        found = lab_results.cached_decay_search.__wrapped__(
            s, "random", 4, alpha_range, second_range, 0
        )
    test = lab_results.cached_range_test.__wrapped__(s, 1e-4, 1.0, 30)
    trials = [np.array([t.alpha, t.k, t.loss]) for t in found.trials]
    return [*map(np.asarray, grid), *trials, np.asarray(test.losses), np.asarray(test.lrs)]


@pytest.mark.parametrize("case", list(CASES))
def test_the_key_gives_the_results_of_the_settings_themselves(case: str) -> None:
    own, space, unread = CASES[case]
    s = dataclasses.replace(BASE, **(own | UNREAD | unread))
    key = lab_results.lab_settings(s, space)
    assert key != s, "the case sets fields the key leaves out"
    for got, want in zip(_computed(key, space), _computed(s, space), strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", list(CASES))
def test_settings_that_differ_only_where_the_lab_does_not_read_share_a_key(case: str) -> None:
    own, space, unread = CASES[case]
    plain = dataclasses.replace(BASE, **own)
    assert lab_results.lab_settings(dataclasses.replace(plain, **(UNREAD | unread)), space) == (
        lab_results.lab_settings(plain, space)
    )


READ = {
    "steps": 41,
    "start": (0.1, 0.3),
    "weight_decay": 0.01,
    "optimizer": "adam",
    "schedule": "inverse_time",
}


@pytest.mark.parametrize("field", list(READ))
def test_a_field_the_lab_reads_changes_the_key(field: str) -> None:
    changed = dataclasses.replace(BASE, **{field: READ[field]})
    assert lab_results.lab_settings(changed, "k") != lab_results.lab_settings(BASE, "k")


def test_the_optimizers_own_knobs_and_the_schedules_are_in_the_key() -> None:
    momentum = dataclasses.replace(BASE, optimizer="momentum", compare_optimizers=("momentum",))
    step = dataclasses.replace(BASE, schedule="step")
    decay = dataclasses.replace(BASE, schedule="exponential")
    pairs = [
        (momentum, {"momentum": 0.5}, "k"),
        (step, {"drop": 0.25}, "k"),
        (step, {"every": 3}, "k"),
        (decay, {"staircase": True}, "k"),
        (decay, {"k": 0.3}, "weight_decay"),
    ]
    for s, change, space in pairs:
        other = dataclasses.replace(s, **change)
        assert lab_results.lab_settings(other, space) != lab_results.lab_settings(s, space), change


APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _lab_page(monkeypatch, query: dict) -> AppTest:
    """The lab page of ``query``'s link, its panels (the computing) left out."""
    monkeypatch.setattr(lab, "_landscape_panel", lambda *args: None)
    monkeypatch.setattr(lab, "_range_test_panel", lambda *args: None)
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params.update({"page": "lab"} | query)
    return at.run()


def test_a_data_surface_opens_on_its_own_search_space(monkeypatch) -> None:
    """λ on the polynomial model, also after logistic regression's k; and k again there."""
    at = _lab_page(monkeypatch, {"surface": "logistic_regression"})
    assert at.radio(key="lab_space").value == "k"
    at.selectbox(key="surface").set_value("polynomial_regression").run()
    assert at.radio(key="lab_space").value == "weight_decay"
    at.selectbox(key="surface").set_value("logistic_regression").run()
    assert at.radio(key="lab_space").value == "k"
    assert not at.exception


def test_a_links_search_space_is_kept(monkeypatch) -> None:
    at = _lab_page(monkeypatch, {"surface": "polynomial_regression", "lab_space": "k"})
    assert at.radio(key="lab_space").value == "k"
    at.radio(key="lab_space").set_value("weight_decay").run()
    assert at.radio(key="lab_space").value == "weight_decay"
    assert not at.exception
