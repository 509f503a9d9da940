"""``python -m bench.browser [MODE] [flags]``: the app in headless Chromium (--disable-gpu).

Its modes are in ``bench.modes.ENTRIES``."""

from bench.modes import run

if __name__ == "__main__":
    run("bench.browser")
