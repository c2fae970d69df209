r"""Word representations in NumPy: one-hot, embedding lookup, skip-gram word2vec and GloVe.

A vocabulary of :math:`V` words numbers every word; the one-hot vector :math:`o_w` has a
1 at the word's index. An embedding matrix :math:`E` of shape ``(D, V)`` turns it into a
dense vector :math:`e_w = E\, o_w`, which is just column :math:`w` of :math:`E`. Like
``torch.nn.Embedding`` we store :math:`E^\top` as ``weight`` of shape ``(V, D)``, one
row per word, so the lookup is ``weight[w]`` (:func:`embedding_lookup`).

Skip-gram (word2vec) learns two such matrices, ``input_weight`` (the centre word's
vectors :math:`v`) and ``output_weight`` (the context word's vectors :math:`u`), so that
the context :math:`o` of a centre word :math:`c` is likely:

.. math::

    P(o \mid c) = \frac{\exp(u_o^\top v_c)}{\sum_{w=1}^{V} \exp(u_w^\top v_c)} .

:func:`skipgram_softmax_loss` is the mean of :math:`-\log P(o \mid c)` over the pairs;
negative sampling (:func:`skipgram_negative_sampling_loss`) replaces the sum over the
whole vocabulary by :math:`K` random "noise" words,
:math:`-\log\sigma(u_o^\top v_c) - \sum_k \log\sigma(-u_k^\top v_c)`.

GloVe fits word vectors to the logarithm of the co-occurrence counts :math:`X_{ij}` by
weighted least squares (:func:`glove_loss`):

.. math::

    J = \sum_{i,j:\,X_{ij}>0} f(X_{ij})\,(w_i^\top \tilde w_j + b_i + \tilde b_j - \log X_{ij})^2,
    \qquad f(x) = \min(1, (x/x_{\max})^{\alpha}).

Example:
    >>> corpus = [["the", "cat", "sat"], ["the", "dog", "sat"]]
    >>> vocab = Vocabulary.from_corpus(corpus)
    >>> vocab.words  # by count, ties alphabetically
    ['sat', 'the', 'cat', 'dog']
    >>> vocab.encode(["the", "dog"])
    array([1, 3])
    >>> one_hot([1], len(vocab))
    array([[0., 1., 0., 0.]])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import (
    as_array,
    check_non_negative,
    check_positive_int,
    check_positive_number,
    check_rng,
)

__all__ = [
    "Vocabulary",
    "generate_group_corpus",
    "one_hot",
    "embedding_lookup",
    "skipgram_pairs",
    "skipgram_softmax_loss",
    "skipgram_softmax_backward",
    "skipgram_negative_sampling_loss",
    "skipgram_negative_sampling_backward",
    "SkipGramGradients",
    "noise_distribution",
    "train_skipgram",
    "cooccurrence_matrix",
    "glove_weighting",
    "glove_loss",
    "glove_backward",
    "GloVeGradients",
    "train_glove",
    "cosine_similarity",
    "nearest_neighbours",
    "neighbour_purity",
]


# --------------------------------------------------------------------------- vocabulary and corpus
class Vocabulary:
    """Words numbered by decreasing frequency (ties alphabetically), with encoding and decoding.

    Example:
        >>> vocab = Vocabulary.from_corpus([["b", "a", "b"]])
        >>> vocab.words, vocab.counts.tolist(), vocab.index("a")
        (['b', 'a'], [2, 1], 1)
    """

    def __init__(self, counts: Mapping[str, int]) -> None:
        if not counts:
            raise ValueError("a vocabulary needs at least one word; got none")
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        self.words = [w for w, _ in ordered]
        self.counts = np.array([c for _, c in ordered], dtype=np.int64)
        self._index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def from_corpus(cls, sentences: Iterable[Sequence[str]]) -> Vocabulary:
        """Count the words of tokenised sentences (lists of strings)."""
        return cls(Counter(word for sentence in sentences for word in sentence))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def index(self, word: str) -> int:
        """The number of ``word``; a ValueError names the unknown word."""
        try:
            return self._index[word]
        except KeyError:
            raise ValueError(
                f"word {word!r} is not in the vocabulary of {len(self)} words "
                f"(e.g. {', '.join(map(repr, self.words[:5]))})"
            ) from None

    def encode(self, sentence: Sequence[str]) -> np.ndarray:
        """The indices of a sentence's words, shape ``(len(sentence),)``."""
        return np.array([self.index(w) for w in sentence], dtype=np.int64)

    def decode(self, indices: ArrayLike) -> list[str]:
        """The words of a sequence of indices."""
        return [self.words[i] for i in as_array(indices, "indices", ndim=1).tolist()]


