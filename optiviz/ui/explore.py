"""The explore page: the ball rolling, the verdicts, the readout and the formulas."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from optiviz import (
    clouds,
    datasets,
    export,
    grids,
    optimizers,
    schedules,
    simulate,
    simulate_many,
    surfaces,
)
from optiviz.figures.animation import path_animation
from optiviz.figures.html import figure_html
from optiviz.figures.runs import Run
from optiviz.figures.style import PRESET_COLOURS, VERDICT_COLOURS, run_colour
from optiviz.figures.surface3d import surface_figure
from optiviz.settings import Settings
from optiviz.ui import charts, state
from optiviz.ui.panels import panel

MY_ALPHA_COLOUR = "#9333ea"
PLOT_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "toImageButtonOptions": {"format": "png", "filename": "optiviz"},
}


def resolve_surface(name: str, formula: str = "") -> surfaces.Surface:
    """The registry surface, or the typed formula's surface for 'custom'."""
    if name == "custom":
        return surfaces.from_expression(formula)
    return surfaces.get(name)


def _compare_runs(s: Settings, surface: surfaces.Surface) -> list[Run]:
    alphas = [s.alpha if p == "my α" else surface.lr_presets[p] for p in s.presets]
    runs = simulate_many(surface, s.optimizer, alphas=alphas, **s.many_kwargs())
    return [
        Run(f"{p} α={a:g}", r, MY_ALPHA_COLOUR if p == "my α" else PRESET_COLOURS[p])
        for p, a, r in zip(s.presets, alphas, runs, strict=True)
    ]


def _optimizer_runs(s: Settings, surface: surfaces.Surface) -> list[Run]:
    return [
        Run(
            optimizers.LABELS[name],
            simulate(surface, name, alpha=s.alpha, **s.run_kwargs(name)),
            run_colour(i),
        )
        for i, name in enumerate(s.compare_optimizers)
    ]


def _seed_runs(s: Settings, surface: surfaces.Surface) -> tuple[list[Run], list]:
    kwargs = s.many_kwargs() | {"seeds": list(range(s.seed, s.seed + s.n_seeds))}
    cloud = simulate_many(surface, s.optimizer, alphas=[s.alpha] * s.n_seeds, **kwargs)
    return [Run(f"mean of {s.n_seeds} seeds", clouds.mean_path(cloud), run_colour(0))], cloud


def _runs(s: Settings, surface: surfaces.Surface) -> tuple[list[Run], list]:
    if s.mode == "compare":
        return _compare_runs(s, surface), []
    if s.mode == "optimizers":
        return _optimizer_runs(s, surface), []
    if s.mode == "seeds":
        return _seed_runs(s, surface)
    run = simulate(surface, s.optimizer, alpha=s.alpha, **s.run_kwargs())
    return [Run(f"α={s.alpha:g}", run, run_colour(0))], []


def _with_data(runs: list[Run], surface: surfaces.Surface, xs) -> list[Run]:
    """On data-defined surfaces, attach validation losses and model curves to each run."""
    return [
        replace(
            run,
            validation=datasets.validation_losses(surface, run.trajectory.positions),
            model=datasets.model_curves(surface, run.trajectory.positions, xs),
        )
        for run in runs
    ]


def compute_runs(s: Settings) -> tuple[list[Run], list]:
    """The runs the settings ask for (and, in seeds mode, the whole cloud)."""
    surface = resolve_surface(s.surface, s.formula)
    runs, cloud = _runs(s, surface)
    if surface.n_samples is not None:
        runs = _with_data(runs, surface, datasets.model_x(surface))
    return runs, cloud


@st.cache_data(max_entries=48, show_spinner=False)
def figures_for(s: Settings, three_d: bool = False) -> tuple[list[Run], dict, list]:
    """Runs, the picture (the animated top view, or the 3-D view) and the cloud of noisy
    runs for the settings (bounded cache). Only the picture on screen is built and sent."""
    surface = resolve_surface(s.surface, s.formula)
    runs, cloud = compute_runs(s)
    if three_d and surface.dim == 2:
        return runs, surface_figure(runs, surface, grids.surface_grid(surface, 61)), cloud
    xs = datasets.model_x(surface) if surface.n_samples is not None else None
    top = path_animation(runs, surface, grids.surface_grid(surface, 161), cloud=cloud, model_x=xs)
    return runs, top, cloud


def _on_click() -> None:
    point = state.clicked_point("map")
    if point:
        values = {"start_x": round(float(point["x"]), 3)}
        if state.get("surface_dim", 2) == 2:
            values["start_y"] = round(float(point["y"]), 3)
        state.set_values(values)


