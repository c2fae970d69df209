"""Tests for the convolutional-network plots of dlbook.plotting: what is drawn, not pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlbook.plotting import plot_feature_maps, plot_filters, plot_grid_heatmap  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_feature_maps_draw_each_channel():
    maps = np.random.default_rng(0).normal(size=(5, 6, 7))
    fig, axes = plot_feature_maps(maps, n=4, ncols=3, title="conv1")
    shown = [ax for ax in axes.ravel() if ax.axison]
    assert len(shown) == 4 and axes.shape == (2, 3)
    for k, ax in enumerate(shown):
        assert ax.get_title() == f"channel {k}"
        np.testing.assert_array_equal(ax.images[0].get_array(), maps[k])
    assert fig._suptitle.get_text() == "conv1"
    with pytest.raises(ValueError, match=r"maps must have 3 dimensions; got shape \(1, 5, 6, 7\)"):
        plot_feature_maps(maps[None])
    with pytest.raises(ValueError, match="at most the number of channels, 5; got 6"):
        plot_feature_maps(maps, n=6)


def test_filters_draw_one_input_channel_with_a_symmetric_scale():
    weight = np.random.default_rng(1).normal(size=(6, 2, 3, 3))
    fig, axes = plot_filters(weight, in_channel=1)
    for k, ax in enumerate(axes.ravel()):
        assert ax.get_title() == f"filter {k}"
        np.testing.assert_array_equal(ax.images[0].get_array(), weight[k, 1])
        low, high = ax.images[0].get_clim()
        assert low == -high == -np.abs(weight[k, 1]).max()
    with pytest.raises(ValueError, match=r"looks like Keras' \(kh, kw, in, out\)"):
        plot_filters(np.zeros((3, 3, 1, 32)))
    with pytest.raises(ValueError, match=r"in_channel must be in 0..1; got 2"):
        plot_filters(weight, in_channel=2)
    with pytest.raises(ValueError, match="4 dimensions"):
        plot_filters(np.zeros((6, 3, 3)))


def test_grid_heatmap_writes_every_cell_and_frames_the_best():
    values = np.array([[0.1, 0.5, 0.3], [0.7, 0.95, 0.2]])
    fig, ax = plot_grid_heatmap(values, [0.01, 0.1], [0.0, 1e-3, 1.0], row_label="learning rate",
                                col_label="L2 strength", title="test accuracy")  # fmt: skip
    assert ax.get_title() == "test accuracy"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("L2 strength", "learning rate")
    assert [t.get_text() for t in ax.texts] == [f"{v:.2f}" for v in values.ravel()]
    np.testing.assert_array_equal(ax.images[0].get_array(), values)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.001", "1"]
    (frame,) = ax.patches
    assert frame.get_xy() == (0.5, 0.5)  # column 1, row 1: the 0.95
    with pytest.raises(ValueError, match=r"= \(2, 2\); got \(2, 3\)"):
        plot_grid_heatmap(values, [0.01, 0.1], [0.0, 1.0], row_label="a", col_label="b")
