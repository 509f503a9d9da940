"""``python -m bench.load``: one ``streamlit run app.py`` under load, from protocol sessions
(``protocol``, ``rooms``), from Chromium sessions (``browsers``), and in process (``app``)."""
