"""The ``optiviz`` command, in process: outputs against the core's own results, and every
bad argument ending in one line on stderr with exit status 2."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.web import cli as streamlit_cli

import optiviz
from optiviz.cli import main
from optiviz.cli.arguments import grid
from optiviz.cli.launch import config_flags, streamlit_argv
from optiviz.scenes import export, lessons

ROOT = Path(__file__).resolve().parents[1]


def _ok(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def _fails(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    return err


def test_run_prints_the_verdict_and_final_loss_of_the_core_run(capsys) -> None:
    out = _ok(capsys, "run", "staircase", "sgd", "--alpha", "0.8")
    tr = optiviz.simulate("staircase", "sgd", alpha=0.8)
    assert tr.verdict == "converged"
    assert (
        out == f"staircase sgd alpha=0.8 (150 steps): converged, final loss {tr.losses[-1]:.4g}\n"
    )


def test_run_words_divergence_with_its_step(capsys) -> None:
    out = _ok(capsys, "run", "staircase", "sgd", "--alpha", "4")
    tr = optiviz.simulate("staircase", "sgd", alpha=4.0)
    assert tr.diverged_at is not None
    finite = tr.losses[np.isfinite(tr.losses)]
    assert out.endswith(f": diverged at step {tr.diverged_at}, final loss {finite[-1]:.4g}\n")


def test_run_passes_schedule_start_steps_and_hyperparameters(capsys, tmp_path) -> None:
    path = tmp_path / "run.csv"
    argv = ["run", "rosenbrock", "adam", "--alpha", "0.05", "--schedule", "exponential"]
    argv += ["--k", "0.01", "--steps", "300", "--start", "-1.5,2", "--beta1", "0.8"]
    out = _ok(capsys, *argv, "--csv", str(path))
    tr = optiviz.simulate(
        "rosenbrock",
        "adam",
        alpha=0.05,
        schedule="exponential",
        k=0.01,
        steps=300,
        start=(-1.5, 2.0),
        beta1=0.8,
    )
    assert out.startswith("rosenbrock adam alpha=0.05 (300 steps): ")
    assert out.endswith(f"{tr.label}, final loss {tr.losses[-1]:.4g}\n")
    assert path.read_text() == export.trajectories_csv([("α=0.05", tr)])
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert len(rows) == 301
    assert float(rows[0]["x"]) == -1.5 and float(rows[0]["y"]) == 2.0
    assert float(rows[1]["alpha_t"]) == pytest.approx(0.05 * np.exp(-0.01), rel=1e-6)


def test_run_passes_noise_seed_and_momentum(capsys) -> None:
    argv = ["run", "rosenbrock", "momentum", "--alpha", "1e-3", "--momentum", "0.8"]
    out = _ok(capsys, *argv, "--noise", "0.5", "--seed", "7")
    tr = optiviz.simulate("rosenbrock", "momentum", alpha=1e-3, momentum=0.8, noise=0.5, seed=7)
    other = optiviz.simulate("rosenbrock", "momentum", alpha=1e-3, momentum=0.8, noise=0.5, seed=8)
    assert tr.losses[-1] != other.losses[-1]
    assert out.endswith(f"{tr.label}, final loss {tr.losses[-1]:.4g}\n")


def test_sweep_writes_the_core_landscape(capsys, tmp_path) -> None:
    path = tmp_path / "landscape.csv"
    argv = ["sweep", "staircase", "sgd", "--alphas", "0.05:5:7", "--ks", "0,0.01"]
    out = _ok(capsys, *argv, "--schedule", "inverse_time", "--out", str(path))
    alphas = np.geomspace(0.05, 5, 7)
    final, first = optiviz.landscape(
        "staircase", "sgd", alphas=alphas, ks=[0, 0.01], schedule="inverse_time"
    )
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert [float(r["alpha"]) for r in rows[::2]] == pytest.approx(alphas)
    assert [float(r["k"]) for r in rows[:2]] == [0.0, 0.01]
    assert np.array([float(r["final_loss"]) for r in rows]) == pytest.approx(final.ravel())
    diverged = int(np.sum(np.isinf(final)))
    assert diverged > 0 and sum(r["final_loss"] == "inf" for r in rows) == diverged
    reached = [int(r["steps_to_min"]) if r["steps_to_min"] else 151 for r in rows]
    assert reached == first.ravel().tolist()
    assert out == (
        f"wrote 14 cells to {path}: {diverged} diverged, "
        f"{int(np.sum(first <= 150))} reached the minimum\n"
    )


def test_grid_reads_lists_and_log_ranges() -> None:
    assert grid("0.1,1,10", zero_ok=False).tolist() == [0.1, 1.0, 10.0]
    assert grid("1e-3:1:4", zero_ok=False) == pytest.approx([1e-3, 1e-2, 1e-1, 1.0])
    assert grid("0", zero_ok=True).tolist() == [0.0]


def _read(text: str, like: object) -> object:
    """``text`` from a link read back as the type of the setting ``like``."""
    if isinstance(like, bool):
        return {"true": True, "false": False}[text]
    return type(like)(text)


def test_lessons_lists_every_lesson_with_the_link_that_opens_it(capsys) -> None:
    out = _ok(capsys, "lessons", "--base-url", "https://optiviz.example.org/")
    lines = out.splitlines()
    assert len(lines) == 2 * len(lessons.load())
    for (head, link), lesson in zip(
        zip(lines[::2], lines[1::2], strict=True), lessons.load().values(), strict=True
    ):
        assert head == f"{lesson.id}: {lesson.title}"
        url = urlsplit(link.strip())
        assert (url.scheme, url.netloc, url.path) == ("https", "optiviz.example.org", "/")
        query = parse_qs(url.query)
        assert query.pop("lesson") == [lesson.id]
        # Each value reads back as the setting (numbers in the app's own short spelling).
        assert set(query) == set(lesson.settings)
        for key, value in lesson.settings.items():
            values = value if isinstance(value, list) else [value]
            assert [_read(text, v) for text, v in zip(query[key], values, strict=True)] == values
    assert f"{lessons.DEFAULT_BASE_URL}/?" in _ok(capsys, "lessons")


def test_a_lesson_link_opens_the_lesson_in_the_app(capsys) -> None:
    out = _ok(capsys, "lessons")
    link = out.splitlines()[out.splitlines().index("diverging: Larger still: divergence") + 1]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, values in parse_qs(urlsplit(link.strip()).query).items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    at.run()
    assert not at.exception
    banner = [m.value for m in at.markdown if m.value.startswith("**Lesson: ")]
    assert banner and banner[0].startswith("**Lesson: Larger still: divergence.**")
    assert at.session_state["presets"] == ["good", "too large", "diverging"]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["run", "nowhere", "sgd", "--alpha", "1"], "unknown surface 'nowhere'"),
        (["run", "staircase", "sgd", "--alpha", "0"], "--alpha: must be > 0"),
        (["run", "staircase", "sgd", "--alpha", "-1e-3"], "--alpha: must be > 0"),
        (["run", "staircase", "sgd", "--alpha", "inf"], "must be finite"),
        (["run", "staircase", "sgd", "--alpha", "1e300"], "--alpha: must be at most 3.4e+38"),
        (["run", "staircase", "sgd", "--alpha", "1", "--seed", "-1"], "--seed: must be a whole"),
        (["run", "staircase", "sgd", "--alpha", "1", "--noise", "-1"], "--noise: must be in [0,"),
        (["run", "staircase", "momentum", "--alpha", "1", "--momentum", "1"], "in [0, 1)"),
        (["run", "staircase", "adam", "--alpha", "1", "--eps", "0"], "--eps: must be in (0, 1]"),
        (["run", "linear_regression", "sgd", "--alpha", "1", "--batch-size", "0"], "batch_size"),
        (["run", "staircase", "sgd"], "--alpha"),
        (["run", "staircase", "newton", "--alpha", "1"], "invalid choice: 'newton'"),
        (["run", "staircase", "sgd", "--alpha", "1", "--steps", "5000"], "between 1 and 2000"),
        (["run", "staircase", "sgd", "--alpha", "1", "--schedule", "cosine"], "'cosine'"),
        (["run", "staircase", "sgd", "--alpha", "1", "--start", "1"], "2 coordinate(s)"),
        (["run", "staircase", "sgd", "--alpha", "1", "--start", "a,b"], "not a number"),
        (["run", "custom", "sgd", "--alpha", "1"], "needs --formula"),
        (["run", "custom", "sgd", "--alpha", "1", "--formula", "x +* y"], "unexpected"),
        (["run", "staircase", "sgd", "--alpha", "1", "--wat"], "unrecognized arguments: --wat"),
        (
            ["run", "staircase", "sgd", "--alpha", "1", "--csv", "/no/such/dir/r.csv"],
            "cannot write",
        ),
        (["sweep", "staircase", "sgd", "--alphas", "1e-3:1:257", "--out", "x.csv"], "1 and 256"),
        (["sweep", "staircase", "sgd", "--alphas", "0:1:5", "--out", "x.csv"], "0 < LO <= HI"),
        (["sweep", "staircase", "sgd", "--alphas", "0,1", "--out", "x.csv"], "must be > 0"),
        (["sweep", "staircase", "sgd", "--alphas", "1", "--ks", "-1", "--out", "x.csv"], ">= 0"),
        (
            ["sweep", "staircase", "sgd", "--alphas", "1", "--ks", "0,1", "--out", "x.csv"],
            "needs a schedule that reads k",
        ),
        (["sweep", "staircase", "sgd", "--alphas", "1"], "--out"),
        (["lessons", "--base-url", "localhost:8501"], "must start with http"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_arguments_end_in_one_line_and_status_2(capsys, argv, says) -> None:
    err = _fails(capsys, *argv)
    assert says in err
    assert err.startswith("optiviz")


def test_a_bad_argument_is_never_a_traceback_in_a_real_process() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "optiviz",
            "run",
            "staircase",
            "sgd",
            "--alpha",
            "1",
            "--steps",
            "0",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "optiviz run: error: steps must be between 1 and 2000, got 0 (see optiviz run --help)\n"
    )


@pytest.mark.parametrize("command", ["app", "run", "sweep", "lessons"])
def test_every_command_has_help(capsys, command) -> None:
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: optiviz {command}")


def test_run_imports_neither_streamlit_nor_plotly() -> None:
    code = (
        "import sys; from optiviz.cli import main; main(['run', 'parabola', 'sgd', '--alpha', "
        "'0.1', '--steps', '3']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def _streamlit_params(argv: list[str]) -> dict:
    """What ``streamlit run`` itself parses from ``argv`` (its own click command)."""
    assert argv[0] == "run"
    return streamlit_cli.main_run.make_context("run", argv[1:]).params


def test_app_passes_every_project_setting_to_streamlit_and_lets_the_user_override() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    flat = {}
    for section, table in config.items():
        for key, value in table.items():
            if isinstance(value, dict):
                flat |= {f"{section}.{key}.{k}": v for k, v in value.items()}
            else:
                flat[f"{section}.{key}"] = value
    assert len(config_flags()) == len(flat)
    params = _streamlit_params(streamlit_argv([]))
    assert params["target"] == str(ROOT / "app.py")
    for key, value in flat.items():
        assert params[key.replace(".", "_")] == value, key
    overridden = _streamlit_params(
        streamlit_argv(["--server.maxMessageSize", "10", "--server.port=8741"])
    )
    assert overridden["server_maxMessageSize"] == 10
    assert overridden["server_port"] == 8741
    assert overridden["theme_dark_primaryColor"] == flat["theme.dark.primaryColor"]


def test_app_hands_its_arguments_to_streamlit(monkeypatch) -> None:
    seen = {}
    monkeypatch.setattr(
        streamlit_cli, "main", lambda args, prog_name: seen.update(args=args, prog=prog_name)
    )
    assert main(["app", "--server.port", "8742", "--server.headless=false"]) == 0
    assert seen["args"] == streamlit_argv(["--server.port", "8742", "--server.headless=false"])
    assert seen["args"][-3:] == ["--server.port", "8742", "--server.headless=false"]
