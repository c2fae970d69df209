"""Small recurrent forecasters in PyTorch: a window in, the next value out, trained with a fixed budget.

:class:`RecurrentForecaster` reads a window ``(B, L)`` (or ``(B, L, F)`` with ``F``
features per step) with an ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` and maps the last
hidden state to one number through a linear layer: the many-to-one architecture.
:func:`train_forecaster` trains it by mini-batch Adam(W) with a cosine-decaying
learning rate for a fixed number of epochs on in-memory tensors, on the GPU when
there is one; :func:`forecast` returns NumPy predictions.

Example:
    >>> import numpy as np
    >>> model = RecurrentForecaster("gru", hidden_size=4)
    >>> forecast(model, np.zeros((3, 20))).shape
    (3,)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from numpy.typing import ArrayLike
from torch import nn

from dlbook.validation import (
    as_array,
    check_choice,
    check_non_negative,
    check_positive_int,
    check_positive_number,
)

__all__ = ["RECURRENT_LAYERS", "RecurrentForecaster", "train_forecaster", "forecast"]

#: The recurrent layer behind each ``kind``.
RECURRENT_LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RecurrentForecaster(nn.Module):
    """A recurrent layer followed by a linear head on the last hidden state (many-to-one).

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        hidden_size: size of the hidden state.
        input_size: features per time step.
        num_layers: stacked recurrent layers.

    Shape:
        input ``(B, L)`` or ``(B, L, input_size)``; output ``(B,)``.
    """

    def __init__(
        self, kind: str, hidden_size: int, input_size: int = 1, num_layers: int = 1
    ) -> None:
        super().__init__()
        check_choice(kind, "kind", tuple(RECURRENT_LAYERS))
        self.kind = kind
        self.recurrent = RECURRENT_LAYERS[kind](
            check_positive_int(input_size, "input_size"),
            check_positive_int(hidden_size, "hidden_size"),
            num_layers=check_positive_int(num_layers, "num_layers"),
            batch_first=True,
        )
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 2:
            x = x.unsqueeze(-1)  # (B, L) -> (B, L, 1)
        output, _ = self.recurrent(x)  # (B, L, H)
        return self.head(output[:, -1]).squeeze(-1)  # (B,)


def _inputs(x: ArrayLike, model: RecurrentForecaster) -> np.ndarray:
    x = as_array(x, "x", ndim=(2, 3)).astype(np.float32)
    features = 1 if x.ndim == 2 else x.shape[2]
    if features != model.recurrent.input_size:
        raise ValueError(
            f"x must have {model.recurrent.input_size} features per step; got shape {x.shape}"
        )
    return x


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def train_forecaster(
    model: RecurrentForecaster,
    x: ArrayLike,
    y: ArrayLike,
    *,
    epochs: int = 100,
    batch_size: int = 32,
    lr: float = 5e-3,
    weight_decay: float = 0.0,
    decay: bool = True,
    seed: int = 0,
    device: Any = None,
) -> list[float]:
    """Train by mini-batch AdamW on the mean squared error, the learning rate decaying by a cosine to 0.

    Args:
        model: the forecaster (moved to ``device``).
        x: the training windows.
        y: the next values.
        epochs: passes over the shuffled windows.
        batch_size: windows per step.
        lr: the initial learning rate.
        weight_decay: AdamW's decoupled weight decay.
        decay: decay the learning rate to zero along a cosine (else keep it constant).
        seed: seeds the shuffling (the weights are seeded by whoever builds the model).
        device: where to train (default: :func:`dlbook.repro.get_device`).

    Returns:
        The mean training loss of every epoch.

    Shape:
        x ``(N, L)`` or ``(N, L, F)``, y ``(N,)``.
    """
    from dlbook.repro import get_device

    device = torch.device(device) if device is not None else get_device()
    xs = _inputs(x, model)
    ys = as_array(y, "y", shape=(len(xs),)).astype(np.float32)
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    model.to(device).train()
    xt, yt = torch.from_numpy(xs).to(device), torch.from_numpy(ys).to(device)
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=check_positive_number(lr, "lr"),
        weight_decay=check_non_negative(weight_decay, "weight_decay"),
    )
    schedule = (
        torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
        if decay
        else torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0)
    )
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=generator).to(device)
        total = 0.0
        for start in range(0, len(xt), batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = torch.mean((model(xt[batch]) - yt[batch]) ** 2)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        schedule.step()
        losses.append(total / len(xt))
    return losses


def forecast(model: RecurrentForecaster, x: ArrayLike) -> np.ndarray:
    """The model's one-step forecasts for windows x ``(N, L)`` or ``(N, L, F)``, as a NumPy array ``(N,)``."""
    xs = torch.from_numpy(_inputs(x, model)).to(_device_of(model))
    model.eval()
    with torch.no_grad():
        return model(xs).double().cpu().numpy()
