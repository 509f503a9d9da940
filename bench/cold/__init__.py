"""``python -m bench.cold``: a new server to the first paths drawn, with an empty JAX cache
against a bare page (``start``), and with the cache filled by an earlier start (``cache``).
A lesson's link opened first on a new server is ``python -m bench.browser lessons --only
cold``."""
