"""Plotting helpers. Each returns the matplotlib figure (and axes) so a chapter can adjust it.

Timelines and model sizes for the history of the field; learning curves, image grids with
predictions, confusion matrices, ROC curves and weight images for training networks. Every helper
checks its inputs and raises ``ValueError``/``TypeError`` naming the expected and the given shapes.

Example:
    >>> fig, axes = plot_timeline()
    >>> len(axes)
    2
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dlbook.milestones import MILESTONES, MODEL_SIZES, Milestone, ModelSize
from dlbook.validation import as_array, check_positive_int

__all__ = [
    "plot_timeline",
    "plot_model_sizes",
    "plot_history",
    "plot_image_grid",
    "plot_confusion_matrix",
    "plot_roc_curve",
    "plot_weight_images",
    "plot_feature_maps",
    "plot_filters",
    "plot_grid_heatmap",
]

_ERA_COLOURS = {"foundations": "tab:blue", "deep learning": "tab:orange"}


def _assign_levels(xs: Sequence[float], levels: Sequence[float], min_gap: float) -> list[float]:
    """Give each x (in increasing order) the first level not used by a neighbour closer than min_gap."""
    chosen: list[float] = []
    for i, x in enumerate(xs):
        busy = {chosen[j] for j in range(i) if abs(xs[j] - x) < min_gap}
        free = [lv for lv in levels if lv not in busy]
        chosen.append(free[0] if free else levels[i % len(levels)])
    return chosen


def _timeline_panel(
    ax: Any, events: Sequence[Milestone], span: tuple[int, int], title: str
) -> None:
    from matplotlib.ticker import MaxNLocator

    events = sorted(events, key=lambda e: (e.start, e.end, e.label))
    mids = [(e.start + e.end) / 2 for e in events]
    levels = _assign_levels(
        mids, (4.0, -4.0, 2.5, -2.5, 1.0, -1.0), min_gap=0.21 * (span[1] - span[0])
    )
    ax.axhline(0, color="0.3", linewidth=1.5, zorder=1)
    for event, mid, level in zip(events, mids, levels):
        colour = _ERA_COLOURS[event.era]
        if event.end > event.start:
            ax.plot(
                [event.start, event.end],
                [0, 0],
                color=colour,
                linewidth=6,
                solid_capstyle="butt",
                zorder=2,
            )
        ax.vlines(mid, 0, level, color=colour, linewidth=0.8, zorder=1)
        ax.plot(mid, 0, "o", color=colour, markersize=5, zorder=3)
        ax.annotate(
            f"{event.when}\n{event.label}",
            (mid, level),
            ha="center",
            va="bottom" if level > 0 else "top",
            fontsize=7.5,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "lw": 0.6},
        )
    ax.set_xlim(*span)
    ax.set_ylim(-5.4, 5.4)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel("year")


def plot_timeline(
    milestones: Sequence[Milestone] = MILESTONES, *, split_year: int = 2000
) -> tuple[Any, Any]:
    """Draw the milestones as a two-panel timeline: before and after ``split_year``.

    The two panels have their own year scales, because the last decade is crowded.

    Args:
        milestones: the events to draw.
        split_year: the first year of the second panel.

    Returns:
        ``(fig, axes)`` with two axes.

    Example:
        >>> fig, (early, late) = plot_timeline()
        >>> bool(early.get_xlim()[0] < 1943 and late.get_xlim()[1] > 2022)
        True
    """
    import matplotlib.pyplot as plt

    early = [m for m in milestones if m.start < split_year]
    late = [m for m in milestones if m.start >= split_year]
    fig, axes = plt.subplots(2, 1, figsize=(12, 8.5))
    if early:
        _timeline_panel(
            axes[0],
            early,
            (min(m.start for m in early) - 6, split_year),
            f"Foundations ({min(m.start for m in early)}-{split_year - 1})",
        )
    if late:
        _timeline_panel(
            axes[1],
            late,
            (split_year + 4, max(m.end for m in late) + 2),
            f"The deep-learning era ({split_year} on)",
        )
    fig.suptitle("Milestones of neural networks and deep learning")
    fig.tight_layout()
    return fig, axes


def plot_model_sizes(models: Sequence[ModelSize] = MODEL_SIZES, ax: Any = None) -> tuple[Any, Any]:
    """Plot parameter counts against year on a logarithmic axis.

    Args:
        models: the models to draw.
        ax: an existing axes, or ``None`` for a new figure.

    Returns:
        ``(fig, ax)``.

    Example:
        >>> fig, ax = plot_model_sizes()
        >>> ax.get_yscale()
        'log'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.2))
    else:
        fig = ax.figure
    years = [m.year for m in models]
    params = [m.parameters for m in models]
    ax.scatter(years, params, color="tab:purple", zorder=3)
    for m in models:
        ax.annotate(
            m.name, (m.year, m.parameters), textcoords="offset points", xytext=(6, -3), fontsize=8
        )
    ax.set_yscale("log")
    ax.set_xlim(min(years) - 2, max(years) + 5)
    ax.set_xlabel("year")
    ax.set_ylabel("trainable parameters (log scale)")
    ax.set_title("Model size grew by more than six orders of magnitude")
    ax.grid(True, which="major", alpha=0.3)
    return fig, ax


