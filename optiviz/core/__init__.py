"""The compiled core: update rules, schedules, surfaces, the jitted loop and its batches.

Pure JAX and NumPy, usable from a notebook; it never imports Streamlit or Plotly.
``engine`` is the compiled loop, fed by ``run_inputs`` (a run's traced numbers and its
per-step draws), ``dynamics`` its public face for runs (``simulate``, ``simulate_many``,
``compare_optimizers``), ``landscape`` for the (α, k) grid (``landscape``, ``sweep``),
``sweeps`` the grid engine behind it,
``optimizers`` and ``schedules`` the registries, ``verdicts`` the one-word outcome,
``limits`` every size a user can choose, ``stability`` the critical α and the sharpness,
``step_parts`` the vectors inside a step, and ``surfaces`` the loss functions.
"""
