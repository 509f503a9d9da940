"""An entry point with modes: ``python -m bench.ENTRY MODE [flags]`` runs ``MODE``'s module.

Each mode is a module with a ``main()`` that parses ``sys.argv[1:]``; the dispatcher
hands it the flags after the mode's name, with ``ENTRY MODE`` as the program name. ``-h``
lists the modes with the first sentence of each module's docstring.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

ENTRIES = {
    "bench.sweep": {
        "grid": "bench.sweep.grid",
        "sharding": "bench.sweep.sharding",
        "sharpness": "bench.sweep.sharpness",
        "runs": "bench.sweep.runs",
        "fit-family": "bench.sweep.fit_family",
    },
    "bench.load": {
        "protocol": "bench.load.protocol",
        "rooms": "bench.load.rooms",
        "browsers": "bench.load.browsers",
        "app": "bench.load.app",
        "packing": "bench.load.packing",
    },
    "bench.browser": {
        "key": "bench.browser.keypress",
        "timeline": "bench.browser.timeline",
        "chart": "bench.browser.live_chart",
        "play": "bench.browser.play",
        "lessons": "bench.browser.lessons",
        "download": "bench.browser.download",
    },
    "bench.cold": {"start": "bench.cold.start", "cache": "bench.cold.cache"},
}
"""Each entry point's modes (name -> module), the first its default."""


def run(entry: str) -> None:
    """Run the mode of ``entry`` named by the first argument (the first of ``ENTRIES[entry]``
    when it is a flag or absent)."""
    modes = ENTRIES[entry]
    default = next(iter(modes))
    args = sys.argv[1:]
    name = args[0] if args and not args[0].startswith("-") else default
    helped = args[:1] in (["-h"], ["--help"])
    if helped or name not in modes:
        lines = [f"usage: python -m {entry} MODE (default {default}) [flags]; MODE -h: its flags"]
        lines.append("")
        lines += [f"  {mode:10} {about(module)}" for mode, module in modes.items()]
        print("\n".join(lines))
        raise SystemExit(0 if helped else 2)
    rest = args[1:] if args and args[0] == name else args
    sys.argv = [f"python -m {entry} {name}", *rest]
    importlib.import_module(modes[name]).main()


def about(module: str) -> str:
    """The first paragraph of ``module``'s docstring, read without importing it."""
    spec = importlib.util.find_spec(module)
    doc = ast.get_docstring(ast.parse(Path(spec.origin).read_text())) if spec else None
    return " ".join(doc.split("\n\n")[0].split()) if doc else ""
