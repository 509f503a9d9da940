"""``python -m bench.browser [MODE] [flags]``: the app in headless Chromium (--disable-gpu)."""

from bench.modes import run

MODES = {
    "key": (
        "bench.browser.keypress",
        "α key and α drag to new paths drawn, family cost and bytes, vs a bare page",
    ),
    "timeline": ("bench.browser.timeline", "where an α key's time goes in the browser"),
    "chart": (
        "bench.browser.live_chart",
        "bytes per α move, the server's and the browser's share, picture switches",
    ),
    "play": ("bench.browser.play", "Play's frame rate on the default view"),
    "lessons": (
        "bench.browser.lessons",
        "every lesson, view and surface opened on a live server; cold lesson links",
    ),
}

if __name__ == "__main__":
    run("bench.browser", MODES, default="key")
