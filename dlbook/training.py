"""Training helpers: one epoch, evaluation and a fit loop for PyTorch, and histories for both frameworks.

A *history* is a plain dictionary from a quantity's name to its value after each epoch, the shape
Keras uses for ``model.fit(...).history``::

    {"loss": [0.61, 0.42, ...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}

Training quantities have bare names; the same quantity on the validation data has the prefix
``val_``. :func:`fit` returns such a dictionary for a PyTorch model and :func:`history_from_keras`
turns a Keras ``History`` into one, so a single plotting helper
(:func:`dlbook.plotting.plot_history`) draws the learning curves of either.

PyTorch is imported inside the functions that need it, so importing this module is cheap; nothing
here imports TensorFlow or Keras.

Metrics are functions ``metric(outputs, targets) -> float`` of NumPy arrays: the model's raw
outputs (logits for classifiers) and the targets of a whole epoch, concatenated in order. Any
score can therefore be used, including ones that are not averages over examples (ROC AUC, RMSE).

Example:
    >>> import torch
    >>> from torch import nn
    >>> _ = torch.manual_seed(0)
    >>> x = torch.linspace(-1, 1, 64).reshape(-1, 1)
    >>> loader = ArrayLoader(x, 3 * x, batch_size=16)
    >>> model = nn.Linear(1, 1)
    >>> history = fit(model, loader, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.5),
    ...               epochs=3, val_loader=loader, device="cpu", progress=False)
    >>> sorted(history)
    ['loss', 'val_loss']
    >>> history["loss"][-1] < history["loss"][0]
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import check_positive_int

__all__ = [
    "History",
    "Metric",
    "ArrayLoader",
    "accuracy",
    "train_epoch",
    "evaluate",
    "predict",
    "fit",
    "check_history",
    "history_from_keras",
]

#: Quantity name -> one value per epoch; validation quantities are prefixed with ``val_``.
History = dict[str, list[float]]
#: ``metric(outputs, targets) -> float`` on NumPy arrays holding a whole epoch.
Metric = Callable[[np.ndarray, np.ndarray], float]


# --------------------------------------------------------------------------- data


def _as_tensor(value: ArrayLike, name: str, *, inputs: bool) -> Any:
    """A tensor from an array-like, in the dtype a model or a loss expects.

    Floats and booleans become float32. Integer targets become int64 (class labels, as
    ``nn.CrossEntropyLoss`` wants them); so do integer inputs (token ids for ``nn.Embedding``),
    except ``uint8`` inputs, which are images: they become float32 in [0, 1] (divided by 255, as
    ``torchvision.transforms.ToTensor`` does).
    """
    import torch

    if isinstance(value, torch.Tensor):
        tensor = value.detach()
    else:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers; got dtype {array.dtype}")
        tensor = torch.from_numpy(array.copy() if array.ndim == 0 else np.ascontiguousarray(array))
    if tensor.ndim == 0:
        raise ValueError(
            f"{name} must have a first (example) dimension; got a scalar of shape {tuple(tensor.shape)}"
        )
    if tensor.dtype == torch.bool or tensor.is_floating_point():
        return tensor.float()
    if inputs and tensor.dtype == torch.uint8:
        return tensor.float() / 255.0  # images: 0-255 -> [0, 1]
    return tensor.long()


class ArrayLoader:
    """Mini-batches of in-memory arrays, made by slicing: a lean ``DataLoader(TensorDataset(x, y))``.

    PyTorch's ``DataLoader`` fetches a batch one example at a time and then stacks them, which costs
    more than the arithmetic for the small networks of a first course. This loader cuts each batch
    out of the whole tensor with one indexing operation. Each pass over it (one epoch) reshuffles
    when ``shuffle`` is true, with its own seeded generator, so runs repeat exactly.

    Floating-point inputs become ``float32``; ``uint8`` inputs (images, as the loaders of
    :mod:`dlbook.data` return them) become ``float32`` in [0, 1], divided by 255 as torchvision's
    ``ToTensor`` does; other integer inputs (token ids) and integer targets become ``int64`` (class
    labels, as ``nn.CrossEntropyLoss`` wants them); booleans become ``float32``.

    Args:
        x: inputs, one example per row (a NumPy array or a tensor).
        y: targets with the same number of rows.
        batch_size: examples per batch; the last batch may be smaller.
        shuffle: draw a new random order at every pass.
        seed: the seed of the shuffling generator.

    Shape:
        x: (N, ...). y: (N, ...). Each batch: (B, ...) and (B, ...) with B <= batch_size.

    Raises:
        TypeError: if ``x`` or ``y`` does not hold numbers, or ``batch_size`` is not an integer.
        ValueError: if ``x`` and ``y`` have different numbers of rows or ``batch_size`` < 1.

    Example:
        >>> loader = ArrayLoader(np.zeros((10, 3)), np.arange(10), batch_size=4)
        >>> len(loader), [tuple(xb.shape) for xb, yb in loader]
        (3, [(4, 3), (4, 3), (2, 3)])
        >>> next(iter(loader))[1].dtype
        torch.int64
    """

    def __init__(
        self,
        x: ArrayLike,
        y: ArrayLike,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int = 0,
    ) -> None:
        import torch

        self.x = _as_tensor(x, "x", inputs=True)
        self.y = _as_tensor(y, "y", inputs=False)
        if len(self.x) != len(self.y):
            raise ValueError(
                f"x and y must have the same number of rows (examples); got x {tuple(self.x.shape)} "
                f"and y {tuple(self.y.shape)}"
            )
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.shuffle = bool(shuffle)
        self.generator = torch.Generator().manual_seed(check_positive_int(seed, "seed", minimum=0))

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __iter__(self):
        import torch

        n = len(self.x)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            if order is None:
                yield (
                    self.x[start : start + self.batch_size],
                    self.y[start : start + self.batch_size],
                )
            else:
                index = order[start : start + self.batch_size]  # (B,)
                yield self.x[index], self.y[index]

    def __repr__(self) -> str:
        return (
            f"ArrayLoader({len(self.x)} examples, x {tuple(self.x.shape[1:])}, y {tuple(self.y.shape[1:])}, "
            f"batch_size={self.batch_size}, shuffle={self.shuffle})"
        )


# --------------------------------------------------------------------------- metrics


def accuracy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Fraction of correct predictions from logits: arg max for several classes, logit > 0 for one.

    A classifier's logits become class predictions in two ways. With K >= 2 output units (softmax
    classifiers) the prediction is the unit with the largest logit. With a single output unit (a
    sigmoid classifier) the prediction is 1 when the logit is positive, that is when the
    probability is above 0.5.

    Args:
        logits: the model's raw outputs.
        targets: integer class labels, or 0/1 labels for a single output unit.

    Returns:
        The accuracy, a float in [0, 1].

    Shape:
        logits: (N, K) with K >= 2, or (N, 1) or (N,). targets: (N,) or, for one unit, (N, 1).

    Raises:
        ValueError: if the shapes do not fit together.

    Example:
        >>> accuracy(np.array([[2.0, 0.1], [0.3, 0.9], [1.0, 0.0]]), np.array([0, 1, 1]))
        0.6666666666666666
        >>> accuracy(np.array([1.5, -0.2]), np.array([1.0, 0.0]))
        1.0
    """
    logits, targets = np.asarray(logits), np.asarray(targets)
    if logits.ndim == 2 and logits.shape[1] >= 2:
        if targets.shape != (len(logits),):
            raise ValueError(
                f"targets must have shape ({len(logits)},) (class labels) for logits of shape "
                f"{logits.shape}; got {targets.shape}"
            )
        predicted = np.argmax(logits, axis=1)
    elif logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1):
        if targets.size != len(logits) or targets.ndim > 2:
            raise ValueError(
                f"targets must have shape ({len(logits)},) or ({len(logits)}, 1) for logits of shape "
                f"{logits.shape}; got {targets.shape}"
            )
        predicted, targets = (logits.reshape(-1) > 0).astype(int), targets.reshape(-1)
    else:
        raise ValueError(f"logits must have shape (N,), (N, 1) or (N, K); got {logits.shape}")
    return float(np.mean(predicted == targets))


