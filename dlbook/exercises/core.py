"""The machinery behind the exercises: a registry, answer matchers, and check/hint/solution.

An :class:`Exercise` holds a reference answer, a *matcher* that compares a reader's answer
with it, hints and a worked solution. Matchers never raise on a wrong answer: they return a
message that says what was expected and what was given, so a reader sees a helpful sentence
instead of a traceback.

Exercises are defined in topic modules (``dlbook.exercises.perceptron`` and so on) that are
imported the first time an exercise is looked up.
"""

from __future__ import annotations

import difflib
import importlib
import math
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "CheckResult",
    "Exercise",
    "register",
    "get_exercise",
    "list_exercises",
    "check",
    "hint",
    "solution",
    "match_number",
    "match_int",
    "match_array",
    "match_function",
]

#: A matcher returns ``None`` when the answer is right, else a message for the reader.
Matcher = Callable[[Any, Any], "str | None"]

_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


@dataclass
class Exercise:
    """One exercise: its reference answer, how answers are compared, hints and solution.

    Attributes:
        id: a short, unique, concept-named key such as ``"perceptron-update"``.
        title: one line shown with results.
        answer: the reference answer, or a zero-argument callable computing it lazily.
        matcher: compares a reader's answer with the reference (see ``match_*``).
        hints: shown one at a time by :func:`hint`.
        solution: the worked solution shown by :func:`solution`: code as text, or, when the
            answer is a function, the real function (its source is shown).
    """

    id: str
    title: str
    answer: Any
    matcher: Matcher
    hints: Sequence[str] = ()
    solution: str | Callable[..., Any] = ""
    _hints_shown: int = field(default=0, repr=False)

    def expected(self) -> Any:
        """Return the reference answer, computing it if it is a callable."""
        return (
            self.answer()
            if callable(self.answer) and not isinstance(self.answer, np.ndarray)
            else self.answer
        )


class _Shown(str):
    """A string that notebooks display as itself (no quotes)."""

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :func:`check`; notebooks display its message, ``bool()`` gives ``passed``."""

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        mark = "✅" if self.passed else "❌"
        return f"{mark} {self.exercise}: {self.message}"

    __str__ = __repr__


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry; its id must be new.

    Raises:
        ValueError: if an exercise with the same id exists.
    """
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
        raise ValueError(f"an exercise with id {exercise.id!r} is already registered")
    _REGISTRY[exercise.id] = exercise
    return exercise


def _load_catalogue() -> None:
    global _LOADED
    if _LOADED:
        return
    import dlbook.exercises as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "core":
            importlib.import_module(f"{package.__name__}.{info.name}")
    _LOADED = True


def get_exercise(exercise_id: str) -> Exercise:
    """Return a registered exercise by id, suggesting close ids when it is unknown.

    Raises:
        TypeError: if the id is not a string.
        ValueError: if no exercise has that id.

    Example:
        >>> get_exercise("matmul-flops").title
        'FLOPs of a matrix product'
    """
    if not isinstance(exercise_id, str):
        raise TypeError(
            f"an exercise id is a string such as 'perceptron-update'; got {type(exercise_id).__name__}"
        )
    _load_catalogue()
    if exercise_id not in _REGISTRY:
        close = difflib.get_close_matches(exercise_id, list(_REGISTRY), n=3)
        tip = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"no exercise with id {exercise_id!r}.{tip} list_exercises() shows them all."
        )
    return _REGISTRY[exercise_id]


def list_exercises() -> list[str]:
    """Return the ids of every registered exercise, sorted.

    Example:
        >>> "perceptron-update" in list_exercises()
        True
    """
    _load_catalogue()
    return sorted(_REGISTRY)


def check(exercise_id: str, answer: Any) -> CheckResult:
    """Compare an answer with the exercise's reference answer.

    Args:
        exercise_id: the exercise's id.
        answer: the reader's answer; ``...`` or ``None`` means "not attempted yet".

    Returns:
        A :class:`CheckResult`; a notebook displays its message.

    Example:
        >>> check("matmul-flops", ...)
        ❌ matmul-flops: no answer yet: replace the ... with your answer.
    """
    exercise = get_exercise(exercise_id)
    if answer is None or answer is Ellipsis:
        return CheckResult(exercise.id, False, "no answer yet: replace the ... with your answer.")
    try:
        problem = exercise.matcher(answer, exercise.expected())
    except Exception as exc:  # a reader's function may raise anything
        problem = (
            f"your answer could not be checked: comparing it raised {type(exc).__name__} ({exc}). "
            f"Is it the kind of answer the exercise asks for? You gave {_describe(answer)}."
        )
    if problem is None:
        return CheckResult(exercise.id, True, "correct.")
    return CheckResult(
        exercise.id, False, problem + " Try hint(" + repr(exercise.id) + ") for a nudge."
    )


