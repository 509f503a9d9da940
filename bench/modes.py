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


def run(entry: str, modes: dict[str, str], default: str | None = None) -> None:
    """Run the mode named by the first argument (``default`` when it is a flag or absent)
    of ``modes`` (name -> module)."""
    args = sys.argv[1:]
    name = args[0] if args and not args[0].startswith("-") else default
    helped = args[:1] in (["-h"], ["--help"])
    if helped or name not in modes:
        first = f" (default {default})" if default else ""
        lines = [f"usage: python -m {entry} MODE{first} [flags]; MODE --help: its flags", ""]
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
