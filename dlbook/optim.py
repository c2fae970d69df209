"""Gradient-descent optimisers in NumPy, following ``torch.optim``'s update formulas exactly.

Each optimiser comes twice:

- an update *function* (:func:`sgd_update`, :func:`rmsprop_update`,
  :func:`adam_update`) that reads like the formula: it takes one parameter array,
  its gradient and the optimiser's running state, and returns the new parameter
  and the new state without modifying anything;
- a thin *class* (:class:`SGD`, :class:`RMSprop`, :class:`Adam`, :class:`AdamW`)
  that keeps the state for a list of parameter arrays and updates those arrays
  in place, as ``torch.optim`` does.

The classes hold references to your parameter arrays, and ``step(grads)`` takes
the gradients as a list in the same order::

    optimizer = Adam([W, b], lr=1e-3)
    for epoch in range(n_epochs):
        dW, db = gradients(W, b)   # your backward pass
        optimizer.step([dW, db])   # W and b are changed in place

Because the gradients are passed to ``step``, there is no stored gradient to
reset (torch's ``optimizer.zero_grad()``). The arrays must be floating-point
NumPy arrays, and you must keep updating the same array objects: rebinding
``W = W - ...`` elsewhere would leave the optimiser holding the old array.

The learning rate ``lr`` is a plain attribute: set ``optimizer.lr`` between steps
to follow a schedule such as :func:`inverse_time_decay`.

Example:
    >>> import numpy as np
    >>> w = np.array([1.0, -2.0])
    >>> optimizer = SGD([w], lr=0.1)
    >>> optimizer.step([2 * w])  # gradient of sum(w**2)
    >>> w
    array([ 0.8, -1.6])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlbook.validation import (
    as_array,
    check_non_negative,
    check_positive_int,
    check_unit_interval,
)

__all__ = [
    "sgd_update",
    "rmsprop_update",
    "adam_update",
    "SGD",
    "RMSprop",
    "Adam",
    "AdamW",
    "inverse_time_decay",
]


# ----------------------------------------------------------------------------
# Input checks.
# ----------------------------------------------------------------------------


def _check_betas(betas: Any, name: str = "betas") -> tuple[float, float]:
    """Return Adam's ``(beta1, beta2)`` after checking each is in [0, 1)."""
    if not isinstance(betas, Sequence) or isinstance(betas, str) or len(betas) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2); got {betas!r}")
    return check_unit_interval(betas[0], f"{name}[0]"), check_unit_interval(betas[1], f"{name}[1]")


#: The check of every hyperparameter, by name (flags such as ``nesterov`` need none).
_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "lr": check_non_negative,
    "momentum": check_non_negative,
    "dampening": check_non_negative,
    "weight_decay": check_non_negative,
    "eps": check_non_negative,
    "alpha": check_unit_interval,
    "betas": _check_betas,
}


def _check_options(**options: Any) -> dict[str, Any]:
    """Check each hyperparameter with its entry of ``_CHECKS``; return them checked."""
    checked = {
        name: _CHECKS[name](value, name) if name in _CHECKS else value
        for name, value in options.items()
    }
    if checked.get("nesterov") and (checked["momentum"] == 0 or checked["dampening"] != 0):
        raise ValueError(
            "Nesterov momentum needs momentum > 0 and dampening = 0; "
            f"got momentum={checked['momentum']}, dampening={checked['dampening']}"
        )
    return checked


def _check_params(params: Any) -> list[np.ndarray]:
    """Return the list of parameter arrays after checking they can be updated in place."""
    if isinstance(params, np.ndarray):
        raise TypeError(
            f"params must be a list of arrays; got a single array of shape {params.shape} (write [w])"
        )
    params = list(params)
    if not params:
        raise ValueError("params must hold at least one array; got an empty list")
    for i, param in enumerate(params):
        if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
            given = (
                f"an array of dtype {param.dtype}"
                if isinstance(param, np.ndarray)
                else type(param).__name__
            )
            raise TypeError(
                f"params[{i}] must be a NumPy array of floats (it is updated in place); got {given}"
            )
    return params