def generate_group_corpus(
    groups: Mapping[str, Sequence[str]],
    templates: Sequence[str],
    n_sentences: int,
    rng: np.random.Generator,
) -> list[list[str]]:
    """Sentences from templates whose slots ``{group}`` are filled with random words of that group.

    Words of one group fill the same slots, so they share contexts: a corpus whose
    semantic structure is known, for testing embeddings.

    Args:
        groups: group name -> its words.
        templates: sentences with slots, e.g. ``"the {animal} eats the {fruit}"``.
        n_sentences: how many sentences to draw (templates chosen uniformly).
        rng: a ``np.random.Generator``.

    Returns:
        A list of tokenised sentences.

    Example:
        >>> generate_group_corpus({"n": ["cat", "dog"]}, ["a {n} runs"], 2, np.random.default_rng(0))
        [['a', 'dog', 'runs'], ['a', 'dog', 'runs']]
    """
    rng = check_rng(rng)
    n_sentences = check_positive_int(n_sentences, "n_sentences")
    if not templates:
        raise ValueError("templates must not be empty")
    corpus = []
    for _ in range(n_sentences):
        template = templates[rng.integers(len(templates))]
        sentence = []
        for token in template.split():
            if token.startswith("{") and token.endswith("}"):
                name = token[1:-1]
                if name not in groups:
                    raise ValueError(
                        f"template slot {token} names no group; groups are {sorted(groups)}"
                    )
                words = groups[name]
                token = words[rng.integers(len(words))]
            sentence.append(token)
        corpus.append(sentence)
    return corpus


# --------------------------------------------------------------------------- one-hot and lookup
def _indices(indices: ArrayLike, size: int, name: str = "indices") -> np.ndarray:
    idx = as_array(indices, name)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers; got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise ValueError(
            f"{name} must lie in [0, {size - 1}] (vocabulary of {size}); got values from {idx.min()} to {idx.max()}"
        )
    return idx.astype(np.int64)


def one_hot(indices: ArrayLike, num_classes: int) -> np.ndarray:
    """One-hot vectors, like ``torch.nn.functional.one_hot`` (but float).

    Shape:
        indices ``(*)``; output ``(*, num_classes)``.

    Example:
        >>> one_hot([2, 0], 3)
        array([[0., 0., 1.],
               [1., 0., 0.]])
    """
    num_classes = check_positive_int(num_classes, "num_classes")
    idx = _indices(indices, num_classes)
    return np.eye(num_classes)[idx]


def embedding_lookup(weight: ArrayLike, indices: ArrayLike) -> np.ndarray:
    r"""The embedding vectors :math:`e_w = E\,o_w` of ``indices``, like ``torch.nn.Embedding``.

    With ``weight`` :math:`= E^\top` of shape ``(V, D)``, multiplying the one-hot vector
    by :math:`E` selects a column of :math:`E`, a row of ``weight``; the lookup does that
    without building the one-hot vector.

    Shape:
        weight ``(V, D)``, indices ``(*)``; output ``(*, D)``.

    Example:
        >>> E_T = np.arange(6.0).reshape(3, 2)
        >>> embedding_lookup(E_T, [2]), one_hot([2], 3) @ E_T
        (array([[4., 5.]]), array([[4., 5.]]))
    """
    w = as_array(weight, "weight", ndim=2).astype(np.float64)
    return w[_indices(indices, len(w))]


