"""What the container lends the server: its cores and its memory, read as Linux's cgroups
state them (a hosted container such as Streamlit Community Cloud's is a slice of a larger
machine: 0.078-2 CPUs and 690 MB-2.7 GB, where ``os.cpu_count`` and the affinity mask see
the whole host), and the process's resident memory.

The background compile (``optiviz.ui.warmup``) sizes its plan by :func:`cores` and stops
once :func:`rss` passes :func:`warm_up_limit`, so the programs it keeps cannot push the
server out of its container's memory.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
"""Where cgroup v2 (``cpu.max``, ``memory.max``) or v1 (``cpu/``, ``memory/``) is mounted."""
WARM_UP_SHARE = 0.6
"""The share of the container's memory the background compile may fill: the rest is the
visitors' (about 5 MB a session) and the page runs' own arrays."""
WARM_UP_ENV = "OPTIVIZ_WARMUP_MB"
"""An explicit limit in MiB for the background compile, overriding the share."""


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def cores(root: Path = CGROUP) -> int:
    """The cores this process may use, at least 1: the affinity mask, cut to the cgroup's
    CPU quota rounded up (v2 ``cpu.max`` "quota period", v1 ``cpu.cfs_quota_us`` over
    ``cpu.cfs_period_us``; "max" or -1 means no quota)."""
    mask = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    quota = period = None
    v2 = _read(root / "cpu.max")
    if v2 is not None:
        parts = v2.split()
        if len(parts) == 2 and parts[0] != "max":
            quota, period = float(parts[0]), float(parts[1])
    else:
        q, p = _read(root / "cpu" / "cpu.cfs_quota_us"), _read(root / "cpu" / "cpu.cfs_period_us")
        if q is not None and p is not None and float(q) > 0:
            quota, period = float(q), float(p)
    if quota and period:
        return max(1, min(mask or 1, math.ceil(quota / period)))
    return max(1, mask or 1)


def memory_limit(root: Path = CGROUP) -> int | None:
    """The container's memory in bytes: the cgroup's limit (v2 ``memory.max``, v1
    ``memory.limit_in_bytes``; "max" or a v1 sentinel beyond the machine means none), else
    the machine's physical memory; None where neither can be read."""
    physical = None
    if hasattr(os, "sysconf"):
        try:
            physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            physical = None
    for path in (root / "memory.max", root / "memory" / "memory.limit_in_bytes"):
        text = _read(path)
        if text and text.isdigit() and (physical is None or int(text) < physical):
            return int(text)
    return physical


def rss() -> int | None:
    """This process's resident memory in bytes (``/proc/self/statm``), or None."""
    text = _read(Path("/proc/self/statm"))
    if not text or not hasattr(os, "sysconf"):
        return None
    return int(text.split()[1]) * os.sysconf("SC_PAGE_SIZE")


def warm_up_limit(root: Path = CGROUP) -> int | None:
    """The resident memory past which the background compile stops, in bytes:
    ``$OPTIVIZ_WARMUP_MB`` MiB if set, else ``WARM_UP_SHARE`` of :func:`memory_limit`."""
    explicit = os.environ.get(WARM_UP_ENV)
    if explicit:
        return int(float(explicit) * 2**20)
    limit = memory_limit(root)
    return None if limit is None else int(limit * WARM_UP_SHARE)
