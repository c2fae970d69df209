"""Small transformers in PyTorch, written to be read top to bottom: a vision transformer and a GPT.

Both models are built from the same three pieces, in the manner of Karpathy's nanoGPT:

- :class:`SelfAttention`: multi-head self-attention, optionally causal, written out
  (``softmax(Q K^T / sqrt(d)) V``) so that its weights can be kept for plotting;
- :class:`FeedForward`: ``Linear -> GELU -> Linear``, four times wider inside;
- :class:`Block`: a pre-norm transformer block, ``x + attn(ln(x))`` then ``x + mlp(ln(x))``.

:class:`VisionTransformer` cuts an image into patches (or runs a small convolutional stem),
adds positions, optionally prepends a class token, runs the blocks and classifies.
:class:`GPT` embeds tokens and positions, runs causal blocks and predicts the next token;
:func:`sample` draws sequences from it with a temperature.

Shapes use B (batch), T (tokens), C (channels = model width), H (heads), D (head size C // H).

Example:
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> model = GPT(GPTConfig(vocab_size=5, block_size=8, width=16, depth=1, n_heads=2))
    >>> model(torch.zeros(3, 8, dtype=torch.long)).shape
    torch.Size([3, 8, 5])
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "SelfAttention",
    "FeedForward",
    "Block",
    "ViTConfig",
    "VisionTransformer",
    "GPTConfig",
    "GPT",
    "sample",
    "count_parameters",
    "augment_shift",
    "train_classifier",
    "classifier_accuracy",
    "TrainingRun",
]


def _check_heads(width: int, n_heads: int) -> None:
    if n_heads < 1 or width % n_heads:
        raise ValueError(
            f"expected a number of heads that divides the width {width}, got n_heads={n_heads}"
        )


class SelfAttention(nn.Module):
    """Multi-head self-attention, ``softmax(Q K^T / sqrt(D)) V`` per head, optionally causal.

    Args:
        width: the model width C.
        n_heads: the number of heads H; must divide ``width``.
        causal: when True, position t attends only to positions <= t.

    Set ``keep_weights = True`` to store the last attention weights in ``self.weights``
    (shape ``(B, H, T, T)``) for plotting.

    Shape:
        input ``(B, T, C)``, output ``(B, T, C)``.
    """

    def __init__(self, width: int, n_heads: int, *, causal: bool = False) -> None:
        super().__init__()
        _check_heads(width, n_heads)
        self.n_heads, self.causal = n_heads, causal
        self.qkv = nn.Linear(width, 3 * width)  # queries, keys and values in one product
        self.proj = nn.Linear(width, width)
        self.keep_weights = False
        self.weights: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        H = self.n_heads
        q, k, v = self.qkv(x).split(C, dim=2)  # 3 x (B, T, C)
        q = q.view(B, T, H, C // H).transpose(1, 2)  # (B, H, T, D)
        k = k.view(B, T, H, C // H).transpose(1, 2)  # (B, H, T, D)
        v = v.view(B, T, H, C // H).transpose(1, 2)  # (B, H, T, D)
        scores = q @ k.transpose(-2, -1) / math.sqrt(C // H)  # (B, H, T, T)
        if self.causal:
            future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(future, float("-inf"))
        weights = scores.softmax(dim=-1)  # (B, H, T, T), rows sum to 1
        if self.keep_weights:
            self.weights = weights.detach()
        y = weights @ v  # (B, H, T, D)
        y = y.transpose(1, 2).reshape(B, T, C)  # (B, T, C): the heads side by side
        return self.proj(y)  # (B, T, C)


class FeedForward(nn.Module):
    """The position-wise network of a block: ``Linear(C, 4C) -> GELU -> Linear(4C, C)``.

    Shape:
        input ``(B, T, C)``, output ``(B, T, C)``.
    """

    def __init__(self, width: int, expansion: int = 4) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(width, expansion * width), nn.GELU(), nn.Linear(expansion * width, width)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # (B, T, C)


class Block(nn.Module):
    """A pre-norm transformer block: ``x + attn(ln1(x))``, then ``x + mlp(ln2(x))``.

    Shape:
        input ``(B, T, C)``, output ``(B, T, C)``.
    """

    def __init__(self, width: int, n_heads: int, *, causal: bool = False) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = SelfAttention(width, n_heads, causal=causal)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = FeedForward(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))  # (B, T, C): tokens exchange information
        x = x + self.mlp(self.ln2(x))  # (B, T, C): each token is transformed on its own
        return x


def _sinusoidal(n_positions: int, width: int) -> torch.Tensor:
    """Sinusoidal positional encodings ``(n_positions, width)`` (see dlbook.attention)."""
    position = torch.arange(n_positions, dtype=torch.float32)[:, None]  # (T, 1)
    frequency = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2) / width)  # (C/2,)
    table = torch.zeros(n_positions, width)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table


# ---------------------------------------------------------------------------
# A vision transformer
# ---------------------------------------------------------------------------

#: How an image becomes tokens: a linear map of each patch, or two small convolutions first.
STEMS = ("patch", "conv")
#: Positional encodings: learned (random start), learned from zeros, fixed sinusoids, none.
POSITIONS = ("learned", "zeros", "sinusoidal", "none")
#: How the tokens become one vector for the classifier.
POOLINGS = ("cls", "mean")


@dataclass
class ViTConfig:
    """The hyper-parameters of :class:`VisionTransformer`.

    Attributes:
        image_size: side of the square input image (8 for the digits).
        patch_size: side of a square patch; ``image_size`` must be a multiple. 1 makes every
            pixel a token.
        in_channels: channels of the input image.
        n_classes: number of classes.
        width: model width C.
        depth: number of blocks.
        n_heads: heads per attention layer (must divide ``width``).
        stem: ``"patch"`` (linear patch embedding) or ``"conv"`` (two 3x3 convolutions,
            then the patch embedding).
        positions: one of :data:`POSITIONS`.
        pooling: ``"cls"`` (a class token) or ``"mean"`` (average of the tokens).
    """

    image_size: int = 8
    patch_size: int = 2
    in_channels: int = 1
    n_classes: int = 10
    width: int = 64
    depth: int = 2
    n_heads: int = 4
    stem: str = "conv"
    positions: str = "learned"
    pooling: str = "cls"

    def __post_init__(self) -> None:
        for name, allowed in (("stem", STEMS), ("positions", POSITIONS), ("pooling", POOLINGS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"expected {name} in {allowed}, got {getattr(self, name)!r}")
        if self.patch_size < 1 or self.image_size % self.patch_size:
            raise ValueError(
                f"expected a patch size that divides the image size {self.image_size}, "
                f"got patch_size={self.patch_size}"
            )
        _check_heads(self.width, self.n_heads)


class VisionTransformer(nn.Module):
    """A small vision transformer: patches as tokens, pre-norm blocks, a linear classifier.

    Shape:
        input ``(B, in_channels, image_size, image_size)``, output logits ``(B, n_classes)``.
    """

    def __init__(self, config: ViTConfig) -> None:
        super().__init__()
        self.config = c = config
        n_tokens = (c.image_size // c.patch_size) ** 2
        stem_channels = 32 if c.stem == "conv" else c.in_channels
        self.stem = (
            nn.Sequential(
                nn.Conv2d(c.in_channels, 16, 3, padding=1), nn.GELU(),
                nn.Conv2d(16, stem_channels, 3, padding=1), nn.GELU(),
            )
            if c.stem == "conv"
            else nn.Identity()
        )  # fmt: skip
        # Cutting into p x p patches and applying one linear map to each is a strided convolution.
        self.patch = nn.Conv2d(stem_channels, c.width, c.patch_size, stride=c.patch_size)
        n_positions = n_tokens + (c.pooling == "cls")
        if c.positions == "sinusoidal":
            self.register_buffer("position", _sinusoidal(n_positions, c.width))
        else:
            start = torch.randn(n_positions, c.width) * 0.02
            self.position = nn.Parameter(start if c.positions == "learned" else 0 * start)
            self.position.requires_grad_(c.positions != "none")
        self.cls = nn.Parameter(torch.zeros(1, 1, c.width)) if c.pooling == "cls" else None
        self.blocks = nn.Sequential(*[Block(c.width, c.n_heads) for _ in range(c.depth)])
        self.ln = nn.LayerNorm(c.width)
        self.head = nn.Linear(c.width, c.n_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.patch(self.stem(images))  # (B, C, h, w): one C-vector per patch
        x = x.flatten(2).transpose(1, 2)  # (B, T, C) with T = h * w tokens
        if self.cls is not None:
            x = torch.cat([self.cls.expand(len(x), -1, -1), x], dim=1)  # (B, 1 + T, C)
        x = x + self.position  # (B, T, C): where each token sits
        x = self.ln(self.blocks(x))  # (B, T, C)
        pooled = x[:, 0] if self.cls is not None else x.mean(dim=1)  # (B, C)
        return self.head(pooled)  # (B, n_classes)

    def attention_weights(self, images: torch.Tensor) -> list[torch.Tensor]:
        """Run the model once and return each block's attention weights, ``(B, H, T, T)`` each."""
        layers = [block.attn for block in self.blocks]
        for layer in layers:
            layer.keep_weights = True
        try:
            with torch.no_grad():
                self(images)
            return [layer.weights for layer in layers]
        finally:
            for layer in layers:
                layer.keep_weights, layer.weights = False, None


