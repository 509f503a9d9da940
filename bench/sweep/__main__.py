"""``python -m bench.sweep [MODE] [flags]``: the compiled sweep against baselines."""

from bench.modes import run

MODES = {
    "grid": (
        "bench.sweep.grid",
        "128×128 (α, k) sweep of 500-step Adam vs NumPy and PyTorch; the lab's landscapes; "
        "a 1024×1024 landscape in blocks",
    ),
    "runs": (
        "bench.sweep.runs",
        "simulate, simulate_many, an α family and a sweep, this checkout vs --reference",
    ),
    "sharding": ("bench.sweep.sharding", "a grid on 4 forced host devices against one device"),
    "sharpness": (
        "bench.sweep.sharpness",
        "optiviz.sharpness along a 2,000-step path vs NumPy and a loop of jax.hessian",
    ),
}

if __name__ == "__main__":
    run("bench.sweep", MODES, default="grid")
