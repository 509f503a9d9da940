"""Fault isolation: a failure inside one panel shows an error box there and is logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

log = logging.getLogger("optiviz")


@contextmanager
def panel(name: str) -> Iterator[None]:
    """Run one panel's code; on an unexpected exception, show a short error and go on.

    A ``ValueError`` is the user's input being refused: its message is shown as is.
    Anything else is a bug: logged with its traceback, summarised for the user.
    """
    try:
        yield
    except ValueError as exc:
        st.error(f"{name}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one panel must not take the page down
        log.exception("panel %r failed", name)
        st.error(f"{name} could not be drawn ({type(exc).__name__}). The rest of the page works.")
