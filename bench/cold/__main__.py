"""``python -m bench.cold [MODE] [flags]``: a new server process to the first paths drawn."""

from bench.modes import run

MODES = {
    "start": (
        "bench.cold.start",
        "empty JAX cache to first paths, vs a bare page; --profile: imports, compiles",
    ),
    "cache": (
        "bench.cold.cache",
        "first start with an empty JAX cache, then restarts with the cache it filled",
    ),
}

if __name__ == "__main__":
    run("bench.cold", MODES, default="start")
