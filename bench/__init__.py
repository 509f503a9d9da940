"""Benchmarks: five entry points, each run as ``python -m bench.ENTRY [MODE] [flags]``.

- ``bench.sweep``: the compiled sweep against NumPy and PyTorch, sharded sweeps, sharpness;
- ``bench.lab``: the hyperparameter lab's landscape and searches;
- ``bench.load``: one server under load: protocol sessions, a class question, browser
  sessions, and the rerun in process (AppTest);
- ``bench.browser``: headless Chromium: α key and drag, where a key's time goes, the live
  chart's bytes, Play's frame rate, every lesson and view;
- ``bench.cold``: a new server with an empty JAX cache to the first paths drawn.

They import the package (``optiviz.devtools`` holds the server and browser harness and
the protocol client) and nothing from ``tests/``. Results: ``docs/benchmarks.md``.
"""
