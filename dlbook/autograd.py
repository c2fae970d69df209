"""A small scalar autograd engine: reverse-mode differentiation written out in full.

Every :class:`Value` holds one number (``data``), the gradient of some output with
respect to it (``grad``), the values it was computed from (``parents``) and a
*local backward function*. The local backward function of ``out = f(a, b)``
receives ``d output / d out`` and returns ``d output / d a`` and
``d output / d b`` by the chain rule, using only the local derivatives
``d out / d a`` and ``d out / d b``.

:meth:`Value.backward` visits the graph in topological order (every value after
the values it was computed from), then walks that order backwards, calling each
local backward function once, so every gradient is complete before it is passed on.

Gradients accumulate, as in PyTorch: ``backward`` *adds* to ``grad``. Calling it
twice without resetting doubles every gradient; in a training loop, reset them
with :func:`zero_grad` (or :meth:`Value.zero_grad`) before each backward pass.

Example:
    >>> x = Value(2.0, label="x")
    >>> y = Value(-3.0, label="y")
    >>> z = x * y + x.tanh()
    >>> z.backward()
    >>> round(x.grad, 6), y.grad  # dz/dx = y + 1 - tanh(x)**2, dz/dy = x
    (-2.929349, 2.0)
    >>> z.backward()  # forgot to reset: the gradients are now twice too big
    >>> y.grad
    4.0
    >>> zero_grad([x, y])
    >>> x.grad, y.grad
    (0.0, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real

__all__ = ["Value", "zero_grad", "trace", "format_graph"]

#: A local backward function: takes d(output)/d(this value) and returns
#: d(output)/d(parent) for each parent, in the order of ``parents``.
LocalBackward = Callable[[float], tuple[float, ...]]


def _no_parents(grad_output: float) -> tuple[float, ...]:
    """The local backward function of a leaf: it has no parents to pass gradients to."""
    return ()


class Value:
    """A scalar that remembers how it was computed, so that it can backpropagate.

    Create leaves (inputs and parameters) with ``Value(number)``; every operation on
    Values returns a new Value that records its parents and its local backward
    function. Plain numbers mix in freely: ``2 * x``, ``x + 1`` and ``1 / x`` work.

    Args:
        data: the number this value holds.
        label: an optional name, used by :func:`format_graph`.
        parents: the values this one was computed from (left empty for leaves;
            set by the operations).
        op: the name of the operation that produced it (set by the operations).
        local_backward: maps d(output)/d(this) to d(output)/d(parent) for each
            parent (set by the operations).

    Attributes:
        data: the number.
        grad: the accumulated gradient d(output)/d(this value), ``0.0`` until a
            backward pass reaches it.
        parents: the values this one was computed from.
        op: the operation that produced it (``""`` for a leaf).
        label: its name.

    Raises:
        TypeError: if ``data`` is not a real number.

    Example:
        >>> a = Value(3.0)
        >>> b = (a ** 2).log()  # log(a**2) = 2 log(a), so db/da = 2 / a
        >>> b.backward()
        >>> round(a.grad, 6)
        0.666667
    """

    def __init__(
        self,
        data: float,
        *,
        label: str = "",
        parents: tuple[Value, ...] = (),
        op: str = "",
        local_backward: LocalBackward = _no_parents,
    ) -> None:
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"Value holds a real number; got {type(data).__name__} {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.parents = parents
        self.op = op
        self.local_backward = local_backward

    def __repr__(self) -> str:
        name = f"{self.label}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------
    # Binary operations. Each computes the result, then defines how the
    # gradient of the result flows back to the two inputs. The input numbers
    # are captured when the operation runs, so later changes to ``data``
    # (an optimiser step) cannot corrupt a backward pass through this graph.
    # ------------------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        other = _as_value(other)

        def local_backward(grad_output: float) -> tuple[float, float]:
            # d(a + b)/da = 1, d(a + b)/db = 1
            return grad_output, grad_output

        return Value(
            self.data + other.data, parents=(self, other), op="+", local_backward=local_backward
        )

    def __sub__(self, other: Value | float) -> Value:
        other = _as_value(other)

        def local_backward(grad_output: float) -> tuple[float, float]:
            # d(a - b)/da = 1, d(a - b)/db = -1
            return grad_output, -grad_output

        return Value(
            self.data - other.data, parents=(self, other), op="-", local_backward=local_backward
        )

    def __mul__(self, other: Value | float) -> Value:
        other = _as_value(other)
        a, b = self.data, other.data

        def local_backward(grad_output: float) -> tuple[float, float]:
            # d(a * b)/da = b, d(a * b)/db = a
            return grad_output * b, grad_output * a

        return Value(a * b, parents=(self, other), op="*", local_backward=local_backward)

    def __truediv__(self, other: Value | float) -> Value:
        other = _as_value(other)
        a, b = self.data, other.data

        def local_backward(grad_output: float) -> tuple[float, float]:
            # d(a / b)/da = 1 / b, d(a / b)/db = -a / b**2
            return grad_output / b, -grad_output * a / (b * b)

        return Value(a / b, parents=(self, other), op="/", local_backward=local_backward)

    def __pow__(self, exponent: float) -> Value:
        """Raise to a constant power; ``d(x**p)/dx = p * x**(p - 1)``.

        At ``x = 0`` the derivative of a power below 1 (``sqrt``, say) is ``inf``, and the
        derivative of ``x**0`` is 0, as in PyTorch; ``0 ** -1`` and a result too large for a float
        are ``inf``.

        Raises:
            TypeError: if the exponent is not a plain number (for a Value exponent
                ``y``, write ``(y * x.log()).exp()``).
            ValueError: for a negative base with a non-integer exponent (no real result).
        """
        if isinstance(exponent, bool) or not isinstance(exponent, Real):  # a Value is not a Real
            raise TypeError(
                "the exponent must be a plain number (int or float); got "
                f"{type(exponent).__name__} {exponent!r} (for a Value exponent y use (y * x.log()).exp())"
            )
        p = float(exponent)
        x = self.data
        if x < 0 and not p.is_integer():
            raise ValueError(f"a negative base needs an integer exponent; got {x} ** {p}")

        def local_backward(grad_output: float) -> tuple[float]:
            if p == 0:  # x**0 = 1 does not depend on x, even at x = 0
                return (0.0,)
            return (grad_output * p * _float_power(x, p - 1),)

        return Value(
            _float_power(x, p), parents=(self,), op=f"**{exponent}", local_backward=local_backward
        )

    # Reflected operations: a plain number on the left, e.g. ``2 - x``.
    def __radd__(self, other: float) -> Value:
        return _as_value(other) + self

    def __rsub__(self, other: float) -> Value:
        return _as_value(other) - self

    def __rmul__(self, other: float) -> Value:
        return _as_value(other) * self

    def __rtruediv__(self, other: float) -> Value:
        return _as_value(other) / self

    # ------------------------------------------------------------------
    # Unary operations.
    # ------------------------------------------------------------------

    def __neg__(self) -> Value:
        def local_backward(grad_output: float) -> tuple[float]:
            return (-grad_output,)

        return Value(-self.data, parents=(self,), op="neg", local_backward=local_backward)

    def exp(self) -> Value:
        """Return ``e ** self``; its derivative is itself. Past about 709.8 it is ``inf``, as in PyTorch."""
        try:
            out = math.exp(self.data)
        except OverflowError:  # e ** x beyond the largest float
            out = math.inf

        def local_backward(grad_output: float) -> tuple[float]:
            return (grad_output * out,)

        return Value(out, parents=(self,), op="exp", local_backward=local_backward)

    def log(self) -> Value:
        """Return the natural logarithm; ``d log(x)/dx = 1 / x``.

        Raises:
            ValueError: if ``self.data <= 0``.
        """
        x = self.data
        if x <= 0:
            raise ValueError(f"log needs a positive input; got {x}")

        def local_backward(grad_output: float) -> tuple[float]:
            return (grad_output / x,)

        return Value(math.log(x), parents=(self,), op="log", local_backward=local_backward)

    def tanh(self) -> Value:
        """Return ``tanh(self)``; ``d tanh(x)/dx = 1 - tanh(x)**2``."""
        t = math.tanh(self.data)

        def local_backward(grad_output: float) -> tuple[float]:
            return (grad_output * (1.0 - t * t),)

        return Value(t, parents=(self,), op="tanh", local_backward=local_backward)

    def relu(self) -> Value:
        """Return ``max(0, self)``; the derivative is 1 for ``x > 0`` and 0 otherwise (0 at 0, as in PyTorch)."""
        x = self.data

        def local_backward(grad_output: float) -> tuple[float]:
            return (grad_output if x > 0 else 0.0,)

        return Value(max(x, 0.0), parents=(self,), op="relu", local_backward=local_backward)

    def sigmoid(self) -> Value:
        """Return ``1 / (1 + exp(-self))``; ``d sigmoid(x)/dx = sigmoid(x) * (1 - sigmoid(x))``."""
        x = self.data
        # Two algebraically equal forms, each chosen so exp() never overflows.
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))

        def local_backward(grad_output: float) -> tuple[float]:
            return (grad_output * s * (1.0 - s),)

        return Value(s, parents=(self,), op="sigmoid", local_backward=local_backward)

    # ------------------------------------------------------------------
    # Backpropagation.
    # ------------------------------------------------------------------

    def backward(self) -> None:
        """Add d(self)/d(node) to ``node.grad`` for every node of the graph that produced ``self``.

        The gradients of one call are first computed in a fresh table, starting from
        d(self)/d(self) = 1, then *added* to the ``grad`` attributes. So, as in
        PyTorch, a second call without :func:`zero_grad` doubles every gradient.
        The graph is kept, so calling ``backward`` again is allowed (PyTorch needs
        ``retain_graph=True`` for that).

        Example:
            >>> x = Value(3.0)
            >>> y = x * x
            >>> y.backward()
            >>> x.grad
            6.0
        """
        order = _topological_order(self)
        # d(self)/d(node) for this call only; nodes are keys by identity.
        grads: dict[Value, float] = {node: 0.0 for node in order}
        grads[self] = 1.0
        for node in reversed(order):  # outputs before inputs
            parent_grads = node.local_backward(grads[node])
            for parent, parent_grad in zip(node.parents, parent_grads):
                grads[parent] += parent_grad  # a value used twice receives two contributions
        for node in order:
            node.grad += grads[node]  # accumulate, like PyTorch

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on every node of the graph that produced ``self``.

        Example:
            >>> x = Value(3.0)
            >>> y = 2 * x
            >>> y.backward()
            >>> y.zero_grad()
            >>> x.grad
            0.0
        """
        zero_grad(_topological_order(self))


