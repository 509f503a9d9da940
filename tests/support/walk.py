"""The seeded browser walk: on each page and view it switches surfaces in sequence and
clicks what a teacher clicks, chosen by ``random.Random(seed)``, and after every action
runs every check of ``checks``. Failures are collected with the action sequence that led
to them (from the segment's first address) and a screenshot, and the walk goes on."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from optiviz.devtools.page import PAUSE, PLAY
from tests.support import browser, checks, clicks
from tests.support.reads import read

MAX_PER_CHECK = 3
"""A defect fails the same check after every later action; keep its first few."""

WHERE_JS = """() => {
  const checked = document.querySelector('[data-testid="stSidebar"] [data-testid="stRadio"] '
    + 'input:checked');
  const label = checked ? checked.closest('label').innerText.trim() : '';
  const gd = document.querySelector('.optiviz-chart');
  if (label === 'Lessons') return 'lessons';
  if (label === 'Hyperparameter lab') {
    return document.querySelector('.st-key-landscape_chart') ? 'lab-map'
      : document.querySelector('.st-key-landscape_3d') ? 'lab-3d' : 'lab-other';
  }
  if (document.querySelector('.st-key-fit_data')) return 'fit';
  if (gd && gd.__optiviz) return gd.__optiviz.kind === '3d' ? 'explore-3d' : 'explore-map';
  return 'explore-other';
}"""
"""Where the page is: explore-map, explore-3d, fit, lab-map, lab-3d, lab-other, lessons."""

NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


@dataclass(frozen=True)
class Action:
    """One click: its name, whether it reruns the app, and what it does (its description
    is returned; a download also returns its problems)."""

    name: str
    reruns: bool
    do: Callable[[Walk], str | tuple[str, list[str]]]


@dataclass
class Walk:
    """A walk on one page of one server: the log since the segment's first address, the
    number of actions done, and the failures found."""

    page: object
    base_url: str
    seed: int
    shots: Path
    rng: random.Random = field(init=False)
    log: list[str] = field(default_factory=list)
    actions: int = 0
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def where(self) -> str:
        """Where the page is now (``WHERE_JS``)."""
        return self.page.evaluate(WHERE_JS)

    def open(self, query: dict[str, str]) -> None:
        """Open the app at ``query`` in a fresh session: the start of a reproduction."""
        url = f"{self.base_url}?{urlencode(query)}" if query else self.base_url
        self.log = [f"open {url}"]
        browser.open_app(self.page, url)
        self._check()

    def act(self, action: Action) -> None:
        """Do ``action``, wait for what it starts, run every check; a click that cannot be
        made is a failure too."""
        started = time.perf_counter()
        since = browser.start_watch(self.page) if action.reruns else 0.0
        try:
            result = action.do(self)
            if isinstance(result, str) and result.startswith(clicks.ALREADY):
                return
            if action.reruns:
                browser.wait_rerun(self.page, since)
            else:
                browser.settle(self.page)
        except Exception as exc:  # noqa: BLE001 - the walk reports it and goes on
            self.log.append(f"{action.name} (failed)")
            self._fail("action", [f"{action.name}: {type(exc).__name__}: {str(exc)[:300]}"])
            self._recover()
            return
        text, extra = result if isinstance(result, tuple) else (result, [])
        self.log.append(text)
        self.actions += 1
        self.timings.append((action.name, time.perf_counter() - started))
        print(f"{self.timings[-1][1]:6.1f} s  {text}", flush=True)
        self._check(extra)

    def _check(self, extra: list[str] | None = None) -> None:
        shown = read(self.page)
        problems = checks.run_all(shown)
        if extra:
            problems["download_content"] = extra
        for name, found in problems.items():
            self._fail(name, found)
        if shown.crashed:
            self._recover()

    def _fail(self, check: str, problems: list[str]) -> None:
        self.counts[check] = self.counts.get(check, 0) + 1
        if self.counts[check] > MAX_PER_CHECK:
            return
        shot = browser.screenshot(self.page, self.shots, f"seed{self.seed}-{len(self.failures)}")
        steps = "\n      ".join(self.log)
        self.failures.append(
            f"[{check}] " + "; ".join(problems) + f"\n    seed {self.seed}, after:\n      {steps}"
            f"\n    screenshot: {shot}"
        )
        print("FAILURE", self.failures[-1], flush=True)

    def _recover(self) -> None:
        self.log.append("reload")
        browser.open_app(self.page, self.page.url)

    def random_actions(self, n: int) -> None:
        """``n`` clicks chosen at random among those the current view offers."""
        for _ in range(n):
            offered = OFFERS.get(self.where(), ())
            if not offered:
                return
            self.act(self.rng.choice(offered))

    def report(self) -> str:
        """All failures, or '' when there were none."""
        if not self.failures:
            return ""
        more = {k: v - MAX_PER_CHECK for k, v in self.counts.items() if v > MAX_PER_CHECK}
        tail = f"\n(and more of {more})" if more else ""
        return (
            f"{len(self.failures)} failure(s) in {self.actions} actions:\n"
            + "\n".join(self.failures)
            + tail
        )


def _download(name: str) -> Callable[[Walk], tuple[str, list[str]]]:
    def do(w: Walk) -> tuple[str, list[str]]:
        text, body = clicks.download(w.page, name)
        return text, file_problems(name, body)

    return do


def file_problems(name: str, body: str) -> list[str]:
    """A CSV writes each float32 value in its shortest round-trip form (at most 9
    significant digits); the HTML is a page."""
    if "CSV" not in name:
        return [] if "<html" in body[:2000].lower() else [f"'{name}' is not HTML: {body[:80]!r}"]
    long = [n for n in NUMBER.findall(body) if len(re.sub(r"e.*|[-.]", "", n).lstrip("0")) > 9]
    return [f"the CSV writes float32 noise such as {long[:3]}"] if long else []


def _surface(name: str) -> Action:
    return Action(
        f"surface {name}",
        True,
        lambda w: clicks.choose(w.page, "Loss surface", clicks.surface_label(name)),
    )


PLAY_ACTION = Action("play", False, lambda w: clicks.chart_button(w.page, PLAY, "Play"))
PAUSE_ACTION = Action("pause", False, lambda w: clicks.chart_button(w.page, PAUSE, "Pause"))
SPEED = Action("speed", False, lambda w: clicks.speed(w.page, w.rng))
VERDICT = Action("verdict", False, lambda w: clicks.verdict(w.page, w.rng))
MAP_CLICK = Action("map click", True, lambda w: clicks.map_point(w.page, w.rng))
ALPHA = Action(
    "α key",
    True,
    lambda w: clicks.press(
        w.page, "Learning rate α", w.rng.choice(["ArrowRight", "ArrowLeft"]), w.rng.randint(1, 3)
    ),
)
STEPS = Action(
    "steps key", True, lambda w: clicks.press(w.page, "Steps", "ArrowRight", w.rng.randint(1, 5))
)
MODE = Action("mode", True, lambda w: clicks.radio(w.page, "View", w.rng.choice(clicks.MODES)))
PICTURE = Action("picture", True, lambda w: clicks.segment(w.page, w.rng.choice(clicks.PICTURES)))
FORMULA = Action(
    "formula", True, lambda w: clicks.type_formula(w.page, w.rng.choice(clicks.FORMULAS))
)
CSV = Action("csv", False, _download("⬇ Runs as CSV"))
HTML = Action("html", False, _download("⬇ Animation as HTML"))
LAB_CELL = Action("lab cell", True, lambda w: clicks.lab_point(w.page, w.rng, "cells"))
LAB_TRIAL = Action("lab trial", True, lambda w: clicks.lab_point(w.page, w.rng, "trials"))
LAB_BEST = Action(
    "lab best", True, lambda w: clicks.lab_point(w.page, w.rng, clicks.best_trace(w.page))
)
LAB_PICTURE = Action(
    "lab picture", True, lambda w: clicks.segment(w.page, w.rng.choice(clicks.LAB_PICTURES))
)
SUGGEST = Action("suggest", True, lambda w: clicks.button(w.page, r"^Use suggested α"))
LESSON = Action("lesson", True, lambda w: clicks.button(w.page, r"^Open this lesson$", w.rng))
FIT_PLAY = Action(
    "fit play",
    False,
    lambda w: clicks.chart_button(w.page, ".st-key-fit_data .updatemenu-button >> nth=0", "Play"),
)


def page_action(label: str) -> Action:
    """Click the sidebar's page choice ``label``."""
    return Action(f"page {label}", True, lambda w: clicks.radio(w.page, "Page", label))


