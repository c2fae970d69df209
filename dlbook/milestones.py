"""Dated milestones of deep learning and the sizes of landmark models, as data.

The chapters draw these with :func:`dlbook.plotting.plot_timeline` and
:func:`dlbook.plotting.plot_model_sizes`; each entry names the bibliography key of its source.

Example:
    >>> [m.label for m in MILESTONES if m.start == 1958]
    ["Rosenblatt's perceptron"]
    >>> f"{model_size('GPT-3').parameters:.3g}"
    '1.75e+11'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Milestone", "ModelSize", "MILESTONES", "MODEL_SIZES", "model_size"]


@dataclass(frozen=True)
class Milestone:
    """An event in the history of neural networks.

    Attributes:
        start: the year it happened (or began).
        end: the last year of a multi-year span, else equal to ``start``.
        label: a short description.
        era: ``"foundations"`` (before 2000) or ``"deep learning"`` (from 2000).
        cite: the key of its source in the book's ``references.bib``.
    """

    start: int
    end: int
    label: str
    cite: str

    @property
    def era(self) -> str:
        """``"foundations"`` before 2000, ``"deep learning"`` from 2000 on."""
        return "foundations" if self.start < 2000 else "deep learning"

    @property
    def when(self) -> str:
        """The year, or the span as ``"1959-1962"``."""
        return str(self.start) if self.end == self.start else f"{self.start}-{self.end}"


def _m(start: int, label: str, cite: str, end: int | None = None) -> Milestone:
    return Milestone(start, start if end is None else end, label, cite)


MILESTONES: tuple[Milestone, ...] = (
    _m(1943, "McCulloch & Pitts neuron", "mcculloch1943"),
    _m(1958, "Rosenblatt's perceptron", "rosenblatt1958"),
    _m(1959, "Hubel & Wiesel: orientation-selective cells", "hubel1962", end=1962),
    _m(1965, "Ivakhnenko & Lapa: deep GMDH networks", "ivakhnenko1967", end=1967),
    _m(1969, "Minsky & Papert, Perceptrons", "minsky1969"),
    _m(1970, "Linnainmaa: reverse-mode differentiation", "linnainmaa1970"),
    _m(1974, "Werbos: backpropagation for networks", "werbos1974"),
    _m(1979, "Fukushima's Neocognitron", "fukushima1980", end=1980),
    _m(1986, "Rumelhart, Hinton & Williams: backprop", "rumelhart1986"),
    _m(1989, "LeCun et al.: convnet on zip codes", "lecun1989"),
    _m(1997, "LSTM (Hochreiter & Schmidhuber)", "hochreiter1997"),
    _m(1998, "LeNet-5", "lecun1998"),
    _m(2007, "CUDA GPUs", "nvidia2007"),
    _m(2012, "AlexNet wins ImageNet", "krizhevsky2012"),
    _m(2014, "GRU (Cho et al.)", "cho2014"),
    _m(2014, "GANs (Goodfellow et al.)", "goodfellow2014"),
    _m(2014, "Adam optimiser", "kingma2015"),
    _m(2015, "ResNet", "he2016"),
    _m(2017, "Transformer: Attention Is All You Need", "vaswani2017"),
    _m(2018, "BERT", "devlin2019"),
    _m(2020, "GPT-3 (175e9 parameters)", "brown2020"),
    _m(2020, "Vision Transformer (ViT)", "dosovitskiy2021"),
    _m(2020, "Diffusion models", "ho2020", end=2022),
    _m(2021, "CLIP", "radford2021"),
)


@dataclass(frozen=True)
class ModelSize:
    """The number of trainable parameters of a landmark model.

    Attributes:
        name: the model's name.
        year: the year of its publication.
        parameters: its parameter count (approximate for the largest models).
        cite: the key of its source in ``references.bib``.
    """

    name: str
    year: int
    parameters: float
    cite: str


MODEL_SIZES: tuple[ModelSize, ...] = (
    ModelSize("LeNet-5", 1998, 6.0e4, "lecun1998"),
    ModelSize("AlexNet", 2012, 6.0e7, "krizhevsky2012"),
    ModelSize("VGG-16", 2014, 1.38e8, "simonyan2015"),
    ModelSize("ResNet-50", 2015, 2.56e7, "he2016"),
    ModelSize("Transformer (big)", 2017, 2.13e8, "vaswani2017"),
    ModelSize("BERT-large", 2018, 3.4e8, "devlin2019"),
    ModelSize("GPT-2", 2019, 1.5e9, "radford2019"),
    ModelSize("GPT-3", 2020, 1.75e11, "brown2020"),
)


def model_size(name: str) -> ModelSize:
    """Return the entry of :data:`MODEL_SIZES` called ``name``.

    Raises:
        ValueError: if no model has that name.

    Example:
        >>> model_size("LeNet-5").parameters
        60000.0
    """
    for entry in MODEL_SIZES:
        if entry.name == name:
            return entry
    raise ValueError(f"name must be one of {', '.join(m.name for m in MODEL_SIZES)}; got {name!r}")
