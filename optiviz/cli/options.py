"""The parser of every ``optiviz`` command: its arguments, their types and help.

It reads the registries (surfaces, optimizers, schedules, lessons) for its choices and
help, so it imports the core; ``optiviz app`` parses with :mod:`optiviz.cli.parser` alone.
"""

from __future__ import annotations

import argparse
import os
from functools import partial
from pathlib import Path

import numpy as np

from optiviz.cli.arguments import (
    FLOAT32_MAX,
    GRID_HELP,
    HYPER,
    between,
    grid,
    point,
    positive,
    seed,
)
from optiviz.cli.commands import lessons_command, run_command, sweep_command
from optiviz.cli.parser import Parser, add_app, top_parser
from optiviz.cli.serve import MAX_REPLICAS, port_type, replicas_type, serve_command
from optiviz.core import limits, optimizers, schedules, surfaces
from optiviz.scenes import lessons


def _model_args(sub: argparse.ArgumentParser) -> None:
    """SURFACE, OPTIMIZER and the settings that ``run`` and ``sweep`` share."""
    names = ", ".join([*surfaces.names(), "custom"])
    sub.add_argument("surface", metavar="SURFACE", help=f"the loss surface: {names}")
    sub.add_argument(
        "optimizer",
        metavar="OPTIMIZER",
        choices=list(optimizers.OPTIMIZERS),
        help=f"the update rule: {', '.join(optimizers.OPTIMIZERS)}",
    )
    sub.add_argument("--formula", help="the loss in x (and y) when SURFACE is custom")
    sub.add_argument(
        "--schedule",
        default="constant",
        choices=list(schedules.SCHEDULES),
        metavar="S",
        help="how alpha_t decays from alpha: %(choices)s (default %(default)s)",
    )
    sub.add_argument(
        "--steps",
        type=int,
        help=f"steps per run, at most {limits.MAX_STEPS} (default: the surface's)",
    )
    sub.add_argument(
        "--start", type=point, metavar="X[,Y]", help="the start point (default: the surface's)"
    )
    for name, (text, kind) in HYPER.items():
        sub.add_argument(f"--{name}", type=kind, metavar="V", help=text)
    sub.add_argument(
        "--staircase",
        action="store_true",
        help="decay in blocks: t is held at multiples of --every (like Keras' staircase=True)",
    )


def _run_parser(commands) -> None:
    sub = commands.add_parser(
        "run",
        help="one run: its verdict and final loss",
        description="One run, then one line: the verdict as the app words it (converged, "
        "slow, oscillating, diverged at step N) and the final loss.",
    )
    _model_args(sub)
    sub.add_argument("--alpha", type=positive, required=True, help="the learning rate α (> 0)")
    sub.add_argument("--k", type=between(0, 1e3), default=0.0, help="decay rate k (>= 0)")
    sub.add_argument("--noise", type=between(0, 1e3), default=0.0, help="σ of the gradient noise")
    sub.add_argument("--batch-size", type=int, help="mini-batch size on data-defined surfaces")
    sub.add_argument("--seed", type=seed, default=0, help="seed of the noise and mini-batches")
    sub.add_argument("--csv", type=Path, metavar="FILE", help="also write the run as CSV")
    sub.set_defaults(handler=run_command, parser=sub)


def _sweep_parser(commands) -> None:
    sub = commands.add_parser(
        "sweep",
        help="the (α, k) landscape as CSV",
        description="One run per (α, k) cell, in one vectorised call. Writes CSV with the "
        "columns alpha, k, final_loss (inf where the run diverged) and steps_to_min (the "
        "first step with loss <= f_min + tol; empty where never).",
    )
    _model_args(sub)
    sub.add_argument(
        "--alphas", type=partial(grid, zero_ok=False), required=True, help=f"α values: {GRID_HELP}"
    )
    sub.add_argument(
        "--ks",
        type=partial(grid, zero_ok=True),
        default=np.zeros(1),
        help=f"k values: {GRID_HELP} (default 0)",
    )
    sub.add_argument(
        "--tol",
        type=between(0, FLOAT32_MAX),
        default=1e-3,
        help="tolerance above f_min (default %(default)s)",
    )
    sub.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="where to write")
    sub.set_defaults(handler=sweep_command, parser=sub)


def _serve_parser(commands) -> None:
    sub = commands.add_parser(
        "serve",
        help="several app replicas behind nginx, for a large class",
        description="Start N app servers on free loopback ports, each with the same cookie "
        "secret, and nginx (the Debian package nginx) in front of them on --port: it "
        "upgrades the WebSocket and keeps each browser on one replica with a cookie. "
        "Ctrl-C, or any of them exiting, stops them all.",
    )
    sub.add_argument(
        "--replicas",
        type=replicas_type,
        default=min(MAX_REPLICAS, os.cpu_count() or 1),
        help=f"app servers, 1 to {MAX_REPLICAS} (default: one per core, %(default)s)",
    )
    sub.add_argument("--port", type=port_type, default=8080, help="nginx's port (default 8080)")
    sub.add_argument(
        "--address", default="0.0.0.0", help="nginx's address (default %(default)s: every one)"
    )
    sub.add_argument(
        "--rooms",
        metavar="URL",
        help="the class-question store every replica shares, such as redis://localhost:6379/0 "
        "(checked before starting; default: each replica's own)",
    )
    sub.set_defaults(handler=serve_command, parser=sub)


def build_parser() -> Parser:
    """The ``optiviz`` parser with its five commands."""
    parser, commands = top_parser()
    add_app(commands)
    _run_parser(commands)
    _sweep_parser(commands)
    sub = commands.add_parser(
        "lessons",
        help="the ready lessons and their links",
        description="Each lesson's id and title, and the address that opens it in the app.",
    )
    sub.add_argument(
        "--base-url",
        default=lessons.DEFAULT_BASE_URL,
        help="where the app is served (default %(default)s)",
    )
    sub.set_defaults(handler=lessons_command, parser=sub)
    _serve_parser(commands)
    return parser
