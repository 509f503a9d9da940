"""Sidebar controls for noisy runs: batch size and seed on data surfaces, gradient noise on
analytic ones, and the size of the many-seeds cloud."""

from __future__ import annotations

import streamlit as st

from optiviz import limits, surfaces
from optiviz.ui import options as opt
from optiviz.ui import state

BIND = state.BIND
_init = state.default


def noise_controls(surface: surfaces.Surface, mode: str) -> dict:
    """Batch size and seed on data surfaces; gradient noise on analytic ones."""
    out = {"noise": 0.0, "batch_size": None, "seed": 0, "n_seeds": 24}
    if surface.n_samples is not None:
        _init("batch_size", surface.n_samples)
        out["batch_size"] = st.sidebar.select_slider(
            "Batch size B",
            opt.batch_options(surface.n_samples),
            key="batch_size",
            help=f"Samples per gradient: 1 = stochastic, {surface.n_samples} = full batch. "
            "Smaller batches give noisier steps.",
            **BIND,
        )
    else:
        _init("noise", 0.0)
        out["noise"] = st.sidebar.slider(
            "Gradient noise σ",
            0.0,
            10.0,
            step=0.05,
            key="noise",
            help="Adds random N(0, σ²) noise to every gradient, like a mini-batch would.",
            **BIND,
        )
    if out["noise"] > 0 or surface.n_samples is not None or mode == "seeds":
        _init("seed", 0)
        out["seed"] = int(
            st.sidebar.number_input(
                "Seed",
                0,
                2**31 - 1,
                key="seed",
                help="Fixes the random draws, so the same seed gives the same path.",
                **BIND,
            )
        )
    if mode == "seeds":
        _init("n_seeds", 24)
        out["n_seeds"] = st.sidebar.slider(
            "Runs in the cloud",
            2,
            limits.MAX_SEEDS,
            key="n_seeds",
            help="How many seeds to run from the same start; their spread is the noise.",
            **BIND,
        )
    return out
