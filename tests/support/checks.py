"""The checks run after every action of the browser walk. Each takes what the page shows
(``reads.Shown``) and returns its problems, each saying what the page said and what it drew
(or what the engine computes); an empty list is a pass."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from tests.support import expected
from tests.support.reads import Shown

Check = Callable[[Shown], list[str]]

CHIP = re.compile(r"^(?P<label>.+?) \(α = (?P<alpha>[^)]+)\)$")
EXIT_NOTE = re.compile(r" · leaves the map at step \d+$")
"""Where a path leaves the map: told after the verdict, not part of it."""
VERDICT = re.compile(r"^● (?P<name>.+?) α=(?P<alpha>\S+?): ")


def no_exception(shown: Shown) -> list[str]:
    """No Streamlit exception box, no crash page, no chart that could not be drawn."""
    out = [f"exception box: {e}" for e in shown.exceptions]
    if shown.crashed:
        out.append("the page says 'This app has encountered an error'")
    return out + [f"chart error: {e}" for e in shown.chart_error]


def no_console_error(shown: Shown) -> list[str]:
    """No console error and no uncaught exception in the page."""
    return [f"console error: {e[:300]}" for e in shown.console]


def chips_match_runs(shown: Shown) -> list[str]:
    """Each chip of "Learning rates to race" names the α its run races at (the verdict
    line of that run, under the chart), and each chip has a run."""
    if not shown.chips or not shown.verdicts:
        return []
    runs = {m["name"]: m["alpha"] for v in shown.verdicts if (m := VERDICT.match(v))}
    out = []
    for chip in shown.chips:
        m = CHIP.match(chip)
        if m is None:
            continue
        label, alpha = m["label"], m["alpha"]
        if label not in runs:
            out.append(f"chip '{chip}' has no run; the verdicts are {shown.verdicts}")
        elif not _same_number(runs[label], alpha):
            out.append(f"chip says '{chip}' but its run draws '{label} α={runs[label]}'")
    return out


def axes_fit_surface(shown: Shown) -> list[str]:
    """The top view's axes are the surface's bounds, or the bounds widened just enough to
    hold every path."""
    chart, link = shown.chart, _link(shown)
    if chart is None or chart.kind != "map" or link is None or chart.x is None:
        return []
    surface = expected.surface_of(expected.params(link))
    if surface.dim > 2:
        return []
    out = []
    axes = [("x", chart.x, surface.bounds[0], 0)]
    if surface.dim == 2:
        axes.append(("y", chart.y, surface.bounds[1], 1))
    for name, shown_range, bounds, i in axes:
        if _close_range(shown_range, bounds) or _widened_to_paths(shown_range, bounds, chart, i):
            continue
        out.append(
            f"{surface.name}'s bounds say {name} in {list(bounds)}, the map draws {name} in "
            f"{[round(v, 4) for v in shown_range]}"
        )
    return out


def url_matches_link(shown: Shown) -> list[str]:
    """The address bar holds the share link's parameters (a control at the value a fresh
    page opens with may be left out of the address)."""
    link = _link(shown)
    if link is None:
        return []
    url, share = expected.params(shown.url), expected.params(link)
    defaults = expected.fresh_defaults(share)
    out = []
    for key in sorted(set(url) | set(share)):
        u, s = url.get(key), share.get(key)
        if _same_values(u, s) or (u is None and s is not None and _is_default(s, defaults, key)):
            continue
        out.append(f"address bar has {key}={u}, the share link has {key}={s}")
    return out


def verdicts_match_engine(shown: Shown) -> list[str]:
    """Every verdict line is the engine's verdict for that run of the share link's
    settings (``optiviz.scenes.scene``), in order."""
    link = _link(shown)
    if link is None or not shown.verdicts:
        return []
    want = expected.verdict_lines(expected.settings_from_link(link))
    said = [EXIT_NOTE.sub("", v) for v in shown.verdicts]
    if list(want) == said:
        return []
    return [f"the page says {shown.verdicts}, the engine says {list(want)} for {link}"]


def alpha_matches_link(shown: Shown) -> list[str]:
    """The chart's α slider shows the share link's α exactly (the surface's default α when
    the link leaves it out): a lesson's or a preset's α between two stops is not shown as
    the nearest stop."""
    link = _link(shown)
    if link is None or shown.alpha is None:
        return []
    share = expected.params(link)
    want = (share.get("alpha") or [expected.fresh_defaults(share).get("alpha", "")])[0]
    said = shown.alpha.split(" = ")[-1]
    if _same_number(said, want):
        return []
    return [f"the α slider says '{shown.alpha}', the share link has alpha={want}"]


def no_hidden_ghost(shown: Shown) -> list[str]:
    """A run hidden by a click on its verdict leaves nothing on the map: every visible
    point of the white outlines lies on a visible path."""
    chart = shown.chart
    if chart is None or chart.ghost_points == 0:
        return []
    return [
        f"{chart.hidden_runs} run(s) hidden, {chart.shown_paths} paths visible, but "
        f"{chart.ghost_points} points of the white outline lie on no visible path"
    ]


CHECKS: tuple[Check, ...] = (
    no_exception,
    no_console_error,
    chips_match_runs,
    axes_fit_surface,
    url_matches_link,
    verdicts_match_engine,
    alpha_matches_link,
    no_hidden_ghost,
)
"""Every check, in the order the walk runs them."""


def run_all(shown: Shown) -> dict[str, list[str]]:
    """Each failing check's name and problems."""
    return {c.__name__: p for c in CHECKS if (p := c(shown))}


def _link(shown: Shown) -> str | None:
    return shown.links[0] if shown.links else None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _same_number(a: str, b: str) -> bool:
    x, y = _number(a), _number(b)
    return x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _same_values(a: list[str] | None, b: list[str] | None) -> bool:
    if a is None or b is None:
        return a is b
    if sorted(a) == sorted(b):
        return True
    return len(a) == len(b) and all(_same_number(x, y) for x, y in zip(a, b, strict=True))


def _is_default(values: list[str], defaults: dict[str, str], key: str) -> bool:
    return key in defaults and _same_values(values, [defaults[key]])


def _close_range(shown: list[float], bounds: tuple[float, float]) -> bool:
    tol = 1e-6 * (bounds[1] - bounds[0])
    return abs(shown[0] - bounds[0]) <= tol and abs(shown[1] - bounds[1]) <= tol


def _widened_to_paths(shown: list[float], bounds: tuple[float, float], chart, i: int) -> bool:
    """The range holds the bounds and every path, and reaches no further than they do
    (with 10% of slack)."""
    values = [v for path in chart.paths for v in path[i] if v is not None and math.isfinite(v)]
    lo, hi = min([*values, bounds[0]]), max([*values, bounds[1]])
    slack = 0.1 * (hi - lo)
    a, b = min(shown), max(shown)
    return (
        a <= bounds[0]
        and b >= bounds[1]
        and a <= lo
        and b >= hi
        and a >= lo - slack
        and (b <= hi + slack)
    )