# ---------------------------------------------------------------------------
# A decoder-only language model (GPT)
# ---------------------------------------------------------------------------


@dataclass
class GPTConfig:
    """The hyper-parameters of :class:`GPT`.

    Attributes:
        vocab_size: number of distinct tokens.
        block_size: the longest context (number of learned positions).
        width: model width C.
        depth: number of blocks.
        n_heads: heads per attention layer (must divide ``width``).
    """

    vocab_size: int
    block_size: int
    width: int = 64
    depth: int = 2
    n_heads: int = 4

    def __post_init__(self) -> None:
        _check_heads(self.width, self.n_heads)


class GPT(nn.Module):
    """A decoder-only transformer: token and position embeddings, causal blocks, next-token logits.

    Shape:
        input token ids ``(B, T)`` with ``T <= block_size``, output logits ``(B, T, vocab_size)``:
        row t scores the token that follows tokens ``0..t``.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = c = config
        self.token = nn.Embedding(c.vocab_size, c.width)
        self.position = nn.Embedding(c.block_size, c.width)
        self.blocks = nn.Sequential(
            *[Block(c.width, c.n_heads, causal=True) for _ in range(c.depth)]
        )
        self.ln = nn.LayerNorm(c.width)
        self.head = nn.Linear(c.width, c.vocab_size)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        B, T = tokens.shape
        if T > self.config.block_size:
            raise ValueError(
                f"expected at most block_size={self.config.block_size} tokens, got {T}"
            )
        positions = torch.arange(T, device=tokens.device)  # (T,)
        x = self.token(tokens) + self.position(positions)  # (B, T, C)
        x = self.ln(self.blocks(x))  # (B, T, C)
        return self.head(x)  # (B, T, vocab_size)


@torch.no_grad()
def sample(
    model: GPT,
    prompt: Any,
    max_new_tokens: int,
    *,
    temperature: float = 1.0,
    stop_token: int | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Extend prompts token by token, drawing each from ``softmax(logits / temperature)``.

    Args:
        model: a :class:`GPT`.
        prompt: token ids ``(B, T0)`` (a tensor or array-like of ints), ``T0 >= 1``.
        max_new_tokens: how many tokens to add.
        temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
        stop_token: when given, a row stops growing after it has produced this token (later
            positions repeat it), and sampling ends once every row has.
        generator: a ``torch.Generator`` for reproducible draws.

    Returns:
        The prompts followed by the drawn tokens, ``(B, T0 + n)`` with ``n <= max_new_tokens``.

    Raises:
        ValueError: for a temperature that is not positive or a prompt that is not 2-D.

    Example:
        >>> _ = torch.manual_seed(0)
        >>> gpt = GPT(GPTConfig(vocab_size=4, block_size=6, width=8, depth=1, n_heads=2))
        >>> sample(gpt, [[0], [1]], 3, temperature=0.5).shape
        torch.Size([2, 4])
    """
    if not (isinstance(temperature, (int, float)) and temperature > 0):
        raise ValueError(f"expected a temperature > 0, got {temperature!r}")
    device = next(model.parameters()).device
    tokens = torch.as_tensor(prompt, dtype=torch.long, device=device)
    if tokens.ndim != 2 or tokens.shape[1] < 1:
        raise ValueError(
            f"expected a prompt of shape (B, T0) with T0 >= 1, got {tuple(tokens.shape)}"
        )
    model.eval()
    done = torch.zeros(len(tokens), dtype=torch.bool, device=device)
    for _ in range(max_new_tokens):
        context = tokens[:, -model.config.block_size :]  # (B, T) at most block_size
        logits = model(context)[:, -1] / temperature  # (B, vocab): scores of the next token
        probs = logits.softmax(dim=-1)
        nxt = torch.multinomial(probs.cpu(), 1, generator=generator).to(device)  # (B, 1)
        if stop_token is not None:
            nxt[done] = stop_token
            done |= nxt[:, 0] == stop_token
        tokens = torch.cat([tokens, nxt], dim=1)
        if stop_token is not None and bool(done.all()):
            break
    return tokens


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters of a model (works on the ``meta`` device too).

    Example:
        >>> count_parameters(nn.Linear(3, 2))
        8
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---------------------------------------------------------------------------
# Training a small image classifier
# ---------------------------------------------------------------------------


