"""``python -m bench.cold [MODE] [flags]``: a new server process to the first paths drawn.

Its modes are in ``bench.modes.ENTRIES``."""

from bench.modes import run

if __name__ == "__main__":
    run("bench.cold")
