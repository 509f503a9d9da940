"""The one server-CPU meter of the tests and the benchmarks, and the machine they ran on.

``run_time_s`` reads each process's CPU-time clock (``clock_getcpuclockid``), to the
nanosecond and over all its threads, ended ones too; psutil's times tick in 10 ms.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import time
from pathlib import Path

_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def run_time_s(pids: list[int]) -> float:
    """The CPU seconds the processes ``pids`` have used, all their threads (ended ones
    too), to the nanosecond: the sum of each one's CPU-time clock. A pid that has ended
    counts 0."""
    total = 0.0
    for pid in pids:
        clock = ctypes.c_int()
        if _LIBC.clock_getcpuclockid(pid, ctypes.byref(clock)) == 0:
            try:
                total += time.clock_gettime(clock.value)
            except OSError:
                continue  # the process ended between the two calls
    return total


def machine() -> str:
    """CPU model, core count and memory of this machine, in one line."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {ram:.0f} GiB RAM"
