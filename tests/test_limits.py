"""Bounded work: every size a user can choose has a named maximum in ``optiviz.core.limits``,
the core refuses more with a ``ValueError`` naming it, the widgets stop at the same
maximum, and every cache of compiled functions or computed values is bounded."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import optiviz
from optiviz.core import engine, limits, surfaces, sweeps
from optiviz.core.surfaces.typed import from_expression

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
STREAMLIT_CACHES = ("cache_data", "cache_resource")


def _too_many_steps():
    optiviz.simulate("parabola", "sgd", alpha=0.1, steps=limits.MAX_STEPS + 1)


def _too_many_seeds():
    optiviz.simulate_many("parabola", "sgd", alphas=[0.1] * (limits.MAX_SEEDS + 1))


def _too_many_optimizers():
    optiviz.compare_optimizers("parabola", ["sgd"] * (limits.MAX_RUNS + 1), alpha=0.1)


def _too_many_cells():
    ks = [0.01] * 1024
    alphas = [0.1] * (limits.MAX_LANDSCAPE_CELLS // len(ks) + 1)
    optiviz.landscape("quadratic", "sgd", alphas=alphas, ks=ks, schedule="exponential")


def _too_large_budget():
    optiviz.search(
        "random",
        budget=limits.MAX_SEARCH_BUDGET + 1,
        alpha_range=(1e-3, 1.0),
        k_range=(1e-3, 1.0),
        surface="quadratic",
        optimizer="sgd",
    )


def _too_long_a_range_test():
    optiviz.lr_range_test("parabola", "sgd", steps=limits.MAX_STEPS + 1)


def _too_long_a_formula():
    surfaces.from_expression("2" * (limits.MAX_FORMULA_LENGTH - 1) + "*x")


def _too_deep_a_formula():
    depth = limits.MAX_FORMULA_DEPTH
    surfaces.from_expression("sin(" * depth + "x" + ")" * depth)


def _too_large_an_exponent():
    surfaces.from_expression(f"x^{limits.MAX_EXPONENT + 1}")


@pytest.mark.parametrize(
    "call, names",
    [
        (_too_many_steps, ("steps", str(limits.MAX_STEPS))),
        (_too_many_seeds, ("runs", str(limits.MAX_SEEDS))),
        (_too_many_optimizers, ("runs", str(limits.MAX_RUNS))),
        (_too_many_cells, ("landscape cells", str(limits.MAX_LANDSCAPE_CELLS))),
        (_too_large_budget, ("budget", str(limits.MAX_SEARCH_BUDGET))),
        (_too_long_a_range_test, ("steps", str(limits.MAX_STEPS))),
        (_too_long_a_formula, ("too long", str(limits.MAX_FORMULA_LENGTH))),
        (_too_deep_a_formula, ("nested too deeply", str(limits.MAX_FORMULA_DEPTH))),
        (_too_large_an_exponent, ("exponent", str(limits.MAX_EXPONENT))),
    ],
    ids=lambda v: getattr(v, "__name__", "")[1:],
)
def test_the_core_refuses_one_more_than_each_maximum_naming_it(call, names):
    with pytest.raises(ValueError) as caught:
        call()
    message = str(caught.value)
    assert all(name in message for name in names), message


def test_the_maxima_themselves_are_accepted():
    run = optiviz.simulate("parabola", "sgd", alpha=0.1, steps=limits.MAX_STEPS)
    assert run.positions.shape == (limits.MAX_STEPS + 1, 1)
    runs = optiviz.simulate_many("parabola", "sgd", alphas=[0.1] * limits.MAX_SEEDS, steps=20)
    assert len(runs) == limits.MAX_SEEDS
    text = "0." + "1" * (limits.MAX_FORMULA_LENGTH - 4) + "*x"
    assert surfaces.from_expression(text).name == text
    depth = limits.MAX_FORMULA_DEPTH - 1
    assert surfaces.from_expression("sin(" * depth + "x" + ")" * depth).dim == 1
    assert from_expression(f"x^{limits.MAX_EXPONENT}").dim == 1


def test_buckets_cover_every_allowed_size():
    assert list(limits.STEP_BUCKETS) == sorted(limits.STEP_BUCKETS)
    assert limits.STEP_BUCKETS[-1] >= limits.MAX_STEPS
    assert limits.MAX_SEEDS >= limits.MAX_RUNS
    for steps in range(1, limits.MAX_STEPS + 1):
        assert limits.bucket(steps) == min(b for b in limits.STEP_BUCKETS if b >= steps)


def _fresh(formula: str) -> surfaces.Surface:
    """A surface no other test compiles for (a formula used only here): a new Surface
    object is a new key of every compiled cache, so the trace counts start from zero."""
    return surfaces.from_expression(formula)


def test_step_counts_in_one_bucket_share_one_compiled_trajectory():
    surface = _fresh("x^2 + 0.123*y^2")
    before = engine.TRACES["trajectory"]
    for steps in (100, 101, 127):
        run = optiviz.simulate(surface, "sgd", alpha=0.1, steps=steps)
        assert run.positions.shape == (steps + 1, 2)
    assert engine.TRACES["trajectory"] == before + 1
    optiviz.simulate(surface, "sgd", alpha=0.1, steps=129)
    assert engine.TRACES["trajectory"] == before + 2


def test_runs_of_any_batch_share_the_single_run_program():
    """simulate_many calls simulate's program once per run, so no batch size compiles."""
    surface = _fresh("x^2 + 0.456*y^2")
    before = engine.TRACES["trajectory"]
    optiviz.simulate(surface, "sgd", alpha=0.01)
    for n in (2, 3, 5, limits.MAX_SEEDS):
        runs = optiviz.simulate_many(surface, "sgd", alphas=[0.01 * (i + 1) for i in range(n)])
        assert [r.alpha for r in runs] == pytest.approx([0.01 * (i + 1) for i in range(n)])
    assert engine.TRACES["trajectory"] == before + 1


