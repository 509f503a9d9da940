"""``python -m bench.cold [MODE] [flags]``: a new server process to the first paths drawn."""

from bench.modes import run

MODES = {
    "start": "bench.cold.start",
    "cache": "bench.cold.cache",
}
"""Each mode's module; ``-h`` shows its docstring's first paragraph."""

if __name__ == "__main__":
    run("bench.cold", MODES, default="start")
