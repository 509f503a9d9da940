"""XLA compiles counted in a child process, for the tests and benchmarks that start one.

``LISTEN_PY`` is Python source to put at the head of the child's script (``python -c``):
it binds ``compiles``, a list to which every backend compile of that process appends its
seconds (``jax.monitoring``'s ``backend_compile_duration`` events). It is text, so a
child that runs another checkout's code (``bench.browser lessons --root``) gets it too.
"""

LISTEN_PY = r"""
from jax import monitoring
compiles = []
def _listen(event, duration, **kw):
    if event.endswith("backend_compile_duration"):
        compiles.append(duration)
monitoring.register_event_duration_secs_listener(_listen)
"""