def hint(exercise_id: str, number: int | None = None) -> str:
    """Return the next hint for an exercise (or hint ``number``, counting from 1).

    After the last hint, ``hint(exercise_id)`` says so instead of starting over.

    Raises:
        TypeError: if ``number`` is not an integer (a bool is not a hint number).
        ValueError: if ``number`` is not between 1 and the number of hints.

    Example:
        >>> print(hint("matmul-flops", 1))
        Hint 1/2: each entry of the n x m result is a dot product of length k.
    """
    exercise = get_exercise(exercise_id)
    if not exercise.hints:
        return _Shown("This exercise has no hints.")
    count = len(exercise.hints)
    if number is None:
        if exercise._hints_shown >= count:
            return _Shown(
                f"No more hints: all {count} have been shown. hint({exercise.id!r}, n) shows hint n "
                f"again; solution({exercise.id!r}) shows the worked solution."
            )
        number = exercise._hints_shown + 1
    if isinstance(number, bool) or not isinstance(number, Integral):
        raise TypeError(
            f"hint number must be an integer from 1 to {count}; got {type(number).__name__} {number!r}"
        )
    if not 1 <= number <= count:
        raise ValueError(f"hint number must be between 1 and {count}; got {number!r}")
    exercise._hints_shown = int(number)
    return _Shown(f"Hint {number}/{len(exercise.hints)}: {exercise.hints[number - 1]}")


def solution(exercise_id: str) -> Any:
    """Return the worked solution of an exercise: text, or the source of a solution function.

    Example:
        >>> print(solution("matmul-flops").splitlines()[0])
        # Each of the n*m outputs needs k multiplications and k additions:
    """
    exercise = get_exercise(exercise_id)
    if callable(exercise.solution):  # a real function of the package: show its source
        from dlbook.source import show_source

        return show_source(exercise.solution)
    return _Shown(exercise.solution or "No worked solution is stored for this exercise.")


