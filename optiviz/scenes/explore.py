"""What the explore view shows, as one value: settings in, a ``Scene`` out.

Pure: no Streamlit and no Plotly. The page maps widgets to ``Settings`` and hands the
scene to the chart; every run, validation loss, model curve and noisy cloud is made here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from optiviz import simulate, simulate_many
from optiviz.core import optimizers, stability, surfaces
from optiviz.core.dynamics import Trajectory
from optiviz.core.surfaces import datasets
from optiviz.scenes import clouds
from optiviz.scenes.colours import MY_ALPHA_COLOUR, PRESET_COLOURS, run_colour
from optiviz.scenes.params import MY_ALPHA
from optiviz.scenes.settings import Settings


@dataclass(frozen=True)
class Run:
    """One trajectory as drawn: its legend name, colour and path dash, and on data-defined
    surfaces its validation loss per step and its model's curve per step
    (shape (steps + 1, len(model_x)))."""

    name: str
    trajectory: Trajectory
    colour: str
    validation: np.ndarray | None = None
    model: np.ndarray | None = None
    dash: str = "solid"
    """The map path's Plotly dash: "my α" is dotted, so it reads apart from every preset's
    solid path even where its hue is close (sky blue beside the bluish-green "good")."""
    edge: np.ndarray | None = None
    """The rule's threshold at each position, 2/λ_max(θ_t) for GD
    (``stability.critical_alpha_along``); None for an adaptive rule or where not computed."""
    hyper: dict | None = None
    """The run's ``simulate`` keywords (``Settings.hyper``), from which ``step_parts`` splits
    each step into the arrows the top view draws; None: no arrows (Many seeds' mean of an
    adaptive rule, whose steps are no one rule's)."""

    @property
    def legend(self) -> str:
        """Name and verdict: 'good α=0.8 · converged'."""
        return f"{self.name} · {self.trajectory.label}"


@dataclass(frozen=True)
class Scene:
    """The runs drawn (in legend order), the faint cloud of noisy runs (seeds mode),
    and on data-defined surfaces the x values the model curves are sampled at."""

    surface: surfaces.Surface
    runs: tuple[Run, ...]
    cloud: tuple[Trajectory, ...] = ()
    model_x: np.ndarray | None = None


def resolve_surface(name: str, formula: str = "", degree: int | None = None) -> surfaces.Surface:
    """The registry surface, the typed formula's surface for 'custom', or the polynomial
    model of ``degree``."""
    if name == "custom":
        return surfaces.from_expression(formula)
    if degree is not None and "degree" in surfaces.get(name).extras:
        return surfaces.polynomial_regression(degree)
    return surfaces.get(name)


def _race_alphas(s: Settings, surface: surfaces.Surface) -> list[float]:
    return [s.alpha if p == MY_ALPHA else surface.lr_presets[p] for p in s.presets]


def _race_name(preset: str, alpha: float) -> str:
    return f"{MY_ALPHA}={alpha:g}" if preset == MY_ALPHA else f"{preset} α={alpha:g}"


def _race_run(preset: str, alpha: float, trajectory: Trajectory) -> Run:
    """'good α=0.8' in the preset's colour, or 'my α=0.87' (the label already names α),
    sky blue and dotted."""
    if preset == MY_ALPHA:
        return Run(_race_name(preset, alpha), trajectory, MY_ALPHA_COLOUR, dash="dot")
    return Run(_race_name(preset, alpha), trajectory, PRESET_COLOURS[preset])


def run_names(s: Settings) -> list[str]:
    """The names of the runs ``scene(s)`` draws, in order, without running the engine."""
    if s.mode == "compare":
        surface = resolve_surface(s.surface, s.formula, s.degree)
        return [_race_name(p, a) for p, a in zip(s.presets, _race_alphas(s, surface), strict=True)]
    if s.mode == "optimizers":
        return [optimizers.LABELS[name] for name in s.compare_optimizers]
    return [_seeds_name(s) if s.mode == "seeds" else _single_name(s)]


def _seeds_name(s: Settings) -> str:
    return f"mean of {s.n_seeds} seeds"


def _single_name(s: Settings) -> str:
    return f"α={s.alpha:g}"


def _seed_runs(s: Settings, surface: surfaces.Surface) -> tuple[list[Run], list]:
    kwargs = s.many_kwargs() | {"seeds": list(range(s.seed, s.seed + s.n_seeds))}
    cloud = simulate_many(surface, s.optimizer, alphas=[s.alpha] * s.n_seeds, **kwargs)
    return [Run(_seeds_name(s), clouds.mean_path(cloud), run_colour(0))], cloud


def _trajectories(s: Settings, surface: surfaces.Surface) -> list[Trajectory]:
    """The engine's runs of ``s`` outside Many seeds, in ``run_names``' order."""
    if s.mode == "compare":
        alphas = _race_alphas(s, surface)
        return simulate_many(surface, s.optimizer, alphas=alphas, **s.many_kwargs())
    if s.mode == "optimizers":
        return [
            simulate(surface, name, alpha=s.alpha, **s.run_kwargs(name))
            for name in s.compare_optimizers
        ]
    return [simulate(surface, s.optimizer, alpha=s.alpha, **s.run_kwargs())]


def _drawn(s: Settings, surface: surfaces.Surface, trajectories: Sequence[Trajectory]) -> list[Run]:
    """``trajectories`` (``run_names``' order) as the runs drawn: names, colours, dashes."""
    if s.mode == "compare":
        alphas = _race_alphas(s, surface)
        return [_race_run(p, a, r) for p, a, r in zip(s.presets, alphas, trajectories, strict=True)]
    if s.mode == "optimizers":
        return [
            Run(optimizers.LABELS[name], tr, run_colour(i))
            for i, (name, tr) in enumerate(zip(s.compare_optimizers, trajectories, strict=True))
        ]
    (run,) = trajectories
    return [Run(_single_name(s), run, run_colour(0))]


def _runs(s: Settings, surface: surfaces.Surface) -> tuple[list[Run], list]:
    if s.mode == "seeds":
        return _seed_runs(s, surface)
    return _drawn(s, surface, _trajectories(s, surface)), []


def with_data(runs: Sequence[Run], surface: surfaces.Surface) -> list[Run]:
    """The runs, each with its validation loss per step and its model's curve at
    ``datasets.model_x(surface)`` on a data-defined surface; unchanged elsewhere."""
    if surface.n_samples is None:
        return list(runs)
    xs = datasets.model_x(surface)
    return [
        replace(
            run,
            validation=datasets.run_validation_losses(surface, run.trajectory),
            model=datasets.model_curves(surface, run.trajectory.positions, xs),
        )
        for run in runs
    ]


def with_edges(runs: Sequence[Run], surface: surfaces.Surface, s: Settings) -> list[Run]:
    """The runs, each with its rule's threshold along its path (``Run.edge``) and its
    ``hyper`` (but a mean of adaptive runs: see ``Run.hyper``)."""
    mean = s.mode == "seeds" and s.optimizer in stability.ADAPTIVE
    return [
        replace(
            run,
            hyper=None if mean else s.hyper(run.trajectory.optimizer),
            edge=stability.critical_alpha_along(
                surface,
                run.trajectory.positions,
                run.trajectory.optimizer,
                **s.hyper(run.trajectory.optimizer),
            ),
        )
        for run in runs
    ]


def scene(s: Settings) -> Scene:
    """The scene the settings ask for: compare mode races ``s.presets`` (with "my α" at
    ``s.alpha``), optimizers mode runs each of ``s.compare_optimizers``, seeds mode draws
    the mean of ``s.n_seeds`` noisy runs over their cloud, single mode one run."""
    surface = resolve_surface(s.surface, s.formula, s.degree)
    runs, cloud = _runs(s, surface)
    return _finished(s, surface, runs, cloud)


def scene_of(s: Settings, trajectories: Sequence[Trajectory]) -> Scene:
    """``scene(s)`` outside Many seeds, with ``trajectories`` as its runs' (in
    ``run_names``' order) instead of the engine's: the runs ``scene(s)`` would compute,
    such as their families' members (``optiviz.scenes.family``: ``simulate``'s runs bit
    for bit), so that the view costs no run of its own. Names, colours, data and
    threshold lines are made as ``scene`` makes them."""
    if s.mode == "seeds":
        raise ValueError("Many seeds draws the mean of its noisy runs: use scene(s)")
    surface = resolve_surface(s.surface, s.formula, s.degree)
    return _finished(s, surface, _drawn(s, surface, trajectories), [])


def _finished(s: Settings, surface: surfaces.Surface, runs: list[Run], cloud) -> Scene:
    xs = None if surface.n_samples is None else datasets.model_x(surface)
    runs = with_edges(with_data(runs, surface), surface, s)
    return Scene(surface, tuple(runs), tuple(cloud), xs)
