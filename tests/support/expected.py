"""What the engine says the page should show, computed in the test process from the share
link's parameters: the ``Settings`` the page runs, its runs' verdict lines, the surface's
bounds and the defaults a fresh page opens with."""

from __future__ import annotations

from functools import cache
from urllib.parse import parse_qsl, urlsplit

from optiviz import scenes
from optiviz.core import optimizers, schedules, surfaces
from optiviz.figures import notes
from optiviz.scenes import lessons
from optiviz.scenes import params as params_table
from optiviz.scenes.settings import Settings
from optiviz.ui import options as opt
from optiviz.ui import state

Params = dict[str, list[str]]


def params(url: str) -> Params:
    """A URL's query parameters, each name with its values in order."""
    out: Params = {}
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def _one(p: Params, key: str, default: str) -> str:
    return p.get(key, [default])[-1]


def surface_of(p: Params) -> surfaces.Surface:
    """The surface the parameters name ('custom': their formula; data models: their degree)."""
    name = _one(p, "surface", state.DEFAULT_SURFACE)
    degree = int(float(_one(p, "degree", str(Settings.degree))))
    return scenes.resolve_surface(name, _one(p, "formula", state.DEFAULT_FORMULA), degree)


def _hyper(p: Params, names: tuple[str, ...]) -> dict:
    """The optimizers' knobs as ``controls.hyper_controls`` reads them."""
    used = {h for n in names for h in optimizers.HYPERPARAMS[n]}
    out = optimizers.OptimizerParams()._asdict()
    for key in ("momentum", "rho", "beta1", "beta2"):
        if key in used:
            out[key] = float(_one(p, key, str(out[key])))
    if "eps" in used:
        out["eps"] = float(_one(p, "eps", str(optimizers.DEFAULT_EPS.get(names[0], 1e-8))))
    out["weight_decay"] = float(_one(p, "weight_decay", "0"))
    return out


def _schedule(p: Params) -> dict:
    """The schedule's knobs as ``controls.schedule_controls`` reads them."""
    name = _one(p, "schedule", "constant")
    out = {"schedule": name, "k": 0.0, "drop": 0.5, "every": 10, "staircase": False}
    if name in schedules.USES_K:
        out["k"] = float(_one(p, "k", "0.01"))
        out["staircase"] = _one(p, "staircase", "false") == "true"
    if name == "step":
        out["drop"] = float(_one(p, "drop", "0.5"))
    if name == "step" or out["staircase"]:
        out["every"] = int(float(_one(p, "every", "10")))
    return out


def _noise(p: Params, surface: surfaces.Surface, mode: str) -> dict:
    """Noise, batch, seed and cloud size as ``noise_controls`` reads them."""
    out = {"noise": 0.0, "batch_size": None, "seed": 0, "n_seeds": 24}
    if surface.n_samples is not None:
        out["batch_size"] = int(_one(p, "batch_size", str(surface.n_samples)))
    else:
        out["noise"] = float(_one(p, "noise", "0"))
    if out["noise"] > 0 or surface.n_samples is not None or mode == "seeds":
        out["seed"] = int(float(_one(p, "seed", "0")))
    if mode == "seeds":
        out["n_seeds"] = int(float(_one(p, "n_seeds", "24")))
    return out


def _start(p: Params, surface: surfaces.Surface) -> tuple[float, ...] | None:
    if surface.dim > 2:
        return None
    keys = ("start_x", "start_y")[: surface.dim]
    return tuple(float(_one(p, k, str(float(surface.start[i])))) for i, k in enumerate(keys))


def settings_from_link(link: str) -> Settings:
    """The explore page's ``Settings`` for a share link, read as the sidebar reads its
    widgets (``optiviz/ui/controls.py``)."""
    p = params(link)
    surface = surface_of(p)
    mode = _one(p, "mode", "compare")
    if mode == "optimizers":
        chosen = tuple(p.get("compare_optimizers", [])) or params_table.DEFAULT_OPTIMIZERS
    else:
        chosen = (_one(p, "optimizer", "sgd"),)
    presets = ()
    if mode == "compare":
        presets = tuple(p.get("presets", [])) or tuple(params_table.default_presets(surface))
    name = _one(p, "surface", state.DEFAULT_SURFACE)
    return Settings(
        surface=name,
        mode=mode,
        optimizer=chosen[0],
        compare_optimizers=chosen,
        presets=presets,
        alpha=float(_one(p, "alpha", str(opt.default_alpha(surface)))),
        steps=int(float(_one(p, "steps", str(surface.default_steps)))),
        start=_start(p, surface),
        formula=_one(p, "formula", state.DEFAULT_FORMULA) if name == "custom" else "",
        degree=surface.extras.get("degree", Settings.degree),
        **_hyper(p, chosen),
        **_schedule(p),
        **_noise(p, surface, mode),
    )


@cache
def verdict_lines(s: Settings) -> tuple[str, ...]:
    """The engine's verdict line of each run of ``s``, spelled as the chart writes it:
    "good α=0.8: converged · final loss 0"."""
    scene = scenes.scene(s)
    lines = []
    for run in scene.runs:
        v = notes.verdict(run)
        lines.append(f"● {v['name']}: {v['label']} · {v['final']}")
    return tuple(lines)


def fresh_defaults(p: Params) -> dict[str, str]:
    """The value each control opens with on a fresh page for the surface and view in ``p``
    (the app's table, ``optiviz.scenes.params``), spelled as in a link: a control at this value
    may be missing from the address bar."""
    surface = surface_of(p)
    values = {key: row.default for key, row in params_table.PARAMS.items()}
    values |= params_table.surface_defaults(surface)
    if _one(p, "mode", "compare") == "seeds" and surface.n_samples is None:
        values["noise"] = params_table.seeds_noise(surface)
    return {
        key: lessons.url_text(v)
        for key, v in values.items()
        if v is not None and not isinstance(v, list | tuple)
    }
