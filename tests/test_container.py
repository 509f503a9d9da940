"""The container's cores and memory as its cgroups state them, and the background compile
that stops at its share of that memory (``optiviz.ui.container``)."""

from __future__ import annotations

import os

import pytest

from optiviz.ui import container, warmup_plan, warmup_runner

MASK = len(os.sched_getaffinity(0))


def _cgroup(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text + "\n")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "want"),
    [
        ({"cpu.max": "200000 100000"}, min(MASK, 2)),  # Community Cloud's 2 CPUs
        ({"cpu.max": "7800 100000"}, 1),  # 0.078 CPUs: one core, rounded up
        ({"cpu.max": "150000 100000"}, min(MASK, 2)),
        ({"cpu.max": "max 100000"}, MASK),
        ({"cpu/cpu.cfs_quota_us": "100000", "cpu/cpu.cfs_period_us": "100000"}, 1),
        ({"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}, MASK),
        ({}, MASK),
    ],
)
def test_cores_are_the_affinity_mask_cut_to_the_cgroup_quota(tmp_path, files, want) -> None:
    assert container.cores(_cgroup(tmp_path, files)) == want


def test_memory_is_the_cgroup_limit_else_the_machine(tmp_path) -> None:
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert container.memory_limit(_cgroup(tmp_path / "v2", {"memory.max": "723517440"})) == (
        723517440
    )
    v1 = _cgroup(tmp_path / "v1", {"memory/memory.limit_in_bytes": "723517440"})
    assert container.memory_limit(v1) == 723517440
    # cgroup v1's "no limit" is a number beyond the machine; v2's is "max"
    assert container.memory_limit(_cgroup(tmp_path / "none", {"memory.max": "max"})) == physical
    huge = _cgroup(tmp_path / "huge", {"memory/memory.limit_in_bytes": str(2**63 - 4096)})
    assert container.memory_limit(huge) == physical


def test_the_warm_up_limit_is_a_share_of_the_container_or_the_variable(
    tmp_path, monkeypatch
) -> None:
    root = _cgroup(tmp_path, {"memory.max": str(1000 * 2**20)})
    monkeypatch.delenv(container.WARM_UP_ENV, raising=False)
    assert container.warm_up_limit(root) == int(1000 * 2**20 * container.WARM_UP_SHARE)
    monkeypatch.setenv(container.WARM_UP_ENV, "300")
    assert container.warm_up_limit(root) == 300 * 2**20


def test_rss_reads_this_process() -> None:
    before = container.rss()
    block = bytearray(64 * 2**20)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    after = container.rss()
    assert before and after and after - before > 48 * 2**20
    del block


def test_the_background_compile_stops_once_its_memory_is_spent(monkeypatch) -> None:
    made, used = [], iter([100, 200, 900, 950])
    monkeypatch.setattr(warmup_runner, "warm", lambda visit: made.append(visit.key))
    monkeypatch.setattr(warmup_runner, "DONE", set())
    monkeypatch.setattr(container, "rss", lambda: next(used) * 2**20)
    plan = warmup_plan.plan()[:4]
    assert warmup_runner.run_plan(plan, limit=500 * 2**20) == 2
    assert made == [v.key for v in plan[:2]]


def test_without_a_limit_the_background_compile_makes_every_visit(monkeypatch) -> None:
    made = []
    monkeypatch.setattr(warmup_runner, "warm", lambda visit: made.append(visit.key))
    monkeypatch.setattr(warmup_runner, "DONE", set())
    monkeypatch.setattr(container, "rss", lambda: 10**12)
    assert warmup_runner.run_plan(warmup_plan.plan()[:3]) == 3