# --------------------------------------------------------------------------- training networks


def _grid_axes(
    n: int, ncols: int, panel_size: float, title_lines: int = 1
) -> tuple[Any, np.ndarray]:
    """A figure with ``n`` image panels in rows of ``ncols``; unused panels are switched off."""
    import matplotlib.pyplot as plt

    ncols = min(ncols, n)
    nrows = -(-n // ncols)  # ceiling division
    row_height = panel_size * (1.0 + 0.15 * title_lines)  # room for the titles above each image
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel_size * ncols, row_height * nrows), squeeze=False
    )
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    return fig, axes


def _signed_image(ax: Any, image: np.ndarray, title: str, cmap: str) -> None:
    """Show weights with a colour scale symmetric about 0 (0 is the middle colour), no ticks."""
    limit = float(np.abs(image).max()) or 1.0
    ax.imshow(image, cmap=cmap, vmin=-limit, vmax=limit)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=7)


def _image_stack(images: ArrayLike, name: str) -> np.ndarray:
    """Images as (N, H, W) or (N, H, W, 3 or 4) floats, checked."""
    images = as_array(images, name, ndim=(3, 4))
    if images.ndim == 4 and images.shape[-1] not in (3, 4):
        raise ValueError(f"{name} must have shape (N, H, W) or (N, H, W, 3); got {images.shape}")
    if len(images) == 0:
        raise ValueError(f"{name} is empty: got shape {images.shape}")
    return images