def _core_modules():
    for info in pkgutil.walk_packages(optiviz.__path__, "optiviz."):
        if not info.name.startswith("optiviz.ui"):
            yield importlib.import_module(info.name)


def test_every_lru_cache_in_the_core_and_figures_is_bounded():
    found = []
    for module in _core_modules():
        for name, value in vars(module).items():
            if isinstance(value, functools._lru_cache_wrapper):
                found.append(f"{module.__name__}.{name}")
                no_arguments = not inspect.signature(value).parameters
                assert value.cache_info().maxsize is not None or no_arguments, found[-1]
    compiled_fns = (engine.trajectory_fn, sweeps.block_fn)
    for compiled in (*compiled_fns, sweeps.tables_fn):
        assert 0 < compiled.cache_info().maxsize < 1000
    assert "optiviz.core.surfaces.typed._cached_surface" in found


def _cache_decorators(tree: ast.AST):
    for node in ast.walk(tree):
        for deco in getattr(node, "decorator_list", []):
            target = deco.func if isinstance(deco, ast.Call) else deco
            if isinstance(target, ast.Attribute) and target.attr in (
                "cache_data",
                "cache_resource",
            ):
                yield node.name, deco


def test_every_streamlit_cache_has_max_entries():
    checked = 0
    for path in sorted((ROOT / "optiviz" / "ui").glob("*.py")):
        for name, deco in _cache_decorators(ast.parse(path.read_text())):
            keywords = {k.arg for k in deco.keywords} if isinstance(deco, ast.Call) else set()
            assert "max_entries" in keywords, f"{path.name}: {name} caches without max_entries"
            checked += 1
    assert checked >= 3


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_explore_widgets_stop_at_the_core_maxima():
    at = _app(mode="seeds")
    assert at.slider(key="steps").max == limits.MAX_STEPS
    assert at.slider(key="n_seeds").max == limits.MAX_SEEDS
    at.radio(key="mode").set_value("optimizers").run()
    assert 1 < at.multiselect(key="compare_optimizers").max_selections <= limits.MAX_RUNS
    at.selectbox(key="surface").set_value("custom").run()
    assert at.text_input(key="formula").max_chars == limits.MAX_FORMULA_LENGTH


def test_lab_widgets_stop_at_the_core_maxima():
    at = _app(page="lab", surface="quadratic")
    assert at.slider(key="lab_budget").max == limits.MAX_SEARCH_BUDGET
    assert at.slider(key="steps").max == limits.MAX_STEPS
    sides = [int(v) for v in at.select_slider(key="lab_side").options]
    assert max(sides) == limits.MAX_LANDSCAPE_SIDE
