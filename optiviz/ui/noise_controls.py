"""Sidebar controls for noisy runs: batch size and seed on data surfaces, gradient noise on
analytic ones, and the size of the many-seeds cloud."""

from __future__ import annotations

from optiviz.core import surfaces
from optiviz.scenes import params
from optiviz.scenes.params import PARAMS
from optiviz.ui import state
from optiviz.ui.widgets import draw


def noise_controls(surface: surfaces.Surface, mode: str) -> dict:
    """Batch size and seed on data surfaces; gradient noise on analytic ones (the many-seeds
    view opens with ``params.seeds_noise``, so that its runs differ)."""
    out = {key: PARAMS[key].default for key in ("noise", "batch_size", "seed", "n_seeds")}
    if surface.n_samples is not None:
        state.default("batch_size", surface.n_samples)
        out["batch_size"] = draw("batch_size", surface=surface)
    else:
        if mode == "seeds":
            state.default("noise", params.seeds_noise(surface))
        out["noise"] = draw("noise")
    if out["noise"] > 0 or surface.n_samples is not None or mode == "seeds":
        out["seed"] = int(draw("seed"))
    if mode == "seeds":
        out["n_seeds"] = draw("n_seeds")
    return out
