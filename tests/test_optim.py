"""Tests of the NumPy optimisers against torch.optim (float64) and against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlbook.optim import (
    SGD,
    Adam,
    AdamW,
    RMSprop,
    adam_update,
    inverse_time_decay,
    rmsprop_update,
    sgd_update,
)

N_STEPS = 200
TOLERANCE = 1e-10  # absolute, on every coordinate at every step

# ----------------------------------------------------------------------------
# The problem: a random least-squares fit plus a quartic penalty,
#   loss(W, b) = 1/(2n) * ||X W + b - Y||^2 + 0.05 * sum(W**4),
# with two parameter arrays W (5, 3) and b (3,). Its gradient is recomputed from
# the current parameters at every step, so the two trajectories must track
# each other: any difference in an update would change every later gradient.
#
# Why the start is far from the minimum and why some settings are left out of
# the trajectory tests: torch's CPU kernels fuse multiply-adds (FMA), so even a
# correct NumPy update differs from torch's by about 1 ulp (~1e-16) per step.
# Gradient descent near a minimum shrinks such differences, but RMSprop/Adam
# with a short second-moment memory (alpha or beta2 around 0.9) take nearly
# sign-like steps (g / sqrt(v) with v tracking g**2), and once a coordinate
# oscillates about its optimum, 1e-16 grows to 1e-3 within 100 steps for ANY
# two implementations. The settings below keep every trajectory in the regime
# where rounding does not grow (checked: max difference < 1e-12 over 200 steps);
# test_every_step_matches_torch_from_torchs_state covers the sensitive settings
# by comparing single steps from torch's own state.
# ----------------------------------------------------------------------------

_rng = np.random.default_rng(0)
X = _rng.normal(size=(20, 5))  # (n, d_in)
Y = _rng.normal(size=(20, 3))  # (n, d_out)
W0 = 3 * _rng.normal(size=(5, 3))
B0 = 3 * _rng.normal(size=3)


def loss_and_grads(W: np.ndarray, b: np.ndarray) -> tuple[float, list[np.ndarray]]:
    n = X.shape[0]
    residual = X @ W + b - Y  # (n, d_out)
    loss = 0.5 * np.sum(residual**2) / n + 0.05 * np.sum(W**4)
    dW = X.T @ residual / n + 0.2 * W**3  # (d_in, d_out)
    db = residual.sum(axis=0) / n  # (d_out,)
    return loss, [dW, db]


def run_ours(make_optimizer, n_steps: int = N_STEPS):
    W, b = W0.copy(), B0.copy()
    optimizer = make_optimizer([W, b])
    trajectory, losses = [], []
    for _ in range(n_steps):
        loss, grads = loss_and_grads(W, b)
        optimizer.step(grads)
        trajectory.append(np.concatenate([W.ravel(), b]))
        losses.append(loss)
    return np.array(trajectory), np.array(losses)


def run_torch(make_optimizer, n_steps: int = N_STEPS, scheduler=None):
    W = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(B0, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([W, b])
    schedule = scheduler(optimizer) if scheduler else None
    trajectory = []
    for _ in range(n_steps):
        _, (dW, db) = loss_and_grads(W.detach().numpy().copy(), b.detach().numpy().copy())
        W.grad, b.grad = torch.from_numpy(dW), torch.from_numpy(db)
        optimizer.step()
        if schedule:
            schedule.step()
        trajectory.append(np.concatenate([W.detach().numpy().ravel(), b.detach().numpy()]))
    return np.array(trajectory)


def check_trajectories(ours_cls, torch_cls, options: dict) -> None:
    ours, losses = run_ours(lambda params: ours_cls(params, **options))
    theirs = run_torch(lambda params: torch_cls(params, **options, foreach=False))
    # Guard: the optimiser really moved and made progress, so the comparison means something.
    assert np.abs(ours[-1] - np.concatenate([W0.ravel(), B0])).max() > 0.1
    assert losses[-1] < 0.7 * losses[0]
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOLERANCE)


SGD_SETTINGS = [
    dict(lr=0.05),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.01),
    dict(lr=0.03, momentum=0.9, nesterov=True, weight_decay=0.1),
    dict(lr=0.05, weight_decay=0.2),
]
RMSPROP_SETTINGS = [
    dict(lr=0.01),
    dict(lr=0.01, momentum=0.5),
    dict(lr=0.005, centered=True),
    dict(lr=0.005, alpha=0.95, momentum=0.9, weight_decay=0.05),
    dict(lr=0.01, alpha=0.95, eps=1e-6, weight_decay=0.01, momentum=0.9, centered=True),
]
ADAM_SETTINGS = [
    dict(lr=0.01),
    dict(lr=0.05, betas=(0.8, 0.99)),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.02, betas=(0.5, 0.99), eps=1e-4, weight_decay=0.01),
    dict(lr=0.02, betas=(0.0, 0.999)),
]
ADAMW_SETTINGS = [
    dict(lr=0.01),  # torch's default weight_decay=0.01
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.03, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.3),
    dict(lr=0.02, betas=(0.5, 0.999), eps=1e-6, weight_decay=0.3),
]


TRAJECTORY_CASES = [
    (ours, theirs, options)
    for ours, theirs, settings in [
        (SGD, torch.optim.SGD, SGD_SETTINGS),
        (RMSprop, torch.optim.RMSprop, RMSPROP_SETTINGS),
        (Adam, torch.optim.Adam, ADAM_SETTINGS),
        (AdamW, torch.optim.AdamW, ADAMW_SETTINGS),
    ]
    for options in settings
]


@pytest.mark.parametrize(
    "ours, theirs, options",
    TRAJECTORY_CASES,
    ids=[f"{ours.__name__}-{options}" for ours, _, options in TRAJECTORY_CASES],
)
def test_trajectory_matches_torch(ours, theirs, options):
    check_trajectories(ours, theirs, options)


def test_adam_and_adamw_differ_when_weight_decay_is_used():
    """L2-in-the-gradient (Adam) and decoupled decay (AdamW) are different algorithms."""
    adam, _ = run_ours(lambda p: Adam(p, lr=0.01, weight_decay=0.1), n_steps=20)
    adamw, _ = run_ours(lambda p: AdamW(p, lr=0.01, weight_decay=0.1), n_steps=20)
    assert np.abs(adam - adamw).max() > 1e-4
    same_adam, _ = run_ours(lambda p: Adam(p, lr=0.01), n_steps=20)
    same_adamw, _ = run_ours(lambda p: AdamW(p, lr=0.01, weight_decay=0.0), n_steps=20)
    np.testing.assert_array_equal(same_adam, same_adamw)


def test_inverse_time_decay_schedule_matches_torch_lambda_lr():
    lr0, decay = 0.05, 0.1
    W, b = W0.copy(), B0.copy()
    optimizer = SGD([W, b], lr=lr0, momentum=0.9)
    ours = []
    for epoch in range(100):
        optimizer.lr = inverse_time_decay(lr0, decay, epoch)
        optimizer.step(loss_and_grads(W, b)[1])
        ours.append(np.concatenate([W.ravel(), b]))
    theirs = run_torch(
        lambda p: torch.optim.SGD(p, lr=lr0, momentum=0.9, foreach=False),
        n_steps=100,
        scheduler=lambda opt: torch.optim.lr_scheduler.LambdaLR(
            opt, lambda epoch: 1 / (1 + decay * epoch)
        ),
    )
    np.testing.assert_allclose(np.array(ours), theirs, rtol=0, atol=TOLERANCE)


def _numpy(tensor: torch.Tensor | None) -> np.ndarray | None:
    return None if tensor is None else tensor.detach().numpy().copy()


def _our_step_from_torch_state(name: str, options: dict, param, grad, state: dict) -> np.ndarray:
    """Apply our update function to torch's state before a step; return the new parameter."""

    def saved(key: str) -> np.ndarray:  # torch creates its state at the first step
        return _numpy(state[key]) if state.get(key) is not None else np.zeros_like(param)

    if name == "SGD":
        return sgd_update(param, grad, _numpy(state.get("momentum_buffer")), **options)[0]
    if name == "RMSprop":
        return rmsprop_update(
            param, grad, saved("square_avg"), saved("grad_avg"), saved("momentum_buffer"), **options
        )[0]
    step = int(state["step"].item()) + 1 if state else 1
    decoupled = name == "AdamW"
    return adam_update(
        param,
        grad,
        saved("exp_avg"),
        saved("exp_avg_sq"),
        step,
        **options,
        decoupled_weight_decay=decoupled,
    )[0]