def _float_power(base: float, exponent: float) -> float:
    """``base ** exponent`` as a float: ``inf`` where Python raises OverflowError (as PyTorch), and
    ``inf`` for 0 to a negative power inside a derivative (``0 ** -0.5``)."""
    if base == 0 and exponent < 0:
        return math.inf
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return (
            math.inf
            if base > 0 or float(exponent).is_integer() and exponent % 2 == 0
            else -math.inf
        )


def _as_value(x: Value | float) -> Value:
    """Wrap a plain number in a (constant) Value; leave a Value as it is."""
    return x if isinstance(x, Value) else Value(x)


def _topological_order(root: Value) -> list[Value]:
    """Every node that ``root`` depends on, each listed after all of its parents; ``root`` is last.

    A depth-first search written with an explicit stack instead of recursion, so that
    long chains (a sum of thousands of terms) do not hit Python's recursion limit.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)  # all its parents are already in the list
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))  # come back to it once its parents are done
        for parent in reversed(node.parents):  # reversed: the first parent is popped first
            if parent not in visited:
                stack.append((parent, False))
    return order


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad`` to 0 on each of ``values`` (e.g. the parameters of a model).

    Call it before every backward pass of a training loop: gradients accumulate.

    Args:
        values: Values to reset.

    Raises:
        TypeError: if an element is not a Value.

    Example:
        >>> w = Value(1.5)
        >>> loss = (w - 1) ** 2
        >>> loss.backward()
        >>> w.grad
        1.0
        >>> zero_grad([w])
        >>> w.grad
        0.0
    """
    for i, value in enumerate(values):
        if not isinstance(value, Value):
            raise TypeError(f"zero_grad expects Values; element {i} is a {type(value).__name__}")
        value.grad = 0.0


