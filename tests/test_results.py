"""dlbook.results.record: headline results, validated, written for the benchmark."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlbook import results


def test_record_keeps_the_value_and_target(monkeypatch):
    monkeypatch.delenv(results.ENV_VAR, raising=False)
    assert results.record("02_ann/test_accuracy", np.float32(0.9), at_least=0.86) is None
    r = results.recorded()["02_ann/test_accuracy"]
    assert r.value == pytest.approx(0.9) and r.met is True and r.target == ">= 0.86"
    results.record("02_ann/test_accuracy", 0.5, at_least=0.86)  # replaces
    assert results.recorded()["02_ann/test_accuracy"].met is False
    results.record("04_convolution_math/ratio", 1.5, at_least=1, at_most=2, unit="x")
    r = results.recorded()["04_convolution_math/ratio"]
    assert r.target == "1 .. 2" and r.met and r.unit == "x"
    results.record("01_history/no_target", 3)
    assert results.recorded()["01_history/no_target"].met is None


def test_record_appends_json_lines_when_asked(tmp_path, monkeypatch):
    path = tmp_path / "results.jsonl"
    monkeypatch.setenv(results.ENV_VAR, str(path))
    results.record("05_cnn/a", 1.0, at_most=2.0, unit="s")
    results.record("05_cnn/b", 2)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["name"] for r in rows] == ["05_cnn/a", "05_cnn/b"]
    assert rows[0] == {
        "name": "05_cnn/a",
        "value": 1.0,
        "at_least": None,
        "at_most": 2.0,
        "unit": "s",
        "met": True,
    }


def test_record_accepts_a_zero_dim_tensor(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.delenv(results.ENV_VAR, raising=False)
    results.record("03_backprop/t", torch.tensor(0.25))
    assert results.recorded()["03_backprop/t"].value == 0.25


@pytest.mark.parametrize("value", [float("nan"), float("inf"), np.float64("-inf")])
def test_non_finite_values_are_rejected(value):
    with pytest.raises(ValueError, match="finite"):
        results.record("02_ann/x", value)


@pytest.mark.parametrize("value", ["0.9", None, True, [0.9], np.array([0.9, 1.0])])
def test_non_numeric_values_are_rejected(value):
    with pytest.raises(TypeError, match="real number"):
        results.record("02_ann/x", value)


@pytest.mark.parametrize(
    "name", ["accuracy", "02_ann", "ann/accuracy", "02_ann/Accuracy", "02_ann/a b"]
)
def test_malformed_names_are_rejected(name):
    with pytest.raises(ValueError, match="name must look like"):
        results.record(name, 1.0)


def test_bad_target_and_unit():
    with pytest.raises(ValueError, match="at_least must be finite"):
        results.record("02_ann/x", 1.0, at_least=float("nan"))
    with pytest.raises(TypeError, match="unit must be a string"):
        results.record("02_ann/x", 1.0, unit=3)
    with pytest.raises(TypeError, match="name must be a string"):
        results.record(2, 1.0)