# The settings whose whole trajectories diverge from torch's through rounding alone (RMSprop
# and Adam with alpha or beta2 = 0.9), plus Nesterov SGD as a well-behaved control.
STEPWISE_SETTINGS = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5)),
    ("RMSprop", dict(lr=0.005, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.01)),
    ("Adam", dict(lr=0.02, betas=(0.0, 0.9), eps=1e-4, weight_decay=0.01)),
    ("AdamW", dict(lr=0.05, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.3)),
]


@pytest.mark.parametrize("name, options", STEPWISE_SETTINGS, ids=str)
def test_every_step_matches_torch_from_torchs_state(name, options):
    """At each of 200 steps, our update applied to torch's current state gives torch's next parameters.

    This includes settings whose whole trajectories are too sensitive to compare
    (see the comment at the top), and the oscillating end of those trajectories.
    """
    W = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(B0, dtype=torch.float64, requires_grad=True)
    optimizer = getattr(torch.optim, name)([W, b], **options, foreach=False)
    worst = 0.0
    for _ in range(N_STEPS):
        params = [_numpy(W), _numpy(b)]
        grads = loss_and_grads(*params)[1]
        states = [
            {k: v.clone() if torch.is_tensor(v) else v for k, v in optimizer.state[p].items()}
            for p in (W, b)
        ]
        ours = [
            _our_step_from_torch_state(name, options, p, g, st)
            for p, g, st in zip(params, grads, states)
        ]
        W.grad, b.grad = torch.from_numpy(grads[0]), torch.from_numpy(grads[1])
        optimizer.step()
        for mine, theirs in zip(ours, (W, b)):
            worst = max(worst, np.abs(mine - _numpy(theirs)).max())
    assert worst < 1e-14


