r"""A dense layer and a multilayer perceptron (MLP) in NumPy, with backpropagation by hand.

Conventions (row-vector batch form, the layout of NumPy and PyTorch code):

- A batch is a matrix :math:`X` of shape (N, n_0): one example per row.
- Layer l has weights :math:`W^{(l)}` of shape (n_{l-1}, n_l) (inputs x outputs) and
  a bias :math:`b^{(l)}` of shape (n_l,). It computes, for all rows at once,

  .. math::

      Z^{(l)} = A^{(l-1)} W^{(l)} + b^{(l)}, \qquad A^{(l)} = f(Z^{(l)}), \qquad A^{(0)} = X

  with the bias broadcast over the rows. The last layer L applies the output
  function (identity, sigmoid or softmax) instead of the hidden activation f.

- Transpose convention: textbooks that use one example as a column vector write
  :math:`z^{(l)} = W_{\mathrm{col}}^{(l)} a^{(l-1)} + b^{(l)}` with a matrix of shape
  (n_l, n_{l-1}). Our :math:`W^{(l)}` is its transpose, :math:`W^{(l)} = (W_{\mathrm{col}}^{(l)})^\top`.
  ``torch.nn.Linear.weight`` has the textbook's shape (out, in), so it equals ``W.T``.

Backpropagation. Let :math:`\Delta^{(l)} = \partial L / \partial Z^{(l)}` (shape (N, n_l)),
the "error" of layer l, one row per example. The chain rule gives

.. math::

    \frac{\partial L}{\partial W^{(l)}} = (A^{(l-1)})^\top \Delta^{(l)}, \qquad
    \frac{\partial L}{\partial b^{(l)}} = \sum_{n=1}^{N} \Delta^{(l)}_{n,:}, \qquad
    \Delta^{(l)} = \big(\Delta^{(l+1)} (W^{(l+1)})^\top\big) \odot f'(Z^{(l)})

where :math:`\odot` is the elementwise product. The last formula is the
textbook recursion :math:`\delta^{(l)} = (W_{\mathrm{col}}^{(l+1)})^\top \delta^{(l+1)} \odot f'(z^{(l)})`
transposed: each row of :math:`\Delta^{(l)}` is one example's :math:`(\delta^{(l)})^\top`.
The recursion starts at the output: for softmax with categorical cross-entropy
(mean over N examples) :math:`\Delta^{(L)} = (P - Y)/N`, and for sigmoid with binary
cross-entropy :math:`\Delta^{(L)} = (P - Y)/(N n_L)` (the mean runs over all N x n_L entries).

Example:
    >>> import numpy as np
    >>> model = MLP([2, 4, 1], activation="tanh", output="sigmoid", loss="binary_cross_entropy_with_logits", rng=0)
    >>> model.forward(np.zeros((3, 2))).shape
    (3, 1)
    >>> count_parameters([784, 256, 128, 10])
    235146
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from dlbook.activations import ACTIVATIONS, sigmoid, sigmoid_grad, softmax, softmax_backward
from dlbook.init import he_normal, xavier_uniform
from dlbook.losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy_with_logits,
    categorical_cross_entropy_with_logits_grad,
    mse,
    mse_grad,
)
from dlbook.validation import as_float_array, check_choice, check_positive_int, check_rng

__all__ = [
    "INITS",
    "LOSSES",
    "MLP",
    "MLPCache",
    "OUTPUTS",
    "DenseGradients",
    "count_parameters",
    "dense_backward",
    "dense_forward",
    "init_mlp",
    "mlp_backward",
    "mlp_forward",
    "mlp_loss",
]

#: Parameters of an MLP: one ``(W, b)`` pair per layer, W of shape (n_in, n_out), b of shape (n_out,).
Params = list[tuple[np.ndarray, np.ndarray]]

#: Weight initialisations understood by :func:`init_mlp`: name -> function of :mod:`dlbook.init`.
INITS: dict[str, Callable[[int, int, np.random.Generator], np.ndarray]] = {
    "he": he_normal,  # N(0, 2 / n_in), for ReLU-like activations
    "xavier": xavier_uniform,  # U(-a, a) with a = sqrt(6 / (n_in + n_out)), for tanh and sigmoid
}


class MLPCache(NamedTuple):
    """What the forward pass keeps for the backward pass (returned by :func:`mlp_forward`)."""

    #: ``[Z1, ..., ZL]``: the pre-activation of every layer, each of shape (N, n_l).
    pre_activations: list[np.ndarray]
    #: ``[A0, A1, ..., AL]`` with ``A0 = x`` and ``AL`` the network output, each of shape (N, n_l).
    activations: list[np.ndarray]
    #: The name of the hidden activation.
    activation: str
    #: The name of the output function.
    output: str


class DenseGradients(NamedTuple):
    """Gradients of a loss with respect to the three arguments of :func:`dense_forward`."""

    grad_input: np.ndarray
    """``(N, in)``"""
    grad_weight: np.ndarray
    """``(in, out)``"""
    grad_bias: np.ndarray
    """``(out,)``"""


# --------------------------------------------------------------------------- output functions and losses


def _identity_backward(grad_output: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return grad_output


def _sigmoid_backward(grad_output: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return grad_output * sigmoid_grad(z)


def _softmax_backward(grad_output: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return softmax_backward(grad_output, a, axis=1)


class _Output(NamedTuple):
    forward: Callable[[np.ndarray], np.ndarray]  # Z^(L) -> A^(L)
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (dL/dA, Z, A) -> dL/dZ


#: Output functions of the last layer: name -> (forward, backward).
OUTPUTS: dict[str, _Output] = {
    "identity": _Output(np.copy, _identity_backward),
    "sigmoid": _Output(sigmoid, _sigmoid_backward),
    "softmax": _Output(lambda z: softmax(z, axis=1), _softmax_backward),
}


def _output_delta(cache: MLPCache, grad_output: np.ndarray) -> np.ndarray:
    """Backpropagate dL/dA^(L) through the output function to get Delta^(L) = dL/dZ^(L)."""
    backward = OUTPUTS[cache.output].backward
    return backward(grad_output, cache.pre_activations[-1], cache.activations[-1])


class _Loss(NamedTuple):
    value: Callable[[MLPCache, ArrayLike], float]  # the mean loss of the cached batch
    delta: Callable[[MLPCache, ArrayLike], np.ndarray]  # Delta^(L) = dL/dZ^(L)
    outputs: tuple[str, ...]  # the output functions it suits
    predict: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (logits, output) -> predictions


#: Losses understood by :func:`mlp_loss` and :func:`mlp_backward`: name -> ``_Loss``.
#: The cross-entropies take the logits :math:`Z^{(L)}`, so their error is :math:`(P - Y)/N`
#: (divided by :math:`N n_L` for binary cross-entropy) without dividing by probabilities.
LOSSES: dict[str, _Loss] = {
    "mse": _Loss(
        value=lambda cache, y: mse(cache.activations[-1], y),
        delta=lambda cache, y: _output_delta(cache, mse_grad(cache.activations[-1], y)),
        outputs=tuple(OUTPUTS),
        predict=lambda logits, out: out,
    ),
    "binary_cross_entropy_with_logits": _Loss(
        value=lambda cache, y: binary_cross_entropy_with_logits(cache.pre_activations[-1], y),
        delta=lambda cache, y: binary_cross_entropy_with_logits_grad(cache.pre_activations[-1], y),
        outputs=("sigmoid", "identity"),
        predict=lambda logits, out: (logits > 0).astype(int),  # sigmoid(z) > 0.5 exactly when z > 0
    ),
    "categorical_cross_entropy_with_logits": _Loss(
        value=lambda cache, y: categorical_cross_entropy_with_logits(cache.pre_activations[-1], y),
        delta=lambda cache, y: categorical_cross_entropy_with_logits_grad(
            cache.pre_activations[-1], y
        ),
        outputs=("softmax", "identity"),
        predict=lambda logits, out: np.argmax(logits, axis=1),
    ),
}


# --------------------------------------------------------------------------- input checks


def _check_dense_shapes(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> None:
    """Check that x (N, in), weight (in, out) and bias (out,) fit together; name the shapes otherwise."""
    if x.shape[1] != weight.shape[0]:
        raise ValueError(
            f"x has {x.shape[1]} features per row but weight expects {weight.shape[0]} inputs: "
            f"got x (N, in) = {x.shape} and weight (in, out) = {weight.shape}"
        )
    if bias is not None and bias.shape != (weight.shape[1],):
        raise ValueError(
            f"bias must have shape (out,) = ({weight.shape[1]},) to match weight (in, out) = "
            f"{weight.shape}; got bias {bias.shape}"
        )


def _check_params(params: Params) -> Params:
    """Check the list of (W, b) pairs and that consecutive layers fit; return them as float arrays."""
    if isinstance(params, (str, bytes)) or not isinstance(params, Sequence) or len(params) == 0:
        raise TypeError(
            f"params must be a non-empty list of (W, b) pairs; got {type(params).__name__}"
        )
    checked = []
    for layer, pair in enumerate(params, start=1):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"params[{layer - 1}] must be a (W, b) pair; got {type(pair).__name__}")
        W = as_float_array(pair[0], f"W{layer}", ndim=2)
        b = as_float_array(pair[1], f"b{layer}", ndim=1)
        if b.shape != (W.shape[1],):
            raise ValueError(
                f"b{layer} must have shape ({W.shape[1]},) to match W{layer} {W.shape}; got b{layer} {b.shape}"
            )
        if checked and checked[-1][0].shape[1] != W.shape[0]:
            previous = checked[-1][0].shape
            raise ValueError(
                f"W{layer} expects {W.shape[0]} inputs but layer {layer - 1} has {previous[1]} outputs: "
                f"got W{layer - 1} {previous} and W{layer} {W.shape}"
            )
        checked.append((W, b))
    return checked


def _check_loss_output(loss: str, output: str) -> None:
    """Check the loss name and that the output function suits it."""
    check_choice(loss, "loss", tuple(LOSSES))
    if output not in LOSSES[loss].outputs:
        allowed = " or ".join(repr(o) for o in LOSSES[loss].outputs)
        raise ValueError(f"loss {loss!r} needs output {allowed}; got output {output!r}")


# --------------------------------------------------------------------------- a dense layer


def dense_forward(x: ArrayLike, weight: ArrayLike, bias: ArrayLike) -> np.ndarray:
    r"""Forward pass of a dense (fully connected) layer: :math:`Z = X W + b`.

    Args:
        x: a batch of inputs, one example per row.
        weight: the weights :math:`W`, one column per output unit.
        bias: the biases :math:`b`, added to every row.

    Returns:
        The pre-activations Z.

    Shape:
        x: (N, in). weight: (in, out). bias: (out,). Output: (N, out).

    Raises:
        ValueError: if the shapes do not fit together (the message names them).

    Example:
        >>> x = np.array([[1.0, 2.0]])
        >>> weight = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 0.0]])
        >>> print(dense_forward(x, weight, np.array([0.0, 0.0, 1.0])))
        [[2. 2. 0.]]
    """
    x = as_float_array(x, "x", ndim=2)
    weight = as_float_array(weight, "weight", ndim=2)
    bias = as_float_array(bias, "bias", ndim=1)
    _check_dense_shapes(x, weight, bias)
    return x @ weight + bias  # (N, in) @ (in, out) + (out,) -> (N, out)


def _dense_backward(grad_output: np.ndarray, x: np.ndarray, W: np.ndarray) -> DenseGradients:
    """The three products of :func:`dense_backward`, on checked arrays."""
    grad_input = grad_output @ W.T  # (N, out) @ (out, in) -> (N, in)
    grad_weight = x.T @ grad_output  # (in, N) @ (N, out) -> (in, out)
    grad_bias = grad_output.sum(axis=0)  # (out,)
    return DenseGradients(grad_input, grad_weight, grad_bias)


def dense_backward(grad_output: ArrayLike, x: ArrayLike, weight: ArrayLike) -> DenseGradients:
    r"""Backward pass of a dense layer: the gradients with respect to x, the weight and the bias.

    With :math:`G = \partial L / \partial Z` for :math:`Z = X W + b`:

    - :math:`\partial L / \partial X = G W^\top` (N, in),
    - :math:`\partial L / \partial W = X^\top G` (in, out): a sum over the examples,
    - :math:`\partial L / \partial b = \sum_n G_{n,:}` (out,): b is added to every row.

    Args:
        grad_output: the upstream gradient :math:`G`.
        x: the layer's input from the forward pass.
        weight: the layer's weights :math:`W`.

    Returns:
        ``DenseGradients(grad_input, grad_weight, grad_bias)``.

    Shape:
        grad_output: (N, out). x: (N, in). weight: (in, out). Returns arrays shaped
        (N, in), (in, out) and (out,).

    Raises:
        ValueError: if the shapes do not fit together (the message names them).

    Example:
        >>> grads = dense_backward(np.ones((2, 3)), np.ones((2, 4)), np.ones((4, 3)))
        >>> grads.grad_input.shape, grads.grad_weight.shape, grads.grad_bias.shape
        ((2, 4), (4, 3), (3,))
        >>> print(grads.grad_bias)
        [2. 2. 2.]
    """
    grad_output = as_float_array(grad_output, "grad_output", ndim=2)
    x = as_float_array(x, "x", ndim=2)
    weight = as_float_array(weight, "weight", ndim=2)
    _check_dense_shapes(x, weight, None)
    if grad_output.shape != (x.shape[0], weight.shape[1]):
        raise ValueError(
            f"grad_output must have shape (N, out) = ({x.shape[0]}, {weight.shape[1]}) for x "
            f"{x.shape} and weight {weight.shape}; got grad_output {grad_output.shape}"
        )
    return _dense_backward(grad_output, x, weight)


# --------------------------------------------------------------------------- building an MLP


def count_parameters(layer_sizes: Sequence[int]) -> int:
    r"""Number of trainable parameters of an MLP: :math:`\sum_l (n_{l-1} n_l + n_l)`.

    Each layer has :math:`n_{l-1} \times n_l` weights and :math:`n_l` biases.

    Args:
        layer_sizes: the widths ``[n_0, n_1, ..., n_L]``, input first.

    Returns:
        The number of weights plus biases.

    Raises:
        TypeError: if a size is not an integer.
        ValueError: if there are fewer than two sizes or a size is below 1.

    Example:
        >>> count_parameters([2, 4, 2])  # 2*4 + 4*2 = 16 weights, 4 + 2 = 6 biases
        22
        >>> count_parameters([784, 256, 128, 10])
        235146
    """
    sizes = _check_layer_sizes(layer_sizes)
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _check_layer_sizes(layer_sizes: Sequence[int]) -> list[int]:
    """Return the layer sizes as a list of positive ints (at least two of them)."""
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(
            f"layer_sizes must be a sequence of integers such as [2, 4, 1]; got {type(layer_sizes).__name__}"
        )
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least an input and an output size; got {list(layer_sizes)}"
        )
    return [check_positive_int(n, f"layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]


def init_mlp(
    layer_sizes: Sequence[int], rng: np.random.Generator | int | None = None, init: str = "he"
) -> Params:
    r"""Random initial weights and zero biases for an MLP.

    - ``"he"`` (He et al., 2015, for ReLU-like activations): :math:`W_{ij} \sim \mathcal{N}(0, 2/n_{\mathrm{in}})`.
    - ``"xavier"`` (Glorot and Bengio, 2010, for tanh and sigmoid):
      :math:`W_{ij} \sim \mathcal{U}(-a, a)` with :math:`a = \sqrt{6 / (n_{\mathrm{in}} + n_{\mathrm{out}})}`,
      i.e. variance :math:`2 / (n_{\mathrm{in}} + n_{\mathrm{out}})`.

    Both keep the variance of the signal roughly constant from layer to layer.
    Biases start at 0; the random weights already break the symmetry between units.

    Args:
        layer_sizes: the widths ``[n_0, n_1, ..., n_L]``, input first.
        rng: a ``numpy.random.Generator``, an integer seed, or ``None`` for fresh randomness.
        init: ``"he"`` or ``"xavier"``.

    Returns:
        A list with one ``(W, b)`` pair per layer.

    Shape:
        W of layer l: (n_{l-1}, n_l). b of layer l: (n_l,).

    Raises:
        TypeError: if a size is not an integer or ``rng`` is of the wrong type.
        ValueError: if there are fewer than two sizes, a size is below 1 or ``init`` is unknown.

    Example:
        >>> params = init_mlp([2, 4, 2], rng=0)
        >>> [(W.shape, b.shape) for W, b in params]
        [((2, 4), (4,)), ((4, 2), (2,))]
    """
    sizes = _check_layer_sizes(layer_sizes)
    check_choice(init, "init", tuple(INITS))
    generator = check_rng(rng, allow_seed=True)
    draw = INITS[init]
    return [
        (draw(n_in, n_out, generator), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


# --------------------------------------------------------------------------- forward, loss, backward


def mlp_forward(
    params: Params, x: ArrayLike, activation: str = "relu", output: str = "identity"
) -> tuple[np.ndarray, MLPCache]:
    r"""Forward pass of an MLP: :math:`Z^{(l)} = A^{(l-1)} W^{(l)} + b^{(l)}`, :math:`A^{(l)} = f(Z^{(l)})`.

    Args:
        params: one ``(W, b)`` pair per layer, as returned by :func:`init_mlp`.
        x: a batch of inputs, one example per row.
        activation: the hidden activation, a name from ``dlbook.activations.ACTIVATIONS``
            (``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"leaky_relu"`` with slope 0.01, ``"silu"``,
            ``"gelu"``, ``"gelu_tanh"`` or ``"identity"``).
        output: the last layer's function, ``"identity"``, ``"sigmoid"`` or ``"softmax"``.

    Returns:
        ``(output, cache)``: the network output :math:`A^{(L)}` and an :class:`MLPCache`
        holding every :math:`Z^{(l)}` and :math:`A^{(l)}` for :func:`mlp_backward`.

    Shape:
        x: (N, n_0). Output: (N, n_L).

    Raises:
        ValueError: if a shape does not fit (the message names the layer and the shapes)
            or a name is unknown.

    Example:
        >>> params = [(np.array([[1.0, -1.0]]), np.array([0.0, 0.0])), (np.array([[1.0], [1.0]]), np.array([0.5]))]
        >>> out, cache = mlp_forward(params, np.array([[2.0], [-3.0]]))
        >>> print(out)  # relu(2) + relu(-2) + 0.5 and relu(-3) + relu(3) + 0.5
        [[2.5]
         [3.5]]
    """
    params = _check_params(params)
    check_choice(activation, "activation", tuple(ACTIVATIONS))
    check_choice(output, "output", tuple(OUTPUTS))
    x = as_float_array(x, "x", ndim=2)
    n_inputs = params[0][0].shape[0]
    if x.shape[1] != n_inputs:
        raise ValueError(
            f"x must have shape (N, {n_inputs}) to match W1 {params[0][0].shape}; got x {x.shape}"
        )
    f = ACTIVATIONS[activation][0]
    pre_activations, activations = [], [x]
    for layer, (W, b) in enumerate(params, start=1):
        z = activations[-1] @ W + b  # (N, n_{l-1}) @ (n_{l-1}, n_l) + (n_l,) -> (N, n_l)
        pre_activations.append(z)
        activations.append(f(z) if layer < len(params) else OUTPUTS[output].forward(z))
    return activations[-1], MLPCache(pre_activations, activations, activation, output)


def mlp_loss(cache: MLPCache, targets: ArrayLike, loss: str = "mse") -> float:
    """The mean loss of the batch the cache was computed on.

    ``"mse"`` compares the network output with the targets. The cross-entropies
    are computed from the logits :math:`Z^{(L)}` with the stable formulas of
    :mod:`dlbook.losses`, whether the network's output function is
    ``"identity"`` (it returns logits) or ``"sigmoid"``/``"softmax"`` (it returns probabilities).

    Args:
        cache: the cache returned by :func:`mlp_forward`.
        targets: regression targets (mse), 0/1 labels (binary cross-entropy), or
            integer class labels or one-hot rows (categorical cross-entropy).
        loss: one of ``LOSSES``.

    Returns:
        The loss, a float.

    Shape:
        targets: (N, n_L), or (N,) integer labels for categorical cross-entropy.

    Raises:
        ValueError: if the loss is unknown, does not suit the output function, or the targets' shape is wrong.

    Example:
        >>> params = [(np.zeros((2, 3)), np.zeros(3))]
        >>> _, cache = mlp_forward(params, np.ones((4, 2)), output="softmax")
        >>> print(round(mlp_loss(cache, [0, 1, 2, 0], "categorical_cross_entropy_with_logits"), 4))  # ln 3
        1.0986
    """
    _check_loss_output(loss, cache.output)
    return LOSSES[loss].value(cache, targets)


def mlp_backward(
    params: Params,
    cache: MLPCache,
    grad_output: ArrayLike | None = None,
    *,
    targets: ArrayLike | None = None,
    loss: str | None = None,
) -> Params:
    r"""Backward pass of an MLP: the gradient of the loss for every W and b.

    Give either ``grad_output`` (:math:`\partial L / \partial A^{(L)}`, the gradient with
    respect to the network output, from any loss) or ``targets`` and ``loss``. With a
    cross-entropy loss the error of the last layer is taken straight from the logits,
    :math:`\Delta^{(L)} = (P - Y)/N` (divided by :math:`N n_L` for binary cross-entropy),
    which avoids dividing by probabilities that may be 0.
    Then, from the last layer to the first (see the module docstring),

    .. math::

        \frac{\partial L}{\partial W^{(l)}} = (A^{(l-1)})^\top \Delta^{(l)}, \quad
        \frac{\partial L}{\partial b^{(l)}} = \sum_n \Delta^{(l)}_{n,:}, \quad
        \Delta^{(l-1)} = \big(\Delta^{(l)} (W^{(l)})^\top\big) \odot f'(Z^{(l-1)})

    Args:
        params: the ``(W, b)`` pairs used in the forward pass.
        cache: the cache returned by :func:`mlp_forward`.
        grad_output: the gradient with respect to the network output, or ``None``.
        targets: the targets, when ``grad_output`` is not given.
        loss: one of ``LOSSES``, with ``targets``.

    Returns:
        One ``(grad_W, grad_b)`` pair per layer, shaped like ``params``.

    Shape:
        grad_output: (N, n_L), the shape of the output. targets: as in :func:`mlp_loss`.

    Raises:
        ValueError: if both or neither of ``grad_output`` and ``targets``/``loss`` are given,
            if a shape does not fit, or if the loss does not suit the output function.

    Example:
        >>> params = init_mlp([3, 4, 2], rng=0)
        >>> x, y = np.ones((5, 3)), np.zeros((5, 2))
        >>> out, cache = mlp_forward(params, x, activation="tanh")
        >>> grads = mlp_backward(params, cache, targets=y, loss="mse")
        >>> [(gW.shape, gb.shape) for gW, gb in grads]
        [((3, 4), (4,)), ((4, 2), (2,))]
    """
    params = _check_params(params)
    if len(cache.pre_activations) != len(params):
        raise ValueError(
            f"cache comes from a network with {len(cache.pre_activations)} layers, params have {len(params)}"
        )
    if (grad_output is None) == (targets is None and loss is None):
        raise ValueError("give either grad_output, or targets and loss (not both, not neither)")
    if grad_output is not None:
        grad_output = as_float_array(grad_output, "grad_output", ndim=2)
        out_shape = cache.activations[-1].shape
        if grad_output.shape != out_shape:
            raise ValueError(
                f"grad_output must have the shape of the network output (N, n_L) = {out_shape}; "
                f"got {grad_output.shape}"
            )
        delta = _output_delta(cache, grad_output)
    else:
        if targets is None or loss is None:
            raise ValueError("targets and loss must be given together")
        _check_loss_output(loss, cache.output)
        delta = LOSSES[loss].delta(cache, targets)  # Delta^(L), (N, n_L)

    f_grad = ACTIVATIONS[cache.activation][1]
    grads: Params = []  # filled from the last layer to the first
    for layer in range(len(params), 0, -1):  # l = L, L-1, ..., 1
        W = params[layer - 1][0]  # W^(l), (n_{l-1}, n_l)
        a_prev = cache.activations[layer - 1]  # A^(l-1), (N, n_{l-1})
        # grad_a_prev = Delta^(l) W^T, grad_W = A^(l-1)^T Delta^(l), grad_b = sum_n Delta^(l)
        grad_a_prev, grad_W, grad_b = _dense_backward(delta, a_prev, W)
        grads.append((grad_W, grad_b))
        if layer > 1:  # Delta^(l-1) = (Delta^(l) W^T) * f'(Z^(l-1))
            delta = grad_a_prev * f_grad(cache.pre_activations[layer - 2])
    grads.reverse()  # back to the order of params: layer 1 first
    return grads


# --------------------------------------------------------------------------- a thin class on top


class MLP:
    """A multilayer perceptron: the functions of this module bundled with their parameters.

    Args:
        layer_sizes: the widths ``[n_0, n_1, ..., n_L]``, input first.
        activation: the hidden activation, a name from ``dlbook.activations.ACTIVATIONS``.
        output: ``"identity"``, ``"sigmoid"`` or ``"softmax"``.
        loss: one of ``LOSSES``; it must suit ``output``.
        init: ``"he"`` or ``"xavier"``.
        rng: a ``numpy.random.Generator``, an integer seed or ``None``.

    Raises:
        ValueError: if a name is unknown or the loss does not suit the output function.

    Example:
        >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> y = np.array([[0.0], [1.0], [1.0], [0.0]])
        >>> model = MLP([2, 8, 1], activation="tanh", output="sigmoid",
        ...             loss="binary_cross_entropy_with_logits", init="xavier", rng=0)
        >>> for step in range(1000):
        ...     loss = model.loss(x, y)
        ...     grads = model.backward(y)
        ...     for name, param in model.parameters().items():
        ...         param -= 0.5 * grads[name]  # in place: the arrays are the model's own
        >>> print(model.predict(x).ravel())
        [0 1 1 0]
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        output: str = "identity",
        loss: str = "mse",
        init: str = "he",
        rng: np.random.Generator | int | None = None,
    ) -> None:
        check_choice(activation, "activation", tuple(ACTIVATIONS))
        check_choice(output, "output", tuple(OUTPUTS))
        _check_loss_output(loss, output)
        self.layer_sizes = tuple(_check_layer_sizes(layer_sizes))
        self.activation = activation
        self.output = output
        self.loss_name = loss
        self.params: Params = init_mlp(self.layer_sizes, rng=rng, init=init)
        self.cache: MLPCache | None = None

    def parameters(self) -> dict[str, np.ndarray]:
        """The parameters by name, ``{"W1": ..., "b1": ..., "W2": ...}``.

        The arrays are the model's own, not copies: updating them in place
        (``param -= lr * grad``) trains the model.

        Returns:
            Name -> array, layers in order, W before b.

        Example:
            >>> list(MLP([2, 4, 2], rng=0).parameters())
            ['W1', 'b1', 'W2', 'b2']
        """
        named = {}
        for layer, (W, b) in enumerate(self.params, start=1):
            named[f"W{layer}"] = W
            named[f"b{layer}"] = b
        return named

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Compute the network output for a batch and keep the cache for :meth:`backward`.

        Args:
            x: a batch of inputs, one example per row.

        Returns:
            The output of the last layer (after the output function).

        Shape:
            x: (N, n_0). Output: (N, n_L).

        Example:
            >>> model = MLP([3, 5, 2], output="softmax", loss="categorical_cross_entropy_with_logits", rng=0)
            >>> model.forward(np.ones((4, 3))).shape
            (4, 2)
        """
        out, self.cache = mlp_forward(self.params, x, self.activation, self.output)
        return out

    def loss(self, x: ArrayLike, targets: ArrayLike) -> float:
        """Run :meth:`forward` on ``x`` and return the mean loss against ``targets``.

        Args:
            x: a batch of inputs, one example per row.
            targets: the targets, as in :func:`mlp_loss`.

        Returns:
            The mean loss, a float.

        Shape:
            x: (N, n_0). targets: (N, n_L), or (N,) integer labels for categorical cross-entropy.

        Example:
            >>> model = MLP([2, 3], output="softmax", loss="categorical_cross_entropy_with_logits", rng=0)
            >>> model.params[0][0][:] = 0.0  # all logits 0: uniform probabilities
            >>> print(round(model.loss(np.ones((2, 2)), [0, 2]), 4))  # ln 3
            1.0986
        """
        self.forward(x)
        assert self.cache is not None
        return mlp_loss(self.cache, targets, self.loss_name)

    def backward(
        self, targets: ArrayLike | None = None, *, grad_output: ArrayLike | None = None
    ) -> dict[str, np.ndarray]:
        """Gradients of the loss for the batch of the last :meth:`forward`, named like :meth:`parameters`.

        Args:
            targets: the targets of that batch (the model's loss is used), or ``None``.
            grad_output: instead of targets, the gradient of some loss with respect to the output.

        Returns:
            Name -> gradient, with the keys and shapes of :meth:`parameters`.

        Shape:
            targets: as in :func:`mlp_loss`. grad_output: (N, n_L).

        Raises:
            RuntimeError: if :meth:`forward` has not been called yet.
            ValueError: if both or neither of ``targets`` and ``grad_output`` are given, or a shape is wrong.

        Example:
            >>> model = MLP([2, 3, 1], rng=0)
            >>> _ = model.forward(np.ones((4, 2)))
            >>> {name: g.shape for name, g in model.backward(np.zeros((4, 1))).items()}
            {'W1': (2, 3), 'b1': (3,), 'W2': (3, 1), 'b2': (1,)}
        """
        if self.cache is None:
            raise RuntimeError(
                "call forward (or loss) before backward: there is no cached forward pass"
            )
        if grad_output is not None:
            grads = mlp_backward(self.params, self.cache, grad_output, targets=targets)
        else:
            grads = mlp_backward(self.params, self.cache, targets=targets, loss=self.loss_name)
        named = {}
        for layer, (grad_W, grad_b) in enumerate(grads, start=1):
            named[f"W{layer}"] = grad_W
            named[f"b{layer}"] = grad_b
        return named

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Predict class indices, 0/1 labels or values for a batch.

        The kind depends on the loss: class indices for categorical
        cross-entropy (arg max of the logits), 0/1 labels for binary
        cross-entropy (logit above 0, i.e. probability above 0.5), the network
        output for MSE. The cache of the last :meth:`forward` is left alone.

        Args:
            x: a batch of inputs, one example per row.

        Returns:
            The predictions.

        Shape:
            x: (N, n_0). Output: (N,) for categorical cross-entropy, else (N, n_L).

        Example:
            >>> model = MLP([2, 3], output="softmax", loss="categorical_cross_entropy_with_logits", rng=0)
            >>> model.predict(np.ones((5, 2))).shape
            (5,)
        """
        out, cache = mlp_forward(self.params, x, self.activation, self.output)
        return LOSSES[self.loss_name].predict(cache.pre_activations[-1], out)

    def __repr__(self) -> str:
        sizes = "-".join(str(n) for n in self.layer_sizes)
        return (
            f"MLP({sizes}, activation={self.activation!r}, output={self.output!r}, loss={self.loss_name!r}, "
            f"parameters={count_parameters(self.layer_sizes)})"
        )