# --------------------------------------------------------------------------- skip-gram
def skipgram_pairs(sentences: Iterable[ArrayLike], window: int) -> tuple[np.ndarray, np.ndarray]:
    """All (centre, context) index pairs within ``window`` words of each other, sentence by sentence.

    Args:
        sentences: encoded sentences (1-D integer arrays).
        window: the largest distance between centre and context.

    Returns:
        ``(centers, contexts)``, two integer arrays of equal length.

    Example:
        >>> skipgram_pairs([[0, 1, 2]], window=1)
        (array([0, 1, 1, 2]), array([1, 0, 2, 1]))
    """
    window = check_positive_int(window, "window")
    centers, contexts = [], []
    for s in sentences:
        s = as_array(s, "sentence", ndim=1)
        for i, c in enumerate(s.tolist()):
            for j in range(max(0, i - window), min(len(s), i + window + 1)):
                if j != i:
                    centers.append(c)
                    contexts.append(int(s[j]))
    return np.array(centers, dtype=np.int64), np.array(contexts, dtype=np.int64)


class SkipGramGradients(NamedTuple):
    """Gradients of a skip-gram loss with respect to its two embedding matrices."""

    grad_input_weight: np.ndarray
    """``(V, D)``: the centre words' vectors v."""
    grad_output_weight: np.ndarray
    """``(V, D)``: the context words' vectors u."""


def _check_skipgram(input_weight, output_weight, centers, contexts):
    v = as_array(input_weight, "input_weight", ndim=2).astype(np.float64)
    u = as_array(output_weight, "output_weight", shape=v.shape).astype(np.float64)
    c = _indices(centers, len(v), "centers")
    o = _indices(contexts, len(v), "contexts")
    if c.ndim != 1 or c.shape != o.shape:
        raise ValueError(
            f"centers and contexts must be 1-D of the same length; got shapes {c.shape} and {o.shape}"
        )
    return v, u, c, o


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax_loss_and_grads(v, u, c, o):
    scores = v[c] @ u.T  # (N, V): u_w . v_c for every word w
    logp = _log_softmax(scores)
    loss = -logp[np.arange(len(c)), o].mean()
    d_scores = np.exp(logp)
    d_scores[np.arange(len(c)), o] -= 1.0  # softmax minus one-hot
    d_scores /= len(c)
    grad_v = np.zeros_like(v)
    np.add.at(grad_v, c, d_scores @ u)
    return loss, SkipGramGradients(grad_v, d_scores.T @ v[c])


def skipgram_softmax_loss(
    input_weight: ArrayLike, output_weight: ArrayLike, centers: ArrayLike, contexts: ArrayLike
) -> float:
    r"""Mean of :math:`-\log P(o \mid c)` over the pairs, with the full softmax over the vocabulary.

    Shape:
        input_weight and output_weight ``(V, D)``; centers and contexts ``(N,)``.

    Example:
        >>> round(skipgram_softmax_loss(np.zeros((4, 2)), np.zeros((4, 2)), [0], [1]), 4)  # log 4
        1.3863
    """
    return float(
        _softmax_loss_and_grads(*_check_skipgram(input_weight, output_weight, centers, contexts))[0]
    )


def skipgram_softmax_backward(
    grad_output: float,
    input_weight: ArrayLike,
    output_weight: ArrayLike,
    centers: ArrayLike,
    contexts: ArrayLike,
) -> SkipGramGradients:
    r"""Gradients of :func:`skipgram_softmax_loss` times ``grad_output``.

    For one pair, :math:`\partial L/\partial s_w = p_w - [w = o]` for the score
    :math:`s_w = u_w^\top v_c`; so :math:`\partial L/\partial v_c = \sum_w (p_w - [w=o]) u_w`
    and :math:`\partial L/\partial u_w = (p_w - [w=o])\, v_c`.

    Example:
        >>> g = skipgram_softmax_backward(1.0, np.ones((3, 2)), np.ones((3, 2)), [0], [1])
        >>> g.grad_output_weight.round(3).tolist()
        [[0.333, 0.333], [-0.667, -0.667], [0.333, 0.333]]
    """
    _, grads = _softmax_loss_and_grads(
        *_check_skipgram(input_weight, output_weight, centers, contexts)
    )
    return SkipGramGradients(*(grad_output * g for g in grads))