def plot_history(
    history: Any, *, keys: Sequence[str] | None = None, axes: Any = None, label: str | None = None
) -> tuple[Any, np.ndarray]:
    """Plot learning curves: one panel per quantity, training solid and validation dashed.

    Works with the history of :func:`dlbook.training.fit` (PyTorch) and with what Keras'
    ``model.fit`` returns, because both name their quantities ``loss``, ``<metric>``,
    ``val_loss`` and ``val_<metric>``. Pass the ``axes`` of an earlier call and a ``label`` to
    draw a second history (say, the same model in the other framework) on top of the first.

    Args:
        history: a dict ``{"loss": [...], "val_loss": [...], ...}`` or a Keras ``History``.
        keys: the training quantities to draw, e.g. ``["loss", "accuracy"]``; ``None`` draws every
            quantity of the history that has no ``val_`` prefix (or only validation ones, if that is
            all there is).
        axes: existing axes, one per key, or ``None`` for a new figure.
        label: a prefix for the legend entries, e.g. ``"Keras"``.

    Returns:
        ``(fig, axes)``: a 1-D array of axes, one per key, x-axis in epochs (from 1).

    Raises:
        TypeError: if ``history`` is not a history.
        ValueError: if a key is missing or ``axes`` does not have one axes per key.

    Example:
        >>> fig, axes = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6],
        ...                           "accuracy": [0.6, 0.8, 0.85], "val_accuracy": [0.55, 0.7, 0.8]})
        >>> [ax.get_title() for ax in axes]
        ['loss', 'accuracy']
        >>> [line.get_label() for line in axes[0].get_lines()]
        ['training', 'validation']
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from dlbook.training import check_history

    history = check_history(history)
    if keys is None:
        keys = [k for k in history if not k.startswith("val_")] or [k[4:] for k in history]
    keys = list(keys)
    for key in keys:
        if key not in history and f"val_{key}" not in history:
            raise ValueError(
                f"the history has no {key!r} nor 'val_{key}'; it has {sorted(history)}"
            )
    if axes is None:
        fig, axes = plt.subplots(1, len(keys), figsize=(4.6 * len(keys), 3.4), squeeze=False)
        axes = axes[0]
    else:
        axes = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
        if len(axes) != len(keys):
            raise ValueError(
                f"axes must hold one axes per key ({len(keys)}: {keys}); got {len(axes)}"
            )
        fig = axes[0].figure
    prefix = f"{label} " if label else ""
    for ax, key in zip(axes, keys):
        colour = None
        for name, style, what in ((key, "-", "training"), (f"val_{key}", "--", "validation")):
            if name in history:
                values = history[name]
                (line,) = ax.plot(
                    np.arange(1, len(values) + 1),
                    values,
                    style,
                    marker="o",
                    markersize=3,
                    color=colour,
                    label=f"{prefix}{what}",
                )
                colour = line.get_color()  # the validation curve of a run shares its colour
        ax.set_title(key)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig, axes


def plot_image_grid(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    predictions: ArrayLike | None = None,
    confidences: ArrayLike | None = None,
    *,
    class_names: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray_r",
    panel_size: float = 1.5,
) -> tuple[Any, np.ndarray]:
    """Show images in a grid, titled with their labels, or with predictions, confidence and truth.

    With ``predictions`` each title reads ``"Bag 97%"`` over ``"(true: Coat)"`` (the second line
    only for mistakes), green when the prediction is right and red when it is wrong.

    Args:
        images: grayscale or RGB images.
        labels: the true class of each image, or ``None``.
        predictions: the predicted class of each image, or ``None``.
        confidences: the predicted probability of each predicted class, in [0, 1], or ``None``.
        class_names: names indexed by class number; ``None`` shows the numbers.
        ncols: images per row.
        cmap: the colour map of grayscale images (``"gray_r"`` draws ink dark on white).
        panel_size: the width of each panel, in inches.

    Returns:
        ``(fig, axes)``: a 2-D array of axes (unused panels switched off).

    Shape:
        images: (N, H, W) or (N, H, W, 3). labels, predictions, confidences: (N,).

    Raises:
        ValueError: if the shapes do not agree, a confidence is outside [0, 1], or predictions are
            given without labels.
        TypeError: if an array does not hold numbers.

    Example:
        >>> images = np.zeros((3, 4, 4))
        >>> fig, axes = plot_image_grid(images, labels=[0, 1, 1], predictions=[0, 0, 1],
        ...                             confidences=[0.9, 0.6, 0.75], class_names=["cat", "dog"])
        >>> [ax.get_title() for ax in axes.ravel()]
        ['cat 90%', 'cat 60%\\n(true: dog)', 'dog 75%']
    """
    images = _image_stack(images, "images")
    n = len(images)
    ncols = check_positive_int(ncols, "ncols")
    columns = {}
    for name, value in (
        ("labels", labels),
        ("predictions", predictions),
        ("confidences", confidences),
    ):
        if value is not None:
            columns[name] = as_array(value, name, shape=(n,))
    if "predictions" in columns and "labels" not in columns:
        raise ValueError(
            "predictions need the true labels too, to mark the mistakes; pass labels=..."
        )
    if "confidences" in columns:
        if "predictions" not in columns:
            raise ValueError("confidences belong to predictions; pass predictions=... as well")
        conf = columns["confidences"]
        if np.any((conf < 0) | (conf > 1)):
            raise ValueError(
                f"confidences must lie in [0, 1]; got values from {conf.min():.3g} to {conf.max():.3g}"
            )

    def name_of(k: Any) -> str:
        return str(class_names[int(k)]) if class_names is not None else str(int(k))

    mistakes = "predictions" in columns and bool(
        np.any(columns["predictions"] != columns["labels"])
    )
    fig, axes = _grid_axes(n, ncols, panel_size, title_lines=2 if mistakes else 1)
    for i, ax in enumerate(axes.ravel()[:n]):
        ax.imshow(images[i], cmap=cmap if images.ndim == 3 else None)
        ax.set_xticks([])
        ax.set_yticks([])
        if "predictions" in columns:
            right = int(columns["predictions"][i]) == int(columns["labels"][i])
            title = name_of(columns["predictions"][i])
            if "confidences" in columns:
                title += f" {columns['confidences'][i]:.0%}"
            if not right:
                title += f"\n(true: {name_of(columns['labels'][i])})"
            ax.set_title(title, fontsize=8, color="tab:green" if right else "tab:red")
        elif "labels" in columns:
            ax.set_title(name_of(columns["labels"][i]), fontsize=8)
    fig.tight_layout()
    return fig, axes


def plot_confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
    ax: Any = None,
    cmap: str = "Blues",
) -> tuple[Any, Any]:
    """Draw the confusion matrix: row = true class, column = predicted class, counts in the cells.

    Args:
        y_true: the true class of each example (integers 0..K-1), first, as in scikit-learn.
        y_pred: the predicted class of each example.
        class_names: names of the K classes; ``None`` numbers them 0..K-1 with K the largest label + 1.
        normalize: divide each row by its total, so a cell is the fraction of that true class
            (the diagonal is then each class's recall).
        ax: an existing axes, or ``None`` for a new figure.
        cmap: the colour map.

    Returns:
        ``(fig, ax)``; the matrix drawn is ``ax.images[0].get_array()``.

    Shape:
        y_true, y_pred: (N,). The matrix: (K, K).

    Raises:
        ValueError: if the shapes differ or a label is negative or not below the number of names.
        TypeError: if the labels are not integers.

    Example:
        >>> fig, ax = plot_confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], class_names=["no", "yes"])
        >>> print(ax.images[0].get_array())
        [[1 1]
         [1 2]]
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('predicted class', 'true class')
    """
    import matplotlib.pyplot as plt

    y_true = as_array(y_true, "y_true", ndim=1)
    y_pred = as_array(y_pred, "y_pred", shape=(len(y_true),))
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.dtype.kind not in "biu":
            raise TypeError(f"{name} must hold integer class labels; got dtype {labels.dtype}")
    k = (
        len(class_names)
        if class_names is not None
        else int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    )
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (labels.min() < 0 or labels.max() >= k):
            raise ValueError(
                f"{name} must hold labels in 0..{k - 1} for {k} classes; "
                f"got values from {labels.min()} to {labels.max()}"
            )
    counts = np.zeros((k, k), dtype=np.int64)  # (true, predicted)
    np.add.at(counts, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    matrix = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalize else counts
    if ax is None:
        size = max(3.5, 0.45 * k + 2)
        fig, ax = plt.subplots(figsize=(size + 0.8, size))
    else:
        fig = ax.figure
    image = ax.imshow(matrix, cmap=cmap, vmin=0, vmax=1 if normalize else None)
    names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(k)]
    long_names = max(map(len, names)) > 3
    ax.set_xticks(
        range(k), names, rotation=45 if long_names else 0, ha="right" if long_names else "center"
    )
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    threshold = matrix.max() / 2 if matrix.size else 0
    fontsize = 12 if k <= 4 else 8
    for i in range(k):
        for j in range(k):
            text = f"{matrix[i, j]:.2f}" if normalize else f"{matrix[i, j]:d}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=fontsize,
                color="white" if matrix[i, j] > threshold else "black",
            )
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return fig, ax


def plot_roc_curve(
    y_true: ArrayLike,
    scores: ArrayLike,
    *,
    thresholds: Sequence[float] = (),
    label: str | None = None,
    ax: Any = None,
) -> tuple[Any, Any]:
    """Draw the ROC curve of a binary classifier, with its AUC and, optionally, chosen thresholds.

    The curve plots the true-positive rate (recall) against the false-positive rate as the decision
    threshold sweeps from high to low. The area under it (AUC) is the probability that a randomly
    chosen positive example gets a higher score than a randomly chosen negative one.

    Args:
        y_true: 0/1 labels.
        scores: the classifier's scores for class 1 (probabilities or logits; only their order matters).
        thresholds: score thresholds to mark on the curve as points, e.g. ``(0.5,)``.
        label: the legend label; the AUC is appended to it.
        ax: an existing axes, or ``None`` for a new figure.

    Returns:
        ``(fig, ax)``; the curve is ``ax.get_lines()[0]`` (false-positive rate, true-positive rate).

    Shape:
        y_true, scores: (N,).

    Raises:
        ValueError: if the shapes differ, a label is not 0 or 1, or one class is missing.
        TypeError: if the arrays do not hold numbers.

    Example:
        >>> fig, ax = plot_roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], label="model")
        >>> ax.get_lines()[0].get_label()
        'model (AUC = 0.750)'
    """
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_auc_score, roc_curve

    y_true = as_array(y_true, "y_true", ndim=1)
    scores = as_array(scores, "scores", shape=(len(y_true),))
    if not np.all((y_true == 0) | (y_true == 1)):
        raise ValueError(f"y_true must hold 0/1 labels; got the values {np.unique(y_true)[:10]}")
    if len(np.unique(y_true)) < 2:
        raise ValueError("y_true must contain both classes, 0 and 1, to draw a ROC curve")
    fpr, tpr, _ = roc_curve(y_true, scores)
    auc = roc_auc_score(y_true, scores)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.6, 4.4))
    else:
        fig = ax.figure
    text = f"{label} (AUC = {auc:.3f})" if label else f"AUC = {auc:.3f}"
    (curve,) = ax.plot(fpr, tpr, drawstyle="steps-post", label=text)
    if not any(line.get_label() == "chance" for line in ax.get_lines()):
        ax.plot([0, 1], [0, 1], ":", color="0.5", label="chance")
    positives, negatives = y_true == 1, y_true == 0
    for threshold, marker in zip(thresholds, itertools.cycle("osD^v")):
        predicted = scores >= threshold
        point = (predicted[negatives].mean(), predicted[positives].mean())  # (FPR, TPR)
        ax.plot(
            *point,
            marker,
            color=curve.get_color(),
            markeredgecolor="k",
            markersize=7,
            label=f"threshold {threshold:g}",
        )
    ax.set_xlabel("false-positive rate")
    ax.set_ylabel("true-positive rate (recall)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_title("ROC curve")
    ax.legend(loc="lower right", fontsize=8)
    return fig, ax


def plot_weight_images(
    weights: ArrayLike,
    image_shape: Sequence[int] = (28, 28),
    *,
    n: int | None = None,
    ncols: int = 8,
    panel_size: float = 1.2,
    cmap: str = "RdBu_r",
) -> tuple[Any, np.ndarray]:
    """Show the incoming weights of the first layer's units as images, one panel per unit.

    Unit j of a dense layer on flattened images computes a weighted sum of the pixels; reshaping its
    weights ``weights[:, j]`` to the image shape shows which pixels push it up (red) or down (blue).
    Each panel has its own symmetric colour scale around zero.

    Args:
        weights: the layer's weight matrix, inputs x units: dlbook's and Keras' layout. A PyTorch
            ``nn.Linear`` stores the transpose, so pass ``layer.weight.detach().numpy().T``.
        image_shape: the shape of one input image; its size must equal the number of inputs.
        n: how many units to show (the first ``n``); ``None`` shows all.
        ncols: panels per row.
        panel_size: the width of each panel, in inches.
        cmap: a diverging colour map.

    Returns:
        ``(fig, axes)``: a 2-D array of axes (unused panels switched off).

    Shape:
        weights: (H * W, units).

    Raises:
        ValueError: if the number of inputs is not the size of ``image_shape`` (the message suggests a
            transpose when that would fit) or ``n`` exceeds the number of units.

    Example:
        >>> fig, axes = plot_weight_images(np.zeros((16, 3)), image_shape=(4, 4))
        >>> axes.size, axes[0, 0].images[0].get_array().shape
        (3, (4, 4))
    """
    weights = as_array(weights, "weights", ndim=2)
    image_shape = tuple(check_positive_int(s, "image_shape entry") for s in image_shape)
    size = int(np.prod(image_shape))
    if weights.shape[0] != size:
        tip = (
            " (it looks transposed: pass weights.T; torch's nn.Linear stores (units, inputs))"
            if weights.shape[1] == size
            else ""
        )
        raise ValueError(
            f"weights must have shape ({size}, units) for images of shape {image_shape}; "
            f"got {weights.shape}{tip}"
        )
    units = weights.shape[1]
    n = units if n is None else check_positive_int(n, "n")
    if n > units:
        raise ValueError(f"n must be at most the number of units, {units}; got {n}")
    fig, axes = _grid_axes(n, check_positive_int(ncols, "ncols"), panel_size)
    for j, ax in enumerate(axes.ravel()[:n]):
        _signed_image(ax, weights[:, j].reshape(image_shape), f"unit {j}", cmap)
    fig.tight_layout()
    return fig, axes


# --------------------------------------------------------------------------- convolutional networks


def plot_feature_maps(
    maps: Any,
    *,
    n: int | None = None,
    ncols: int = 8,
    panel_size: float = 1.2,
    cmap: str = "viridis",
    title: str | None = None,
) -> tuple[Any, np.ndarray]:
    """Show the channels of one image's feature maps, one panel per channel.

    Each panel has its own colour scale, so a channel that responds weakly everywhere still shows
    where it responds most.

    Args:
        maps: the feature maps of one image, channels first (PyTorch's layout; pass
            ``maps.transpose(2, 0, 1)`` for a Keras map of shape (H, W, C)).
        n: how many channels to show (the first ``n``); ``None`` shows all.
        ncols: panels per row.
        panel_size: the width of each panel, in inches.
        cmap: the colour map.
        title: a title for the whole figure, e.g. the layer's name.

    Returns:
        ``(fig, axes)``: a 2-D array of axes, titled ``"channel k"`` (unused panels switched off).

    Shape:
        maps: (C, H, W).

    Raises:
        ValueError: if ``maps`` is not 3-D or ``n`` exceeds the number of channels.

    Example:
        >>> fig, axes = plot_feature_maps(np.zeros((3, 5, 5)), title="conv1")
        >>> [ax.get_title() for ax in axes.ravel()], fig._suptitle.get_text()
        (['channel 0', 'channel 1', 'channel 2'], 'conv1')
    """
    maps = as_array(maps, "maps", ndim=3)
    channels = maps.shape[0]
    n = channels if n is None else check_positive_int(n, "n")
    if n > channels:
        raise ValueError(f"n must be at most the number of channels, {channels}; got {n}")
    fig, axes = _grid_axes(n, check_positive_int(ncols, "ncols"), panel_size)
    for k, ax in enumerate(axes.ravel()[:n]):
        ax.imshow(maps[k], cmap=cmap)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"channel {k}", fontsize=7)
    if title is not None:
        fig.suptitle(title)
    fig.tight_layout()
    return fig, axes


def plot_filters(
    weight: Any,
    *,
    in_channel: int = 0,
    n: int | None = None,
    ncols: int = 8,
    panel_size: float = 1.0,
    cmap: str = "RdBu_r",
) -> tuple[Any, np.ndarray]:
    """Show a convolution layer's kernels for one input channel, one panel per filter.

    Red weights add the pixels under them, blue ones subtract them; each panel has its own
    symmetric colour scale around zero, so a filter's pattern shows whatever its size.

    Args:
        weight: the kernel tensor in PyTorch's layout ``(out, in, kh, kw)``
            (``conv.weight.detach().numpy()``); Keras stores ``(kh, kw, in, out)``, so pass
            ``kernel.transpose(3, 2, 0, 1)``.
        in_channel: which input channel's kernels to draw.
        n: how many filters to show (the first ``n``); ``None`` shows all.
        ncols: panels per row.
        panel_size: the width of each panel, in inches.
        cmap: a diverging colour map.

    Returns:
        ``(fig, axes)``: a 2-D array of axes, titled ``"filter k"``.

    Shape:
        weight: (out, in, kh, kw).

    Raises:
        ValueError: if ``weight`` is not 4-D (with a hint when it looks like Keras' layout),
            ``in_channel`` is out of range or ``n`` exceeds the number of filters.

    Example:
        >>> fig, axes = plot_filters(np.ones((4, 1, 3, 3)))
        >>> axes.size, axes[0, 0].images[0].get_array().shape
        (4, (3, 3))
    """
    weight = as_array(weight, "weight", ndim=4)
    out, channels_in, kh, kw = weight.shape
    if out == channels_in and kh != kw:  # (k, k, in, out) with in != out: Keras' layout
        raise ValueError(
            f"weight must have shape (out, in, kh, kw); got {weight.shape}, which looks like "
            "Keras' (kh, kw, in, out): pass kernel.transpose(3, 2, 0, 1)"
        )
    if not 0 <= int(in_channel) < channels_in:
        raise ValueError(f"in_channel must be in 0..{channels_in - 1}; got {in_channel}")
    n = out if n is None else check_positive_int(n, "n")
    if n > out:
        raise ValueError(f"n must be at most the number of filters, {out}; got {n}")
    fig, axes = _grid_axes(n, check_positive_int(ncols, "ncols"), panel_size)
    for k, ax in enumerate(axes.ravel()[:n]):
        _signed_image(ax, weight[k, int(in_channel)], f"filter {k}", cmap)
    fig.tight_layout()
    return fig, axes


def plot_grid_heatmap(
    values: Any,
    row_values: Sequence[Any],
    col_values: Sequence[Any],
    *,
    row_label: str,
    col_label: str,
    title: str = "",
    ax: Any = None,
    fmt: str = ".2f",
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = "viridis",
    mark_best: bool = True,
) -> tuple[Any, Any]:
    """Draw the scores of a two-hyperparameter grid as an annotated heatmap.

    Row ``i`` and column ``j`` hold the score measured with the ``i``-th value of the first
    hyperparameter and the ``j``-th value of the second. Each cell is written out; with
    ``mark_best`` a black frame marks the highest score (the first one, on ties).

    Args:
        values: the scores.
        row_values: the values of the hyperparameter along the rows (tick labels).
        col_values: the values along the columns.
        row_label: the name of the row hyperparameter (y-axis label).
        col_label: the name of the column hyperparameter (x-axis label).
        title: the axes' title.
        ax: existing axes, or ``None`` for a new figure.
        fmt: the format of the numbers written in the cells.
        vmin: the bottom of the colour scale (``None``: the lowest score).
        vmax: the top of the colour scale (``None``: the highest score).
        cmap: the colour map.
        mark_best: frame the best cell.

    Returns:
        ``(fig, ax)``.

    Shape:
        values: (len(row_values), len(col_values)).

    Raises:
        ValueError: if the shape of ``values`` does not match the numbers of row and column values.

    Example:
        >>> fig, ax = plot_grid_heatmap([[0.5, 0.9], [0.7, 0.1]], [0.1, 1.0], [0, 1e-3],
        ...                             row_label="learning rate", col_label="L2", title="test")
        >>> ax.get_title(), ax.get_ylabel(), [t.get_text() for t in ax.texts]
        ('test', 'learning rate', ['0.50', '0.90', '0.70', '0.10'])
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    values = as_array(values, "values", ndim=2)
    rows, cols = list(row_values), list(col_values)
    if values.shape != (len(rows), len(cols)):
        raise ValueError(
            f"values must have shape (len(row_values), len(col_values)) = ({len(rows)}, {len(cols)}); "
            f"got {values.shape}"
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.0 + 0.9 * len(cols), 0.8 + 0.55 * len(rows)))
    else:
        fig = ax.figure
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    low, high = image.get_clim()
    for i, j in itertools.product(range(len(rows)), range(len(cols))):
        dark = (values[i, j] - low) < 0.5 * (high - low)
        ax.text(
            j,
            i,
            format(values[i, j], fmt),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if dark else "black",
        )
    if mark_best:
        i, j = np.unravel_index(np.nanargmax(values), values.shape)
        ax.add_patch(
            Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2.5)
        )
    ax.set_xticks(range(len(cols)), [f"{v:g}" if isinstance(v, float) else str(v) for v in cols])
    ax.set_yticks(range(len(rows)), [f"{v:g}" if isinstance(v, float) else str(v) for v in rows])
    ax.set_xlabel(col_label)
    ax.set_ylabel(row_label)
    ax.set_title(title)
    fig.colorbar(image, ax=ax)
    return fig, ax