# ----------------------------------------------------------------------------
# Independent recomputation by hand, with plain Python floats.
# ----------------------------------------------------------------------------


def test_sgd_momentum_two_steps_by_hand():
    # theta0 = 1, constant gradient 2, lr 0.1, momentum 0.9.
    # Step 1: buffer = g = 2 (first step: the gradient itself), theta = 1 - 0.2 = 0.8.
    # Step 2: buffer = 0.9 * 2 + 2 = 3.8, theta = 0.8 - 0.38 = 0.42.
    w = np.array([1.0])
    optimizer = SGD([w], lr=0.1, momentum=0.9)
    optimizer.step([np.array([2.0])])
    assert w[0] == pytest.approx(0.8, abs=1e-15)
    assert optimizer.momentum_buffers[0][0] == 2.0
    optimizer.step([np.array([2.0])])
    assert w[0] == pytest.approx(0.42, abs=1e-15)
    # Nesterov: the step uses g + mu * buffer: 2 + 1.8 = 3.8, then 2 + 0.9 * 3.8 = 5.42.
    w = np.array([1.0])
    optimizer = SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    optimizer.step([np.array([2.0])])
    optimizer.step([np.array([2.0])])
    assert w[0] == pytest.approx(1 - 0.38 - 0.542, abs=1e-15)
    # Weight decay and dampening: g = 2 + 0.5 * 1 = 2.5; buffer = 2.5 (dampening is not
    # applied at the first step, as in torch); theta = 1 - 0.25 = 0.75.
    # Step 2: g = 2 + 0.5 * 0.75 = 2.375; buffer = 0.9 * 2.5 + (1 - 0.2) * 2.375 = 4.15.
    w = np.array([1.0])
    optimizer = SGD([w], lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.5)
    optimizer.step([np.array([2.0])])
    assert w[0] == pytest.approx(0.75, abs=1e-15)
    optimizer.step([np.array([2.0])])
    assert w[0] == pytest.approx(0.75 - 0.1 * 4.15, abs=1e-15)


def test_rmsprop_two_steps_by_hand():
    lr, alpha, eps, g1, g2 = 0.1, 0.9, 1e-8, 2.0, -1.0
    square_avg = (1 - alpha) * g1**2  # 0.4
    theta = 1.0 - lr * g1 / (math.sqrt(square_avg) + eps)
    square_avg = alpha * square_avg + (1 - alpha) * g2**2  # 0.46
    theta = theta - lr * g2 / (math.sqrt(square_avg) + eps)
    w = np.array([1.0])
    optimizer = RMSprop([w], lr=lr, alpha=alpha, eps=eps)
    optimizer.step([np.array([g1])])
    optimizer.step([np.array([g2])])
    assert optimizer.square_avgs[0][0] == pytest.approx(0.46, abs=1e-15)
    assert w[0] == pytest.approx(theta, abs=1e-15)
    # eps is added after the square root: with a huge eps the difference is visible.
    w = np.array([1.0])
    RMSprop([w], lr=lr, alpha=alpha, eps=1.0).step([np.array([g1])])
    assert w[0] == pytest.approx(1 - lr * 2 / (math.sqrt(0.4) + 1), abs=1e-15)
    assert abs(w[0] - (1 - lr * 2 / math.sqrt(0.4 + 1))) > 1e-3