# --------------------------------------------------------------------------- one epoch


def _device(device: Any) -> Any:
    import torch

    from dlbook.repro import get_device

    return get_device() if device is None else torch.device(device)


def _check_model(model: Any) -> None:
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")


def _check_training_objects(
    model: Any, loss_fn: Any, metrics: Mapping[str, Metric] | None
) -> dict[str, Metric]:
    _check_model(model)
    if not callable(loss_fn):
        raise TypeError(
            f"loss_fn must be callable, such as nn.MSELoss(); got {type(loss_fn).__name__}"
        )
    metrics = {} if metrics is None else dict(metrics)
    for name, metric in metrics.items():
        if not isinstance(name, str) or name == "loss" or name.startswith("val_"):
            raise ValueError(
                f"metric names must be strings other than 'loss' without the prefix 'val_'; got {name!r}"
            )
        if not callable(metric):
            raise TypeError(
                f"metric {name!r} must be a function metric(outputs, targets); got {type(metric).__name__}"
            )
    return metrics


def _batch_pair(batch: Any) -> tuple[Any, Any]:
    if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
        got = f"a {type(batch).__name__}" + (
            f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else ""
        )
        raise TypeError(f"each batch must be a pair (inputs, targets); got {got}")
    return batch[0], batch[1]


@contextmanager
def _in_mode(model: Any, training: bool) -> Iterator[None]:
    """Put ``model`` in training or evaluation mode, and give every submodule its own mode back after."""
    modes = [(module, module.training) for module in model.modules()]
    model.train(training)
    try:
        yield
    finally:
        for module, was_training in modes:
            module.training = was_training