def augment_shift(images: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    """Shift each image by up to ``max_shift`` pixels along each axis, filling with zeros.

    Shape:
        input and output ``(B, C, H, W)``.
    """
    B, _, H, W = images.shape
    s = max_shift
    padded = F.pad(images, (s, s, s, s))  # (B, C, H + 2s, W + 2s)
    dy, dx = torch.randint(0, 2 * s + 1, (2, B), generator=generator)
    rows = (dy[:, None] + torch.arange(H))[:, None, :, None]  # (B, 1, H, 1)
    cols = (dx[:, None] + torch.arange(W))[:, None, None, :]  # (B, 1, 1, W)
    batch = torch.arange(B)[:, None, None, None]
    channel = torch.arange(images.shape[1])[None, :, None, None]
    return padded[batch, channel, rows, cols]


@dataclass
class TrainingRun:
    """What :func:`train_classifier` returns: the loss of every epoch and the seconds taken."""

    losses: list[float]
    seconds: float


def train_classifier(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    epochs: int,
    batch_size: int = 64,
    lr: float = 3e-3,
    weight_decay: float = 0.05,
    schedule: str = "cosine",
    max_shift: int = 0,
    seed: int = 0,
) -> TrainingRun:
    """Train an image classifier with AdamW and cross-entropy, optionally with random shifts.

    Args:
        model: maps images ``(B, C, H, W)`` to logits ``(B, n_classes)``.
        images, labels: the training set, ``(N, C, H, W)`` floats and ``(N,)`` class indices.
        epochs: passes over the data.
        batch_size: examples per step.
        lr: the peak learning rate.
        weight_decay: AdamW's decoupled weight decay.
        schedule: ``"cosine"`` (a linear warm-up over the first 5% of steps, then a cosine
            decay to zero) or ``"constant"``.
        max_shift: shift each training image by up to this many pixels (0: no augmentation).
        seed: seeds the shuffling and the shifts.

    Returns:
        A :class:`TrainingRun` with the mean loss of each epoch and the wall-clock seconds.
    """
    if schedule not in ("cosine", "constant"):
        raise ValueError(f"expected schedule 'cosine' or 'constant', got {schedule!r}")
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    steps_per_epoch = math.ceil(len(images) / batch_size)
    total = epochs * steps_per_epoch
    warmup = max(1, total // 20)

    def factor(step: int) -> float:
        if schedule == "constant":
            return 1.0
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    losses = []
    start = time.perf_counter()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(images), generator=generator)
        total_loss = 0.0
        for i in range(0, len(images), batch_size):
            index = order[i : i + batch_size]
            x = images[index]
            if max_shift:
                x = augment_shift(x, max_shift, generator)
            x, y = x.to(device), labels[index].to(device)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total_loss += loss.item() * len(index)
        losses.append(total_loss / len(images))
    model.eval()
    return TrainingRun(losses, time.perf_counter() - start)


@torch.no_grad()
def classifier_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """The share of ``images`` whose arg-max logit is the label."""
    model.eval()
    device = next(model.parameters()).device
    predictions = model(images.to(device)).argmax(dim=1).cpu()
    return float((predictions == labels.cpu()).double().mean())
