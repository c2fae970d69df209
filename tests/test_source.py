"""dlbook.source.show_source: the real code, between markers, with clear errors."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from dlbook import activations, optim
from dlbook.source import SourceCode, show_source


def test_whole_function_is_its_source():
    shown = show_source(activations.relu)
    assert isinstance(shown, SourceCode)
    assert shown.code == inspect.getsource(activations.relu).rstrip("\n")
    assert shown.origin == "dlbook.activations.relu"


def test_markers_cut_inclusively_and_keep_the_signature():
    full = inspect.getsource(optim.adam_update).rstrip("\n").split("\n")
    start = next(line for line in full if "exp_avg = beta1 * exp_avg" in line)
    shown = show_source(optim.adam_update, start="exp_avg = beta1 * exp_avg").code.split("\n")
    assert shown[0].startswith("def adam_update(")
    body_start = shown.index("    ...") + 1
    assert shown[body_start] == start
    assert shown[-1] == full[-1]  # runs to the end


def test_without_signature_the_part_is_dedented():
    shown = show_source(optim.adam_update, start="exp_avg = beta1", end="exp_avg", signature=False)
    lines = shown.code.split("\n")
    assert len(lines) == 1 and lines[0].startswith("exp_avg = beta1")


def test_renders_as_a_fenced_python_block_and_plain_text():
    shown = show_source(activations.relu)
    md = shown._repr_markdown_()
    assert md.startswith("```python\n") and md.rstrip().endswith("```")
    assert repr(shown) == str(shown) == shown.code
    tricky = SourceCode(code='s = """```"""', origin="x")
    assert tricky._repr_markdown_().startswith("````python")


def test_modules_and_classes():
    assert show_source(activations).code == inspect.getsource(activations).rstrip("\n")
    assert show_source(SourceCode).code.startswith("@dataclass")


@pytest.mark.parametrize("obj", [len, np.add, 3, "text"])
def test_objects_without_python_source_are_a_type_error(obj):
    with pytest.raises(TypeError, match="expected a Python function, class or module"):
        show_source(obj)


def test_a_missing_marker_names_the_object_and_the_marker():
    with pytest.raises(ValueError, match=r"start marker 'no such line'.*dlbook\.activations\.relu"):
        show_source(activations.relu, start="no such line")
    with pytest.raises(ValueError, match="end marker 'zzz'"):
        show_source(activations.relu, end="zzz")
    with pytest.raises(ValueError, match="non-empty string"):
        show_source(activations.relu, start="  ")