def _run_epoch(
    model: Any,
    loader: Iterable,
    loss_fn: Any,
    optimizer: Any,
    metrics: dict[str, Metric],
    device: Any,
) -> dict[str, float]:
    """Shared body of train_epoch (with an optimizer) and evaluate (without one)."""
    import torch

    training = optimizer is not None
    batch_losses, count = [], 0  # each batch's summed loss, kept on the device until the end
    outputs, targets = [], []
    with torch.set_grad_enabled(training):
        for batch in loader:
            x, y = _batch_pair(batch)
            x, y = x.to(device), y.to(device)
            out = model(x)  # (B, ...)
            loss = loss_fn(out, y)  # the batch mean
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            batch_losses.append(loss.detach() * len(x))  # no device sync inside the loop
            count += len(x)
            if metrics:
                outputs.append(out.detach().cpu())
                targets.append(y.detach().cpu())
    if count == 0:
        raise ValueError("the loader yielded no batches")
    total_loss = (
        torch.stack(batch_losses).cpu().double().sum()
    )  # float64 sum on the CPU (MPS has none)
    result = {"loss": float(total_loss) / count}
    if metrics:
        all_outputs, all_targets = torch.cat(outputs).numpy(), torch.cat(targets).numpy()
        for name, metric in metrics.items():
            result[name] = float(metric(all_outputs, all_targets))
    return result


