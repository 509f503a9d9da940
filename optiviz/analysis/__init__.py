"""Analysis on top of the core: the learning-rate range test (``range_test``), grid, random
and Bayesian search over (α, k) (``search``, with its Gaussian process ``gp``), and the
(α, weight decay λ) search of a data surface (``decay_search``)."""
