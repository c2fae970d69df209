"""Tests for the training plots of dlbook.plotting: what is drawn (axes, titles, data), not pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve  # noqa: E402

from dlbook.plotting import (  # noqa: E402
    plot_confusion_matrix,
    plot_history,
    plot_image_grid,
    plot_roc_curve,
    plot_weight_images,
)

HISTORY = {
    "loss": [0.9, 0.5, 0.4],
    "accuracy": [0.6, 0.8, 0.85],
    "val_loss": [1.0, 0.7, 0.65],
    "val_accuracy": [0.55, 0.7, 0.8],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def visible_axes(axes):
    return [ax for ax in np.ravel(axes) if ax.axison]


# --------------------------------------------------------------------------- plot_history


def test_history_one_panel_per_quantity_with_training_and_validation_curves():
    fig, axes = plot_history(HISTORY)
    assert len(axes) == 2 and len(fig.axes) == 2
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    for ax, key in zip(axes, ["loss", "accuracy"]):
        train, val = ax.get_lines()
        assert (train.get_label(), val.get_label()) == ("training", "validation")
        np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(train.get_ydata(), HISTORY[key])
        np.testing.assert_array_equal(val.get_ydata(), HISTORY[f"val_{key}"])
        assert val.get_linestyle() == "--" and train.get_color() == val.get_color()
        assert ax.get_xlabel() == "epoch"


def test_history_overlay_of_two_frameworks_and_a_keras_history_object():
    class KerasLikeHistory:
        history = {"loss": [1.0, 0.6], "val_loss": [1.1, 0.8]}

    fig, axes = plot_history({"loss": [0.8, 0.5], "val_loss": [0.9, 0.7]}, label="PyTorch")
    fig2, axes2 = plot_history(KerasLikeHistory(), axes=axes, label="Keras")
    assert fig2 is fig and len(axes2) == 1
    labels = [line.get_label() for line in axes[0].get_lines()]
    assert labels == [
        "PyTorch training",
        "PyTorch validation",
        "Keras training",
        "Keras validation",
    ]
    np.testing.assert_array_equal(axes[0].get_lines()[2].get_ydata(), [1.0, 0.6])


def test_history_selected_keys_and_validation_only():
    _, axes = plot_history(HISTORY, keys=["accuracy"])
    assert [ax.get_title() for ax in axes] == ["accuracy"]
    _, axes = plot_history({"val_loss": [0.3, 0.2]})
    assert [line.get_label() for line in axes[0].get_lines()] == ["validation"]


def test_history_bad_input():
    with pytest.raises(ValueError, match=r"no 'auc' nor 'val_auc'; it has \['accuracy', 'loss'"):
        plot_history(HISTORY, keys=["auc"])
    with pytest.raises(ValueError, match="one value per epoch"):
        plot_history({"loss": [1.0, 0.5], "val_loss": [1.0]})
    with pytest.raises(TypeError, match="a history is a dict"):
        plot_history([0.5, 0.4])
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match=r"one axes per key \(2: \['loss', 'accuracy'\]\); got 3"):
        plot_history(HISTORY, axes=axes)


# --------------------------------------------------------------------------- plot_image_grid


def test_image_grid_titles_colours_and_images():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 6, 6)).astype(np.uint8)
    fig, axes = plot_image_grid(
        images,
        labels=[0, 1, 2, 1, 0],
        predictions=[0, 2, 2, 1, 1],
        confidences=[0.91, 0.5, 0.999, 0.62, 0.7],
        class_names=["a", "b", "c"],
        ncols=3,
    )
    assert axes.shape == (2, 3)
    shown = visible_axes(axes)
    assert len(shown) == 5
    assert [ax.get_title() for ax in shown] == [
        "a 91%",
        "c 50%\n(true: b)",
        "c 100%",
        "b 62%",
        "b 70%\n(true: a)",
    ]
    colours = [ax.title.get_color() for ax in shown]
    assert colours == ["tab:green", "tab:red", "tab:green", "tab:green", "tab:red"]
    for i, ax in enumerate(shown):
        np.testing.assert_array_equal(ax.images[0].get_array(), images[i])


def test_image_grid_with_labels_only_and_rgb():
    images = np.zeros((3, 4, 4, 3))
    _, axes = plot_image_grid(images, labels=[2, 0, 1], ncols=8)
    assert axes.shape == (1, 3)
    assert [ax.get_title() for ax in axes.ravel()] == ["2", "0", "1"]
    assert axes[0, 0].images[0].get_array().shape == (4, 4, 3)
    _, axes = plot_image_grid(np.zeros((2, 4, 4)))
    assert [ax.get_title() for ax in axes.ravel()] == ["", ""]


def test_image_grid_bad_input():
    with pytest.raises(ValueError, match=r"images must have 3 or 4 dimensions; got shape \(4, 4\)"):
        plot_image_grid(np.zeros((4, 4)))
    with pytest.raises(
        ValueError, match=r"must have shape \(N, H, W\) or \(N, H, W, 3\); got \(2, 4, 4, 5\)"
    ):
        plot_image_grid(np.zeros((2, 4, 4, 5)))
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\); got shape \(2,\)"):
        plot_image_grid(np.zeros((3, 4, 4)), labels=[0, 1])
    with pytest.raises(ValueError, match="predictions need the true labels"):
        plot_image_grid(np.zeros((2, 4, 4)), predictions=[0, 1])
    with pytest.raises(ValueError, match="confidences belong to predictions"):
        plot_image_grid(np.zeros((2, 4, 4)), labels=[0, 1], confidences=[0.5, 0.5])
    with pytest.raises(
        ValueError, match=r"confidences must lie in \[0, 1\]; got values from 0.5 to 50"
    ):
        plot_image_grid(
            np.zeros((2, 4, 4)), labels=[0, 1], predictions=[0, 1], confidences=[0.5, 50]
        )
    with pytest.raises(TypeError, match="images must hold numbers"):
        plot_image_grid(np.array([[["a"]]]))
    with pytest.raises(ValueError, match="images is empty"):
        plot_image_grid(np.zeros((0, 4, 4)))


# --------------------------------------------------------------------------- plot_confusion_matrix


def test_confusion_matrix_counts_agree_with_sklearn():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 4, size=200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, rng.integers(0, 4, size=200))
    fig, ax = plot_confusion_matrix(y_true, y_pred, class_names=["w", "x", "y", "z"])
    drawn = np.asarray(ax.images[0].get_array())
    np.testing.assert_array_equal(drawn, confusion_matrix(y_true, y_pred))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["w", "x", "y", "z"]
    cell_texts = [t.get_text() for t in ax.texts]
    assert (
        len(cell_texts) == 16
        and cell_texts[0] == str(drawn[0, 0])
        and cell_texts[1] == str(drawn[0, 1])
    )
    assert len(fig.axes) == 2, "the matrix and its colour bar"


def test_confusion_matrix_normalised_rows_are_recalls():
    y_true, y_pred = [0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 0]
    _, ax = plot_confusion_matrix(y_true, y_pred, normalize=True)
    drawn = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(
        drawn, confusion_matrix(y_true, y_pred, normalize="true"), rtol=0, atol=1e-15
    )
    assert [t.get_text() for t in ax.texts] == ["0.75", "0.25", "0.50", "0.50"]


def test_confusion_matrix_keeps_classes_that_never_occur_and_draws_on_given_axes():
    _, given = plt.subplots()
    fig, ax = plot_confusion_matrix([0, 0], [0, 0], class_names=["a", "b", "c"], ax=given)
    assert ax is given
    np.testing.assert_array_equal(
        np.asarray(ax.images[0].get_array()), [[2, 0, 0], [0, 0, 0], [0, 0, 0]]
    )


def test_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match=r"y_pred must have shape \(3,\); got shape \(2,\)"):
        plot_confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(TypeError, match="y_true must hold integer class labels; got dtype float64"):
        plot_confusion_matrix([0.0, 1.0], [0, 1])
    with pytest.raises(
        ValueError, match=r"y_pred must hold labels in 0..1 for 2 classes; got values from 0 to 2"
    ):
        plot_confusion_matrix([0, 1], [0, 2], class_names=["a", "b"])
    with pytest.raises(ValueError, match="y_true must hold labels in 0..2"):
        plot_confusion_matrix([-1, 1], [0, 2])


# --------------------------------------------------------------------------- plot_roc_curve


def test_roc_curve_draws_sklearn_curve_with_auc_and_threshold_points():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, size=300)
    scores = 1 / (1 + np.exp(-(2.0 * y - 1 + rng.normal(size=300))))
    fig, ax = plot_roc_curve(y, scores, thresholds=(0.5, 0.8), label="net")
    curve, chance, at_half, at_high = ax.get_lines()
    fpr, tpr, _ = roc_curve(y, scores)
    np.testing.assert_array_equal(curve.get_xdata(), fpr)
    np.testing.assert_array_equal(curve.get_ydata(), tpr)
    assert curve.get_label() == f"net (AUC = {roc_auc_score(y, scores):.3f})"
    assert chance.get_label() == "chance"
    for line, threshold in ((at_half, 0.5), (at_high, 0.8)):
        flagged = scores >= threshold
        assert line.get_label() == f"threshold {threshold:g}"
        assert line.get_xdata()[0] == pytest.approx(flagged[y == 0].mean())
        assert line.get_ydata()[0] == pytest.approx(flagged[y == 1].mean())
    assert at_high.get_xdata()[0] < at_half.get_xdata()[0], (
        "a higher threshold flags fewer negatives"
    )
    assert ax.get_xlabel() == "false-positive rate"


def test_roc_curve_second_model_on_the_same_axes_adds_no_second_chance_line():
    y, s = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    fig, ax = plot_roc_curve(y, s, label="a")
    plot_roc_curve(y, [0.1, 0.2, 0.7, 0.8], label="b", ax=ax)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["a (AUC = 0.750)", "chance", "b (AUC = 1.000)"]


def test_roc_curve_bad_input():
    with pytest.raises(ValueError, match=r"scores must have shape \(3,\); got shape \(3, 1\)"):
        plot_roc_curve([0, 1, 1], np.zeros((3, 1)))
    with pytest.raises(ValueError, match="0/1 labels"):
        plot_roc_curve([0, 2, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="both classes"):
        plot_roc_curve([1, 1], [0.1, 0.2])


# --------------------------------------------------------------------------- plot_weight_images


def test_weight_images_show_each_column_reshaped_with_a_symmetric_scale():
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(12, 5))  # 3x4 images, 5 units
    fig, axes = plot_weight_images(weights, image_shape=(3, 4), n=4, ncols=3)
    shown = visible_axes(axes)
    assert axes.shape == (2, 3) and len(shown) == 4
    assert [ax.get_title() for ax in shown] == ["unit 0", "unit 1", "unit 2", "unit 3"]
    for j, ax in enumerate(shown):
        image = ax.images[0]
        np.testing.assert_array_equal(image.get_array(), weights[:, j].reshape(3, 4))
        low, high = image.get_clim()
        assert low == -high == -np.abs(weights[:, j]).max()


def test_weight_images_bad_input_suggests_the_transpose():
    with pytest.raises(
        ValueError,
        match=r"shape \(784, units\).*got \(16, 784\) \(it looks transposed: pass weights.T",
    ):
        plot_weight_images(np.zeros((16, 784)))
    with pytest.raises(
        ValueError, match=r"shape \(784, units\) for images of shape \(28, 28\); got \(10, 3\)$"
    ):
        plot_weight_images(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="n must be at most the number of units, 3; got 4"):
        plot_weight_images(np.zeros((16, 3)), image_shape=(4, 4), n=4)
    with pytest.raises(ValueError, match="weights must have 2 dimensions"):
        plot_weight_images(np.zeros(16), image_shape=(4, 4))
