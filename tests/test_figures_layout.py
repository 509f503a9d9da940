"""Panel geometry: the α_t axis and the room between the right-hand panels."""

from __future__ import annotations

import numpy as np
import pytest

from optiviz.figures import chart_data, layout, scales, style


@pytest.mark.parametrize(
    "lrs",
    [np.full(50, 0.8), np.linspace(0.1, 1.0, 50), np.r_[np.full(10, 0.055), np.full(10, 0.55)]],
)
def test_rate_axis_is_linear_within_a_decade(lrs: np.ndarray) -> None:
    axis = scales.rate_axis(lrs)
    assert axis["type"] == "linear"
    assert "tickvals" not in axis


def test_flat_rates_start_from_zero() -> None:
    assert scales.rate_axis(np.full(20, 0.8))["range"] == pytest.approx([0.0, 0.96])


def test_rate_axis_is_log_with_decade_ticks_beyond_a_decade() -> None:
    lrs = np.r_[np.full(10, 0.055), np.full(10, 0.8), np.full(10, 2.8)]
    axis = scales.rate_axis(lrs)
    assert axis["type"] == "log"
    assert axis["tickvals"] == [0.01, 0.1, 1.0, 10.0]
    assert axis["ticktext"] == ["0.01", "0.1", "1", "10"]
    assert all(np.log10(v) == round(np.log10(v)) for v in axis["tickvals"])


def test_decayed_rates_get_decades_and_nonpositive_or_nan_rates_stay_linear() -> None:
    decay = 2.8 * np.exp(-0.05 * np.arange(150))
    assert scales.rate_axis(decay)["tickvals"][0] == pytest.approx(1e-3)
    assert scales.rate_axis(np.r_[0.0, 1.0, 100.0])["type"] == "linear"
    assert scales.rate_axis(np.r_[np.nan, 0.01, 0.5])["type"] == "log"
    assert scales.rate_axis(np.r_[np.nan, np.nan])["type"] == "linear"


def test_data_panel_title_clears_the_legend() -> None:
    rows = layout.ROWS[True]
    frame = layout.frame(with_data=True)
    plot_height = frame["height"] - frame["margin"]["t"] - frame["margin"]["b"]
    legend_top = frame["legend"]["y"]
    assert legend_top == rows["loss"][1]
    assert (rows["data"][0] - legend_top) * plot_height >= layout.TITLE_ROOM
    assert frame["height"] == style.HEIGHT + 200


def test_tiny_and_huge_decades_read_as_powers() -> None:
    axis = scales.rate_axis(np.r_[1e-5, 0.01])
    assert axis["ticktext"] == ["10<sup>-5</sup>", "10<sup>-4</sup>", "0.001", "0.01"]


def test_log_loss_axis_labels_at_most_six_decades() -> None:
    axis = scales.loss_axis([-29.0, 1.0], log=True)
    assert axis["type"] == "log" and axis["tickmode"] == "array"
    assert 2 <= len(axis["tickvals"]) <= scales.MAX_LOSS_TICKS + 1
    assert all(np.log10(v) == pytest.approx(round(np.log10(v))) for v in axis["tickvals"])
    assert scales.loss_axis([0.0, 5.0], log=False) == {"type": "linear", "range": [0.0, 5.0]}


def _reads_as(text: str) -> float:
    """The number a tick label shows: 0.5, 20, 10<sup>-5</sup>, 2×10<sup>-5</sup>."""
    if "<sup>" not in text:
        return float(text)
    head, power = text.replace("</sup>", "").split("10<sup>")
    return float(head.rstrip("×") or 1) * 10.0 ** int(power)


@pytest.mark.parametrize(
    "value_range",
    [[-0.32, 0.75], [-1.4, 0.45], [0.05, 1.05], [-1.2, 0.8], [-6.3, -4.6], [-29.0, 1.0]],
)
def test_log_ticks_read_as_their_values_and_do_not_crowd(value_range) -> None:
    """Every label is the whole number it marks (Plotly's minor labels read "5, 2, 1, 5, 2"
    for 0.5, 0.2, 1, 5, 2), at least two show, at most six, none outside the range, and
    neighbours are at least a fifth of a decade apart (1, 2, ..., 9, 10 crowded)."""
    ticks = scales.log_ticks(value_range)
    values, texts = ticks["tickvals"], ticks["ticktext"]
    assert 2 <= len(values) <= scales.MAX_LOSS_TICKS + 1, texts
    for value, text in zip(values, texts, strict=True):
        assert _reads_as(text) == pytest.approx(value), (value, text)
        assert value_range[0] <= np.log10(value) <= value_range[1]
    assert np.diff(np.log10(values)).min() >= 0.2, texts


@pytest.mark.parametrize("with_data", [False, True])
def test_the_narrow_layout_stacks_full_width_panels_with_room_for_their_titles(
    with_data: bool,
) -> None:
    update = layout.narrow(with_data)
    height = update["height"] - update["margin"]["t"] - chart_data.CONTROLS_MARGIN
    rows = sorted((v["domain"] for k, v in update.items() if k.startswith("yaxis")), reverse=True)
    assert len(rows) == (4 if with_data else 3)
    assert rows[0][1] == 1.0 and rows[-1][0] == 0.0, "the map on top, α_t at the bottom"
    for upper, lower in zip(rows, rows[1:], strict=False):
        assert (upper[0] - lower[1]) * height >= layout.TITLE_ROOM, (upper, lower)
    assert all(v["domain"] == [0.0, 1.0] for k, v in update.items() if k.startswith("xaxis"))
