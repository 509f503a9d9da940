"""``python -m bench.load [MODE] [flags]``: one ``streamlit run app.py`` under load."""

from bench.modes import run

MODES = {
    "protocol": (
        "bench.load.protocol",
        "N browserless protocol sessions move α and k (server variants, --cpus, --replicas)",
    ),
    "rooms": ("bench.load.rooms", "a class answers a question while the presenter's page polls"),
    "browsers": (
        "bench.load.browsers",
        "N Chromium sessions move α and k and press Play, vs the floor page; memory",
    ),
    "app": ("bench.load.app", "the explore page's rerun time and chart payload, in process"),
}

if __name__ == "__main__":
    run("bench.load", MODES, default="protocol")
