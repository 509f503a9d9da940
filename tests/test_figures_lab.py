"""The lab's figure builders, checked by inspecting the figures' data."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from optiviz.analysis.range_test import RangeTest
from optiviz.analysis.search import SearchResult, Snapshot, Trial
from optiviz.figures import lab, lab_range_test, lab_search

ALPHAS = np.geomspace(1e-4, 1.0, 8)
KS = np.geomspace(1e-3, 1e-1, 12)


def _losses():
    losses = np.outer(np.arange(1, 9), np.ones(12)) * 0.1
    losses[6:, :5] = np.inf
    return losses


def _trials(losses=(3.0, math.inf, 1.0, 2.0)):
    out, best = [], math.inf
    for i, loss in enumerate(losses):
        best = min(best, loss)
        out.append(Trial(i, float(ALPHAS[i + 1]), float(KS[2 * i]), loss, best))
    return tuple(out)


def _by_name(fig, name):
    return [t for t in fig.data if t.name == name]


def test_landscape_layers_diverged_cells_apart():
    losses = _losses()
    fig = lab.landscape_figure(ALPHAS, KS, losses, metric_label="final loss")
    heat, diverged = fig.data[0], _by_name(fig, "diverged")[0]
    assert isinstance(heat, go.Heatmap) and isinstance(diverged, go.Heatmap)
    z, mask = np.array(heat.z, float), np.array(diverged.z, float)
    assert z.shape == mask.shape == (12, 8)  # rows are k, columns alpha
    np.testing.assert_array_equal(np.isnan(z), np.isinf(losses).T)
    np.testing.assert_array_equal(mask == 1, np.isinf(losses).T)
    np.testing.assert_allclose(z[3, 2], losses[2, 3])
    np.testing.assert_allclose(heat.x, np.log10(ALPHAS))
    assert set(diverged.colorscale[0]) | set(diverged.colorscale[1]) >= {lab.DIVERGED_COLOUR}


def test_landscape_ticks_show_decades_of_the_values():
    fig = lab.landscape_figure(ALPHAS, KS, _losses())
    assert list(fig.layout.xaxis.tickvals) == [-4, -3, -2, -1, 0]
    assert list(fig.layout.xaxis.ticktext) == ["0.0001", "0.001", "0.01", "0.1", "1"]
    assert list(fig.layout.yaxis.tickvals) == [-3, -2, -1]


def test_landscape_numbers_trials_in_order_and_stars_the_best():
    trials = _trials()
    result = SearchResult("random", trials, (1e-4, 1.0), (1e-3, 1e-1))
    fig = lab.landscape_figure(ALPHAS, KS, _losses(), trials=trials, best=result.best_trial)
    marks = _by_name(fig, "trials")[0]
    assert list(marks.text) == ["1", "2", "3", "4"]
    np.testing.assert_allclose(np.array(marks.customdata)[:, 0], [t.alpha for t in trials])
    np.testing.assert_allclose(np.array(marks.customdata)[:, 2], [0, 1, 2, 3])
    np.testing.assert_allclose(marks.x, np.log10([t.alpha for t in trials]))
    star = _by_name(fig, "best")[0]
    assert list(star.customdata[0]) == [trials[2].alpha, trials[2].k, 2]


def test_landscape_click_grid_covers_every_fourth_cell_invisibly():
    fig = lab.landscape_figure(ALPHAS, KS, _losses())
    cells = _by_name(fig, "cells")[0]
    data = np.array(cells.customdata)
    assert data.shape == (2 * 3, 3)
    np.testing.assert_allclose(np.unique(data[:, 0]), ALPHAS[::4])
    np.testing.assert_allclose(np.unique(data[:, 1]), KS[::4])
    assert np.all(data[:, 2] == -1)
    assert cells.marker.color == "rgba(0,0,0,0)"
    # A point Plotly skips for hover cannot be clicked: the cells answer hovers instead.
    assert cells.hoverinfo != "skip" and "%{text}" in cells.hovertemplate
    assert list(cells.text) == ["0.1"] * 3 + ["0.5"] * 3  # alpha rows 0 and 4
    losses = _losses()
    losses[4, 8] = np.inf
    cells = _by_name(lab.landscape_figure(ALPHAS, KS, losses), "cells")[0]
    assert cells.text[-1] == "diverged"


@pytest.mark.parametrize(
    ("alphas", "ks", "losses", "message"),
    [
        (ALPHAS, KS, np.ones((12, 8)), "shape"),
        (ALPHAS[::-1], KS, np.ones((8, 12)), "increasing"),
        (np.r_[0.0, ALPHAS[1:]], KS, np.ones((8, 12)), "positive"),
        (ALPHAS[:1], KS, np.ones((1, 12)), "at least 2"),
    ],
)
def test_landscape_rejects_bad_input(alphas, ks, losses, message):
    with pytest.raises(ValueError, match=message):
        lab.landscape_figure(alphas, ks, losses)


def test_best_so_far_draws_one_curve_per_strategy():
    results = {
        "grid": SearchResult("grid", _trials((3.0, 1.0, 2.0, 0.5)), (1e-4, 1), (1e-3, 0.1)),
        "random": SearchResult(
            "random", _trials((math.inf, 2.0, 4.0, 1.5)), (1e-4, 1), (1e-3, 0.1)
        ),
    }
    fig = lab_search.best_so_far_figure(results)
    assert [t.name for t in fig.data] == ["grid", "random"]
    np.testing.assert_allclose(fig.data[0].y, [3.0, 1.0, 1.0, 0.5])
    assert math.isnan(fig.data[1].y[0]) and list(fig.data[1].y[1:]) == [2.0, 2.0, 1.5]
    assert list(fig.data[0].x) == [1, 2, 3, 4]
    assert fig.layout.yaxis.type == "log"
    with pytest.raises(ValueError):
        lab_search.best_so_far_figure({})


def test_crowded_trials_keep_their_number_in_the_hover_only():
    """Trials 2 and 4 sit on top of trial 1 (within LABEL_GAP of the span): only 1, 3 and
    5 are written; 5 is near 4, but 4 is not written, so 5 has room."""
    a = np.array([1e-3, 1.05e-3, 0.1, 1.1e-3, 1.1e-3])
    k = np.array([1e-2, 1.02e-2, 1e-2, 1.06e-2, 1.35e-2])
    trials = tuple(Trial(i, float(a[i]), float(k[i]), 1.0, 1.0) for i in range(5))
    fig = lab.landscape_figure(ALPHAS, KS, _losses(), trials=trials)
    marks = _by_name(fig, "trials")[0]
    assert list(marks.text) == ["1", "", "3", "", "5"]
    assert list(marks.hovertext) == ["1", "2", "3", "4", "5"]
    assert "%{hovertext}" in marks.hovertemplate
    spans = (4.0, 2.0)  # log10 widths of ALPHAS and KS
    assert list(lab.uncrowded(np.log10(a), np.log10(k), spans)) == [1, 0, 1, 0, 1]


def test_every_surrogate_panel_has_its_own_titled_colour_bar_under_it():
    grid = np.arange(96.0).reshape(8, 12)
    snap = Snapshot(4, ALPHAS, KS, grid, grid + 1, grid + 2, _trials(), 0.01, 0.02)
    fig = lab_search.surrogate_figure(snap)
    heats = [t for t in fig.data if isinstance(t, go.Heatmap)]
    assert [h.showscale for h in heats] == [True, True, True]
    titles = [h.colorbar.title.text for h in heats]
    assert all(titles) and len(set(titles)) == 3 and "log₁₀" in titles[0]
    for heat, axis in zip(heats, ("xaxis", "xaxis2", "xaxis3"), strict=True):
        lo, hi = fig.layout[axis].domain
        assert lo < heat.colorbar.x < hi and heat.colorbar.len == pytest.approx(hi - lo)
        assert heat.colorbar.orientation == "h" and heat.colorbar.y < 0


def test_surrogate_panels_share_one_k_title_and_write_every_other_decade_level():
    """Three panels a third of the page wide: the k title once (beside the first panel,
    not over the next one's plot), α's five decades labelled 0.0001, 0.01, 1, unrotated."""
    grid = np.arange(96.0).reshape(8, 12)
    snap = Snapshot(4, ALPHAS, KS, grid, grid + 1, grid + 2, _trials(), 0.01, 0.02)
    fig = lab_search.surrogate_figure(snap)
    assert fig.layout.yaxis.title.text == "decay k"
    assert fig.layout.yaxis2.title.text is None and fig.layout.yaxis3.title.text is None
    for axis in ("xaxis", "xaxis2", "xaxis3"):
        assert list(fig.layout[axis].tickvals) == [-4, -3, -2, -1, 0]
        assert list(fig.layout[axis].ticktext) == ["0.0001", "", "0.01", "", "1"]
        assert fig.layout[axis].tickangle == 0


def test_trial_numbers_on_the_maps_edge_are_not_clipped():
    fig = lab.landscape_figure(ALPHAS, KS, _losses(), trials=_trials())
    marks = _by_name(fig, "trials")[0]
    assert marks.cliponaxis is False
    # past the edge a number stands on the page's white: white text needs a dark halo
    assert marks.textfont.color == lab.TRIAL_COLOUR == "#ffffff"
    assert lab.TRIAL_EDGE in marks.textfont.shadow


def test_surrogate_has_three_panels_with_trials_and_the_next_point():
    grid = np.arange(96.0).reshape(8, 12)
    snap = Snapshot(4, ALPHAS, KS, grid, grid + 1, grid + 2, _trials(), 0.01, 0.02)
    fig = lab_search.surrogate_figure(snap)
    heats = [t for t in fig.data if isinstance(t, go.Heatmap)]
    assert [h.name for h in heats] == ["GP mean", "GP std", "expected improvement"]
    np.testing.assert_allclose(np.array(heats[2].z), (grid + 2).T)
    nexts = _by_name(fig, "next")
    assert len(nexts) == 3 and list(nexts[0].customdata[0]) == [0.01, 0.02, 4]
    assert len(_by_name(fig, "trials")) == 3
    bad = Snapshot(4, ALPHAS, KS, grid.T, grid, grid, (), 0.01, 0.02)
    with pytest.raises(ValueError, match="GP mean"):
        lab_search.surrogate_figure(bad)


def test_range_test_marks_and_labels_the_turn_and_the_suggested_rate_on_a_log_axis():
    lrs = np.geomspace(1e-4, 1.0, 20)
    losses = np.r_[np.linspace(5, 1, 15), [1.5, 3, 6, 12, 40]]
    turn = float(lrs[14])  # the lowest point of the smoothed curve
    test = RangeTest(lrs, losses, losses * 0.9, 19, turn / 10, 4.0, turn=turn)
    fig = lab_range_test.range_test_figure(test)
    assert fig.layout.xaxis.type == "log"
    # One label a decade, written out: no 2 and 5 between decades, no SI prefix (10µ).
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == "~g"
    mark, bend = _by_name(fig, "suggested α")[0], _by_name(fig, "turn")[0]
    assert list(mark.x) == [turn / 10] and list(mark.customdata[0]) == [turn / 10]
    expected = np.interp(np.log(turn / 10), np.log(lrs), losses * 0.9)
    assert mark.y[0] == pytest.approx(expected)
    assert bend.x[0] == turn and bend.y[0] == pytest.approx(0.9 * losses[14])
    assert bend.text[0] == f"turn α = {turn:.3g}"
    assert mark.text[0] == f"suggested α = {turn / 10:.3g} (turn ÷ 10)"
    np.testing.assert_allclose(_by_name(fig, "smoothed")[0].y, losses * 0.9)
    assert fig.layout.yaxis.range[1] < losses.max()
    with pytest.raises(ValueError, match="same length"):
        lab_range_test.range_test_figure(
            RangeTest(lrs, losses[:-1], losses, None, 0.005, 4.0, turn=0.05)
        )


@pytest.mark.parametrize("loss", [7.0, math.inf])
def test_range_test_that_diverged_at_once_is_drawn_as_one_point(loss):
    test = RangeTest(np.array([1e-5]), np.array([loss]), np.array([loss]), 0, 1e-6, 4.0, 1e-5)
    fig = lab_range_test.range_test_figure(test)
    assert list(_by_name(fig, "loss")[0].x) == [1e-5]
    assert (fig.layout.yaxis.range is None) == (loss == math.inf)
