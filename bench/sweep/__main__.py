"""``python -m bench.sweep [MODE] [flags]``: the compiled sweep against baselines."""

from bench.modes import run

MODES = {
    "grid": "bench.sweep.grid",
    "sharding": "bench.sweep.sharding",
    "sharpness": "bench.sweep.sharpness",
}
"""Each mode's module; ``-h`` shows its docstring's first paragraph."""

if __name__ == "__main__":
    run("bench.sweep", MODES, default="grid")