TO_EXPLORE, TO_LAB, TO_LESSONS = (
    page_action(p) for p in ("Explore", "Hyperparameter lab", "Lessons")
)
TOP_VIEW = (PLAY_ACTION, PAUSE_ACTION, SPEED, VERDICT, VERDICT, MAP_CLICK, ALPHA, STEPS, CSV, HTML)
OFFERS: dict[str, tuple[Action, ...]] = {
    "explore-map": (*TOP_VIEW, MODE, PICTURE),
    "explore-3d": (VERDICT, ALPHA, STEPS, MODE, PICTURE, CSV),
    "explore-other": (ALPHA, STEPS),
    "fit": (FIT_PLAY, ALPHA, STEPS, CSV, HTML),
    "lab-map": (LAB_CELL, LAB_TRIAL, LAB_BEST, LAB_PICTURE, SUGGEST),
    "lab-3d": (LAB_PICTURE, SUGGEST),
    "lab-other": (TO_EXPLORE,),
    "lessons": (LESSON,),
}
"""The clicks each view offers (a view's likelier clicks appear twice)."""


def setup(label: str, do: Callable[[Walk], str]) -> Action:
    """A click that opens a segment's view."""
    return Action(label, True, do)


def explore_view(mode: str, picture: str = clicks.PICTURES[0]) -> tuple[Action, ...]:
    """The clicks that open the explore page in View ``mode`` with ``picture``, on the
    staircase (a 2-D surface, so the picture control is there)."""
    return (
        TO_EXPLORE,
        _surface("staircase"),
        setup(f"mode {mode}", lambda w: clicks.radio(w.page, "View", mode)),
        setup(f"picture {picture}", lambda w: clicks.segment(w.page, picture)),
    )


def lab_view(picture: str) -> tuple[Action, ...]:
    """The clicks that open the lab with its landscape drawn as ``picture``."""
    return (
        TO_LAB,
        _surface("staircase"),
        setup(f"lab picture {picture}", lambda w: clicks.segment(w.page, picture)),
    )


def visit(w: Walk, opening: tuple[Action, ...], names: list[str], per_surface: int) -> None:
    """Open a view with ``opening``, then switch to each surface of ``names`` in turn (and
    type a formula on 'custom'), with ``per_surface`` random clicks after each."""
    for action in opening:
        w.act(action)
    for name in names:
        w.act(_surface(name))
        if name == "custom":
            w.act(FORMULA)
        w.random_actions(per_surface)
