"""dlbook: the companion package of the dlbook deep-learning course.

Submodules are imported lazily, so ``import dlbook`` is fast and never pulls in
PyTorch or TensorFlow; a framework is imported only by the helper that needs it.

Example:
    >>> import dlbook
    >>> dlbook.__version__
    '0.1.0'
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

#: Where the course lives; the Colab install cells and the book point here.
REPOSITORY_URL = "https://github.com/dlbook-course/dlbook"

_SUBMODULES = (
    "activations",
    "attention",
    "autograd",
    "conv",
    "data",
    "embeddings",
    "exercises",
    "forecasting",
    "gan",
    "gradcheck",
    "grammars",
    "hardware",
    "init",
    "kernels",
    "losses",
    "milestones",
    "mlp",
    "optim",
    "perceptron",
    "plotting",
    "pooling",
    "regularization",
    "repro",
    "results",
    "rnn",
    "sequences",
    "source",
    "testing",
    "training",
    "transformer_models",
    "validation",
    "vision",
)

__all__ = ["REPOSITORY_URL", "__version__", *_SUBMODULES]


def __getattr__(name: str) -> ModuleType:
    """Import a submodule on first attribute access (PEP 562)."""
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'dlbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