def train_epoch(
    model: Any,
    loader: Iterable,
    loss_fn: Any,
    optimizer: Any,
    *,
    metrics: Mapping[str, Metric] | None = None,
    device: Any = None,
) -> dict[str, float]:
    """Train ``model`` for one pass over ``loader``: forward, loss, backward and a step per batch.

    The reported loss is the mean over all examples of the epoch (each batch's mean loss weighted by
    its size), computed while the weights change, as Keras reports it. Metrics are computed on the
    outputs of the whole epoch, collected batch by batch.

    Args:
        model: a ``torch.nn.Module``; it is moved to ``device`` and in training mode during the
            pass (each submodule's mode is restored afterwards).
        loader: an iterable of ``(inputs, targets)`` batches, such as :class:`ArrayLoader` or a
            ``torch.utils.data.DataLoader``.
        loss_fn: ``loss_fn(outputs, targets)`` returning the batch's mean loss, e.g. ``nn.MSELoss()``.
        optimizer: a ``torch.optim`` optimizer over the model's parameters.
        metrics: name -> ``metric(outputs, targets)`` on NumPy arrays, e.g. ``{"accuracy": accuracy}``.
        device: where to compute; ``None`` picks :func:`dlbook.repro.get_device`.

    Returns:
        ``{"loss": ..., <metric name>: ...}``, as Python floats.

    Raises:
        TypeError: if ``model`` is not a module, a batch is not a pair, or a metric is not callable.
        ValueError: if the loader is empty or a metric name is ``"loss"`` or starts with ``"val_"``.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> _ = torch.manual_seed(0)
        >>> model = nn.Linear(2, 1)
        >>> loader = ArrayLoader(np.ones((8, 2)), np.ones((8, 1)), batch_size=4)
        >>> sgd = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> first = train_epoch(model, loader, nn.MSELoss(), sgd, device="cpu")["loss"]
        >>> second = train_epoch(model, loader, nn.MSELoss(), sgd, device="cpu")["loss"]
        >>> second < first
        True
    """
    metrics = _check_training_objects(model, loss_fn, metrics)
    if optimizer is None or not hasattr(optimizer, "step"):
        raise TypeError(
            f"optimizer must be a torch.optim optimizer; got {type(optimizer).__name__}"
        )
    device = _device(device)
    model.to(device)
    with _in_mode(model, training=True):
        return _run_epoch(model, loader, loss_fn, optimizer, metrics, device)


def evaluate(
    model: Any,
    loader: Iterable,
    loss_fn: Any,
    *,
    metrics: Mapping[str, Metric] | None = None,
    device: Any = None,
) -> dict[str, float]:
    """Compute the mean loss and the metrics of ``model`` on ``loader``, without training.

    The model is in evaluation mode during the pass (dropout off, batch norm uses its running
    statistics; each submodule's mode is restored afterwards) and no gradients are recorded.

    Args:
        model: a ``torch.nn.Module``; it is moved to ``device``.
        loader: an iterable of ``(inputs, targets)`` batches.
        loss_fn: ``loss_fn(outputs, targets)`` returning the batch's mean loss.
        metrics: name -> ``metric(outputs, targets)`` on NumPy arrays.
        device: where to compute; ``None`` picks :func:`dlbook.repro.get_device`.

    Returns:
        ``{"loss": ..., <metric name>: ...}``, as Python floats.

    Raises:
        TypeError: if ``model`` is not a module, a batch is not a pair, or a metric is not callable.
        ValueError: if the loader is empty.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Linear(1, 2)
        >>> with torch.no_grad():
        ...     _ = model.weight.copy_(torch.tensor([[1.0], [-1.0]])); _ = model.bias.zero_()
        >>> loader = ArrayLoader(np.array([[1.0], [-1.0], [2.0]]), np.array([0, 1, 1]))
        >>> result = evaluate(model, loader, nn.CrossEntropyLoss(), metrics={"accuracy": accuracy}, device="cpu")
        >>> round(result["accuracy"], 4)
        0.6667
    """
    metrics = _check_training_objects(model, loss_fn, metrics)
    device = _device(device)
    model.to(device)
    with _in_mode(model, training=False):
        return _run_epoch(model, loader, loss_fn, None, metrics, device)


