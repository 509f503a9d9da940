"""Every lesson's link opens the app as the lesson says: each setting in the address is
one the app accepts (no "values the app cannot use" notice) and reaches its widget."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optiviz
from optiviz import scenes
from optiviz.scenes import lessons, params
from tests.support import expected, links

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
LESSONS = lessons.load()
TEACHING = (ROOT / "docs" / "teaching.md").read_text()


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_every_claim_a_lesson_names_is_stated_in_docs_teaching(lesson_id: str) -> None:
    claims = LESSONS[lesson_id].claims
    assert claims, "a lesson makes at least one claim visible"
    assert [c for c in claims if c not in TEACHING] == []


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_a_lessons_link_opens_without_a_notice(lesson_id: str) -> None:
    lesson = LESSONS[lesson_id]
    query = parse_qs(urlsplit(lessons.link(lesson)).query)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({k: v if len(v) > 1 else v[0] for k, v in query.items()})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if "cannot use" in w.value]
    assert any(lesson.title in m.value for m in at.markdown), "the lesson's box is shown"
    for key, value in lesson.settings.items():
        if key in at.session_state and not isinstance(value, list):
            assert at.session_state[key] == value, key


@pytest.mark.parametrize("extra", [{}, {"present": "1"}])
def test_a_link_that_names_only_a_lesson_opens_it_with_its_settings(extra: dict) -> None:
    """``?lesson=overfitting`` typed by hand opens the degree-15 model the lesson's words
    are about, as its full link does; a link that also names controls keeps them."""
    lesson = LESSONS["overfitting"]
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"lesson": lesson.id, **extra})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(lesson.title in m.value for m in at.markdown), "the lesson's box is shown"
    for key, value in lesson.settings.items():
        assert at.session_state[key] == value, key
    named = AppTest.from_file(str(APP), default_timeout=120)
    named.query_params.update({"lesson": lesson.id, "surface": "staircase", **extra})
    named.run()
    assert named.session_state["surface"] == "staircase"
    assert named.session_state["lesson"] == lesson.id


def test_a_link_writes_numbers_as_the_app_does() -> None:
    """0.0 as "0", 100.0 as "100", true in lower case, lists as repeated keys."""
    lesson = lessons.Lesson(
        "x",
        "t",
        "s",
        "w",
        (),
        {
            "weight_decay": 0.0,
            "steps": 100,
            "alpha": 100.0,
            "staircase": True,
            "presets": ["good", "too large"],
        },
    )
    assert lessons.query(lesson) == (
        "?weight_decay=0&steps=100&alpha=100&staircase=true&presets=good&presets=too+large&lesson=x"
    )


# The curvature lessons' words hold in the app's own numbers (the scene their link opens).


def _scene(lesson_id: str) -> scenes.Scene:
    return scenes.scene(expected.settings_from_link(lessons.link(LESSONS[lesson_id])))


def _alphas(scene: scenes.Scene) -> list[float]:
    return [run.trajectory.alpha for run in scene.runs]


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_every_lessons_alpha_is_one_the_alpha_slider_takes_exactly(lesson_id: str) -> None:
    """A lesson's α opens as the slider's value itself, a stop or between two."""
    alpha = LESSONS[lesson_id].settings.get("alpha")
    assert alpha is None or params.PARAMS["alpha"].parse([lessons.url_text(alpha)]) == alpha
    if alpha is not None and "my α" in LESSONS[lesson_id].settings.get("presets", []):
        assert expected.settings_from_link(lessons.link(LESSONS[lesson_id])).alpha == alpha


def test_why_too_large_bounces_races_0_9_and_1_1_times_the_line() -> None:
    scene = _scene("why-too-large-bounces")
    line = optiviz.critical_alpha(scene.surface)
    assert line == pytest.approx(0.1)
    assert _alphas(scene) == pytest.approx([0.9 * line, 1.1 * line])
    below, above = (run.trajectory for run in scene.runs)
    y_below, y_above = below.positions[:4, 1], above.positions[:4, 1]
    np.testing.assert_allclose(y_below[1:] / y_below[:-1], -0.8, rtol=1e-4)
    np.testing.assert_allclose(y_above[1:] / y_above[:-1], -1.2, rtol=1e-4)
    assert below.verdict == "converged"
    assert above.label == "diverged at step 76"
    for run in scene.runs:  # the line in the α_t panel: flat at 0.1
        np.testing.assert_allclose(run.edge[: len(run.trajectory.lrs)][:50], 0.1, rtol=1e-5)


def test_rosenbrock_crawls_under_its_line_and_stalls_over_it() -> None:
    scene = _scene("rosenbrock-crawl")
    line = optiviz.critical_alpha(scene.surface)
    assert (
        round(line, 3) == 0.002 and round(optiviz.sharpness("rosenbrock", [1, 1])[0], 1) == 1001.6
    )
    crawl, stall = scene.runs
    assert crawl.trajectory.alpha < line < stall.trajectory.alpha
    assert crawl.trajectory.verdict == "slow"
    np.testing.assert_allclose(crawl.trajectory.positions[-1], [0.89, 0.78], atol=0.01)
    assert stall.trajectory.verdict == "oscillating"
    np.testing.assert_allclose(stall.trajectory.positions[-1], [0.55, 0.37], atol=0.01)
    # Where it stalls, its own line hovers about its α: the valley is as sharp as 2/α.
    tail = stall.edge[1000:2000]
    assert np.median(tail) == pytest.approx(stall.trajectory.alpha, rel=0.15)
    assert "'good'" in scene.surface.description and "2/λ_max" in scene.surface.description
    heavy = optiviz.simulate(scene.surface, "momentum", alpha=crawl.trajectory.alpha, steps=2000)
    assert heavy.verdict == "converged"
    assert optiviz.critical_alpha("rosenbrock", "momentum") == pytest.approx(0.0038, abs=5e-5)


def test_the_polynomial_model_settles_or_runs_away_at_its_exact_line() -> None:
    scene = _scene("constant-curvature")
    line = optiviz.critical_alpha(scene.surface)
    assert round(line, 3) == 0.418
    settles, runs_away = scene.runs
    assert settles.trajectory.alpha < line < runs_away.trajectory.alpha < 1.005 * line
    assert settles.trajectory.verdict == "converged"
    assert settles.trajectory.losses[-1] == pytest.approx(0.016, abs=5e-4)
    losses = runs_away.trajectory.losses
    assert losses[10] == pytest.approx(0.019, abs=5e-4)
    assert losses[500] == pytest.approx(9.6, rel=0.06) and losses[1500] > 1e8
    for run in scene.runs:  # a constant Hessian: the same line at every point of both paths
        np.testing.assert_allclose(run.edge, line, rtol=1e-4)
    # Its error along the steepest direction grows by the same |1 − α λ_max| every step, so
    # its loss grows by the square of it: a straight line on the log axis.
    growth = abs(1 - runs_away.trajectory.alpha * 2 / line)
    assert round(growth, 3) == 1.008
    np.testing.assert_allclose(losses[1001:1501] / losses[1000:1500], growth**2, rtol=1e-3)


def _share_link(at: AppTest) -> dict[str, list[str]]:
    (link,) = [c for c in links.shown(at) if "?" in c and "surface=" in c]
    return parse_qs(urlsplit(link).query)


def test_a_lessons_button_opens_what_its_link_opens_whatever_was_open_before() -> None:
    """After the weight-decay lesson (λ = 0.046) and the 1/t lesson (noise σ = 1), "Too
    small, just right, too large" opens from its button exactly as from its link: no
    weight decay, no noise (they raced in it, and its words no longer held)."""
    target = LESSONS["too-small-too-large"]
    fresh = AppTest.from_file(str(APP), default_timeout=300)
    query = parse_qs(urlsplit(lessons.link(target)).query)
    fresh.query_params.update({k: v if len(v) > 1 else v[0] for k, v in query.items()})
    fresh.run()
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.query_params["page"] = "lessons"
    at.run()
    for lesson_id in ("weight-decay", "inverse-time-decay", target.id):
        at.radio(key="page").set_value("lessons").run()
        at.button(key=f"lesson_{lesson_id}").click().run()
        assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["weight_decay"] == 0.0 and at.session_state["noise"] == 0.0
    assert _share_link(at) == _share_link(fresh)
