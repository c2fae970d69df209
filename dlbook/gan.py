"""Generative adversarial networks: builders, a PyTorch training step and loop, and honest scores.

A GAN trains two networks against each other. The generator ``G`` turns a latent vector ``z``
(standard normal noise) into a sample; the discriminator ``D`` outputs a logit whose sigmoid is
the probability that its input is real. Both play the minimax game

    V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))],

which ``D`` maximises and ``G`` minimises. In practice ``G`` minimises the *non-saturating* loss
``-log D(G(z))`` instead of ``log(1 - D(G(z)))``, whose gradient vanishes when ``D`` rejects the
fakes confidently, which is exactly the situation early in training.

This module holds:

- the theory in NumPy: :func:`optimal_discriminator` (``p_data / (p_data + p_g)``);
- builders (PyTorch): the classic MLP design (:func:`mlp_generator`, :func:`mlp_discriminator`)
  and DCGAN's convolutional one (:func:`dcgan_generator`, :func:`dcgan_discriminator`);
- training (PyTorch): :func:`gan_train_step` (discriminator and generator updates, non-saturating
  or saturating generator loss, label smoothing, step ratio) and :func:`fit_gan` (epochs, a history
  and snapshots from a fixed latent batch); :func:`generate` samples in evaluation mode;
- scores: :func:`mode_coverage`, :func:`class_coverage`, :func:`frechet_distance` (and
  :func:`gaussian_frechet_distance` for two Gaussians given by their moments);
- a baseline: :func:`fit_gaussian`, a single Gaussian fitted to the data;
- a figure: :func:`plot_sample_grid`, samples of a fixed latent batch as training goes.

PyTorch and matplotlib are imported inside the functions that need them.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(20000, 2)), rng.normal(loc=1.0, size=(20000, 2))
    >>> round(frechet_distance(a, b), 1)  # the means differ by 1 in each of 2 coordinates
    2.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import (
    as_array,
    check_choice,
    check_positive_int,
    check_positive_number,
    check_rng,
)

__all__ = [
    "optimal_discriminator",
    "mlp_generator",
    "mlp_discriminator",
    "dcgan_generator",
    "dcgan_discriminator",
    "GENERATOR_LOSSES",
    "GANStepLosses",
    "gan_train_step",
    "fit_gan",
    "generate",
    "Coverage",
    "mode_coverage",
    "class_coverage",
    "gaussian_frechet_distance",
    "frechet_distance",
    "FittedGaussian",
    "fit_gaussian",
    "plot_sample_grid",
]


# --------------------------------------------------------------------------- theory


def optimal_discriminator(p_data: ArrayLike, p_g: ArrayLike) -> np.ndarray:
    """The best discriminator for a fixed generator: ``D*(x) = p_data(x) / (p_data(x) + p_g(x))``.

    Where both densities are 0 the formula is 0/0; we return 1/2 there (no evidence either way).

    Args:
        p_data: the data density at some points (non-negative).
        p_g: the generator's density at the same points.

    Returns:
        ``D*`` at those points, in [0, 1].

    Shape:
        p_data, p_g: any shape, the same. Returns: that shape.

    Raises:
        ValueError: if the shapes differ or a density is negative.

    Example:
        >>> optimal_discriminator([0.3, 0.1, 0.0], [0.1, 0.1, 0.0])
        array([0.75, 0.5 , 0.5 ])
    """
    p_data = as_array(p_data, "p_data").astype(float)
    p_g = as_array(p_g, "p_g").astype(float)
    if p_data.shape != p_g.shape:
        raise ValueError(
            f"p_data and p_g must have the same shape; got {p_data.shape} and {p_g.shape}"
        )
    if np.any(p_data < 0) or np.any(p_g < 0):
        raise ValueError(
            f"densities must be >= 0; got minima {p_data.min():.3g} (p_data) and {p_g.min():.3g} (p_g)"
        )
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


# --------------------------------------------------------------------------- builders


def _mlp_generator_layers(
    nn: Any, latent_dim: int, hidden: Sequence[int], out_features: int, slope: float
) -> list:
    layers, width = [], latent_dim
    for i, size in enumerate(hidden):
        layers.append(nn.Linear(width, size))
        if i > 0:  # the classic design normalises every hidden layer but the first
            layers.append(nn.BatchNorm1d(size))
        layers.append(nn.LeakyReLU(slope))
        width = size
    return [*layers, nn.Linear(width, out_features), nn.Tanh()]


def mlp_generator(
    latent_dim: int = 100,
    out_features: int = 784,
    *,
    hidden: Sequence[int] = (256, 512, 1024),
    negative_slope: float = 0.2,
) -> Any:
    """The classic MLP generator: ``latent -> 256 -> 512 -> 1024 -> pixels`` with a tanh output.

    Each hidden layer is ``Linear`` and ``LeakyReLU(0.2)``; the second and later hidden layers have
    batch normalisation between the two. The tanh keeps the pixels in [-1, 1], so the training
    images must be scaled to [-1, 1] too.

    Args:
        latent_dim: the length of the latent vector ``z``.
        out_features: the number of pixels (784 for 28 x 28, 64 for 8 x 8).
        hidden: the hidden layer widths.
        negative_slope: the slope of LeakyReLU for negative inputs.

    Returns:
        An ``nn.Sequential``.

    Shape:
        input: (N, latent_dim). output: (N, out_features), values in (-1, 1).

    Example:
        >>> generator = mlp_generator(100, 64)
        >>> sum(p.numel() for p in generator.parameters())
        751424
    """
    from torch import nn

    latent_dim = check_positive_int(latent_dim, "latent_dim")
    out_features = check_positive_int(out_features, "out_features")
    hidden = [check_positive_int(h, "hidden width") for h in hidden]
    slope = check_positive_number(negative_slope, "negative_slope")
    return nn.Sequential(*_mlp_generator_layers(nn, latent_dim, hidden, out_features, slope))


def mlp_discriminator(
    in_features: int = 784, *, hidden: Sequence[int] = (512, 256), negative_slope: float = 0.2
) -> Any:
    """The classic MLP discriminator: ``pixels -> 512 -> 256 -> 1``, LeakyReLU(0.2), a logit out.

    The output is a *logit*: ``sigmoid(logit)`` is the probability that the input is real. Losses
    take logits (``binary_cross_entropy_with_logits``), which is exact where a sigmoid would round
    to 0 or 1.

    Args:
        in_features: the number of pixels.
        hidden: the hidden layer widths.
        negative_slope: the slope of LeakyReLU for negative inputs.

    Returns:
        An ``nn.Sequential``.

    Shape:
        input: (N, in_features). output: (N, 1), logits.

    Example:
        >>> sum(p.numel() for p in mlp_discriminator(64).parameters())
        164865
    """
    from torch import nn

    width = check_positive_int(in_features, "in_features")
    slope = check_positive_number(negative_slope, "negative_slope")
    layers = []
    for size in hidden:
        layers += [nn.Linear(width, check_positive_int(size, "hidden width")), nn.LeakyReLU(slope)]
        width = size
    return nn.Sequential(*layers, nn.Linear(width, 1))


def dcgan_generator(latent_dim: int = 100, channels: int = 3, *, width: int = 64) -> Any:
    """DCGAN's generator for 64 x 64 images (Radford et al., 2016).

    Four transposed convolutions (kernel 4, no bias) double the image size from 4 x 4 to 64 x 64
    while halving the channels ``8w -> 4w -> 2w -> w``; batch norm and ReLU follow each but the
    last, which ends in tanh. No pooling and no fully connected hidden layers.

    Args:
        latent_dim: the length of ``z``.
        channels: the image channels (3 for colour).
        width: ``w``, the channels of the last hidden layer (64 in the paper).

    Returns:
        An ``nn.Sequential`` taking flat latent vectors.

    Shape:
        input: (N, latent_dim). output: (N, channels, 64, 64).

    Example:
        >>> sum(p.numel() for p in dcgan_generator().parameters())
        3576704
    """
    from torch import nn

    latent_dim = check_positive_int(latent_dim, "latent_dim")
    channels = check_positive_int(channels, "channels")
    w = check_positive_int(width, "width")
    layers: list = [nn.Unflatten(1, (latent_dim, 1, 1))]  # (N, z) -> (N, z, 1, 1)
    sizes = [latent_dim, 8 * w, 4 * w, 2 * w, w]
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        stride, padding = (1, 0) if i == 0 else (2, 1)  # 1 -> 4, then doubling
        layers += [
            nn.ConvTranspose2d(n_in, n_out, 4, stride, padding, bias=False),
            nn.BatchNorm2d(n_out),
            nn.ReLU(),
        ]
    layers += [nn.ConvTranspose2d(w, channels, 4, 2, 1, bias=False), nn.Tanh()]
    return nn.Sequential(*layers)


def dcgan_discriminator(channels: int = 3, *, width: int = 64) -> Any:
    """DCGAN's discriminator for 64 x 64 images: strided convolutions, LeakyReLU(0.2), a logit.

    Four convolutions (kernel 4, stride 2, no bias) halve the image ``64 -> 32 -> 16 -> 8 -> 4``
    while the channels grow ``w -> 2w -> 4w -> 8w``; batch norm on all but the first; a last
    4 x 4 convolution gives one logit.

    Args:
        channels: the image channels.
        width: ``w``, the channels of the first layer.

    Returns:
        An ``nn.Sequential``.

    Shape:
        input: (N, channels, 64, 64). output: (N, 1), logits.

    Example:
        >>> sum(p.numel() for p in dcgan_discriminator().parameters())
        2765568
    """
    from torch import nn

    channels = check_positive_int(channels, "channels")
    w = check_positive_int(width, "width")
    sizes = [channels, w, 2 * w, 4 * w, 8 * w]
    layers: list = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Conv2d(n_in, n_out, 4, 2, 1, bias=False))
        if i > 0:
            layers.append(nn.BatchNorm2d(n_out))
        layers.append(nn.LeakyReLU(0.2))
    layers += [nn.Conv2d(8 * w, 1, 4, 1, 0, bias=False), nn.Flatten()]  # (N, 1, 1, 1) -> (N, 1)
    return nn.Sequential(*layers)


# --------------------------------------------------------------------------- training


def _non_saturating(fake_logits: Any) -> Any:
    """-log D(G(z)): the generator maximises the log-probability that D calls its samples real."""
    import torch
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def _saturating(fake_logits: Any) -> Any:
    """log(1 - D(G(z))): the minimax game's own generator objective (minimised)."""
    import torch
    import torch.nn.functional as F

    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