def test_adam_two_steps_by_hand():
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    theta, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate([0.5, -0.25], start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    # Step 1 by hand: m_hat = 0.5, v_hat = 0.25, so theta = 1 - 0.1 * 0.5 / 0.50000001.
    w = np.array([1.0])
    optimizer = Adam([w], lr=lr)
    optimizer.step([np.array([0.5])])
    assert w[0] == pytest.approx(1 - 0.1 * 0.5 / 0.50000001, abs=1e-15)
    optimizer.step([np.array([-0.25])])
    assert w[0] == pytest.approx(theta, abs=1e-15)
    assert optimizer.steps == [2]


def test_adam_l2_and_adamw_decoupled_decay_by_hand():
    lr, wd = 0.1, 0.5
    # Adam: g = 0.5 + 0.5 * 1 = 1; m_hat = 1, v_hat = 1; theta = 1 - 0.1 / (1 + 1e-8).
    w = np.array([1.0])
    Adam([w], lr=lr, weight_decay=wd).step([np.array([0.5])])
    assert w[0] == pytest.approx(1 - 0.1 / (1 + 1e-8), abs=1e-15)
    # AdamW: theta = 1 * (1 - 0.05) = 0.95, then the Adam step on g = 0.5: 0.95 - 0.1 * 0.5 / (0.5 + 1e-8).
    w = np.array([1.0])
    AdamW([w], lr=lr, weight_decay=wd).step([np.array([0.5])])
    assert w[0] == pytest.approx(0.95 - 0.1 * 0.5 / (0.5 + 1e-8), abs=1e-15)


def test_inverse_time_decay_values():
    assert inverse_time_decay(0.1, 0.5, 0) == 0.1
    assert inverse_time_decay(0.1, 0.5, 2) == pytest.approx(0.05, abs=1e-17)
    assert inverse_time_decay(0.1, 0.5, 3) == pytest.approx(0.04, abs=1e-17)
    assert inverse_time_decay(0.1, 0.0, 100) == 0.1


# ----------------------------------------------------------------------------
# The functional interface and the in-place contract.
# ----------------------------------------------------------------------------


def test_update_functions_do_not_modify_their_inputs():
    rng = np.random.default_rng(1)
    param, grad, s1, s2, s3 = (rng.normal(size=4) for _ in range(5))
    s1 = s2**2 + np.abs(s1)  # a square average is at least the squared plain average
    copies = [a.copy() for a in (param, grad, s1, s2, s3)]
    sgd_update(param, grad, s2, lr=0.1, momentum=0.9, weight_decay=0.1)
    rmsprop_update(param, grad, s1, s2, s3, momentum=0.9, centered=True, weight_decay=0.1)
    adam_update(param, grad, s2, s1, 3, weight_decay=0.1)
    for before, after in zip(copies, (param, grad, s1, s2, s3)):
        np.testing.assert_array_equal(before, after)


def test_classes_update_the_callers_arrays_in_place():
    W, b = W0.copy(), B0.copy()
    ids = (id(W), id(b))
    optimizer = Adam([W, b], lr=0.1)
    optimizer.step(loss_and_grads(W, b)[1])
    assert (id(optimizer.params[0]), id(optimizer.params[1])) == ids
    assert not np.allclose(W, W0) and not np.allclose(b, B0)


def test_sgd_without_momentum_keeps_no_buffer():
    param, buffer = sgd_update(np.array([1.0]), np.array([1.0]), None, lr=0.5)
    assert buffer is None and param[0] == 0.5


# ----------------------------------------------------------------------------
# Bad input.
# ----------------------------------------------------------------------------


def test_mismatched_shapes_and_counts():
    W, b = np.zeros((5, 3)), np.zeros(3)
    optimizer = SGD([W, b], lr=0.1)
    with pytest.raises(
        ValueError,
        match=r"grads\[0\] \(the gradient of params\[0\]\) must have shape \(5, 3\); got shape \(3, 5\)",
    ):
        optimizer.step([np.zeros((3, 5)), np.zeros(3)])
    with pytest.raises(ValueError, match=r"expected 2 gradients, one per parameter; got 1"):
        optimizer.step([np.zeros((5, 3))])
    with pytest.raises(TypeError, match=r"grads must be a list of arrays"):
        optimizer.step(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"grad must have shape \(2,\); got shape \(3,\)"):
        sgd_update(np.zeros(2), np.zeros(3), lr=0.1)
    with pytest.raises(ValueError, match=r"exp_avg must have shape \(2,\); got shape \(1,\)"):
        adam_update(np.zeros(2), np.zeros(2), np.zeros(1), np.zeros(2), 1)


def test_bad_params():
    with pytest.raises(
        TypeError,
        match=r"params\[0\] must be a NumPy array of floats .* got an array of dtype int64",
    ):
        SGD([np.array([1, 2])], lr=0.1)
    with pytest.raises(TypeError, match=r"params\[1\] must be a NumPy array of floats .* got list"):
        Adam([np.zeros(2), [1.0, 2.0]])
    with pytest.raises(
        TypeError, match=r"params must be a list of arrays; got a single array of shape \(2,\)"
    ):
        RMSprop(np.zeros(2))
    with pytest.raises(ValueError, match="params must hold at least one array"):
        AdamW([])


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: SGD(p, lr=-0.1), ValueError, r"lr must be finite and >= 0; got -0.1"),
        (lambda p: SGD(p, lr="0.1"), TypeError, r"lr must be a real number; got str"),
        (
            lambda p: SGD(p, lr=0.1, momentum=-0.9),
            ValueError,
            r"momentum must be finite and >= 0; got -0.9",
        ),
        (
            lambda p: SGD(p, lr=0.1, nesterov=True),
            ValueError,
            r"Nesterov momentum needs momentum > 0 and dampening = 0; got momentum=0.0",
        ),
        (
            lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
            ValueError,
            r"dampening = 0; got momentum=0.9, dampening=0.1",
        ),
        (
            lambda p: SGD(p, lr=0.1, weight_decay=-1e-4),
            ValueError,
            r"weight_decay must be finite and >= 0",
        ),
        (lambda p: RMSprop(p, alpha=1.0), ValueError, r"alpha must be in \[0, 1\); got 1.0"),
        (lambda p: RMSprop(p, eps=-1e-8), ValueError, r"eps must be finite and >= 0; got -1e-08"),
        (lambda p: Adam(p, lr=-1e-3), ValueError, r"lr must be finite and >= 0; got -0.001"),
        (
            lambda p: Adam(p, betas=(1.0, 0.999)),
            ValueError,
            r"betas\[0\] must be in \[0, 1\); got 1.0",
        ),
        (
            lambda p: Adam(p, betas=(0.9, -0.1)),
            ValueError,
            r"betas\[1\] must be in \[0, 1\); got -0.1",
        ),
        (
            lambda p: Adam(p, betas=(0.9, 1.5)),
            ValueError,
            r"betas\[1\] must be in \[0, 1\); got 1.5",
        ),
        (
            lambda p: Adam(p, betas=0.9),
            TypeError,
            r"betas must be a pair \(beta1, beta2\); got 0.9",
        ),
        (
            lambda p: Adam(p, betas=(0.9, "0.999")),
            TypeError,
            r"betas\[1\] must be a real number; got str",
        ),
        (lambda p: Adam(p, eps=-1e-8), ValueError, r"eps must be finite and >= 0; got -1e-08"),
        (
            lambda p: AdamW(p, weight_decay=-0.01),
            ValueError,
            r"weight_decay must be finite and >= 0; got -0.01",
        ),
        (
            lambda p: AdamW(p, betas=(0.9, float("nan"))),
            ValueError,
            r"betas\[1\] must be in \[0, 1\); got nan",
        ),
    ],
)
def test_bad_hyperparameters(make, error, message):
    with pytest.raises(error, match=message):
        make([np.zeros(2)])


