"""The ``optiviz`` command: start the app, make one run, sweep a landscape, list the lessons.

    optiviz app [streamlit options...]
    optiviz run SURFACE OPTIMIZER --alpha A [--schedule S --k K --steps N --start X,Y --csv FILE]
    optiviz sweep SURFACE OPTIMIZER --alphas 1e-3:1:32 --ks 0 --out landscape.csv
    optiviz lessons [--base-url URL]
    optiviz serve --replicas N --port P [--rooms redis://HOST:PORT/DB]

Only ``app`` imports Streamlit (``serve`` starts it in child processes), and it imports
neither JAX nor the core before Streamlit's server starts. A bad argument
(an unknown name, alpha <= 0, a value over a limit in :mod:`optiviz.core.limits`) ends with
one line on stderr and exit status 2.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from optiviz.cli.parser import app_parser

NEGATIVE = re.compile(r"-\.?\d")
"""An argument that starts like a negative number."""


def _glued(argv: Sequence[str]) -> list[str]:
    """``--start -1.5,2`` as ``--start=-1.5,2`` (and so for every option and negative
    number): argparse takes "-1.5,2" or "-1e-3" for an option of its own."""
    out: list[str] = []
    for arg in argv:
        option = out[-1] if out else ""
        if NEGATIVE.match(arg) and option.startswith("--") and "=" not in option:
            out[-1] = f"{option}={arg}"
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``optiviz`` command line; return its exit status (2 for bad arguments).
    ``optiviz app ...`` is parsed by the ``app`` command's parser alone, which imports
    nothing of the core: the server starts at once, and its page loads JAX."""
    argv = _glued(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["app"]:
        parser = app_parser()
    else:
        from optiviz.cli.options import build_parser

        parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.handler is None:
        from optiviz.cli.launch import app_command

        app_command(extra)
        return 0
    if extra:
        args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.handler(args)
    except ValueError as e:
        args.parser.error(str(e))
