"""Tests of the scalar autograd engine against PyTorch (float64)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.autograd import Value, format_graph, trace, zero_grad

# ----------------------------------------------------------------------------
# Random expressions. A tree is a nested tuple:
#   ("var", i)            the i-th input variable (inputs are shared, so they get
#                         gradient contributions from several places)
#   ("const", c)          a plain number
#   (op, a, b)            op in + - * / between two subtrees
#   (op + "_num", a, c)   a subtree and a plain number, e.g. x * 2.5
#   ("r" + op, c, a)      a plain number on the left, e.g. 2.5 - x (reflected operators)
#   (op, a)               op in neg exp log tanh relu sigmoid
#   ("pow", a, p)         a ** p for a number p
# Both engines evaluate the same tree. Domains are kept safe by looking at the
# forward value: log only of values > 0.1, division only by values with
# |b| > 0.1, exp only of values < 5, fractional powers only of values > 0.1,
# negative powers only of |values| > 0.1. Where a value falls outside its safe
# domain, the operation is applied to (a * a + 1) instead (>= 1, so safe), and
# a result larger than 1e3 in magnitude is squashed with tanh.
# ----------------------------------------------------------------------------

N_VARS = 4
BINARY = ["add", "sub", "mul", "div"]
WITH_NUMBER = [op + "_num" for op in BINARY]
REFLECTED = ["r" + op for op in BINARY]
UNARY = ["neg", "exp", "log", "tanh", "relu", "sigmoid"]
EXPONENTS = [2, 3, -1, -2, 0.5, 1.5, -0.5]
# Plain numbers away from 0 (x / c with a tiny c would only test the tanh squashing).
numbers = st.one_of(st.floats(min_value=0.1, max_value=3), st.floats(min_value=-3, max_value=-0.1))

leaves = st.one_of(
    st.tuples(st.just("var"), st.integers(0, N_VARS - 1)),
    st.tuples(st.just("const"), numbers),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.tuples(st.sampled_from(BINARY), children, children),
        st.tuples(st.sampled_from(WITH_NUMBER), children, numbers),
        st.tuples(st.sampled_from(REFLECTED), numbers, children),
        st.tuples(st.sampled_from(UNARY), children),
        st.tuples(st.just("pow"), children, st.sampled_from(EXPONENTS)),
    )


expressions = st.recursive(leaves, _extend, max_leaves=25)
inputs = st.lists(
    st.floats(min_value=-2, max_value=2, allow_nan=False), min_size=N_VARS, max_size=N_VARS
)


def _apply(op: str, a, b=None):
    """Apply ``op`` to Values or torch tensors (they share the operator syntax)."""
    if op in ("add", "add_num", "radd"):
        return a + b
    if op in ("sub", "sub_num", "rsub"):
        return a - b
    if op in ("mul", "mul_num", "rmul"):
        return a * b
    if op in ("div", "div_num", "rdiv"):
        return a / b
    if op == "neg":
        return -a
    if op == "pow":
        return a**b
    if op == "relu":
        return a.relu()
    return getattr(a, op)()  # exp, log, tanh, sigmoid are methods of both


def _safe(op: str, operand: float, exponent: float | None = None) -> bool:
    """Whether ``op`` is safe on an operand with this forward value."""
    if op == "log":
        return operand > 0.1
    if op == "exp":
        return operand < 5
    if op in ("div", "rdiv"):  # operand is the divisor
        return abs(operand) > 0.1
    if op == "pow":
        if not float(exponent).is_integer():
            return operand > 0.1
        return exponent > 0 or abs(operand) > 0.1
    return True


def evaluate(
    tree, value_vars: list[Value], torch_vars: list[torch.Tensor]
) -> tuple[Value, torch.Tensor]:
    """Evaluate ``tree`` with both engines; returns (Value, tensor)."""
    kind = tree[0]
    if kind == "var":
        return value_vars[tree[1]], torch_vars[tree[1]]
    if kind == "const":
        return Value(tree[1]), torch.tensor(tree[1], dtype=torch.float64)
    if kind in BINARY:
        (va, ta), (vb, tb) = (
            evaluate(tree[1], value_vars, torch_vars),
            evaluate(tree[2], value_vars, torch_vars),
        )
        if not _safe(kind, vb.data):
            vb, tb = vb * vb + 1, tb * tb + 1
        v, t = _apply(kind, va, vb), _apply(kind, ta, tb)
    elif kind in WITH_NUMBER:
        va, ta = evaluate(tree[1], value_vars, torch_vars)
        v, t = _apply(kind, va, tree[2]), _apply(kind, ta, tree[2])
    elif kind in REFLECTED:  # number on the left: Value.__radd__ etc.
        c = tree[1]
        vb, tb = evaluate(tree[2], value_vars, torch_vars)
        if not _safe(kind, vb.data):
            vb, tb = vb * vb + 1, tb * tb + 1
        v, t = _apply(kind, c, vb), _apply(kind, c, tb)
    elif kind == "pow":
        va, ta = evaluate(tree[1], value_vars, torch_vars)
        if not _safe("pow", va.data, tree[2]):
            va, ta = va * va + 1, ta * ta + 1
        v, t = va ** tree[2], ta ** tree[2]
    else:  # unary
        va, ta = evaluate(tree[1], value_vars, torch_vars)
        if not _safe(kind, va.data):
            va, ta = va * va + 1, ta * ta + 1
            if kind == "exp" and not _safe("exp", va.data):
                va, ta = va.tanh(), ta.tanh()
        v, t = _apply(kind, va), _apply(kind, ta)
    if abs(v.data) > 1e3:
        v, t = v.tanh(), t.tanh()
    return v, t


@settings(derandomize=True, max_examples=300, deadline=None)
@given(tree=expressions, xs=inputs)
def test_random_expressions_match_torch(tree, xs):
    value_vars = [Value(x) for x in xs]
    torch_vars = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out, out_torch = evaluate(tree, value_vars, torch_vars)
    out.backward()
    if out_torch.requires_grad:  # False when the tree holds no variable
        out_torch.backward()
    expected = [0.0 if t.grad is None else t.grad.item() for t in torch_vars]
    np.testing.assert_allclose(out.data, out_torch.item(), rtol=1e-12, atol=1e-12)
    # Tolerance: |ours - torch| <= 1e-9 + 1e-9 * |torch|.
    np.testing.assert_allclose([v.grad for v in value_vars], expected, rtol=1e-9, atol=1e-9)


def test_seeded_generator_covers_every_operation():
    """The seeded random trees below really exercise every operation (guards the generator itself)."""
    rng = random.Random(0)
    seen: set[str] = set()

    def ops(tree):
        if tree[0] in ("var", "const"):
            return
        seen.add(tree[0])
        for child in tree[1:]:
            if isinstance(child, tuple):
                ops(child)

    for _ in range(300):
        ops(_random_tree(rng, depth=5))
    expected = {*BINARY, *WITH_NUMBER, *REFLECTED, *UNARY, "pow"}
    assert seen == expected


def _random_tree(rng: random.Random, depth: int):
    """A seeded random tree with the same grammar as the hypothesis strategy."""
    if depth == 0 or rng.random() < 0.05:
        return (
            ("var", rng.randrange(N_VARS))
            if rng.random() < 0.7
            else ("const", rng.choice([-2.5, 0.5, 1.5]))
        )
    kind = rng.choice(["binary", "num", "rnum", "unary", "pow"])
    if kind == "binary":
        return (rng.choice(BINARY), _random_tree(rng, depth - 1), _random_tree(rng, depth - 1))
    if kind == "num":
        return (rng.choice(BINARY) + "_num", _random_tree(rng, depth - 1), rng.uniform(0.2, 3))
    if kind == "rnum":
        return ("r" + rng.choice(BINARY), rng.uniform(-3, -0.2), _random_tree(rng, depth - 1))
    if kind == "unary":
        return (rng.choice(UNARY), _random_tree(rng, depth - 1))
    return ("pow", _random_tree(rng, depth - 1), rng.choice(EXPONENTS))


@pytest.mark.parametrize("seed", range(40))
def test_deep_seeded_random_expressions_match_torch(seed):
    """Larger trees than hypothesis builds (depth up to 8, typically tens to hundreds of nodes)."""
    rng = random.Random(seed)
    tree = _random_tree(rng, depth=8)
    xs = [rng.uniform(-2, 2) for _ in range(N_VARS)]
    value_vars = [Value(x) for x in xs]
    torch_vars = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out, out_torch = evaluate(tree, value_vars, torch_vars)
    out.backward()
    if out_torch.requires_grad:
        out_torch.backward()
    expected = [0.0 if t.grad is None else t.grad.item() for t in torch_vars]
    np.testing.assert_allclose(out.data, out_torch.item(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose([v.grad for v in value_vars], expected, rtol=1e-9, atol=1e-9)


# ----------------------------------------------------------------------------
# Hand-checked derivatives and finite differences.
# ----------------------------------------------------------------------------


def test_local_derivatives_by_hand():
    x = Value(0.7)
    cases = {
        "exp": (lambda v: v.exp(), math.exp(0.7)),
        "log": (lambda v: v.log(), 1 / 0.7),
        "tanh": (lambda v: v.tanh(), 1 - math.tanh(0.7) ** 2),
        "sigmoid": (lambda v: v.sigmoid(), math.exp(-0.7) / (1 + math.exp(-0.7)) ** 2),
        "relu": (lambda v: v.relu(), 1.0),
        "pow": (lambda v: v**3, 3 * 0.7**2),
        "neg": (lambda v: -v, -1.0),
        "rdiv": (lambda v: 2 / v, -2 / 0.7**2),
        "rsub": (lambda v: 2 - v, -1.0),
    }
    for name, (f, derivative) in cases.items():
        x.grad = 0.0
        f(x).backward()
        assert x.grad == pytest.approx(derivative, rel=1e-14, abs=1e-15), name


def test_relu_gradient_at_zero_and_negative_is_zero_like_torch():
    for x0 in (0.0, -1.0):
        x = Value(x0)
        x.relu().backward()
        t = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        torch.relu(t).backward()
        assert x.grad == t.grad.item() == 0.0


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-30.0).sigmoid().data == pytest.approx(1 / (1 + math.exp(30.0)), rel=1e-14)


def test_gradients_match_central_finite_differences():
    def f(a: Value, b: Value) -> Value:
        return ((a * b).tanh() + (a / b) ** 2 - (b.sigmoid() * a).exp()).relu() + (a * a + 1).log()

    a0, b0, h = 0.3, -1.2, 1e-6
    a, b = Value(a0), Value(b0)
    f(a, b).backward()
    da = (f(Value(a0 + h), Value(b0)).data - f(Value(a0 - h), Value(b0)).data) / (2 * h)
    db = (f(Value(a0), Value(b0 + h)).data - f(Value(a0), Value(b0 - h)).data) / (2 * h)
    assert a.grad == pytest.approx(da, rel=1e-7)
    assert b.grad == pytest.approx(db, rel=1e-7)


def test_value_used_many_times_and_long_chain():
    x = Value(1.5)
    total = sum(x * i for i in range(3000))  # depth > Python's recursion limit
    total.backward()
    assert x.grad == sum(range(3000))


# ----------------------------------------------------------------------------
# The accumulation pitfall, side by side with torch.
# ----------------------------------------------------------------------------


def _build_both(a0: float, b0: float):
    a, b = Value(a0), Value(b0)
    c = a * b
    d = c.tanh() + a.exp() / b
    ta = torch.tensor(a0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    tc = ta * tb
    tc.retain_grad()  # keep the gradient of an intermediate node, like ours does
    td = torch.tanh(tc) + torch.exp(ta) / tb
    return (a, b, c, d), (ta, tb, tc, td)


def test_two_backward_calls_double_the_gradients_in_both_engines():
    (a, b, c, d), (ta, tb, tc, td) = _build_both(0.4, 1.3)
    d.backward()
    td.backward(retain_graph=True)  # torch frees the graph unless asked to keep it
    once = [a.grad, b.grad, c.grad]
    once_torch = [ta.grad.item(), tb.grad.item(), tc.grad.item()]
    np.testing.assert_allclose(once, once_torch, rtol=1e-13, atol=0)

    d.backward()  # no zero_grad in between: the pitfall
    td.backward(retain_graph=True)
    twice = [a.grad, b.grad, c.grad]
    twice_torch = [ta.grad.item(), tb.grad.item(), tc.grad.item()]
    np.testing.assert_allclose(twice, twice_torch, rtol=1e-13, atol=0)
    np.testing.assert_allclose(twice, 2 * np.array(once), rtol=1e-15, atol=0)
    assert d.grad == 2.0  # even the output: d(d)/d(d) = 1, added twice

    # The fix: reset before the next backward pass (optimizer.zero_grad() in torch).
    d.zero_grad()
    for t in (ta, tb, tc):
        t.grad = None
    d.backward()
    td.backward()
    np.testing.assert_allclose([a.grad, b.grad, c.grad], once, rtol=1e-15, atol=0)
    np.testing.assert_allclose(
        [ta.grad.item(), tb.grad.item(), tc.grad.item()], once, rtol=1e-13, atol=0
    )


def test_backward_twice_does_not_compound_through_intermediate_nodes():
    """A naive engine that propagates the stored (already accumulated) grad of an
    intermediate node would give 3x, not 2x, at depth two; check the exact factor."""
    x = Value(2.0)
    y = x * x  # dy/dx = 4
    z = y * 3  # dz/dx = 12
    z.backward()
    z.backward()
    assert x.grad == 24.0 and y.grad == 6.0


def test_zero_grad_helpers():
    a, b = Value(1.0), Value(2.0)
    out = (a * b).exp()
    out.backward()
    assert a.grad != 0 and out.grad == 1.0
    zero_grad([a])
    assert a.grad == 0.0 and b.grad != 0.0
    out.zero_grad()
    assert all(node.grad == 0.0 for node in trace(out)[0])
    with pytest.raises(TypeError, match="zero_grad expects Values; element 1 is a float"):
        zero_grad([a, 1.0])


# ----------------------------------------------------------------------------
# Graph listing and bad input.
# ----------------------------------------------------------------------------


def test_trace_nodes_and_edges():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    s = x + y
    out = s * x
    nodes, edges = trace(out)
    assert nodes[-1] is out
    assert len(nodes) == 4
    for parent, child in edges:  # topological: parents come first
        assert nodes.index(parent) < nodes.index(child)
    assert {(p.label or p.op, c.op) for p, c in edges} == {
        ("x", "+"),
        ("y", "+"),
        ("+", "*"),
        ("x", "*"),
    }
    text = format_graph(out)
    assert text.splitlines()[-1].startswith("v3 = v2 * x | data 3")


def test_bad_input():
    with pytest.raises(TypeError, match="real number; got str"):
        Value("1.0")
    with pytest.raises(TypeError, match="real number; got bool"):
        Value(True)
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="negative base needs an integer exponent"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match="log needs a positive input; got 0.0"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="log needs a positive input; got -1.0"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match="trace expects a Value"):
        trace(1.0)
    assert (Value(-2.0) ** 2).data == 4.0  # an integer exponent is fine for a negative base
    x = Value(0.0)
    (x**0.5).backward()
    assert x.grad == math.inf  # the derivative of sqrt at 0 is infinite, as in PyTorch


def test_powers_and_exp_at_the_edges_behave_like_torch():
    """Adversarial finding 5: d(x**0)/dx at 0 is 0, exp and powers overflow to inf, 0 ** -1 is inf."""
    for base, exponent in [
        (0.0, 0),
        (0.0, 0.5),
        (0.0, 2),
        (3.0, 0),
        (1e200, 2),
        (-1e200, 3),
        (0.0, -1),
    ]:
        ours = Value(base)
        out = ours**exponent
        out.backward()
        theirs = torch.tensor(base, dtype=torch.float64, requires_grad=True)
        out_t = theirs**exponent
        out_t.backward()
        assert out.data == out_t.item(), (base, exponent)
        assert ours.grad == theirs.grad.item() or (math.isnan(ours.grad) and theirs.grad.isnan())
    for x in (1000.0, -1000.0, 709.0):
        ours = Value(x)
        out = ours.exp()
        out.backward()
        theirs = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        theirs.exp().backward()
        assert out.data == (math.exp(x) if x < 709.5 else math.inf)
        assert ours.grad == pytest.approx(theirs.grad.item(), rel=1e-15)


# ----------------------------------------------------------------------------
# A tiny MLP built from Values learns XOR.
# ----------------------------------------------------------------------------


class Neuron:
    def __init__(self, n_inputs: int, rng: random.Random, activation: str = "tanh") -> None:
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(n_inputs)]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z.tanh() if self.activation == "tanh" else z

    def parameters(self):
        return [*self.w, self.b]


class MLP:
    def __init__(self, sizes: list[int], rng: random.Random) -> None:
        self.layers = [
            [Neuron(n_in, rng, "tanh" if i < len(sizes) - 2 else "linear") for _ in range(n_out)]
            for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = [neuron(x) for neuron in layer]
        return x[0]

    def parameters(self):
        return [p for layer in self.layers for neuron in layer for p in neuron.parameters()]


XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [0.0, 1.0, 1.0, 0.0]


def _mse(model, xs, ys):
    return sum(((model(x) - y) ** 2 for x, y in zip(xs, ys)), Value(0.0)) / len(xs)


def test_mlp_gradient_matches_torch():
    model = MLP([2, 4, 1], random.Random(0))
    loss = _mse(model, XOR_X, XOR_Y)
    loss.backward()
    w1 = torch.tensor(
        [[n.w[j].data for j in range(2)] for n in model.layers[0]],
        dtype=torch.float64,
        requires_grad=True,
    )
    b1 = torch.tensor([n.b.data for n in model.layers[0]], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(
        [model.layers[1][0].w[j].data for j in range(4)], dtype=torch.float64, requires_grad=True
    )
    b2 = torch.tensor(model.layers[1][0].b.data, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(XOR_X, dtype=torch.float64)
    y = torch.tensor(XOR_Y, dtype=torch.float64)
    loss_torch = ((torch.tanh(x @ w1.T + b1) @ w2 + b2 - y) ** 2).mean()
    loss_torch.backward()
    ours = [p.grad for p in model.parameters()]
    theirs = []
    for j in range(4):
        theirs += [*w1.grad[j].tolist(), b1.grad[j].item()]
    theirs += [*w2.grad.tolist(), b2.grad.item()]
    assert loss.data == pytest.approx(loss_torch.item(), rel=1e-13)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_mlp_learns_xor():
    model = MLP([2, 4, 1], random.Random(0))
    params = model.parameters()
    losses = []
    for _ in range(300):
        loss = _mse(model, XOR_X, XOR_Y)
        zero_grad(params)  # gradients accumulate: reset before every backward pass
        loss.backward()
        for p in params:
            p.data -= 0.1 * p.grad
        losses.append(loss.data)
    assert losses[0] > 0.25
    assert losses[-1] < 0.01
    predictions = [model(x).data for x in XOR_X]
    assert [round(p) for p in predictions] == [0, 1, 1, 0]
