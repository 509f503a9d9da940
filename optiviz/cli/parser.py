"""The ``optiviz`` command's top-level parser and its ``app`` command, which import
nothing but argparse: ``optiviz app`` starts Streamlit without loading JAX or the core."""

from __future__ import annotations

import argparse
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr, then exit status 2."""

    def error(self, message: str) -> NoReturn:
        text = " ".join(str(message).split()).rstrip(".")
        self.exit(2, f"{self.prog}: error: {text} (see {self.prog} --help)\n")


def top_parser() -> tuple[Parser, argparse._SubParsersAction]:
    """The ``optiviz`` parser, and the group its commands are added to."""
    parser = Parser(prog="optiviz", description="See how optimizers move.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    return parser, commands


def add_app(commands: argparse._SubParsersAction) -> None:
    """``optiviz app``: every option it does not know goes to ``streamlit run``."""
    app = commands.add_parser(
        "app",
        help="serve the app (at http://localhost:8501 unless told otherwise)",
        description="Start the Optiviz app (streamlit run on the app in this package, with "
        "the project's Streamlit settings). Every other option goes to streamlit run, such "
        "as --server.port 8502; see streamlit run --help.",
        allow_abbrev=False,
    )
    app.set_defaults(handler=None, parser=app)


def app_parser() -> Parser:
    """The ``optiviz`` parser with the ``app`` command alone."""
    parser, commands = top_parser()
    add_app(commands)
    return parser