def verdict_lines(runs: list[Run]) -> str:
    """Markdown: one coloured line per run with its verdict and final loss."""
    lines = []
    for run in runs:
        tr = run.trajectory
        colour = VERDICT_COLOURS[tr.verdict]
        finite = tr.losses[np.isfinite(tr.losses)]
        final = f"final loss {finite[-1]:.4g}" if finite.size else "undefined at the start"
        lines.append(
            f"<span style='color:{run.colour}'>●</span> **{run.name}**: "
            f"<span style='color:{colour}'>**{tr.label}**</span> · {final}"
        )
    return "  \n".join(lines)


def step_readout(run: Run) -> str:
    """The arithmetic of the first step: gradient × learning rate = step."""
    tr = run.trajectory
    if not np.isfinite(tr.losses[0]):
        return f"**{run.name}**: the loss is not defined at the start point; move the start."
    g, lr, step = float(np.linalg.norm(tr.grads[0])), float(tr.lrs[0]), float(tr.step_lengths[0])
    text = f"**{run.name}**, step 0: gradient {g:.3g} × learning rate {lr:.3g}"
    if tr.optimizer == "sgd":
        return text + f" = a step of {step:.3g}"
    return text + f"; the {optimizers.LABELS[tr.optimizer]} rule turns it into a step of {step:.3g}"


def formulas(s: Settings) -> None:
    """The update rule(s) and the schedule, exactly as the core implements them."""
    for name in s.compare_optimizers if s.mode == "optimizers" else (s.optimizer,):
        st.latex(rf"\textbf{{{optimizers.LABELS[name]}}}:\; " + optimizers.FORMULAS[name])
    st.latex(rf"\textbf{{{schedules.LABELS[s.schedule]}}}:\; " + schedules.FORMULAS[s.schedule])
    if s.staircase and s.schedule in schedules.USES_K:
        st.latex(r"\text{staircase: } " + schedules.STAIRCASE_NOTE)


def render(s: Settings, surface: surfaces.Surface) -> None:
    """The page body for settings ``s``, top to bottom."""
    state.set_values({"surface_dim": surface.dim})
    st.caption(surface.description)
    drawn = None
    with panel("Animation"):
        three_d = surface.dim == 2 and picture_control() == PICTURES[1]
        drawn = figures_for(s, three_d)
        _views(*drawn, three_d)
    if drawn is None:
        return
    with panel("Formulas"):
        formulas(s)
    with panel("Download and share"):
        downloads(drawn[0], drawn[1])


PICTURES = ("Top view + loss + α_t", "3-D view")


def picture_control() -> str:
    """Which picture to draw: only that one is built and sent to the browser."""
    state.default("picture", PICTURES[0])
    return (
        st.segmented_control(
            "Picture",
            PICTURES,
            key="picture",
            bind="query-params",
            persist_state="session",
            help="The animated top view with the loss and α_t panels, or the surface in 3-D "
            "(drag to turn it).",
        )
        or PICTURES[0]
    )


def _views(runs: list[Run], figure: dict, cloud: list, three_d: bool) -> None:
    if three_d:
        charts.plotly(figure, key="surface3d", config=PLOT_CONFIG)
    else:
        charts.plotly(
            figure, key="map", on_select=_on_click, selection_mode="points", config=PLOT_CONFIG
        )
    st.markdown(verdict_lines(runs), unsafe_allow_html=True)
    if cloud:
        st.markdown(
            f"Spread of the {len(cloud)} end points: "
            f"**{clouds.end_spread(cloud):.3g}** (root-mean-square distance)"
        )
    with st.expander("What one step does", expanded=True):
        st.markdown("  \n".join(step_readout(r) for r in runs))


def downloads(runs: list[Run], top: dict) -> None:
    """CSV of every run, the animation as HTML, and the link that reopens this view."""
    st.subheader("Download and share")
    left, right = st.columns(2)
    left.download_button(
        "⬇ Runs as CSV",
        data=lambda: export.trajectories_csv([(r.name, r.trajectory) for r in runs]),
        file_name="optiviz-runs.csv",
        mime="text/csv",
        key="dl_csv",
        on_click="ignore",
        help="step, position, loss, α_t and gradient of every run shown.",
    )
    right.download_button(
        "⬇ Animation as HTML",
        data=lambda: figure_html(top),
        file_name="optiviz.html",
        mime="text/html",
        key="dl_html",
        on_click="ignore",
        help="A self-contained page that plays offline; the chart's camera icon saves a PNG.",
    )
    st.markdown("**Link to this view** (copy it with the button on the right):")
    st.code(state.share_link(), language=None)
