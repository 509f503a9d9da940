"""``python -m bench.browser``: the app in headless Chromium with ``--disable-gpu``: α key
and drag (``keypress``), where a key's time goes (``timeline``), the live chart's bytes and
shares (``live_chart``), Play's frame rate (``play``), every lesson and view (``lessons``)."""
