"""``python -m bench.browser [MODE] [flags]``: the app in headless Chromium (--disable-gpu)."""

from bench.modes import run

MODES = {
    "key": "bench.browser.keypress",
    "timeline": "bench.browser.timeline",
    "chart": "bench.browser.live_chart",
    "play": "bench.browser.play",
    "lessons": "bench.browser.lessons",
}
"""Each mode's module; ``-h`` shows its docstring's first paragraph."""

if __name__ == "__main__":
    run("bench.browser", MODES, default="key")