def trace(root: Value) -> tuple[list[Value], list[tuple[Value, Value]]]:
    """List the nodes and edges of the graph that produced ``root``.

    Args:
        root: the output Value.

    Returns:
        ``(nodes, edges)``: the nodes in topological order (every node after its
        parents, ``root`` last) and the edges as ``(parent, child)`` pairs.

    Raises:
        TypeError: if ``root`` is not a Value.

    Example:
        >>> x = Value(1.0, label="x")
        >>> y = x * x + 1
        >>> nodes, edges = trace(y)
        >>> len(nodes), len(edges)  # x, x * x, the constant 1, the sum; x feeds the product twice
        (4, 4)
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace expects a Value; got {type(root).__name__}")
    nodes = _topological_order(root)
    edges = [(parent, child) for child in nodes for parent in child.parents]
    return nodes, edges


def format_graph(root: Value) -> str:
    """Describe the graph of ``root`` in text, one node per line, inputs first.

    Unlabelled nodes are named ``v0``, ``v1``, ... in topological order; constants
    created from plain numbers show their value.

    Args:
        root: the output Value.

    Returns:
        A multi-line string ``name = expression | data ... | grad ...``.

    Raises:
        TypeError: if ``root`` is not a Value.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3).relu()
        >>> y.label = "y"
        >>> y.backward()
        >>> print(format_graph(y))
        x = leaf | data 2 | grad 3
        v1 = leaf | data 3 | grad 2
        v2 = x * v1 | data 6 | grad 1
        y = relu(v2) | data 6 | grad 1
    """
    nodes, _ = trace(root)
    names = {node: node.label or f"v{i}" for i, node in enumerate(nodes)}
    lines = []
    for node in nodes:
        args = [names[parent] for parent in node.parents]
        if not node.parents:
            expression = "leaf"
        elif len(args) == 2:
            expression = f"{args[0]} {node.op} {args[1]}"
        elif node.op.startswith("**"):
            expression = f"{args[0]}{node.op}"
        elif node.op == "neg":
            expression = f"-{args[0]}"
        else:
            expression = f"{node.op}({args[0]})"
        lines.append(f"{names[node]} = {expression} | data {node.data:.6g} | grad {node.grad:.6g}")
    return "\n".join(lines)
