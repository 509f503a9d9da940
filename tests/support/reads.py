"""What the page shows, read in one call: the address bar, the share link, the chips of
"Learning rates to race", the verdict lines, the map's axes and paths, the chart's α
slider's value, the errors."""

from __future__ import annotations

from dataclasses import dataclass, field

READ_JS = """() => {
  const text = (e) => e.innerText.replace(/\\s+/g, ' ').trim();
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const race = [...sidebar.querySelectorAll('[data-testid="stMultiSelect"]')]
    .find(e => e.innerText.includes('Learning rates to race'));
  const chips = race ? [...race.querySelectorAll('[data-tag]')]
    .map(e => e.getAttribute('aria-label')) : null;
  const codes = [...document.querySelectorAll('.optiviz-share-url')].map(text)
    .filter(t => /^https?:/.test(t));
  const gd = document.querySelector('.optiviz-chart');
  let chart = null;
  if (gd && gd._fullLayout) {
    const L = gd._fullLayout;
    const range = (a) => a && a.range ? [Number(a.range[0]), Number(a.range[1])] : null;
    const onMap = (gd._fullData || gd.data).filter(d => !String(d.type).endsWith('3d')
      && (d.xaxis || 'x') === 'x' && (d.yaxis || 'y') === 'y');
    const shown = (d) => d.visible !== false && d.visible !== 'legendonly';
    const points = (d) => Array.from(d.x || []).map((x, i) => [x, d.y[i]])
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const onPaths = new Set(onMap.filter(d => d.meta === 'path' && shown(d))
      .flatMap(points).map(p => p.join(',')));
    chart = {
      kind: L.scene && !L.xaxis ? '3d' : (gd.__optiviz && gd.__optiviz.kind) || 'map',
      x: range(L.xaxis), y: range(L.yaxis),
      scene_x: L.scene ? range(L.scene.xaxis) : null,
      scene_y: L.scene ? range(L.scene.yaxis) : null,
      paths: onMap.filter(d => d.meta === 'path').map(d => [Array.from(d.x), Array.from(d.y)]),
      shown_paths: onMap.filter(d => d.meta === 'path' && shown(d)).length,
      ghost_points: onMap.filter(d => d.meta === 'outline' && shown(d)).flatMap(points)
        .filter(p => !onPaths.has(p.join(','))).length,
      hidden_runs: gd.__optiviz && gd.__optiviz.hidden ? gd.__optiviz.hidden.size : 0,
    };
  }
  return {
    url: location.href,
    links: codes,
    chips: chips,
    verdicts: [...document.querySelectorAll('.optiviz-verdict')].map(text),
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')]
      .map(e => text(e).slice(0, 400)),
    crashed: document.body.innerText.includes('This app has encountered an error'),
    chart_error: [...document.querySelectorAll('.optiviz-chart-error')].map(text),
    alpha: (() => {
      const track = document.querySelector('.optiviz-slider[data-key="alpha"] [role="slider"]');
      return track ? track.getAttribute('aria-valuetext') : null;
    })(),
    chart: chart,
  };
}"""
"""Everything the checks compare, read from the page in one evaluation."""


@dataclass(frozen=True)
class Chart:
    """The first chart component's graph: its kind ("map" or "3d"), the top view's axis
    ranges (or the 3-D scene's), each run's path on the map, how many paths are visible,
    and how many points of the white outlines lie on no visible path."""

    kind: str
    x: list[float] | None
    y: list[float] | None
    scene_x: list[float] | None
    scene_y: list[float] | None
    paths: list[list[list[float | None]]]
    shown_paths: int
    ghost_points: int
    hidden_runs: int


@dataclass(frozen=True)
class Shown:
    """What the page shows after an action."""

    url: str
    links: list[str]
    chips: list[str] | None
    verdicts: list[str]
    exceptions: list[str]
    crashed: bool
    chart_error: list[str]
    chart: Chart | None
    console: list[str] = field(default_factory=list)
    alpha: str | None = None
    """The chart's α slider's value text ("α = 0.8"), None where it has none."""


def read(page) -> Shown:
    """Read the page; its console errors since the last read move into ``console``."""
    raw = page.evaluate(READ_JS)
    chart = raw.pop("chart")
    chart = Chart(**chart) if chart else None
    console, page.console_errors[:] = list(page.console_errors), []
    return Shown(**raw, chart=chart, console=console)
