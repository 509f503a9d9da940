"""In Chromium: an α let go at a stop the chart's family holds is answered with a keep of
the payload before (``explore.payload``, ``chart_component.kept``), so the chart keeps
drawing the member it swapped in; and going back to the payload's own stop is still told
to the server, so the address, the link and the drawn run never part."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.support.browser import (
    app_server,
    chromium,
    needs_chromium,
    new_page,
    open_app,
    start_watch,
    wait_rerun,
)

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]

STATE_JS = """() => {
  // The stop the α slider's text names, the stop the chart draws (its payload's, or the
  // member swapped in), and whether the payload is the one noted by NOTE_JS.
  const s = document.querySelector('.optiviz-chart').__optiviz;
  const slider = s.prepared.sliders[0];
  const text = document.querySelector('.optiviz-slider[data-key="alpha"] [role="slider"]')
    .getAttribute('aria-valuetext').split(' = ')[1];
  const drawn = slider.texts[s.want.alpha ?? slider.index];
  const readout = document.querySelectorAll('.optiviz-readout > div')[1].textContent;
  return {text, drawn, readout, same: s.latest === window.__optivizNoted};
}"""
NOTE_JS = (
    "() => { window.__optivizNoted = document.querySelector('.optiviz-chart').__optiviz.latest; }"
)


@pytest.fixture
def single(chromium, app_server):
    page = new_page(chromium, 1400, 1000)
    open_app(page, app_server.url + "?mode=single&alpha=0.87")
    yield page
    page.close()


def _alpha(page) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["alpha"][0]


def _key(page, key: str) -> None:
    """Press ``key`` on the α track and wait for its release (300 ms later) to be run."""
    since = start_watch(page)
    page.locator('.optiviz-slider[data-key="alpha"] [role="slider"]').press(key)
    page.wait_for_timeout(400)
    wait_rerun(page, since)


def test_a_held_release_keeps_the_member_and_the_way_back_is_told(single) -> None:
    page = single
    page.evaluate(NOTE_JS)
    sends = page.evaluate("() => window.__optivizSends")
    _key(page, "ArrowRight")
    shown = page.evaluate(STATE_JS)
    assert shown["text"] == shown["drawn"] == "1" == _alpha(page), shown
    assert shown["readout"].startswith("● α=1:"), shown
    assert shown["same"], "the chart kept the payload before"
    assert page.evaluate("() => window.__optivizSends") > sends
    link = page.locator(".optiviz-share-url").filter(has_text="alpha=").first.text_content()
    assert "alpha=1&" in link or link.endswith("alpha=1")
    # Back to the payload's own stop: the server holds 1, so this release is sent too.
    _key(page, "ArrowLeft")
    shown = page.evaluate(STATE_JS)
    assert shown["text"] == shown["drawn"] == "0.87" == _alpha(page), shown
    assert shown["readout"].startswith("● α=0.87:"), shown
    _key(page, "ArrowRight")
    assert page.evaluate(STATE_JS)["drawn"] == "1" == _alpha(page)
    assert not page.console_errors


MOUNT_KEPT_JS = """async (keep) => {
  // The chart's module mounted anew in a box of its own, sent a keep as the server sends
  // it (chart_component.kept) of the payload the page's chart holds (or of `keep`): the
  // stop it draws, its slider's text and whether it took the payload from the page.
  const url = performance.getEntriesByType('resource').map((e) => e.name)
    .find((name) => /\\/chart\\.js(\\?|$)/.test(name));
  const chart = await import(url);
  const held = document.querySelector('.optiviz-chart').__optiviz.latest;
  const box = document.createElement('div');
  box.style.width = '900px';
  document.querySelector('.optiviz-chart').parentElement.parentElement.appendChild(box);
  const sent = {keep: keep || held.token, key: 'alpha', value: 1, config: held.config};
  const asked = [];
  chart.default({parentElement: box, setTriggerValue: (...a) => asked.push(a), data: [sent]});
  const state = () => box.querySelector('.optiviz-chart').__optiviz;
  for (let i = 0; i < 400 && !(state().drawnData || box.querySelector('[role="alert"]')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const error = box.querySelector('.optiviz-chart-error');
  if (error) return {error: error.textContent, asked};
  const s = state();
  const slider = s.prepared.sliders[0];
  const text = box.querySelector('.optiviz-slider[data-key="alpha"] [role="slider"]')
    .getAttribute('aria-valuetext').split(' = ')[1];
  return {drawn: slider.texts[s.want.alpha ?? slider.index], text, same: s.latest === held};
}"""


def test_a_chart_mounted_anew_with_a_keep_draws_the_payload_at_the_value_kept(single) -> None:
    page = single
    shown = page.evaluate(MOUNT_KEPT_JS, None)
    assert shown == {"drawn": "1", "text": "1", "same": True}, shown
    unknown = page.evaluate(MOUNT_KEPT_JS, "no-such-token")
    assert "it asked again" in unknown["error"], unknown
    # the stop let go at, as not drawn: the server sends the whole view
    assert unknown["asked"] == [["slider", {"key": "alpha", "value": 1, "drawn": False}]]
