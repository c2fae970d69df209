"""Exercise checkers: check an answer, ask for a hint, or reveal a solution from a notebook.

Example:
    >>> from dlbook.exercises import check
    >>> check("matmul-flops", 2 * 64**3)
    ✅ matmul-flops: correct.
    >>> check("matmul-flops", "a lot")
    ❌ matmul-flops: expected a number, got str 'a lot'. Try hint('matmul-flops') for a nudge.
"""

from dlbook.exercises.core import (
    CheckResult,
    Exercise,
    check,
    get_exercise,
    hint,
    list_exercises,
    match_array,
    match_function,
    match_int,
    match_number,
    register,
    solution,
)

__all__ = [
    "CheckResult",
    "Exercise",
    "check",
    "get_exercise",
    "hint",
    "list_exercises",
    "match_array",
    "match_function",
    "match_int",
    "match_number",
    "register",
    "solution",
]
