"""Tools that drive a running app, shared by the tests (``tests/``) and the benchmarks
(``bench/``), which import nothing from each other.

- ``server``: ``streamlit run app.py`` on a free loopback port (``AppServer``, with its
  CPU clock and memory), stopped with the process that started it;
- ``chromium``: Debian's Chromium (``launch_chromium``) and a tab opened on the app;
- ``socket_hook``: the one WebSocket hook a page is given, and the rerun waits on it;
- ``page``: the page's selectors, the graph and frame watchers, one α key ``press``;
- ``cpu``: the one server-CPU meter (``run_time_s``) and the ``machine`` line;
- ``protocol``: a Streamlit session without a browser (``ProtocolSession``);
- ``moves``: a visitor's moves over that protocol;
- ``apptest``: the chart's triggers under AppTest;
- ``examples``: the explore page's settings spelled out (``staircase_settings``).

Nothing here is imported by the app. The modules import neither Streamlit nor the dev
dependencies (Playwright, psutil, websockets) until they are used.
"""