def _check_writeable(params: list[np.ndarray]) -> None:
    """Raise a ValueError naming the first parameter that cannot be updated in place."""
    for i, param in enumerate(params):
        if not param.flags.writeable:
            raise ValueError(
                f"params[{i}] is read-only (its flags.writeable is False), so it cannot be updated "
                "in place; pass a writeable array (param.copy()). No parameter was changed."
            )


def _check_grads(grads: Any, params: list[np.ndarray]) -> list[np.ndarray]:
    """Return the gradients as arrays after checking there is one per parameter, of its shape."""
    if isinstance(grads, np.ndarray):
        raise TypeError(
            f"grads must be a list of arrays, one per parameter; got a single array of shape {grads.shape}"
        )
    grads = list(grads)
    if len(grads) != len(params):
        raise ValueError(f"expected {len(params)} gradients, one per parameter; got {len(grads)}")
    return [
        as_array(grad, f"grads[{i}] (the gradient of params[{i}])", shape=param.shape)
        for i, (grad, param) in enumerate(zip(grads, params))
    ]


# ----------------------------------------------------------------------------
# Update functions: one step for one parameter array, nothing modified in place.
# ----------------------------------------------------------------------------


def sgd_update(
    param: np.ndarray,
    grad: np.ndarray,
    momentum_buffer: np.ndarray | None = None,
    *,
    lr: float = 1e-3,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> tuple[np.ndarray, np.ndarray | None]:
    """One step of stochastic gradient descent, with optional momentum, as ``torch.optim.SGD``.

    With ``theta`` the parameter, ``g`` its gradient, ``mu`` the momentum and
    ``tau`` the dampening::

        g = g + weight_decay * theta              (L2 penalty, if weight_decay > 0)
        b = g                                     (first step: the buffer starts as the gradient)
        b = mu * b + (1 - tau) * g                (later steps)
        g = g + mu * b   if nesterov,   else   g = b      (if mu > 0)
        theta = theta - lr * g

    Args:
        param: the parameter ``theta``.
        grad: its gradient.
        momentum_buffer: ``b`` from the previous step; ``None`` at the first step.
        lr: the learning rate (>= 0).
        momentum: ``mu`` (>= 0); 0 is plain gradient descent.
        dampening: ``tau`` (>= 0), the fraction of the gradient left out of the buffer.
        nesterov: use Nesterov momentum (needs ``momentum > 0`` and ``dampening = 0``).
        weight_decay: the L2 coefficient added to the gradient (>= 0).

    Returns:
        ``(new_param, new_momentum_buffer)``; the buffer is ``None`` when ``momentum == 0``.

    Shape:
        ``grad`` and ``momentum_buffer`` have the shape of ``param``; so do the outputs.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: for a negative ``lr``, ``momentum``, ``dampening`` or
            ``weight_decay``, Nesterov without momentum, or mismatched shapes.

    Example:
        >>> theta, b = sgd_update(np.array([1.0]), np.array([2.0]), None, lr=0.1, momentum=0.9)
        >>> theta, b  # first step: b = g = 2, theta = 1 - 0.1 * 2
        (array([0.8]), array([2.]))
        >>> theta, b = sgd_update(theta, np.array([2.0]), b, lr=0.1, momentum=0.9)
        >>> theta, b  # b = 0.9 * 2 + 2 = 3.8, theta = 0.8 - 0.38
        (array([0.42]), array([3.8]))
    """
    _check_options(
        lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=weight_decay
    )
    param = as_array(param, "param")
    grad = as_array(grad, "grad", shape=param.shape)
    if weight_decay != 0:
        grad = grad + weight_decay * param
    if momentum != 0:
        if momentum_buffer is None:
            momentum_buffer = grad.copy()
        else:
            momentum_buffer = as_array(momentum_buffer, "momentum_buffer", shape=param.shape)
            momentum_buffer = momentum * momentum_buffer + (1 - dampening) * grad
        grad = grad + momentum * momentum_buffer if nesterov else momentum_buffer
    else:
        momentum_buffer = None
    return param - lr * grad, momentum_buffer


def rmsprop_update(
    param: np.ndarray,
    grad: np.ndarray,
    square_avg: np.ndarray,
    grad_avg: np.ndarray,
    momentum_buffer: np.ndarray,
    *,
    lr: float = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One RMSprop step, as ``torch.optim.RMSprop``.

    With ``theta`` the parameter and ``g`` its gradient; the three state arrays
    start as zeros::

        g = g + weight_decay * theta                         (if weight_decay > 0)
        square_avg = alpha * square_avg + (1 - alpha) * g**2
        grad_avg = alpha * grad_avg + (1 - alpha) * g        (only if centered)
        denom = sqrt(square_avg - grad_avg**2) + eps   if centered,   else   sqrt(square_avg) + eps
        b = momentum * b + g / denom;  theta = theta - lr * b     (if momentum > 0)
        theta = theta - lr * g / denom                             (otherwise)

    Note that ``eps`` is added *after* the square root.

    Args:
        param: the parameter ``theta``.
        grad: its gradient.
        square_avg: the running average of the squared gradient.
        grad_avg: the running average of the gradient (used when ``centered``).
        momentum_buffer: ``b`` (used when ``momentum > 0``).
        lr: the learning rate (>= 0).
        alpha: the smoothing constant, in [0, 1).
        eps: added to the denominator for numerical stability (>= 0).
        weight_decay: the L2 coefficient added to the gradient (>= 0).
        momentum: the momentum factor (>= 0).
        centered: divide by an estimate of the gradient's standard deviation
            instead of its root mean square.

    Returns:
        ``(new_param, new_square_avg, new_grad_avg, new_momentum_buffer)``; unused
        states are returned unchanged.

    Shape:
        Every array has the shape of ``param``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: for a negative ``lr``, ``eps``, ``weight_decay`` or ``momentum``,
            ``alpha`` outside [0, 1), or mismatched shapes.

    Example:
        >>> zeros = np.zeros(1)
        >>> theta, square_avg, _, _ = rmsprop_update(np.array([1.0]), np.array([2.0]), zeros, zeros, zeros, lr=0.1, alpha=0.9)
        >>> square_avg  # 0.1 * 2**2
        array([0.4])
        >>> np.round(theta, 6)  # 1 - 0.1 * 2 / (sqrt(0.4) + 1e-8)
        array([0.683772])
    """
    _check_options(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
    param = as_array(param, "param")
    grad = as_array(grad, "grad", shape=param.shape)
    square_avg = as_array(square_avg, "square_avg", shape=param.shape)
    grad_avg = as_array(grad_avg, "grad_avg", shape=param.shape)
    momentum_buffer = as_array(momentum_buffer, "momentum_buffer", shape=param.shape)
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg = alpha * square_avg + (1 - alpha) * grad**2
    if centered:
        grad_avg = alpha * grad_avg + (1 - alpha) * grad
        denom = np.sqrt(square_avg - grad_avg**2) + eps
    else:
        denom = np.sqrt(square_avg) + eps
    if momentum > 0:
        momentum_buffer = momentum * momentum_buffer + grad / denom
        param = param - lr * momentum_buffer
    else:
        param = param - lr * grad / denom
    return param, square_avg, grad_avg, momentum_buffer


def adam_update(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    step: int,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam step with bias correction, as ``torch.optim.Adam`` (or ``AdamW``).

    With ``theta`` the parameter, ``g`` its gradient, ``t`` the step number
    (1 at the first step) and ``m``, ``v`` starting as zeros::

        g = g + weight_decay * theta                     (Adam: L2 penalty in the gradient)
        theta = theta * (1 - lr * weight_decay)          (AdamW: decoupled weight decay, instead)
        m = beta1 * m + (1 - beta1) * g                  (first moment)
        v = beta2 * v + (1 - beta2) * g**2               (second moment)
        m_hat = m / (1 - beta1**t)                       (bias corrections)
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (sqrt(v_hat) + eps)

    Args:
        param: the parameter ``theta``.
        grad: its gradient.
        exp_avg: ``m`` from the previous step (zeros before the first).
        exp_avg_sq: ``v`` from the previous step (zeros before the first).
        step: ``t``, the number of this step, counted from 1.
        lr: the learning rate (>= 0).
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: added to the denominator after the square root (>= 0).
        weight_decay: the weight-decay coefficient (>= 0).
        decoupled_weight_decay: ``False`` for Adam (L2 term added to the gradient,
            so it is rescaled by the adaptive step), ``True`` for AdamW (the
            parameter shrinks by ``lr * weight_decay`` directly).

    Returns:
        ``(new_param, new_exp_avg, new_exp_avg_sq)``.

    Shape:
        Every array has the shape of ``param``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: for a negative ``lr``, ``eps`` or ``weight_decay``, betas outside
            [0, 1), ``step < 1`` or mismatched shapes.

    Example:
        >>> zeros = np.zeros(1)
        >>> theta, m, v = adam_update(np.array([1.0]), np.array([0.5]), zeros, zeros, 1, lr=0.1)
        >>> m, v  # 0.1 * 0.5 and 0.001 * 0.25
        (array([0.05]), array([0.00025]))
        >>> np.round(theta, 8)  # m_hat = 0.5, v_hat = 0.25: the first step is about lr * sign(g)
        array([0.9])
    """
    _check_options(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    beta1, beta2 = betas
    step = check_positive_int(step, "step")
    param = as_array(param, "param")
    grad = as_array(grad, "grad", shape=param.shape)
    exp_avg = as_array(exp_avg, "exp_avg", shape=param.shape)
    exp_avg_sq = as_array(exp_avg_sq, "exp_avg_sq", shape=param.shape)
    if weight_decay != 0:
        if decoupled_weight_decay:
            param = param * (1 - lr * weight_decay)
        else:
            grad = grad + weight_decay * param
    exp_avg = beta1 * exp_avg + (1 - beta1) * grad
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad**2
    m_hat = exp_avg / (1 - beta1**step)
    v_hat = exp_avg_sq / (1 - beta2**step)
    param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return param, exp_avg, exp_avg_sq


# ----------------------------------------------------------------------------
# Classes: keep the state for a list of parameter arrays, update them in place.
# ----------------------------------------------------------------------------


def _keyword_defaults(function: Callable[..., Any]) -> dict[str, Any]:
    """The keyword-only arguments of an update function and their defaults (torch's)."""
    parameters = inspect.signature(function).parameters.values()
    return {p.name: p.default for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


class _Optimizer:
    """Holds a list of parameter arrays and their state; ``step`` updates each array in place.

    A subclass names its update function and the state it keeps per parameter (attribute name ->
    initial value, in the order the function takes and returns them); its hyperparameters and
    their defaults are the update function's keyword arguments, with ``_overrides`` on top.
    """

    _update_function: Callable[..., tuple[np.ndarray, ...]]
    _state: dict[str, Callable[[np.ndarray], Any]]
    _overrides: dict[str, Any] = {}

    def __init__(self, params: Sequence[np.ndarray], **options: Any) -> None:
        defaults = {**_keyword_defaults(type(self)._update_function), **self._overrides}
        unknown = sorted(set(options) - set(defaults))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no option {', '.join(map(repr, unknown))}; "
                f"its options are {', '.join(defaults)}"
            )
        self.params = _check_params(params)
        _check_writeable(self.params)
        self._option_names = tuple(defaults)
        for name, value in _check_options(**{**defaults, **options}).items():
            setattr(self, name, value)
        for name, initial in self._state.items():
            setattr(self, name, [initial(param) for param in self.params])

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place, given the gradients in the order of ``params``.

        Every gradient and every parameter is checked before any parameter changes.

        Raises:
            TypeError: if ``grads`` is not a list of numeric arrays.
            ValueError: if the number of gradients or a gradient's shape does not match the
                parameters, or a parameter has become read-only.
        """
        grads = _check_grads(grads, self.params)
        _check_writeable(self.params)
        new_params = [self._update(i, p, g) for i, (p, g) in enumerate(zip(self.params, grads))]
        for param, new_param in zip(self.params, new_params):
            param[...] = new_param

    def _update(self, i: int, param: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """One call of the update function for parameter ``i``; store its new state."""
        state = [getattr(self, name)[i] for name in self._state]
        options = {name: getattr(self, name) for name in self._option_names}
        new_param, *new_state = type(self)._update_function(param, grad, *state, **options)
        for name, value in zip(self._state, new_state):  # Adam's step count is not returned
            getattr(self, name)[i] = value
        return new_param


class SGD(_Optimizer):
    """Stochastic gradient descent with momentum, Nesterov and weight decay, like ``torch.optim.SGD``.

    See :func:`sgd_update` for the formulas. Defaults are torch's.

    Args:
        params: the parameter arrays (float NumPy arrays, updated in place).
        lr: the learning rate (>= 0).
        momentum: the momentum factor (>= 0).
        dampening: the dampening of the momentum (>= 0).
        nesterov: use Nesterov momentum.
        weight_decay: the L2 coefficient added to the gradient (>= 0).

    Attributes:
        momentum_buffers: one buffer per parameter (``None`` before the first step).

    Raises:
        TypeError: if ``params`` is not a list of float arrays or a number has the wrong type.
        ValueError: for negative hyperparameters, or Nesterov without momentum or with dampening.

    Example:
        >>> w = np.array([1.0])
        >>> optimizer = SGD([w], lr=0.1, momentum=0.9, nesterov=True)
        >>> for _ in range(2):
        ...     optimizer.step([np.array([2.0])])
        >>> np.round(w, 6)  # 1 - 0.1 * (2 + 0.9 * 2) = 0.62, then 0.62 - 0.1 * (2 + 0.9 * 3.8)
        array([0.078])
    """

    _update_function = staticmethod(sgd_update)
    _state = {"momentum_buffers": lambda param: None}


class RMSprop(_Optimizer):
    """RMSprop, like ``torch.optim.RMSprop``: divide the step by a running root mean square of the gradient.

    See :func:`rmsprop_update` for the formulas. Defaults are torch's.

    Args:
        params: the parameter arrays (float NumPy arrays, updated in place).
        lr: the learning rate (>= 0).
        alpha: the smoothing constant, in [0, 1).
        eps: added to the denominator after the square root (>= 0).
        weight_decay: the L2 coefficient added to the gradient (>= 0).
        momentum: the momentum factor (>= 0).
        centered: normalise by the estimated standard deviation of the gradient.

    Attributes:
        square_avgs: the running averages of the squared gradients, one per parameter.
        grad_avgs: the running averages of the gradients (used when ``centered``).
        momentum_buffers: the momentum buffers (used when ``momentum > 0``).

    Raises:
        TypeError: if ``params`` is not a list of float arrays or a number has the wrong type.
        ValueError: for negative hyperparameters or ``alpha`` outside [0, 1).

    Example:
        >>> w = np.array([1.0])
        >>> optimizer = RMSprop([w], lr=0.1, alpha=0.9)
        >>> optimizer.step([np.array([2.0])])
        >>> np.round(w, 6)
        array([0.683772])
    """

    _update_function = staticmethod(rmsprop_update)
    _state = {
        "square_avgs": np.zeros_like,
        "grad_avgs": np.zeros_like,
        "momentum_buffers": np.zeros_like,
    }


class Adam(_Optimizer):
    """Adam with bias correction, like ``torch.optim.Adam``; ``weight_decay`` is an L2 term added to the gradient.

    See :func:`adam_update` for the formulas. Defaults are torch's.

    Args:
        params: the parameter arrays (float NumPy arrays, updated in place).
        lr: the learning rate (>= 0).
        betas: ``(beta1, beta2)``, the decay rates of the moment estimates, each in [0, 1).
        eps: added to the denominator after the square root (>= 0).
        weight_decay: the L2 coefficient (>= 0).
        decoupled_weight_decay: ``True`` decays the parameter directly, as :class:`AdamW`.

    Attributes:
        exp_avgs: the first-moment estimates ``m``, one per parameter.
        exp_avg_sqs: the second-moment estimates ``v``.
        steps: the number of steps taken, per parameter.

    Raises:
        TypeError: if ``params`` is not a list of float arrays or a number has the wrong type.
        ValueError: for negative ``lr``, ``eps`` or ``weight_decay``, or betas outside [0, 1).

    Example:
        >>> w = np.array([1.0, 1.0])
        >>> optimizer = Adam([w], lr=0.1)
        >>> optimizer.step([np.array([0.5, -3.0])])
        >>> np.round(w, 6)  # the first step moves each coordinate by about lr, against the gradient's sign
        array([0.9, 1.1])
    """

    _update_function = staticmethod(adam_update)
    _state = {"exp_avgs": np.zeros_like, "exp_avg_sqs": np.zeros_like, "steps": lambda param: 0}

    def _update(self, i: int, param: np.ndarray, grad: np.ndarray) -> np.ndarray:
        self.steps[i] += 1  # t counts from 1
        return super()._update(i, param, grad)


class AdamW(Adam):
    """Adam with decoupled weight decay, like ``torch.optim.AdamW``.

    Each step first shrinks the parameter, ``theta = theta * (1 - lr * weight_decay)``,
    then takes a plain Adam step; the decay never enters the moment estimates
    (see :func:`adam_update`). The default ``weight_decay`` is torch's, 0.01.

    Args:
        params: the parameter arrays (float NumPy arrays, updated in place).
        lr: the learning rate (>= 0).
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: added to the denominator after the square root (>= 0).
        weight_decay: the decoupled weight-decay coefficient (>= 0).

    Raises:
        TypeError: if ``params`` is not a list of float arrays or a number has the wrong type.
        ValueError: for negative ``lr``, ``eps`` or ``weight_decay``, or betas outside [0, 1).

    Example:
        >>> w = np.array([1.0])
        >>> optimizer = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> optimizer.step([np.array([0.5])])
        >>> np.round(w, 6)  # 1 * (1 - 0.1 * 0.5) - 0.1
        array([0.85])
    """

    _overrides = {"weight_decay": 1e-2, "decoupled_weight_decay": True}


# ----------------------------------------------------------------------------
# Learning-rate schedule.
# ----------------------------------------------------------------------------


def inverse_time_decay(lr0: float, decay: float, epoch: float) -> float:
    """The learning rate ``lr0 / (1 + decay * epoch)``.

    Args:
        lr0: the initial learning rate (>= 0).
        decay: the decay rate (>= 0); 0 keeps the rate constant.
        epoch: the epoch (or step) number, from 0 (>= 0).

    Returns:
        The learning rate for that epoch.

    Raises:
        TypeError: if an argument is not a real number.
        ValueError: if an argument is negative or not finite.

    Example:
        >>> [round(inverse_time_decay(0.1, 0.5, epoch), 4) for epoch in range(4)]
        [0.1, 0.0667, 0.05, 0.04]
    """
    lr0 = check_non_negative(lr0, "lr0")
    decay = check_non_negative(decay, "decay")
    epoch = check_non_negative(epoch, "epoch")
    return lr0 / (1 + decay * epoch)
