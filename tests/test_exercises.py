"""Every exercise passes its own worked solution and fails a wrong answer; bad input gives messages."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.exercises import (
    CheckResult,
    check,
    get_exercise,
    hint,
    list_exercises,
    match_array,
    match_function,
    match_int,
    match_number,
    solution,
)
from dlbook.exercises.cnn import NEEDS_DOWNLOAD


def run_solution(exercise_id: str):
    """The solution function itself, or execute the stored worked code and return its answer."""
    stored = get_exercise(exercise_id).solution
    if callable(stored):
        shown = solution(exercise_id)  # the function's real source, as a code block
        assert (
            shown.code.startswith(f"def {stored.__name__}(")
            and "```python" in shown._repr_markdown_()
        )
        return stored
    namespace: dict = {"np": np}
    code = solution(exercise_id)
    exec(compile(code, f"<solution {exercise_id}>", "exec"), namespace)
    for name in ("answer", "flops", "gflops"):
        if name in namespace:
            return namespace[name]
    raise AssertionError(f"the solution of {exercise_id} defines no answer variable")


@pytest.mark.parametrize("exercise_id", [e for e in list_exercises() if e not in NEEDS_DOWNLOAD])
def test_worked_solution_passes(exercise_id):
    result = check(exercise_id, run_solution(exercise_id))
    assert isinstance(result, CheckResult)
    assert result.passed, repr(result)
    assert repr(result).startswith("✅")


def _perturb(value):
    if isinstance(value, np.ndarray):
        return value + 0.5
    return value + 7 if value else 1


@pytest.mark.parametrize("exercise_id", list_exercises())
def test_wrong_answer_fails_with_message(exercise_id):
    wrong = _perturb(get_exercise(exercise_id).expected())
    result = check(exercise_id, wrong)
    assert not result.passed
    assert repr(result).startswith("❌") and f"hint({exercise_id!r})" in result.message


@pytest.mark.parametrize("exercise_id", list_exercises())
def test_every_exercise_has_hints_and_solution(exercise_id):
    exercise = get_exercise(exercise_id)
    assert exercise.hints and exercise.solution and exercise.title


def test_wrong_type_and_shape_give_helpful_messages():
    assert "expected a number, got str 'many'" in check("matmul-flops", "many").message
    assert "expected a number, got list" in check("matmul-flops", [1, 2]).message
    assert "expected shape (3,), got shape (2,)" in check("perceptron-update", [0.4, -0.6]).message
    assert "expected numbers" in check("perceptron-update", ["a", "b", "c"]).message
    assert "expected a whole number" in check("lenet5-parameters", 61706.5).message
    assert "nan or inf" in check("perceptron-update", [np.nan, 0, 0]).message
    assert "no answer yet" in check("perceptron-update", ...).message
    assert "no answer yet" in check("perceptron-update", None).message


def test_torch_answers_are_accepted():
    torch = pytest.importorskip("torch")
    assert check("perceptron-update", torch.tensor([0.4, -0.6, -0.1], dtype=torch.float64)).passed
    assert check("lenet5-parameters", torch.tensor(61706)).passed


def test_unknown_id_suggests_close_ones():
    with pytest.raises(ValueError, match="Did you mean 'perceptron-update'"):
        check("perceptron-updat", 1)
    with pytest.raises(TypeError, match="exercise id is a string"):
        check(3, 1)


def test_hints_follow_each_other_and_can_be_numbered():
    first = hint("perceptron-update", 1)
    assert first.startswith("Hint 1/3")
    assert hint("perceptron-update").startswith("Hint 2/3")
    assert hint("perceptron-update").startswith("Hint 3/3")
    # Adversarial finding 9: after the last hint, say so instead of silently starting over.
    assert hint("perceptron-update").startswith("No more hints: all 3 have been shown.")
    assert hint("perceptron-update", 1).startswith("Hint 1/3")
    with pytest.raises(ValueError, match="between 1 and 3"):
        hint("perceptron-update", 4)
    with pytest.raises(
        TypeError, match="hint number must be an integer from 1 to 3; got bool True"
    ):
        hint("perceptron-update", True)  # a bool is not the index 1


@pytest.mark.parametrize(
    "answer", [float("inf"), float("-inf"), float("nan"), 1e400, 10**400, np.float64(1e300)]
)
@pytest.mark.parametrize(
    "exercise_id", ["conv-output-size", "matmul-flops"]
)  # match_int, match_number
def test_number_exercises_explain_non_finite_and_huge_answers(exercise_id, answer):
    """Adversarial finding 9: every answer gets a sentence, never 'checking ... raised OverflowError'."""
    result = check(exercise_id, answer)
    assert not result.passed
    assert "raised" not in result.message
    assert result.message.endswith("for a nudge.")
    first_sentence = result.message.split(" Try hint")[0]
    assert first_sentence.endswith(".") and len(first_sentence) > 30


def test_float32_answers_are_judged_with_float32_tolerance():
    """Adversarial finding 1: a float32 answer (torch's default) is right when it rounds to the answer."""
    import torch

    assert check("perceptron-update", torch.tensor([0.4, -0.6, -0.1])).passed
    assert check("perceptron-update", np.array([0.4, -0.6, -0.1], dtype=np.float32)).passed
    assert not check("perceptron-update", torch.tensor([0.4, -0.6, -0.2])).passed
    assert not check("perceptron-update", torch.tensor([0.4001, -0.6, -0.1])).passed
    assert match_number(rtol=0, atol=1e-9)(np.float32(0.1), 0.1) is None
    assert match_number(rtol=0, atol=1e-9)(0.1 + 1e-8, 0.1) is not None  # float64 stays strict


def test_matchers_directly():
    assert match_number(rtol=0.01)(1.005, 1.0) is None
    assert match_number(rtol=0.01)(1.02, 1.0) is not None
    assert "finite" in match_number()(float("inf"), 1.0)
    assert match_int()(True, 1) is not None  # a bool is not an answer
    assert "too large" in match_int()(10, 3)
    assert "index (1,)" in match_array()([1.0, 5.0], np.array([1.0, 2.0]))
    square = match_function([((2.0,), 4.0), ((np.array([1.0, 3.0]),), np.array([1.0, 9.0]))])
    assert square(lambda x: x**2, None) is None
    assert "expected a function" in square(4, None)
    assert "raised ZeroDivisionError" in square(lambda x: 1 / 0, None)