def test_bad_learning_rate_set_between_steps_is_caught():
    w = np.zeros(2)
    optimizer = SGD([w], lr=0.1)
    optimizer.lr = -0.1
    with pytest.raises(ValueError, match="lr must be finite and >= 0; got -0.1"):
        optimizer.step([np.ones(2)])
    np.testing.assert_array_equal(w, 0.0)


def test_bad_step_and_schedule_arguments():
    with pytest.raises(ValueError, match="step must be >= 1; got 0"):
        adam_update(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), 0)
    with pytest.raises(ValueError, match="decay must be finite and >= 0; got -0.5"):
        inverse_time_decay(0.1, -0.5, 1)
    with pytest.raises(ValueError, match="epoch must be finite and >= 0; got -1.0"):
        inverse_time_decay(0.1, 0.5, -1)


@pytest.mark.parametrize("optimizer_class", [SGD, RMSprop, Adam, AdamW])
def test_a_read_only_parameter_changes_nothing(optimizer_class):
    """Adversarial finding 8: every parameter is checked before any is changed."""
    first, second = np.ones(3), np.ones(2)
    optimizer = optimizer_class([first, second], lr=0.1)
    second.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[1\] is read-only"):
        optimizer.step([np.ones(3), np.ones(2)])
    np.testing.assert_array_equal(first, np.ones(3))  # untouched
    with pytest.raises(ValueError, match=r"params\[0\] is read-only"):
        optimizer_class([second], lr=0.1)
