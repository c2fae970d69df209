"""The milestones data: dates from the syllabus, sources in the bibliography, drawable figures."""

import re
from pathlib import Path

import pytest

from dlbook.milestones import MILESTONES, MODEL_SIZES, model_size
from dlbook.plotting import plot_model_sizes, plot_timeline

ROOT = Path(__file__).resolve().parents[1]


def test_key_dates():
    years = {m.label: m.start for m in MILESTONES}
    assert years["McCulloch & Pitts neuron"] == 1943
    assert years["Rosenblatt's perceptron"] == 1958
    assert years["AlexNet wins ImageNet"] == 2012
    assert years["Transformer: Attention Is All You Need"] == 2017
    assert all(m.end >= m.start for m in MILESTONES)
    assert [m.start for m in MILESTONES] == sorted(m.start for m in MILESTONES)
    assert {m.era for m in MILESTONES} == {"foundations", "deep learning"}


def test_every_source_is_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    cited = {m.cite for m in MILESTONES} | {m.cite for m in MODEL_SIZES}
    assert cited <= keys, f"missing from references.bib: {sorted(cited - keys)}"


def test_model_sizes_grow():
    assert model_size("LeNet-5").parameters == 6e4
    assert model_size("GPT-3").parameters / model_size("LeNet-5").parameters > 1e6
    with pytest.raises(ValueError, match="name must be one of"):
        model_size("GPT-9")


def test_timeline_draws_every_milestone():
    fig, axes = plot_timeline()
    texts = [t.get_text() for ax in axes for t in ax.texts]
    assert len(texts) == len(MILESTONES)
    assert any("1943" in t and "McCulloch" in t for t in texts)
    assert all(t.get_text().split("\n")[0][:4].isdigit() for ax in axes for t in ax.texts)


def test_model_size_plot_is_logarithmic_with_labels():
    fig, ax = plot_model_sizes()
    assert ax.get_yscale() == "log"
    assert sorted(t.get_text() for t in ax.texts) == sorted(m.name for m in MODEL_SIZES)
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == len(MODEL_SIZES)
