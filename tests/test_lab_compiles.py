"""What the lab's lessons compile on their first open after the default page: the range
test, the landscape and the three searches share the trajectory program and its α_t
program, so a lab page compiles at most four programs (the trajectory program and its
rates where the default page has not compiled them, the grid's block, and f at the
surface's minima), where it compiled seven to fifteen before."""

from __future__ import annotations

import pytest

from optiviz.devtools.compiles import LISTEN_PY
from tests.support.child import report

SCRIPT = (
    LISTEN_PY
    + r"""
import json, sys
from optiviz.core import engine, feeds, grid_block
from optiviz.scenes import lessons
from optiviz.ui import warmup_plan, warmup_runner
warmup_runner.warm(warmup_plan.first_screen())
compiles.clear()
before = (engine.TRACES.copy(), feeds.TRACES.copy())
tables = grid_block.tables_fn.cache_info().misses
warmup_runner.warm(warmup_plan.lesson_visits(lessons.load()[sys.argv[1]])[0])
traces = {k: engine.TRACES[k] - before[0][k] for k in ("trajectory", "sweep")}
traces["rates"] = feeds.TRACES["rates"] - before[1]["rates"]
traces["tables"] = grid_block.tables_fn.cache_info().misses - tables
print(json.dumps({"compiles": len(compiles), "traces": traces}))
"""
)


@pytest.mark.parametrize("lesson", ["search-budget", "range-test"])
def test_a_lab_lesson_compiles_at_most_four_programs(lesson: str, tmp_path) -> None:
    out = report(SCRIPT, lesson, env={"OPTIVIZ_JAX_CACHE": str(tmp_path), "OPTIVIZ_WARMUP": "0"})
    traces = out["traces"]
    assert traces["tables"] == 0, "a quiet grid is fed its α_t by the rates program"
    assert traces["sweep"] == 1, "the landscape's block; the searches run as trajectories"
    assert traces["trajectory"] <= 1 and traces["rates"] <= 1
    assert out["compiles"] <= 4, out