def _log_sigmoid(z: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    ez = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


def _negative_sampling_loss_and_grads(v, u, c, o, k):
    vc = v[c]  # (N, D)
    pos = np.einsum("nd,nd->n", u[o], vc)  # (N,)
    neg = np.einsum("nkd,nd->nk", u[k], vc)  # (N, K)
    n = len(c)
    loss = -(_log_sigmoid(pos).sum() + _log_sigmoid(-neg).sum()) / n
    d_pos = (_sigmoid(pos) - 1.0) / n  # d/dpos of -log sigmoid(pos)
    d_neg = _sigmoid(neg) / n  # d/dneg of -log sigmoid(-neg)
    grad_v, grad_u = np.zeros_like(v), np.zeros_like(u)
    np.add.at(grad_v, c, d_pos[:, None] * u[o] + np.einsum("nk,nkd->nd", d_neg, u[k]))
    np.add.at(grad_u, o, d_pos[:, None] * vc)
    np.add.at(grad_u, k.ravel(), (d_neg[:, :, None] * vc[:, None, :]).reshape(-1, v.shape[1]))
    return loss, SkipGramGradients(grad_v, grad_u)


def _check_negatives(negatives, size, n):
    k = _indices(negatives, size, "negatives")
    if k.ndim != 2 or len(k) != n:
        raise ValueError(f"negatives must have shape ({n}, K); got shape {k.shape}")
    return k


def skipgram_negative_sampling_loss(
    input_weight: ArrayLike,
    output_weight: ArrayLike,
    centers: ArrayLike,
    contexts: ArrayLike,
    negatives: ArrayLike,
) -> float:
    r"""Mean over pairs of :math:`-\log\sigma(u_o^\top v_c) - \sum_k \log\sigma(-u_{n_k}^\top v_c)`.

    Shape:
        weights ``(V, D)``; centers, contexts ``(N,)``; negatives ``(N, K)``.

    Example:
        >>> z = np.zeros((3, 2))
        >>> round(skipgram_negative_sampling_loss(z, z, [0], [1], [[2, 2]]), 4)  # 3 log 2
        2.0794
    """
    v, u, c, o = _check_skipgram(input_weight, output_weight, centers, contexts)
    k = _check_negatives(negatives, len(v), len(c))
    return float(_negative_sampling_loss_and_grads(v, u, c, o, k)[0])


def skipgram_negative_sampling_backward(
    grad_output: float,
    input_weight: ArrayLike,
    output_weight: ArrayLike,
    centers: ArrayLike,
    contexts: ArrayLike,
    negatives: ArrayLike,
) -> SkipGramGradients:
    r"""Gradients of :func:`skipgram_negative_sampling_loss` times ``grad_output``.

    With :math:`\sigma' = \sigma(1-\sigma)`: :math:`\partial/\partial v_c = (\sigma(s_o) - 1) u_o +
    \sum_k \sigma(s_k) u_{n_k}`, :math:`\partial/\partial u_o = (\sigma(s_o) - 1) v_c`,
    :math:`\partial/\partial u_{n_k} = \sigma(s_k) v_c`.

    Example:
        >>> z = np.zeros((3, 2))
        >>> skipgram_negative_sampling_backward(1.0, z, z, [0], [1], [[2]]).grad_input_weight
        array([[0., 0.],
               [0., 0.],
               [0., 0.]])
    """
    v, u, c, o = _check_skipgram(input_weight, output_weight, centers, contexts)
    k = _check_negatives(negatives, len(v), len(c))
    _, grads = _negative_sampling_loss_and_grads(v, u, c, o, k)
    return SkipGramGradients(*(grad_output * g for g in grads))


def noise_distribution(counts: ArrayLike, power: float = 0.75) -> np.ndarray:
    """word2vec's noise distribution for negative samples: counts to the power 3/4, normalised.

    Example:
        >>> noise_distribution([16, 1], power=0.5).round(3)
        array([0.8, 0.2])
    """
    counts = as_array(counts, "counts", ndim=1).astype(np.float64)
    if np.any(counts < 0) or counts.sum() <= 0:
        raise ValueError("counts must be non-negative with a positive sum")
    weights = counts ** check_non_negative(power, "power")
    return weights / weights.sum()


def train_skipgram(
    centers: ArrayLike,
    contexts: ArrayLike,
    vocab_size: int,
    dim: int,
    *,
    epochs: int = 5,
    lr: float = 0.5,
    batch_size: int = 256,
    negatives: int | None = 5,
    noise: ArrayLike | None = None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Train skip-gram by mini-batch SGD, with negative sampling or (``negatives=None``) the full softmax.

    Args:
        centers, contexts: the pairs from :func:`skipgram_pairs`.
        vocab_size: ``V``.
        dim: embedding size ``D``.
        epochs: passes over the shuffled pairs.
        lr: the SGD step size (decayed linearly to zero, as word2vec does).
        batch_size: pairs per step.
        negatives: noise words per pair ``K``; ``None`` for the full softmax.
        noise: the distribution to draw them from (default: uniform).
        rng: a ``np.random.Generator`` (initial vectors, shuffling, noise words).

    Returns:
        ``(input_weight, output_weight, losses)``: both ``(V, D)`` and the mean loss of each epoch.

    Example:
        >>> v, u, losses = train_skipgram([0, 1], [1, 0], 2, 3, epochs=2, rng=np.random.default_rng(0))
        >>> v.shape, len(losses)
        ((2, 3), 2)
    """
    rng = check_rng(rng)
    V, D = check_positive_int(vocab_size, "vocab_size"), check_positive_int(dim, "dim")
    c_all = _indices(centers, V, "centers")
    o_all = _indices(contexts, V, "contexts")
    epochs, batch_size = (
        check_positive_int(epochs, "epochs"),
        check_positive_int(batch_size, "batch_size"),
    )
    lr = check_positive_number(lr, "lr")
    p = None if noise is None else as_array(noise, "noise", shape=(V,)).astype(np.float64)
    v = (rng.random((V, D)) - 0.5) / D  # word2vec's initialisation; u starts at zero
    u = np.zeros((V, D))
    steps, step, losses = epochs * -(-len(c_all) // batch_size), 0, []
    for _ in range(epochs):
        order = rng.permutation(len(c_all))
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            c, o = c_all[batch], o_all[batch]
            if negatives is None:
                loss, grads = _softmax_loss_and_grads(v, u, c, o)
            else:
                k = rng.choice(V, size=(len(batch), negatives), p=p)
                loss, grads = _negative_sampling_loss_and_grads(v, u, c, o, k)
            rate = lr * (1.0 - step / steps) * len(batch)  # the grads are means: scale back to sums
            v -= rate * grads.grad_input_weight
            u -= rate * grads.grad_output_weight
            total += loss * len(batch)
            step += 1
        losses.append(total / len(c_all))
    return v, u, losses


# --------------------------------------------------------------------------- GloVe
def cooccurrence_matrix(sentences: Iterable[ArrayLike], vocab_size: int, window: int) -> np.ndarray:
    """GloVe's co-occurrence counts: a pair ``d`` words apart adds ``1/d`` (symmetric window).

    Shape:
        output ``(V, V)``, symmetric.

    Example:
        >>> cooccurrence_matrix([[0, 1, 2]], 3, window=2)
        array([[0. , 1. , 0.5],
               [1. , 0. , 1. ],
               [0.5, 1. , 0. ]])
    """
    V = check_positive_int(vocab_size, "vocab_size")
    window = check_positive_int(window, "window")
    counts = np.zeros((V, V))
    for s in sentences:
        s = _indices(s, V, "sentence")
        for d in range(1, window + 1):
            np.add.at(counts, (s[:-d], s[d:]), 1.0 / d)
            np.add.at(counts, (s[d:], s[:-d]), 1.0 / d)
    return counts


def glove_weighting(x: ArrayLike, x_max: float = 100.0, alpha: float = 0.75) -> np.ndarray:
    r"""GloVe's weight :math:`f(x) = \min(1, (x / x_{\max})^\alpha)`: rare pairs count less, frequent ones are capped.

    Example:
        >>> glove_weighting([0.0, 50.0, 100.0, 500.0], x_max=100, alpha=1.0)
        array([0. , 0.5, 1. , 1. ])
    """
    x = as_array(x, "x").astype(np.float64)
    return np.minimum(1.0, (x / check_positive_number(x_max, "x_max")) ** alpha)


class GloVeGradients(NamedTuple):
    """Gradients of :func:`glove_loss` with respect to its four parameters."""

    grad_weight: np.ndarray
    """``(V, D)``: the word vectors w."""
    grad_context_weight: np.ndarray
    """``(V, D)``: the context vectors w~."""
    grad_bias: np.ndarray
    """``(V,)``"""
    grad_context_bias: np.ndarray
    """``(V,)``"""


def _check_glove(weight, context_weight, bias, context_bias, cooccurrence):
    w = as_array(weight, "weight", ndim=2).astype(np.float64)
    V = len(w)
    return (
        w,
        as_array(context_weight, "context_weight", shape=w.shape).astype(np.float64),
        as_array(bias, "bias", shape=(V,)).astype(np.float64),
        as_array(context_bias, "context_bias", shape=(V,)).astype(np.float64),
        as_array(cooccurrence, "cooccurrence", shape=(V, V)).astype(np.float64),
    )


def _glove_loss_and_grads(w, wc, b, bc, x, x_max, alpha):
    mask = x > 0
    log_x = np.log(np.where(mask, x, 1.0))
    f = np.where(mask, np.minimum(1.0, (x / x_max) ** alpha), 0.0)
    residual = w @ wc.T + b[:, None] + bc[None, :] - log_x  # (V, V)
    weighted = f * residual
    loss = float(np.sum(weighted * residual))
    g = 2.0 * weighted
    return loss, GloVeGradients(g @ wc, g.T @ w, g.sum(axis=1), g.sum(axis=0))


def glove_loss(
    weight: ArrayLike,
    context_weight: ArrayLike,
    bias: ArrayLike,
    context_bias: ArrayLike,
    cooccurrence: ArrayLike,
    *,
    x_max: float = 100.0,
    alpha: float = 0.75,
) -> float:
    r"""GloVe's objective :math:`\sum_{X_{ij}>0} f(X_{ij})(w_i^\top\tilde w_j + b_i + \tilde b_j - \log X_{ij})^2`.

    Shape:
        weight, context_weight ``(V, D)``; bias, context_bias ``(V,)``; cooccurrence ``(V, V)``.

    Example:
        >>> X = np.array([[0.0, np.e], [np.e, 0.0]])
        >>> glove_loss(np.zeros((2, 1)), np.zeros((2, 1)), np.zeros(2), np.zeros(2), X, x_max=np.e)
        2.0
    """
    args = _check_glove(weight, context_weight, bias, context_bias, cooccurrence)
    return _glove_loss_and_grads(*args, check_positive_number(x_max, "x_max"), alpha)[0]


def glove_backward(
    grad_output: float,
    weight: ArrayLike,
    context_weight: ArrayLike,
    bias: ArrayLike,
    context_bias: ArrayLike,
    cooccurrence: ArrayLike,
    *,
    x_max: float = 100.0,
    alpha: float = 0.75,
) -> GloVeGradients:
    r"""Gradients of :func:`glove_loss` times ``grad_output``.

    With the weighted residual :math:`g_{ij} = 2 f(X_{ij}) r_{ij}`:
    :math:`\partial J/\partial w_i = \sum_j g_{ij} \tilde w_j`,
    :math:`\partial J/\partial \tilde w_j = \sum_i g_{ij} w_i`,
    :math:`\partial J/\partial b_i = \sum_j g_{ij}`, :math:`\partial J/\partial \tilde b_j = \sum_i g_{ij}`.

    Example:
        >>> X = np.array([[0.0, np.e], [np.e, 0.0]])
        >>> glove_backward(1.0, np.zeros((2, 1)), np.zeros((2, 1)), np.zeros(2), np.zeros(2), X, x_max=np.e).grad_bias
        array([-2., -2.])
    """
    args = _check_glove(weight, context_weight, bias, context_bias, cooccurrence)
    _, grads = _glove_loss_and_grads(*args, check_positive_number(x_max, "x_max"), alpha)
    return GloVeGradients(*(grad_output * g for g in grads))


def train_glove(
    cooccurrence: ArrayLike,
    dim: int,
    *,
    epochs: int = 300,
    lr: float = 0.05,
    x_max: float = 100.0,
    alpha: float = 0.75,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[float]]:
    """Fit GloVe by full-batch AdaGrad (as the GloVe paper) on a dense co-occurrence matrix.

    Returns:
        ``(vectors, losses)``: ``weight + context_weight`` ``(V, D)`` (the paper's choice) and the loss per epoch.

    Example:
        >>> X = cooccurrence_matrix([[0, 1, 2, 0, 1]], 3, window=2)
        >>> vectors, losses = train_glove(X, 2, epochs=50, rng=np.random.default_rng(0))
        >>> vectors.shape, losses[-1] < losses[0]
        ((3, 2), True)
    """
    rng = check_rng(rng)
    x = as_array(cooccurrence, "cooccurrence", ndim=2).astype(np.float64)
    V, D = len(x), check_positive_int(dim, "dim")
    params = [
        (rng.random((V, D)) - 0.5) / D,
        (rng.random((V, D)) - 0.5) / D,
        np.zeros(V),
        np.zeros(V),
    ]
    _check_glove(*params, x)
    lr, x_max = check_positive_number(lr, "lr"), check_positive_number(x_max, "x_max")
    squares = [np.ones_like(p) for p in params]  # AdaGrad's accumulated squared gradients
    losses = []
    for _ in range(check_positive_int(epochs, "epochs")):
        loss, grads = _glove_loss_and_grads(*params, x, x_max, alpha)
        for p, s, g in zip(params, squares, grads):
            s += g**2
            p -= lr * g / np.sqrt(s)
        losses.append(loss)
    return params[0] + params[1], losses


# --------------------------------------------------------------------------- similarity
def cosine_similarity(a: ArrayLike, b: ArrayLike | None = None) -> np.ndarray:
    r"""Cosine similarities :math:`a_i^\top b_j / (\lVert a_i\rVert \lVert b_j\rVert)` between rows.

    Shape:
        a ``(n, D)``, b ``(m, D)`` (default: a); output ``(n, m)``.

    Example:
        >>> cosine_similarity([[1.0, 0.0], [1.0, 1.0]]).round(3)
        array([[1.   , 0.707],
               [0.707, 1.   ]])
    """
    a = as_array(a, "a", ndim=2).astype(np.float64)
    b = a if b is None else as_array(b, "b", shape=(None, a.shape[1])).astype(np.float64)
    na = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    nb = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return na @ nb.T


def nearest_neighbours(vectors: ArrayLike, index: int, k: int = 5) -> np.ndarray:
    """The ``k`` rows most cosine-similar to row ``index`` (itself excluded), most similar first.

    Example:
        >>> nearest_neighbours([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]], 0, k=2)
        array([2, 1])
    """
    v = as_array(vectors, "vectors", ndim=2)
    index = int(_indices(index, len(v), "index"))
    k = check_positive_int(k, "k")
    if k >= len(v):
        raise ValueError(f"k must be at most {len(v) - 1} for {len(v)} vectors; got {k}")
    sims = cosine_similarity(v[index : index + 1], v)[0]
    sims[index] = -np.inf
    return np.argsort(-sims, kind="stable")[:k]


def neighbour_purity(vectors: ArrayLike, labels: ArrayLike, k: int = 1) -> float:
    """The share of each row's ``k`` nearest neighbours with its own label, averaged over rows.

    Example:
        >>> neighbour_purity([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]], [0, 0, 1, 1])
        1.0
    """
    v = as_array(vectors, "vectors", ndim=2)
    y = as_array(labels, "labels", shape=(len(v),), numeric=False)
    k = check_positive_int(k, "k")
    if k >= len(v):
        raise ValueError(f"k must be at most {len(v) - 1} for {len(v)} vectors; got {k}")
    sims = cosine_similarity(v)
    np.fill_diagonal(sims, -np.inf)
    neighbours = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return float(np.mean(y[neighbours] == y[:, None]))