def predict(model: Any, x: ArrayLike, *, batch_size: int = 4096, device: Any = None) -> np.ndarray:
    """Run ``model`` on the inputs ``x`` in evaluation mode and return its outputs as a NumPy array.

    Each submodule's mode is restored afterwards; an empty ``x`` gives an empty output.

    Args:
        model: a ``torch.nn.Module``.
        x: inputs, one example per row (a NumPy array or a tensor).
        batch_size: examples per forward pass (bounds the memory used).
        device: where to compute; ``None`` picks :func:`dlbook.repro.get_device`.

    Returns:
        The model's outputs (logits for a classifier), on the CPU.

    Shape:
        x: (N, ...). Output: (N, ...) as the model produces it.

    Raises:
        TypeError: if ``model`` is not a module or ``x`` does not hold numbers.

    Example:
        >>> from torch import nn
        >>> predict(nn.Linear(3, 2), np.zeros((5, 3)), device="cpu").shape
        (5, 2)
    """
    import torch

    _check_model(model)
    x = _as_tensor(x, "x", inputs=True)
    batch_size = check_positive_int(batch_size, "batch_size")
    device = _device(device)
    model.to(device)
    starts = range(0, max(len(x), 1), batch_size)  # one (empty) batch for empty x
    with _in_mode(model, training=False), torch.no_grad():
        parts = [model(x[start : start + batch_size].to(device)).cpu() for start in starts]
    return torch.cat(parts).numpy()


def fit(
    model: Any,
    train_loader: Iterable,
    loss_fn: Any,
    optimizer: Any,
    *,
    epochs: int,
    val_loader: Iterable | None = None,
    metrics: Mapping[str, Metric] | None = None,
    scheduler: Any = None,
    device: Any = None,
    progress: bool = True,
) -> History:
    """Train for a fixed number of epochs and return the history of losses and metrics.

    Each epoch runs :func:`train_epoch`, then :func:`evaluate` on ``val_loader`` when one is given,
    then ``scheduler.step()`` when a learning-rate scheduler is given (so the scheduler counts
    epochs). A ``tqdm`` progress bar shows the epochs and the latest losses; set the environment
    variable ``TQDM_DISABLE=1`` or pass ``progress=False`` to hide it.

    Args:
        model: a ``torch.nn.Module``; it is moved to ``device`` and trained in place.
        train_loader: an iterable of ``(inputs, targets)`` batches, reshuffled by each pass.
        loss_fn: ``loss_fn(outputs, targets)`` returning the batch's mean loss.
        optimizer: a ``torch.optim`` optimizer over the model's parameters.
        epochs: the number of passes over the training data.
        val_loader: batches to evaluate on after every epoch, or ``None``.
        metrics: name -> ``metric(outputs, targets)`` on NumPy arrays.
        scheduler: a ``torch.optim.lr_scheduler`` stepped once per epoch, or ``None``.
        device: where to compute; ``None`` picks :func:`dlbook.repro.get_device`.
        progress: show a progress bar (unless ``TQDM_DISABLE`` is set).

    Returns:
        The history: ``{"loss": [...], <metric>: [...], "val_loss": [...], "val_<metric>": [...]}``
        with one float per epoch (the ``val_`` entries only with a ``val_loader``).

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``epochs`` < 1, a loader is empty or a metric name is reserved.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> _ = torch.manual_seed(0)
        >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> loader = ArrayLoader(x, np.array([0, 1, 1, 0]), batch_size=4)
        >>> model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
        >>> adam = torch.optim.Adam(model.parameters(), lr=0.05)
        >>> history = fit(model, loader, nn.CrossEntropyLoss(), adam, epochs=100,
        ...               metrics={"accuracy": accuracy}, device="cpu", progress=False)
        >>> len(history["loss"]), history["accuracy"][-1]
        (100, 1.0)
    """
    from tqdm.auto import tqdm

    metrics = _check_training_objects(model, loss_fn, metrics)
    epochs = check_positive_int(epochs, "epochs")
    if scheduler is not None and not hasattr(scheduler, "step"):
        raise TypeError(
            f"scheduler must be a torch.optim.lr_scheduler object or None; got {type(scheduler).__name__}"
        )
    device = _device(device)
    history: History = {}
    # Passing disable only when progress is off lets the TQDM_DISABLE environment variable decide otherwise.
    bar = tqdm(
        range(epochs), desc="epochs", unit="epoch", **({} if progress else {"disable": True})
    )
    for _ in bar:
        scores = train_epoch(
            model, train_loader, loss_fn, optimizer, metrics=metrics, device=device
        )
        if val_loader is not None:
            validation = evaluate(model, val_loader, loss_fn, metrics=metrics, device=device)
            scores.update({f"val_{name}": value for name, value in validation.items()})
        if scheduler is not None:
            scheduler.step()
        for name, value in scores.items():
            history.setdefault(name, []).append(value)
        bar.set_postfix(
            {name: f"{value:.4g}" for name, value in scores.items() if name.endswith("loss")}
        )
    return history


