"""``python -m bench.cold``: a new server to the first paths drawn, with an empty JAX cache
against a bare page (``start``), with the cache filled by an earlier start (``cache``), and
a lesson's link opened first on a server that drew only its default page (``links``)."""
