"""Tests for dlbook.mlp: forward and backward against torch.nn (float64), finite differences, XOR."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlbook.gradcheck import check_gradients
from dlbook.mlp import (
    MLP,
    count_parameters,
    dense_backward,
    dense_forward,
    init_mlp,
    mlp_backward,
    mlp_forward,
    mlp_loss,
)
from dlbook.testing import assert_close

CCE = "categorical_cross_entropy_with_logits"
ATOL = 1e-10


pytestmark = pytest.mark.usefixtures("warnings_are_errors")

TORCH_ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "silu": nn.SiLU,
    "gelu": lambda: nn.GELU(approximate="none"),
    "gelu_tanh": lambda: nn.GELU(approximate="tanh"),
    "identity": nn.Identity,
}
TORCH_OUTPUTS = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


close = partial(assert_close, rtol=0.0, atol=ATOL)  # float64 against torch


def torch_mlp(params, activation):
    """An nn.Sequential computing the logits, with our weights copied (nn.Linear stores W transposed)."""
    layers = []
    for layer, (W, b) in enumerate(params):
        linear = nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(W.T))
            linear.bias.copy_(torch.tensor(b))
        layers.append(linear)
        if layer < len(params) - 1:
            layers.append(TORCH_ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def torch_loss(loss, output, logits, targets):
    if loss == "mse":
        return F.mse_loss(output, torch.tensor(targets))
    if loss == "binary_cross_entropy_with_logits":
        return F.binary_cross_entropy_with_logits(logits, torch.tensor(targets))
    return F.cross_entropy(logits, torch.tensor(targets))


def make_targets(loss, rng, n, n_out):
    if loss == "mse":
        return rng.normal(size=(n, n_out))
    if loss == "binary_cross_entropy_with_logits":
        return rng.integers(0, 2, size=(n, n_out)).astype(float)
    return rng.integers(0, n_out, size=n)  # sparse class labels


# (layer sizes, hidden activation, output, loss)
CASES = [
    ([3, 5, 2], "relu", "identity", "mse"),
    ([4, 6, 5, 1], "tanh", "sigmoid", "binary_cross_entropy_with_logits"),
    ([5, 7, 6, 4], "gelu", "softmax", "categorical_cross_entropy_with_logits"),
    ([3, 4, 3], "sigmoid", "softmax", "mse"),
    ([2, 3, 2], "leaky_relu", "identity", "categorical_cross_entropy_with_logits"),
    ([3, 4, 4, 2], "silu", "sigmoid", "mse"),
    (
        [4, 3],
        "relu",
        "sigmoid",
        "binary_cross_entropy_with_logits",
    ),  # no hidden layer: logistic regression
    ([3, 6, 2], "gelu_tanh", "identity", "binary_cross_entropy_with_logits"),
    ([4, 8, 8, 8, 3], "tanh", "softmax", "categorical_cross_entropy_with_logits"),
]
IDS = ["-".join(map(str, c[0])) + f"-{c[1]}-{c[2]}-{c[3].split('_')[0]}" for c in CASES]


@pytest.mark.parametrize("sizes, activation, output, loss", CASES, ids=IDS)
def test_forward_loss_and_gradients_match_torch(sizes, activation, output, loss):
    rng = np.random.default_rng(sum(sizes))
    params = init_mlp(sizes, rng=rng, init="xavier")
    for _, b in params:
        b[:] = rng.normal(
            scale=0.5, size=b.shape
        )  # non-zero biases, so their gradients are tested too
    x = rng.normal(size=(7, sizes[0]))
    targets = make_targets(loss, rng, 7, sizes[-1])

    out, cache = mlp_forward(params, x, activation=activation, output=output)
    grads = mlp_backward(params, cache, targets=targets, loss=loss)

    model = torch_mlp(params, activation)
    logits = model(torch.tensor(x))
    torch_out = TORCH_OUTPUTS[output](logits)
    expected_loss = torch_loss(loss, torch_out, logits, targets)
    expected_loss.backward()

    close(out, torch_out.detach().numpy())
    close(mlp_loss(cache, targets, loss), expected_loss.item())
    linears = [m for m in model if isinstance(m, nn.Linear)]
    assert len(grads) == len(linears) == len(sizes) - 1
    for (grad_W, grad_b), linear in zip(grads, linears):
        close(grad_W, linear.weight.grad.numpy().T)
        close(grad_b, linear.bias.grad.numpy())


@pytest.mark.parametrize("sizes, activation, output, loss", CASES[:6], ids=IDS[:6])
def test_backward_from_grad_output_matches_torch(sizes, activation, output, loss):
    rng = np.random.default_rng(7)
    params = init_mlp(sizes, rng=rng)
    x = rng.normal(size=(6, sizes[0]))
    grad_output = rng.normal(size=(6, sizes[-1]))
    out, cache = mlp_forward(params, x, activation=activation, output=output)
    grads = mlp_backward(params, cache, grad_output)

    model = torch_mlp(params, activation)
    torch_out = TORCH_OUTPUTS[output](model(torch.tensor(x)))
    torch_out.backward(torch.tensor(grad_output))
    for (grad_W, grad_b), linear in zip(grads, [m for m in model if isinstance(m, nn.Linear)]):
        close(grad_W, linear.weight.grad.numpy().T)
        close(grad_b, linear.bias.grad.numpy())


def test_softmax_cross_entropy_output_delta_is_p_minus_y_over_n():
    rng = np.random.default_rng(3)
    params = init_mlp([3, 4], rng=rng)  # one layer: grad_W = x^T delta
    x, labels = rng.normal(size=(5, 3)), np.array([0, 1, 2, 3, 0])
    out, cache = mlp_forward(params, x, output="softmax")
    ((grad_W, grad_b),) = mlp_backward(params, cache, targets=labels, loss=CCE)
    delta = (out - np.eye(4)[labels]) / 5
    close(grad_W, x.T @ delta, atol=1e-15)
    close(grad_b, delta.sum(axis=0), atol=1e-15)


@pytest.mark.parametrize(
    "sizes, activation, output, loss",
    [CASES[1], CASES[2], CASES[3], CASES[5]],
    ids=[IDS[1], IDS[2], IDS[3], IDS[5]],
)
def test_gradients_pass_a_finite_difference_check(sizes, activation, output, loss):
    rng = np.random.default_rng(11)
    model = MLP(sizes, activation=activation, output=output, loss=loss, init="xavier", rng=rng)
    x = rng.normal(size=(6, sizes[0]))
    targets = make_targets(loss, rng, 6, sizes[-1])
    model.loss(x, targets)
    grads = model.backward(targets)
    results = check_gradients(lambda: model.loss(x, targets), model.parameters(), grads)
    assert list(results) == list(model.parameters())
    for name, result in results.items():
        assert result.relative_error < 1e-7, (name, result)
    # A wrong gradient (a transposed delta recursion is a classic bug) is caught.
    grads["W1"] = grads["W1"] * 1.01
    assert not check_gradients(lambda: model.loss(x, targets), model.parameters(), grads, tol=1e-6)[
        "W1"
    ].passed


def test_xor_is_solved():
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = MLP(
        [2, 8, 1],
        activation="tanh",
        output="sigmoid",
        loss="binary_cross_entropy_with_logits",
        init="xavier",
        rng=0,
    )
    losses = []
    for _ in range(1000):
        losses.append(model.loss(x, y))
        grads = model.backward(y)
        for name, param in model.parameters().items():
            param -= 0.5 * grads[name]
    assert losses[-1] < 0.05 < losses[0]
    np.testing.assert_array_equal(model.predict(x), y.astype(int))
    assert np.mean(model.predict(x) == y) == 1.0

    # The same with ReLU, softmax over two classes and integer labels.
    labels = y.ravel().astype(int)
    model = MLP([2, 8, 2], activation="relu", output="softmax", loss=CCE, rng=1)
    for _ in range(1000):
        model.loss(x, labels)
        grads = model.backward(labels)
        for name, param in model.parameters().items():
            param -= 0.5 * grads[name]
    np.testing.assert_array_equal(model.predict(x), labels)


def test_dense_forward_and_backward_match_torch():
    rng = np.random.default_rng(5)
    x, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    grad_output = rng.normal(size=(6, 3))
    tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
    z = F.linear(tx, tW.T, tb)
    z.backward(torch.tensor(grad_output))
    close(dense_forward(x, W, b), z.detach().numpy())
    grad_x, grad_W, grad_b = dense_backward(grad_output, x, W)
    close(grad_x, tx.grad.numpy())
    close(grad_W, tW.grad.numpy())
    close(grad_b, tb.grad.numpy())


def test_count_parameters():
    assert count_parameters([2, 4, 2]) == 22  # 16 weights + 6 biases
    assert count_parameters([784, 256, 128, 10]) == 235_146
    for sizes in ([3, 1], [5, 7, 6, 4], [784, 256, 128, 10]):
        params = init_mlp(sizes, rng=0)
        assert count_parameters(sizes) == sum(W.size + b.size for W, b in params)
        assert count_parameters(sizes) == sum(
            p.numel() for p in torch_mlp(params, "relu").parameters()
        )


def test_init_statistics_and_reproducibility():
    ((W_he, b_he),) = init_mlp([400, 300], rng=0, init="he")
    assert abs(W_he.std() / np.sqrt(2 / 400) - 1) < 0.01
    assert abs(W_he.mean()) < 0.01 * np.sqrt(2 / 400) * 10
    np.testing.assert_array_equal(b_he, np.zeros(300))
    ((W_x, _),) = init_mlp([400, 300], rng=0, init="xavier")
    limit = np.sqrt(6 / 700)
    assert np.all(np.abs(W_x) <= limit) and np.max(np.abs(W_x)) > 0.99 * limit
    assert abs(W_x.var() / (2 / 700) - 1) < 0.02
    first, second = init_mlp([3, 4, 2], rng=42), init_mlp([3, 4, 2], rng=np.random.default_rng(42))
    for (W1, b1), (W2, b2) in zip(first, second):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)
    assert not np.array_equal(init_mlp([3, 4], rng=1)[0][0], init_mlp([3, 4], rng=2)[0][0])


def test_mlp_class_parameters_are_live_and_predict_leaves_the_cache():
    model = MLP([3, 4, 2], activation="tanh", output="softmax", loss=CCE, rng=0)
    assert list(model.parameters()) == ["W1", "b1", "W2", "b2"]
    assert model.parameters()["W2"] is model.params[1][0]
    x = np.random.default_rng(0).normal(size=(5, 3))
    before = model.forward(x)
    model.parameters()["b2"][:] += np.array([100.0, 0.0])  # in place: the model changes
    np.testing.assert_array_equal(model.predict(x), np.zeros(5, dtype=int))
    assert not np.allclose(model.forward(x), before)
    cache = model.cache
    model.predict(np.ones((2, 3)))
    assert model.cache is cache
    assert "MLP(3-4-2" in repr(model) and "parameters=26" in repr(model)

    regression = MLP([3, 2], rng=0)
    np.testing.assert_array_equal(regression.predict(x), regression.forward(x))
    binary = MLP([3, 1], output="identity", loss="binary_cross_entropy_with_logits", rng=0)
    assert set(np.unique(binary.predict(x))) <= {0, 1}


def test_mlp_class_backward_with_grad_output_matches_functions():
    rng = np.random.default_rng(9)
    model = MLP([3, 4, 2], activation="gelu", output="sigmoid", rng=rng)
    x, grad_output = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    model.forward(x)
    named = model.backward(grad_output=grad_output)
    _, cache = mlp_forward(model.params, x, "gelu", "sigmoid")
    for layer, (grad_W, grad_b) in enumerate(
        mlp_backward(model.params, cache, grad_output), start=1
    ):
        np.testing.assert_array_equal(named[f"W{layer}"], grad_W)
        np.testing.assert_array_equal(named[f"b{layer}"], grad_b)


def test_bad_shapes_and_names_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(
        ValueError, match=r"x \(N, in\) = \(5, 3\) and weight \(in, out\) = \(4, 2\)"
    ):
        dense_forward(np.zeros((5, 3)), np.zeros((4, 2)), np.zeros(2))
    with pytest.raises(
        ValueError, match=r"bias must have shape \(out,\) = \(2,\).*got bias \(3,\)"
    ):
        dense_forward(np.zeros((5, 4)), np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"x must have 2 dimensions; got shape \(4,\)"):
        dense_forward(np.zeros(4), np.zeros((4, 2)), np.zeros(2))
    with pytest.raises(
        ValueError,
        match=r"grad_output must have shape \(N, out\) = \(5, 2\).*got grad_output \(5, 3\)",
    ):
        dense_backward(np.zeros((5, 3)), np.zeros((5, 4)), np.zeros((4, 2)))

    params = init_mlp([3, 4, 2], rng=rng)
    with pytest.raises(
        ValueError, match=r"x must have shape \(N, 3\) to match W1 \(3, 4\); got x \(6, 5\)"
    ):
        mlp_forward(params, np.zeros((6, 5)))
    bad_chain = [params[0], (np.zeros((5, 2)), np.zeros(2))]
    with pytest.raises(
        ValueError,
        match=r"W2 expects 5 inputs but layer 1 has 4 outputs: got W1 \(3, 4\) and W2 \(5, 2\)",
    ):
        mlp_forward(bad_chain, np.zeros((6, 3)))
    with pytest.raises(
        ValueError, match=r"b2 must have shape \(2,\) to match W2 \(4, 2\); got b2 \(3,\)"
    ):
        mlp_forward([params[0], (params[1][0], np.zeros(3))], np.zeros((6, 3)))
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_forward(params, np.zeros((6, 3)), activation="swishy")

    out, cache = mlp_forward(params, np.zeros((6, 3)))
    with pytest.raises(
        ValueError,
        match=r"grad_output must have the shape of the network output \(N, n_L\) = \(6, 2\); got \(6, 3\)",
    ):
        mlp_backward(params, cache, np.zeros((6, 3)))
    with pytest.raises(ValueError, match="give either grad_output, or targets and loss"):
        mlp_backward(params, cache)
    with pytest.raises(ValueError, match="give either grad_output, or targets and loss"):
        mlp_backward(params, cache, np.zeros((6, 2)), targets=np.zeros((6, 2)), loss="mse")
    with pytest.raises(ValueError, match=r"prediction \(6, 2\) and target \(6, 1\)"):
        mlp_backward(params, cache, targets=np.zeros((6, 1)), loss="mse")
    with pytest.raises(
        ValueError,
        match="loss 'categorical_cross_entropy_with_logits' needs output 'softmax' or 'identity'; got output 'sigmoid'",
    ):
        MLP([3, 2], output="sigmoid", loss=CCE)
    with pytest.raises(RuntimeError, match="call forward"):
        MLP([3, 2]).backward(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"layer_sizes\[1\] must be >= 1; got 0"):
        init_mlp([3, 0, 2])
    with pytest.raises(ValueError, match="init must be one of 'he', 'xavier'; got 'glorot'"):
        init_mlp([3, 2], init="glorot")
    with pytest.raises(ValueError, match="at least an input and an output size"):
        count_parameters([3])