#: Generator losses by name, each a function of the discriminator's logits on fake samples.
GENERATOR_LOSSES: dict[str, Callable[[Any], Any]] = {
    "non-saturating": _non_saturating,
    "saturating": _saturating,
}


class GANStepLosses(NamedTuple):
    """What one training step measured (floats; the last update of each network).

    Attributes:
        d_loss: the discriminator's loss, BCE on real (target ``real_label``) plus BCE on fake.
        g_loss: the generator's loss.
        d_real: the mean ``D(x)`` on the real batch (probability "real").
        d_fake: the mean ``D(G(z))`` on the fakes the generator was updated with.
    """

    d_loss: float
    g_loss: float
    d_real: float
    d_fake: float


def _latent(batch: int, latent_dim: int, device: Any, generator: Any) -> Any:
    import torch

    return torch.randn(batch, latent_dim, device=device, generator=generator)  # (B, Z)


def _check_fake_shape(fake: Any, real: Any) -> None:
    if tuple(fake.shape[1:]) != tuple(real.shape[1:]):
        raise ValueError(
            f"the generator's output does not fit the discriminator's input: expected samples of "
            f"shape {tuple(real.shape[1:])} like the real batch {tuple(real.shape)}, "
            f"the generator gave {tuple(fake.shape)}"
        )


