"""``python -m bench.sweep``: the compiled sweep against NumPy and PyTorch (``grid``, with
the baselines in ``baselines``), across devices (``sharding``), and sharpness along a path."""
