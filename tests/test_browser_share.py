"""The share link in headless Chromium: the box shows the page's address, Copy puts it on
the clipboard (or, without the Clipboard API, copies it through a selected field), and the
first screen loads no syntax highlighter for it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.support import links
from tests.support.browser import app_server, chromium, needs_chromium, new_page, open_app

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

NO_CLIPBOARD_JS = """
Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
window.__copied = [];
document.addEventListener('copy', (e) => {
  const f = e.target;
  window.__copied.push(f && 'value' in f ? f.value.slice(f.selectionStart, f.selectionEnd) : '');
}, true);
"""
"""A page without ``navigator.clipboard`` (plain http away from localhost), which records
the text each copy takes from the focused field."""

HIGHLIGHTER_JS = """() => performance.getEntriesByType('resource').map(r => r.name)
  .filter(n => /SyntaxHighlighter/.test(n))"""


@pytest.fixture()
def page(app_server, chromium) -> Iterator:
    tab = new_page(chromium)
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        open_app(tab, app_server.url)
        yield tab
    finally:
        tab.close()


def _query(url: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(url).query))


def _copy_button(tab):
    return tab.locator(".optiviz-share-copy")


def test_copy_puts_the_shown_link_on_the_clipboard(page) -> None:
    (link,) = page.evaluate(links.LINKS_JS)
    assert _query(link) == _query(page.url) and "surface=staircase" in link
    assert urlsplit(link).netloc == urlsplit(page.url).netloc
    _copy_button(page).click()
    page.wait_for_function(
        "() => document.querySelector('.optiviz-share-copy').textContent === 'Copied'"
    )
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    page.wait_for_function(
        "() => document.querySelector('.optiviz-share-copy').textContent === 'Copy'",
        timeout=5_000,
    )
    assert page.evaluate(HIGHLIGHTER_JS) == []
    assert page.console_errors == []


def test_without_the_clipboard_api_copy_goes_through_a_selected_field(app_server, chromium) -> None:
    tab = new_page(chromium)
    tab.add_init_script(NO_CLIPBOARD_JS)
    try:
        open_app(tab, app_server.url)
        (link,) = tab.evaluate(links.LINKS_JS)
        _copy_button(tab).click()
        tab.wait_for_function("() => window.__copied.length > 0")
        assert tab.evaluate("() => window.__copied") == [link]
        assert _copy_button(tab).inner_text() == "Copied"
    finally:
        tab.close()
