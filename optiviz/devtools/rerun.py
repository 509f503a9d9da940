"""What one rerun of a browserless session cost and showed (``Run``), and how a run ends.

``succeeded`` reads the ``script_finished`` status a run ended with; Streamlit's protos are
imported when it is called, not with this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _finished() -> Any:
    """``ForwardMsg.ScriptFinishedStatus``: the ways a run ends."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return ForwardMsg.ScriptFinishedStatus


def succeeded(status: int | None) -> bool:
    """Whether a run that ended with ``status`` finished (the app's run or a fragment's)."""
    done = _finished()
    return status in (done.FINISHED_SUCCESSFULLY, done.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Run:
    """What one rerun cost and showed, as this client saw it."""

    seconds: float = 0.0
    bytes: int = 0
    messages: int = 0
    status: int | None = None
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """The body of each markdown and alert (``st.success`` ...) element the run drew."""
    elements: list[str] = field(default_factory=list)
    """The kind of each element the run drew, in order (``"slider"``, ``"markdown"``...);
    for a run that ``st.rerun()`` restarted, the restarted part's and then the app run's."""
    widgets: list[str] = field(default_factory=list)
    """The labels of the widgets the run drew, in order (likewise both parts)."""
    reruns: int = 0
    """How many times the script asked for a rerun (``st.rerun()``) before it finished."""

    @property
    def ok(self) -> bool:
        """Finished (``script_finished``, not stopped early) with no exception element."""
        return succeeded(self.status) and not self.exceptions