# --------------------------------------------------------------------------- histories


def check_history(history: Any) -> History:
    """Check a history and return it as a dict of lists of floats (a Keras ``History`` is unwrapped).

    Args:
        history: a mapping from names to per-epoch values, or an object with such a mapping in its
            ``history`` attribute (what Keras' ``model.fit`` returns).

    Returns:
        A new dict with the same keys and lists of Python floats.

    Raises:
        TypeError: if it is not a mapping of strings to sequences of real numbers.
        ValueError: if it is empty, a sequence is empty, or the sequences differ in length.

    Example:
        >>> check_history({"loss": [1, 0.5], "val_loss": [1.2, 0.9]})
        {'loss': [1.0, 0.5], 'val_loss': [1.2, 0.9]}
    """
    raw = getattr(history, "history", history)
    if not isinstance(raw, Mapping):
        raise TypeError(
            f"a history is a dict such as {{'loss': [...], 'val_loss': [...]}} or a Keras History; "
            f"got {type(history).__name__}"
        )
    if not raw:
        raise ValueError("the history is empty: it holds no quantities")
    clean: History = {}
    for name, values in raw.items():
        if not isinstance(name, str):
            raise TypeError(f"history keys must be strings; got {type(name).__name__} {name!r}")
        array = np.asarray(values)
        if array.ndim != 1 or array.dtype.kind not in "biuf":
            raise TypeError(
                f"history[{name!r}] must be a sequence of numbers, one per epoch; "
                f"got shape {array.shape} and dtype {array.dtype}"
            )
        if array.size == 0:
            raise ValueError(f"history[{name!r}] is empty; expected one value per epoch")
        clean[name] = [float(v) for v in array]
    lengths = {name: len(values) for name, values in clean.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"every quantity of a history needs one value per epoch; got lengths {lengths}"
        )
    return clean


def history_from_keras(history: Any) -> History:
    """Turn what Keras' ``model.fit`` returns into a history like :func:`fit`'s.

    Keras already names quantities ``loss``, ``val_loss``, ``<metric>`` and ``val_<metric>``;
    this function unwraps the ``History`` object, converts the values (NumPy or TensorFlow scalars)
    to Python floats, drops bookkeeping entries that are not per-epoch scores (the learning rate
    that some callbacks record, ``"learning_rate"`` or ``"lr"``), and checks that every list has
    one value per epoch.

    Args:
        history: a ``keras.callbacks.History`` (the return value of ``fit``) or its ``history`` dict.

    Returns:
        ``{"loss": [...], ..., "val_loss": [...], ...}`` with Python floats.

    Raises:
        TypeError: if ``history`` is neither a Keras History nor a dict of number sequences.
        ValueError: if it is empty or its lists differ in length.

    Example:
        >>> class FakeKerasHistory:  # what keras.Model.fit returns has the same attribute
        ...     history = {"loss": [np.float32(0.5), np.float32(0.25)], "val_loss": [0.75, 0.5],
        ...                "learning_rate": [0.001, 0.001]}
        >>> history_from_keras(FakeKerasHistory())
        {'loss': [0.5, 0.25], 'val_loss': [0.75, 0.5]}
    """
    raw = getattr(history, "history", history)
    if isinstance(raw, Mapping):
        raw = {name: values for name, values in raw.items() if name not in ("learning_rate", "lr")}
    return check_history(raw)
