"""Tools that drive a running app, shared by the tests (``tests/``) and the benchmarks
(``bench/``), which import nothing from each other.

- ``live_app``: ``streamlit run app.py`` on a free loopback port (``AppServer``, with its
  CPU clock and memory), Debian's Chromium (``launch_chromium``) and the scripts that
  watch a page (the one WebSocket hook, the rerun waits, the graph watcher);
- ``protocol``: a Streamlit session without a browser (``ProtocolSession``);
- ``examples``: the explore page's settings spelled out (``staircase_settings``).

Nothing here is imported by the app. The modules import neither Streamlit nor the dev
dependencies (Playwright, psutil, websockets) until they are used.
"""
