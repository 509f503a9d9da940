"""``python -m bench.sweep [MODE] [flags]``: the compiled sweep against baselines.

Its modes are in ``bench.modes.ENTRIES``."""

from bench.modes import run

if __name__ == "__main__":
    run("bench.sweep")