# --- matchers --------------------------------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _as_number(value: Any) -> float | int | None:
    """A real answer as a Python number (an int stays an int, however large), or None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return value.reshape(()).item()
    if hasattr(value, "item") and hasattr(value, "numel") and value.numel() == 1:  # torch scalar
        return value.item()
    return None


def _resolution(answer: Any) -> float:
    """The machine epsilon of the answer's float dtype (float64's for Python numbers and ints).

    An answer computed in float32 (torch's default) carries rounding errors of about 1e-7
    relative, so the matchers widen their tolerance to a few of these epsilons.
    """
    dtype = getattr(answer, "dtype", None)
    name = str(dtype).removeprefix("torch.") if dtype is not None else "float64"
    try:
        np_dtype = np.dtype(name)
    except TypeError:  # bfloat16 and other types NumPy does not know
        return 2.0**-7
    return (
        float(np.finfo(np_dtype).eps) if np_dtype.kind == "f" else float(np.finfo(np.float64).eps)
    )


def _tolerances(answer: Any, expected: Any, rtol: float, atol: float) -> tuple[float, float]:
    """``(rtol, atol)`` widened to 8 epsilons of the answer's dtype (relative, and of the scale)."""
    slack = 8 * _resolution(answer)
    scale = float(np.max(np.abs(expected))) if np.size(expected) else 0.0
    return max(rtol, slack), max(atol, slack * scale)


def _finite_number(answer: Any, *, whole: bool) -> tuple[float | int, str | None]:
    """The answer as a finite Python number, or a sentence saying why it is not one."""
    kind = "a whole number" if whole else "a number"
    value = _as_number(answer)
    if value is None:
        return 0, f"expected {kind}, got {_describe(answer)}."
    if isinstance(value, int) and (whole or abs(value) <= 1e308):  # ints stay exact
        return value, None
    if isinstance(value, int) or not math.isfinite(value):
        shown = ("inf" if value > 0 else "-inf") if isinstance(value, int) else value
        return 0, f"your answer is {shown}; expected {'a whole' if whole else 'a finite'} number."
    return value, None


def match_number(rtol: float = 1e-6, atol: float = 1e-9) -> Matcher:
    """Return a matcher for a real number, within ``rtol``/``atol`` of the reference.

    Example:
        >>> match_number()(3.0, 3.0) is None
        True
        >>> match_number()(3.5, 3.0)
        'expected a different value: got 3.5.'
    """

    def matcher(answer: Any, expected: Any) -> str | None:
        value, problem = _finite_number(answer, whole=False)
        if problem:
            return problem
        value = float(value)  # finite, so it fits
        rtol_, atol_ = _tolerances(answer, expected, rtol, atol)
        if abs(value - float(expected)) <= atol_ + rtol_ * abs(float(expected)):
            return None
        return f"expected a different value: got {value:.6g}."

    return matcher


def match_int() -> Matcher:
    """Return a matcher for an exact integer (a float with an integral value is accepted).

    Example:
        >>> match_int()(156, 156) is None
        True
        >>> match_int()(150, 156)
        'got 150, which is too small.'
    """

    def matcher(answer: Any, expected: Any) -> str | None:
        value, problem = _finite_number(answer, whole=True)
        if problem:
            return problem
        if value != int(value):
            return f"expected a whole number, got {_describe(answer)}."
        value = int(value)
        if value == int(expected):
            return None
        size = "too small" if value < expected else "too large"
        digits = int(abs(value).bit_length() * math.log10(2)) + 1  # str() of a huge int is slow
        shown = f"{value}" if digits <= 15 else f"a number with about {digits} digits"
        return f"got {shown}, which is {size}."

    return matcher


def match_array(rtol: float = 1e-6, atol: float = 1e-9) -> Matcher:
    """Return a matcher for an array-like answer: same shape, values within tolerance.

    Example:
        >>> match_array()([1.0, 2.0], np.array([1.0, 2.0])) is None
        True
        >>> match_array()([1.0, 2.0, 3.0], np.array([1.0, 2.0]))
        'expected shape (2,), got shape (3,).'
    """

    def matcher(answer: Any, expected: Any) -> str | None:
        if hasattr(answer, "detach") and hasattr(answer, "numpy"):  # a torch tensor
            answer = answer.detach().cpu().numpy()
        try:
            value = np.asarray(answer)
        except Exception:
            return f"expected an array-like answer, got {_describe(answer)}."
        if value.dtype.kind not in "biuf":
            return f"expected numbers, got {_describe(answer)}."
        expected = np.asarray(expected)
        if value.shape != expected.shape:
            return f"expected shape {expected.shape}, got shape {value.shape}."
        if not np.all(np.isfinite(value)):
            return "your array contains nan or inf."
        rtol_, atol_ = _tolerances(value, expected, rtol, atol)
        close = np.isclose(value, expected, rtol=rtol_, atol=atol_)
        if close.all():
            return None
        wrong = np.argwhere(~close)
        first = tuple(int(i) for i in wrong[0])
        return f"{len(wrong)} of {value.size} entries differ, the first at index {first} (you have {value[first]:.6g})."

    return matcher


def match_function(
    cases: Sequence[tuple[tuple[Any, ...], Any]]
    | Callable[[], Sequence[tuple[tuple[Any, ...], Any]]],
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> Matcher:
    """Return a matcher for an answer that is a function, tried on ``(args, expected_output)`` cases.

    The exercise's reference answer is unused; pass ``answer=None``.

    Example:
        >>> m = match_function([((2,), 4), ((3,), 9)])
        >>> m(lambda x: x * x, None) is None
        True
        >>> m(lambda x: 2 * x, None)
        'for input (3,) your function returned 6, expected 9.'
    """
    compare = match_array(rtol, atol)

    def matcher(answer: Any, expected: Any) -> str | None:
        if not callable(answer):
            return f"expected a function, got {_describe(answer)}."
        for args, want in cases() if callable(cases) else cases:
            try:
                got = answer(*args)
            except Exception as exc:
                return f"for input {_short(args)} your function raised {type(exc).__name__}: {exc}."
            problem = compare(got, want)
            if problem is not None:
                return f"for input {_short(args)} your function returned {_short(got)}, expected {_short(want)}."
        return None

    return matcher


def _short(value: Any) -> str:
    text = (
        np.array2string(value, precision=4, threshold=8)
        if isinstance(value, np.ndarray)
        else repr(value)
    )
    return text if len(text) <= 60 else text[:57] + "..."