def _train_step(
    generator: Any,
    discriminator: Any,
    real: Any,
    g_optimizer: Any,
    d_optimizer: Any,
    latent_dim: int,
    real_label: float,
    d_steps: int,
    g_steps: int,
    g_loss_fn: Callable[[Any], Any],
    noise: Any,
) -> GANStepLosses:
    """d_steps discriminator updates, then g_steps generator updates (inputs already checked)."""
    import torch
    import torch.nn.functional as F

    batch = len(real)
    for _ in range(d_steps):
        with torch.no_grad():
            fake = generator(_latent(batch, latent_dim, real.device, noise))  # (B, ...)
        _check_fake_shape(fake, real)
        real_logits = discriminator(real)  # (B, 1)
        fake_logits = discriminator(fake)
        d_loss = F.binary_cross_entropy_with_logits(
            real_logits, torch.full_like(real_logits, real_label)
        ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        d_optimizer.zero_grad(set_to_none=True)
        d_loss.backward()
        d_optimizer.step()
    for _ in range(g_steps):
        fake = generator(_latent(batch, latent_dim, real.device, noise))
        fake_logits = discriminator(fake)
        g_loss = g_loss_fn(fake_logits)
        g_optimizer.zero_grad(set_to_none=True)
        d_optimizer.zero_grad(set_to_none=True)  # D's gradients from this loss are discarded
        g_loss.backward()
        g_optimizer.step()
    return GANStepLosses(
        float(d_loss.detach()),
        float(g_loss.detach()),
        float(torch.sigmoid(real_logits.detach()).mean()),
        float(torch.sigmoid(fake_logits.detach()).mean()),
    )


def _check_step_options(
    latent_dim: Any, real_label: Any, d_steps: Any, g_steps: Any, loss: Any
) -> tuple[int, float, int, int, Callable[[Any], Any]]:
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    real_label = check_positive_number(real_label, "real_label")
    if real_label > 1:
        raise ValueError(f"real_label is a target probability in (0, 1]; got {real_label}")
    d_steps = check_positive_int(d_steps, "d_steps")
    g_steps = check_positive_int(g_steps, "g_steps")
    loss = check_choice(loss, "loss", tuple(GENERATOR_LOSSES))
    return latent_dim, real_label, d_steps, g_steps, GENERATOR_LOSSES[loss]


def gan_train_step(
    generator: Any,
    discriminator: Any,
    real: Any,
    *,
    g_optimizer: Any,
    d_optimizer: Any,
    latent_dim: int,
    real_label: float = 1.0,
    d_steps: int = 1,
    g_steps: int = 1,
    loss: str = "non-saturating",
    noise: Any = None,
) -> GANStepLosses:
    """One round of the game on a real batch: update the discriminator, then the generator.

    The discriminator minimises ``BCE(D(x), real_label) + BCE(D(G(z)), 0)``, i.e. it maximises
    ``log D(x) + log(1 - D(G(z)))``; the fakes are made without gradients for the generator. Then
    the generator, on fresh noise, minimises ``GENERATOR_LOSSES[loss]`` of ``D(G(z))``.

    Args:
        generator: maps (B, latent_dim) to samples shaped like ``real``.
        discriminator: maps samples to logits (B, 1).
        real: a batch of real samples, on the models' device.
        g_optimizer: the generator's optimizer.
        d_optimizer: the discriminator's optimizer.
        latent_dim: the length of ``z``.
        real_label: the discriminator's target for real samples; 0.9 is *one-sided label
            smoothing*, which keeps D from becoming over-confident.
        d_steps: discriminator updates per call (each on fresh noise, the same real batch).
        g_steps: generator updates per call.
        loss: ``"non-saturating"`` (``-log D(G(z))``, the default) or ``"saturating"``
            (``log(1 - D(G(z)))``).
        noise: an optional ``torch.Generator`` for the latent draws.

    Returns:
        :class:`GANStepLosses` of the last updates.

    Shape:
        real: (B, ...). The generator's output must be (B, ...) with the same trailing shape.

    Raises:
        ValueError: if an option is out of range, or the generator's samples do not have the
            shape of the real batch.

    Example:
        >>> import torch
        >>> _ = torch.manual_seed(0)
        >>> g, d = mlp_generator(8, 2, hidden=(16, 16)), mlp_discriminator(2, hidden=(16,))
        >>> opt_g, opt_d = torch.optim.Adam(g.parameters()), torch.optim.Adam(d.parameters())
        >>> losses = gan_train_step(g, d, torch.randn(32, 2), g_optimizer=opt_g,
        ...                         d_optimizer=opt_d, latent_dim=8)
        >>> 0 < losses.d_real < 1 and losses.d_loss > 0
        True
    """
    options = _check_step_options(latent_dim, real_label, d_steps, g_steps, loss)
    if not hasattr(real, "shape") or len(real.shape) < 2:
        raise ValueError(
            f"real must be a batch tensor of shape (B, ...); got {getattr(real, 'shape', type(real).__name__)}"
        )
    return _train_step(generator, discriminator, real, g_optimizer, d_optimizer, *options, noise)


def _as_float_tensor(data: Any, name: str) -> Any:
    import torch

    if isinstance(data, torch.Tensor):
        tensor = data.detach().float()
    else:
        tensor = torch.from_numpy(np.ascontiguousarray(as_array(data, name), dtype=np.float32))
    if tensor.ndim < 2:
        raise ValueError(
            f"{name} must have one example per row, shape (N, ...); got shape {tuple(tensor.shape)}"
        )
    return tensor


def _check_latent(latent: Any, latent_dim: int, name: str = "latent") -> Any:
    tensor = _as_float_tensor(latent, name)
    if tensor.ndim != 2 or tensor.shape[1] != latent_dim:
        raise ValueError(
            f"{name} must be a latent batch of shape (N, {latent_dim}); got shape {tuple(tensor.shape)}"
        )
    return tensor


def _generate(generator: Any, latent: Any, batch_size: int) -> np.ndarray:
    """Samples in evaluation mode (batch norm uses its running statistics), mode restored."""
    import torch

    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    try:
        with torch.no_grad():
            parts = [
                generator(latent[i : i + batch_size].to(device)).cpu()
                for i in range(0, len(latent), batch_size)
            ]
    finally:
        generator.train(was_training)
    return torch.cat(parts).numpy()


def generate(
    generator: Any, latent: ArrayLike, *, latent_dim: int, batch_size: int = 1024
) -> np.ndarray:
    """Samples of a generator for a batch of latent vectors, in evaluation mode, as NumPy.

    Args:
        generator: a PyTorch generator.
        latent: latent vectors, one per row.
        latent_dim: the length the generator expects.
        batch_size: latent vectors per forward pass.

    Returns:
        The samples (float32).

    Shape:
        latent: (N, latent_dim). Returns: (N, ...), the generator's output.

    Raises:
        ValueError: if ``latent`` is not (N, latent_dim).

    Example:
        >>> import torch
        >>> generate(mlp_generator(4, 3, hidden=(8,)), torch.zeros(5, 4), latent_dim=4).shape
        (5, 3)
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    latent = _check_latent(latent, latent_dim)
    return _generate(generator, latent, check_positive_int(batch_size, "batch_size"))


def fit_gan(
    generator: Any,
    discriminator: Any,
    data: ArrayLike,
    *,
    g_optimizer: Any,
    d_optimizer: Any,
    epochs: int,
    latent_dim: int,
    batch_size: int = 64,
    fixed_latent: ArrayLike | None = None,
    snapshot_epochs: Sequence[int] = (),
    real_label: float = 1.0,
    d_steps: int = 1,
    g_steps: int = 1,
    loss: str = "non-saturating",
    seed: int = 0,
    device: Any = None,
    progress: bool = True,
) -> tuple[dict[str, list[float]], dict[int, np.ndarray]]:
    """Train a GAN for a fixed number of epochs over in-memory data; record losses and snapshots.

    Each epoch shuffles the data (seeded), cuts it into full batches (the last, incomplete batch is
    dropped: batch norm dislikes tiny batches) and calls the training step on each.

    Args:
        generator, discriminator: PyTorch modules; moved to ``device``.
        data: real samples, one per row (scaled like the generator's output).
        g_optimizer, d_optimizer: their optimizers.
        epochs: passes over the data.
        latent_dim: the length of ``z``.
        batch_size: real samples per step.
        fixed_latent: latent vectors whose samples are kept at ``snapshot_epochs``.
        snapshot_epochs: epochs after which to keep samples of ``fixed_latent`` (0: before training).
        real_label, d_steps, g_steps, loss: as in :func:`gan_train_step`.
        seed: seeds the shuffling and the latent draws.
        device: a torch device; ``None`` picks a GPU when present.
        progress: show a tqdm bar over epochs.

    Returns:
        ``(history, snapshots)``: ``history`` maps ``"d_loss"``, ``"g_loss"``, ``"d_real"``,
        ``"d_fake"`` to their means over each epoch; ``snapshots`` maps an epoch to the samples of
        ``fixed_latent`` after it (NumPy, in evaluation mode).

    Shape:
        data: (N, ...). fixed_latent: (M, latent_dim). snapshots[epoch]: (M, ...).

    Raises:
        ValueError: if an option is out of range, ``fixed_latent`` is not (M, latent_dim), snapshot
            epochs are asked for without it or lie outside [0, epochs], there is not one full
            batch of data, or the generator's samples are not shaped like the data.

    Example:
        >>> import torch
        >>> _ = torch.manual_seed(0)
        >>> g, d = mlp_generator(4, 1, hidden=(8, 8)), mlp_discriminator(1, hidden=(8,))
        >>> history, snaps = fit_gan(
        ...     g, d, np.random.default_rng(0).normal(size=(64, 1)), epochs=2, latent_dim=4,
        ...     batch_size=16, g_optimizer=torch.optim.Adam(g.parameters()),
        ...     d_optimizer=torch.optim.Adam(d.parameters()), fixed_latent=torch.zeros(3, 4),
        ...     snapshot_epochs=[0, 2], device="cpu", progress=False)
        >>> len(history["d_loss"]), sorted(snaps), snaps[2].shape
        (2, [0, 2], (3, 1))
    """
    import torch
    from tqdm.auto import tqdm

    from dlbook.repro import get_device

    options = _check_step_options(latent_dim, real_label, d_steps, g_steps, loss)
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = check_positive_int(seed, "seed", minimum=0)
    data = _as_float_tensor(data, "data")
    if len(data) < batch_size:
        raise ValueError(
            f"data must hold at least one full batch of {batch_size} samples; got {len(data)}"
        )
    snapshot_epochs = sorted(
        {check_positive_int(e, "snapshot epoch", minimum=0) for e in snapshot_epochs}
    )
    if snapshot_epochs and fixed_latent is None:
        raise ValueError("snapshot_epochs need a fixed_latent batch to draw the samples from")
    if snapshot_epochs and snapshot_epochs[-1] > epochs:
        raise ValueError(f"snapshot epochs must lie in [0, {epochs}]; got {snapshot_epochs[-1]}")
    if fixed_latent is not None:
        fixed_latent = _check_latent(fixed_latent, options[0], "fixed_latent")
    device = torch.device(device) if device is not None else get_device()
    generator.to(device)
    discriminator.to(device)
    data = data.to(device)
    generator.train()
    discriminator.train()
    shuffle = torch.Generator().manual_seed(seed)
    noise = torch.Generator(device=device).manual_seed(seed + 1)

    history: dict[str, list[float]] = {name: [] for name in GANStepLosses._fields}
    snapshots: dict[int, np.ndarray] = {}
    if 0 in snapshot_epochs:
        snapshots[0] = _generate(generator, fixed_latent, 1024)
    n_batches = len(data) // batch_size
    # Passing disable only when progress is off lets the TQDM_DISABLE environment variable decide.
    bar = tqdm(range(1, epochs + 1), desc="GAN epochs", **({} if progress else {"disable": True}))
    for epoch in bar:
        order = torch.randperm(len(data), generator=shuffle)[: n_batches * batch_size].to(device)
        steps = [
            _train_step(
                generator, discriminator, data[index], g_optimizer, d_optimizer, *options, noise
            )
            for index in order.view(n_batches, batch_size)
        ]
        for name, values in zip(GANStepLosses._fields, zip(*steps)):
            history[name].append(float(np.mean(values)))
        if epoch in snapshot_epochs:
            snapshots[epoch] = _generate(generator, fixed_latent, 1024)
    return history, snapshots


# --------------------------------------------------------------------------- scores


class Coverage(NamedTuple):
    """How samples spread over modes or classes.

    Attributes:
        shares: the fraction of the samples at each mode or class.
        covered: how many modes or classes receive at least ``min_share``.
        min_share: the threshold used.
    """

    shares: np.ndarray
    covered: int
    min_share: float


def _coverage(counts: np.ndarray, total: int, min_share: float | None) -> Coverage:
    shares = counts / total  # (K,)
    threshold = 0.5 / len(counts) if min_share is None else min_share
    return Coverage(shares, int(np.sum(shares >= threshold)), float(threshold))


def _check_min_share(min_share: Any) -> float | None:
    if min_share is None:
        return None
    value = check_positive_number(min_share, "min_share")
    if value > 1:
        raise ValueError(f"min_share is a fraction of the samples, in (0, 1]; got {value}")
    return value


def mode_coverage(
    samples: ArrayLike, modes: ArrayLike, *, radius: float, min_share: float | None = None
) -> Coverage:
    """The share of samples near each mode, and how many modes get a fair share.

    A sample is *near* a mode when its distance to the mode's centre is at most ``radius``. A mode
    is *covered* when at least ``min_share`` of all samples lie near it; the default, half of
    ``1 / n_modes``, asks for half of what an even spread would give.

    Args:
        samples: generated samples.
        modes: the centres of the modes.
        radius: the distance that counts as near (e.g. 3 standard deviations of a mode).
        min_share: the share a mode needs to count as covered.

    Returns:
        :class:`Coverage` over the modes.

    Shape:
        samples: (N,) or (N, d). modes: (M,) or (M, d).

    Raises:
        ValueError: if there are no samples or modes, or the widths differ.

    Example:
        >>> cover = mode_coverage([0.1, -0.2, 0.05, 4.1], [0.0, 4.0, 8.0], radius=0.5)
        >>> cover.shares.tolist(), cover.covered
        ([0.75, 0.25, 0.0], 2)
    """
    samples = as_array(samples, "samples", ndim=(1, 2)).astype(float)
    modes = as_array(modes, "modes", ndim=samples.ndim).astype(float)
    samples = samples.reshape(len(samples), -1)  # (N, d)
    modes = modes.reshape(len(modes), -1)  # (M, d)
    if len(samples) == 0 or len(modes) == 0:
        raise ValueError(
            f"need at least one sample and one mode; got {len(samples)} samples and {len(modes)} modes"
        )
    if samples.shape[1] != modes.shape[1]:
        raise ValueError(
            f"samples and modes must have the same width; got {samples.shape[1]} and {modes.shape[1]}"
        )
    radius = check_positive_number(radius, "radius")
    distances = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=-1)  # (N, M)
    counts = np.sum(distances <= radius, axis=0)  # (M,)
    return _coverage(counts, len(samples), _check_min_share(min_share))


def class_coverage(
    predictions: ArrayLike, n_classes: int, *, min_share: float | None = None
) -> Coverage:
    """How many classes a set of samples covers, judged by a classifier's predicted classes.

    A class is *covered* when at least ``min_share`` of the samples are predicted to be in it; the
    default is half of a fair share, ``0.5 / n_classes`` (5 % for 10 classes).

    Args:
        predictions: the predicted class of each sample, integers in ``[0, n_classes)``.
        n_classes: the number of classes.
        min_share: the share a class needs to count as covered.

    Returns:
        :class:`Coverage` over the classes.

    Shape:
        predictions: (N,).

    Raises:
        ValueError: if there are no predictions or a class is out of range.

    Example:
        >>> cover = class_coverage([0, 0, 1, 2, 2, 2, 2, 2, 2, 2], 4)
        >>> cover.shares.tolist(), cover.covered
        ([0.2, 0.1, 0.7, 0.0], 2)
    """
    predictions = as_array(predictions, "predictions", ndim=1)
    n_classes = check_positive_int(n_classes, "n_classes")
    if len(predictions) == 0:
        raise ValueError("predictions is empty: got shape (0,)")
    if predictions.dtype.kind == "f" and not np.all(predictions == np.round(predictions)):
        raise ValueError("predictions must be whole class numbers; got fractions")
    if predictions.min() < 0 or predictions.max() >= n_classes:
        raise ValueError(
            f"predictions must lie in [0, {n_classes}); got values from {predictions.min()} "
            f"to {predictions.max()}"
        )
    counts = np.bincount(predictions.astype(np.int64), minlength=n_classes)  # (K,)
    return _coverage(counts, len(predictions), _check_min_share(min_share))


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root of a symmetric positive semi-definite matrix."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T


def _trace_sqrt_product(cov_a: np.ndarray, cov_b: np.ndarray) -> float:
    """tr sqrt(A B) = tr sqrt(A^1/2 B A^1/2): the same eigenvalues, but a symmetric matrix."""
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2)
    return float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))


def _frechet(mean_a: np.ndarray, cov_a: np.ndarray, mean_b: np.ndarray, cov_b: np.ndarray) -> float:
    """||m_a - m_b||^2 + tr(C_a + C_b - 2 (C_a C_b)^1/2), never below 0."""
    distance = (
        np.sum((mean_a - mean_b) ** 2)
        + np.trace(cov_a)
        + np.trace(cov_b)
        - 2.0 * _trace_sqrt_product(cov_a, cov_b)
    )
    return max(float(distance), 0.0)


def gaussian_frechet_distance(
    mean_a: ArrayLike, cov_a: ArrayLike, mean_b: ArrayLike, cov_b: ArrayLike
) -> float:
    """The Frechet (2-Wasserstein squared) distance between two Gaussians given by their moments.

    ``d^2 = ||m_a - m_b||^2 + tr(C_a + C_b - 2 (C_a C_b)^(1/2))``. For covariances that commute
    (e.g. diagonal ones) the trace term is ``sum (sqrt(a_i) - sqrt(b_i))^2`` over eigenvalues.

    Args:
        mean_a, cov_a: the first Gaussian's mean and covariance (symmetric, positive semi-definite).
        mean_b, cov_b: the second's.

    Returns:
        The squared distance (>= 0).

    Shape:
        mean_a, mean_b: (d,). cov_a, cov_b: (d, d).

    Raises:
        ValueError: if the shapes do not fit together or a covariance is not symmetric.

    Example:
        >>> gaussian_frechet_distance([0.0], [[1.0]], [1.0], [[4.0]])  # 1 + (1 - 2)**2
        2.0
    """
    mean_a = as_array(mean_a, "mean_a", ndim=1).astype(float)
    d = len(mean_a)
    mean_b = as_array(mean_b, "mean_b", shape=(d,)).astype(float)
    cov_a = as_array(cov_a, "cov_a", shape=(d, d)).astype(float)
    cov_b = as_array(cov_b, "cov_b", shape=(d, d)).astype(float)
    for name, cov in (("cov_a", cov_a), ("cov_b", cov_b)):
        if not np.allclose(cov, cov.T, rtol=1e-8, atol=1e-10):
            raise ValueError(f"{name} must be symmetric (a covariance); it is not")
    return _frechet(mean_a, cov_a, mean_b, cov_b)


def _check_features(features: Any, name: str) -> np.ndarray:
    features = as_array(features, name, ndim=2).astype(np.float64)
    n, d = features.shape
    if n <= d:
        raise ValueError(
            f"{name} needs more samples than features to estimate a covariance: expected more "
            f"than {d} rows, got {n} (shape {features.shape})"
        )
    if not np.all(np.isfinite(features)):
        raise ValueError(f"{name} contains nan or inf")
    return features


def frechet_distance(features_a: ArrayLike, features_b: ArrayLike) -> float:
    """The Frechet distance between two sets of feature vectors, each summarised by a Gaussian.

    Fit a mean and a covariance to each set and compare the two Gaussians with
    :func:`gaussian_frechet_distance`. On the features of an Inception network this is the FID;
    here any feature extractor works (we use a small classifier's last hidden layer). The value
    depends on the sample sizes (it is biased upwards for small sets), so compare models on sets
    of the same size.

    Args:
        features_a: one feature vector per row (e.g. of real images).
        features_b: the same features of other samples (e.g. generated ones).

    Returns:
        The squared distance (>= 0); 0 for identical sets.

    Shape:
        features_a: (N_a, d). features_b: (N_b, d), with N_a, N_b > d.

    Raises:
        ValueError: if the widths differ or a set has no more samples than features.

    Example:
        >>> x = np.random.default_rng(1).normal(size=(500, 3))
        >>> frechet_distance(x, x)
        0.0
    """
    features_a = _check_features(features_a, "features_a")
    features_b = _check_features(features_b, "features_b")
    if features_a.shape[1] != features_b.shape[1]:
        raise ValueError(
            f"features_a and features_b must have the same width: got {features_a.shape[1]} "
            f"and {features_b.shape[1]} features (shapes {features_a.shape} and {features_b.shape})"
        )
    moments = [(f.mean(axis=0), np.cov(f, rowvar=False)) for f in (features_a, features_b)]
    return _frechet(*moments[0], *moments[1])


# --------------------------------------------------------------------------- baseline


@dataclass(frozen=True)
class FittedGaussian:
    """A single Gaussian fitted to data: the simplest generative model, a baseline for GANs.

    Attributes:
        mean: the mean of the training samples, flattened.
        cov: their covariance.
        shape: the shape of one sample (restored by :meth:`sample`).
    """

    mean: np.ndarray
    cov: np.ndarray
    shape: tuple[int, ...]

    def sample(
        self, n: int, rng: np.random.Generator, *, clip: tuple[float, float] | None = None
    ) -> np.ndarray:
        """Draw ``n`` samples, optionally clipped to a range (e.g. the pixel range [-1, 1]).

        Shape:
            Returns: ``(n, *shape)``.
        """
        n = check_positive_int(n, "n")
        rng = check_rng(rng)
        root = _sqrt_psd(self.cov)  # (d, d): x = mean + root @ e has covariance cov
        draws = self.mean + rng.standard_normal((n, len(self.mean))) @ root  # (n, d)
        if clip is not None:
            draws = np.clip(draws, *clip)
        return draws.reshape(n, *self.shape)


def fit_gaussian(data: ArrayLike) -> FittedGaussian:
    """Fit a Gaussian (mean and full covariance) to data, one sample per row.

    Args:
        data: training samples; images are flattened.

    Returns:
        A :class:`FittedGaussian`; ``.sample(n, rng)`` draws new samples.

    Shape:
        data: (N, ...) with N >= 2.

    Raises:
        ValueError: with fewer than two samples.

    Example:
        >>> model = fit_gaussian(np.random.default_rng(0).normal(3.0, 2.0, size=(5000, 2)))
        >>> np.round(model.mean, 1).tolist(), model.sample(4, np.random.default_rng(1)).shape
        ([3.0, 3.0], (4, 2))
    """
    data = as_array(data, "data").astype(np.float64)
    if data.ndim < 2 or len(data) < 2:
        raise ValueError(
            f"data must hold at least two samples, one per row, shape (N, ...); got shape {data.shape}"
        )
    flat = data.reshape(len(data), -1)  # (N, d)
    return FittedGaussian(
        flat.mean(axis=0), np.cov(flat, rowvar=False).reshape(flat.shape[1], -1), data.shape[1:]
    )


# --------------------------------------------------------------------------- figures


def plot_sample_grid(
    snapshots: Mapping[Any, ArrayLike],
    *,
    image_shape: Sequence[int],
    n_show: int | None = None,
    panel_size: float = 0.9,
    cmap: str = "gray_r",
) -> tuple[Any, np.ndarray]:
    """Samples of one fixed latent batch at several moments: one row per snapshot.

    Because every row decodes the *same* latent vectors, a column follows one ``z`` through
    training. Pixels are drawn on the generator's scale [-1, 1].

    Args:
        snapshots: row label (e.g. the epoch) -> the samples of the fixed latent batch.
        image_shape: the shape of one image, e.g. ``(8, 8)``.
        n_show: how many samples of each row to draw (default: all).
        panel_size: the size of each image, in inches.
        cmap: the colour map (``"gray_r"`` draws ink dark on white).

    Returns:
        ``(fig, axes)``: axes of shape (rows, n_show).

    Shape:
        each snapshot: ``(M, *image_shape)`` or ``(M, prod(image_shape))``, the same M in every row.

    Raises:
        ValueError: if there are no snapshots, the rows hold different numbers of samples (not
            the same latent batch), or a sample does not have ``image_shape``.

    Example:
        >>> fig, axes = plot_sample_grid({0: np.zeros((3, 4)), 5: np.ones((3, 2, 2))},
        ...                              image_shape=(2, 2))
        >>> axes.shape, axes[1, 0].get_ylabel()
        ((2, 3), '5')
    """
    import matplotlib.pyplot as plt

    if not snapshots:
        raise ValueError("snapshots is empty: expected at least one row of samples")
    image_shape = tuple(check_positive_int(s, "image_shape entry") for s in image_shape)
    pixels = int(np.prod(image_shape))
    rows = {}
    for label, samples in snapshots.items():
        samples = as_array(samples, f"snapshots[{label!r}]")
        if samples.ndim < 1 or samples[0].size != pixels:
            raise ValueError(
                f"snapshots[{label!r}] must hold images of shape {image_shape}; got shape {samples.shape}"
            )
        rows[label] = samples.reshape(len(samples), *image_shape)
    counts = {len(s) for s in rows.values()}
    if len(counts) > 1:
        raise ValueError(
            "every snapshot must decode the same latent batch (the same number of samples); "
            f"got {', '.join(f'{len(s)} at {k!r}' for k, s in rows.items())}"
        )
    n_samples = counts.pop()
    n_show = n_samples if n_show is None else check_positive_int(n_show, "n_show")
    if n_show > n_samples:
        raise ValueError(f"n_show must be at most the {n_samples} samples per row; got {n_show}")
    fig, axes = plt.subplots(
        len(rows), n_show, figsize=(panel_size * n_show, panel_size * len(rows)), squeeze=False
    )
    for r, (label, samples) in enumerate(rows.items()):
        for c in range(n_show):
            ax = axes[r, c]
            ax.imshow(samples[c], cmap=cmap, vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(str(label), rotation=0, ha="right", va="center")
    fig.subplots_adjust(wspace=0.05, hspace=0.05)
    return fig, axes
