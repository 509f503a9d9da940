"""What ``optiviz run``, ``sweep`` and ``lessons`` do with their parsed arguments.

Each returns the exit status; a bad value raises ValueError, which ``main`` turns into
one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from optiviz.cli.arguments import HYPER
from optiviz.core import schedules, surfaces
from optiviz.core.dynamics import Trajectory, simulate
from optiviz.core.landscape import landscape
from optiviz.scenes import export, lessons


def _surface(args: argparse.Namespace) -> surfaces.Surface:
    if args.surface == "custom":
        if not args.formula:
            raise ValueError("surface custom needs --formula, such as --formula 'x^2 + 10*y^2'")
        return surfaces.from_expression(args.formula)
    return surfaces.get(args.surface)


def _hyper(args: argparse.Namespace) -> dict:
    out = {name: getattr(args, name) for name in HYPER if getattr(args, name) is not None}
    if args.staircase:
        out["staircase"] = True
    return out


def final_loss(tr: Trajectory) -> str:
    """The last finite loss, as the app's verdict line words it."""
    finite = tr.losses[np.isfinite(tr.losses)]
    return f"final loss {finite[-1]:.4g}" if finite.size else "loss undefined at the start"


def run_command(args: argparse.Namespace) -> int:
    """``optiviz run``: one run, one line: its verdict and final loss; --csv writes it."""
    surface = _surface(args)
    tr = simulate(
        surface,
        args.optimizer,
        alpha=args.alpha,
        schedule=args.schedule,
        k=args.k,
        start=args.start,
        steps=args.steps,
        noise=args.noise,
        batch_size=args.batch_size,
        seed=args.seed,
        **_hyper(args),
    )
    if args.csv is not None:
        _write(args.csv, export.trajectories_csv([(f"α={args.alpha:g}", tr)]))
    steps = len(tr.lrs)
    print(f"{surface.name} {args.optimizer} alpha={args.alpha:g} ({steps} steps): ", end="")
    print(f"{tr.label}, {final_loss(tr)}")
    return 0


def sweep_command(args: argparse.Namespace) -> int:
    """``optiviz sweep``: the (alpha, k) landscape as CSV, one row per cell."""
    surface = _surface(args)
    if len(args.ks) > 1 and args.schedule not in schedules.USES_K:
        raise ValueError(
            f"--ks with several values needs a schedule that reads k "
            f"({', '.join(sorted(schedules.USES_K))}), not {args.schedule}"
        )
    final, first = landscape(
        surface,
        args.optimizer,
        alphas=args.alphas,
        ks=args.ks,
        schedule=args.schedule,
        start=args.start,
        steps=args.steps,
        tol=args.tol,
        **_hyper(args),
    )
    steps = surface.default_steps if args.steps is None else args.steps
    _write(args.out, export.landscape_csv(args.alphas, args.ks, final, first, steps))
    converged = int(np.sum(first <= steps))
    print(
        f"wrote {final.size} cells to {args.out}: {int(np.sum(~np.isfinite(final)))} diverged, "
        f"{converged} reached the minimum"
    )
    return 0


def lessons_command(args: argparse.Namespace) -> int:
    """``optiviz lessons``: each lesson's id and title, and the link that opens it."""
    if not args.base_url.startswith(("http://", "https://")):
        raise ValueError(f"--base-url must start with http:// or https://, got {args.base_url}")
    for lesson in lessons.load().values():
        print(f"{lesson.id}: {lesson.title}\n    {lessons.link(lesson, args.base_url)}")
    return 0


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise ValueError(f"cannot write {path}: {e.strerror or e}") from None
