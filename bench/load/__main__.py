"""``python -m bench.load [MODE] [flags]``: one ``streamlit run app.py`` under load.

Its modes are in ``bench.modes.ENTRIES``."""

from bench.modes import run

if __name__ == "__main__":
    run("bench.load")
