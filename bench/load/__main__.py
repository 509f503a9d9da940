"""``python -m bench.load [MODE] [flags]``: one ``streamlit run app.py`` under load."""

from bench.modes import run

MODES = {
    "protocol": "bench.load.protocol",
    "rooms": "bench.load.rooms",
    "browsers": "bench.load.browsers",
    "app": "bench.load.app",
}
"""Each mode's module; ``-h`` shows its docstring's first paragraph."""

if __name__ == "__main__":
    run("bench.load", MODES, default="protocol")
