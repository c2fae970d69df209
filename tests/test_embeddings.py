"""Tests for dlbook.embeddings: lookups and losses against PyTorch, gradients by autograd and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlbook.embeddings import (
    Vocabulary,
    cooccurrence_matrix,
    cosine_similarity,
    embedding_lookup,
    generate_group_corpus,
    glove_backward,
    glove_loss,
    glove_weighting,
    nearest_neighbours,
    neighbour_purity,
    noise_distribution,
    one_hot,
    skipgram_negative_sampling_backward,
    skipgram_negative_sampling_loss,
    skipgram_pairs,
    skipgram_softmax_backward,
    skipgram_softmax_loss,
    train_glove,
    train_skipgram,
)
from dlbook.gradcheck import numerical_gradient
from dlbook.testing import assert_close

pytestmark = pytest.mark.usefixtures("one_torch_thread")

GROUPS = {
    "animal": ["cat", "dog", "cow"],
    "fruit": ["apple", "pear", "plum"],
    "city": ["rome", "oslo", "lima"],
}
TEMPLATES = ["the {animal} eats the {fruit}", "a {animal} from {city}", "{city} sells {fruit}"]


def _problem(seed=0, V=7, D=3, N=6, K=4):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(V, D)),
        rng.normal(size=(V, D)),
        rng.integers(V, size=N),
        rng.integers(V, size=N),
        rng.integers(V, size=(N, K)),
    )


def test_vocabulary_and_out_of_vocabulary_words() -> None:
    corpus = [["a", "b", "b"], ["c", "b", "a"]]
    vocab = Vocabulary.from_corpus(corpus)
    assert vocab.words == ["b", "a", "c"] and vocab.counts.tolist() == [3, 2, 1]
    assert vocab.decode(vocab.encode(["c", "a"])) == ["c", "a"]
    with pytest.raises(ValueError, match="word 'zebra' is not in the vocabulary of 3 words"):
        vocab.encode(["a", "zebra"])
    with pytest.raises(ValueError, match="at least one word"):
        Vocabulary({})


def test_one_hot_and_lookup_equal_torch() -> None:
    idx = np.array([[0, 3], [2, 2]])
    assert_close(one_hot(idx, 4), F.one_hot(torch.from_numpy(idx), 4).double(), rtol=0)
    embedding = torch.nn.Embedding(4, 3).double()
    weight = embedding.weight.detach().numpy()
    assert_close(embedding_lookup(weight, idx), embedding(torch.from_numpy(idx)), rtol=0)
    assert_close(one_hot(idx, 4) @ weight, embedding_lookup(weight, idx), rtol=1e-15)  # e_w = E o_w
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 3\]"):
        one_hot([4], 4)
    with pytest.raises(TypeError, match="integers"):
        embedding_lookup(weight, [0.5])


def test_skipgram_pairs_and_cooccurrence() -> None:
    centers, contexts = skipgram_pairs([np.array([0, 1, 2, 3])], window=2)
    pairs = set(zip(centers.tolist(), contexts.tolist()))
    assert pairs == {(0, 1), (0, 2), (1, 0), (1, 2), (1, 3), (2, 0), (2, 1), (2, 3), (3, 1), (3, 2)}
    X = cooccurrence_matrix([np.array([0, 1, 2, 3]), np.array([1, 1])], 4, window=2)
    assert_close(X, X.T, rtol=0)
    assert X[0, 2] == 0.5 and X[1, 1] == 2.0 and X[0, 3] == 0.0


def test_softmax_loss_and_gradients_equal_autograd() -> None:
    v, u, c, o, _ = _problem()
    tv, tu = torch.tensor(v, requires_grad=True), torch.tensor(u, requires_grad=True)
    loss = F.cross_entropy(tv[torch.from_numpy(c)] @ tu.T, torch.from_numpy(o))
    loss.backward()
    assert skipgram_softmax_loss(v, u, c, o) == pytest.approx(loss.item(), rel=1e-12)
    grads = skipgram_softmax_backward(2.0, v, u, c, o)
    assert_close(grads.grad_input_weight, 2 * tv.grad, atol=1e-12)
    assert_close(grads.grad_output_weight, 2 * tu.grad, atol=1e-12)


def test_negative_sampling_loss_and_gradients_equal_autograd() -> None:
    v, u, c, o, k = _problem(1)
    tv, tu = torch.tensor(v, requires_grad=True), torch.tensor(u, requires_grad=True)
    vc = tv[torch.from_numpy(c)]
    pos = (tu[torch.from_numpy(o)] * vc).sum(-1)
    neg = torch.einsum("nkd,nd->nk", tu[torch.from_numpy(k)], vc)
    loss = -(F.logsigmoid(pos).sum() + F.logsigmoid(-neg).sum()) / len(c)
    loss.backward()
    assert skipgram_negative_sampling_loss(v, u, c, o, k) == pytest.approx(loss.item(), rel=1e-12)
    grads = skipgram_negative_sampling_backward(1.0, v, u, c, o, k)
    assert_close(grads.grad_input_weight, tv.grad, atol=1e-12)
    assert_close(grads.grad_output_weight, tu.grad, atol=1e-12)
    fd = numerical_gradient(lambda _: skipgram_negative_sampling_loss(v, u, c, o, k), u)
    assert_close(grads.grad_output_weight, fd, atol=1e-8)
    with pytest.raises(ValueError, match=r"negatives must have shape \(6, K\); got shape \(6,\)"):
        skipgram_negative_sampling_loss(v, u, c, o, k[:, 0])


def _glove_problem(seed=0, V=6, D=3):
    rng = np.random.default_rng(seed)
    X = rng.poisson(3.0, size=(V, V)).astype(float) * rng.random((V, V))
    X = X + X.T
    return [
        rng.normal(size=(V, D)),
        rng.normal(size=(V, D)),
        rng.normal(size=V),
        rng.normal(size=V),
    ], X


def test_glove_gradient_by_finite_differences_and_autograd() -> None:
    params, X = _glove_problem()
    grads = glove_backward(1.0, *params, X, x_max=4.0, alpha=0.75)
    for analytic, p in zip(grads, params):
        fd = numerical_gradient(lambda _: glove_loss(*params, X, x_max=4.0, alpha=0.75), p)
        assert_close(analytic, fd, atol=1e-6, rtol=1e-6)
    t = [torch.tensor(p, requires_grad=True) for p in params]
    tx = torch.from_numpy(X)
    mask = tx > 0
    f = torch.where(mask, torch.clamp((tx / 4.0) ** 0.75, max=1.0), torch.zeros_like(tx))
    r = (
        t[0] @ t[1].T
        + t[2][:, None]
        + t[3][None]
        - torch.log(torch.where(mask, tx, torch.ones_like(tx)))
    )
    loss = (f * r**2).sum()
    loss.backward()
    assert glove_loss(*params, X, x_max=4.0) == pytest.approx(loss.item(), rel=1e-12)
    for analytic, p in zip(grads, t):
        assert_close(analytic, p.grad, rtol=1e-10, atol=1e-10)
    assert_close(glove_weighting([0.0, 2.0, 8.0], x_max=4.0, alpha=1.0), [0.0, 0.5, 1.0], rtol=0)
    with pytest.raises(ValueError, match=r"cooccurrence must have shape \(6, 6\)"):
        glove_loss(*params, X[:5])


def test_similarity_neighbours_and_purity() -> None:
    vectors = np.array([[1.0, 0.0], [0.9, 0.2], [0.0, 1.0], [0.1, 0.9]])
    sims = cosine_similarity(vectors)
    assert_close(
        sims,
        F.cosine_similarity(torch.tensor(vectors)[:, None], torch.tensor(vectors)[None], dim=-1),
        atol=1e-12,
    )
    assert nearest_neighbours(vectors, 0, k=3).tolist() == [1, 3, 2]
    assert neighbour_purity(vectors, ["a", "a", "b", "b"]) == 1.0
    assert neighbour_purity(vectors, ["a", "b", "a", "b"]) == 0.0
    assert neighbour_purity(vectors, ["a", "a", "b", "b"], k=2) == 0.5
    with pytest.raises(ValueError, match="k must be at most 3"):
        neighbour_purity(vectors, [0, 0, 1, 1], k=4)


def _group_corpus():
    corpus = generate_group_corpus(GROUPS, TEMPLATES, 600, np.random.default_rng(0))
    vocab = Vocabulary.from_corpus(corpus)
    words = [w for ws in GROUPS.values() for w in ws]
    labels = [g for g, ws in GROUPS.items() for _ in ws]
    return [vocab.encode(s) for s in corpus], vocab, vocab.encode(words), labels


@pytest.mark.parametrize("negatives", [None, 3])
def test_skipgram_learns_the_groups(negatives) -> None:
    encoded, vocab, idx, labels = _group_corpus()
    c, o = skipgram_pairs(encoded, 2)
    v, _, losses = train_skipgram(
        c,
        o,
        len(vocab),
        8,
        epochs=4,
        lr=0.05,
        batch_size=32,
        negatives=negatives,
        noise=noise_distribution(vocab.counts),
        rng=np.random.default_rng(1),
    )
    assert losses[-1] < losses[0]
    assert neighbour_purity(v[idx], labels, k=2) == 1.0


def test_glove_learns_the_groups_and_bad_corpus_words() -> None:
    encoded, vocab, idx, labels = _group_corpus()
    vectors, losses = train_glove(
        cooccurrence_matrix(encoded, len(vocab), 2),
        8,
        epochs=200,
        x_max=10,
        rng=np.random.default_rng(0),
    )
    assert losses[-1] < 0.1 * losses[0]
    assert neighbour_purity(vectors[idx], labels, k=1) == 1.0
    with pytest.raises(ValueError, match="slot {colour} names no group"):
        generate_group_corpus(GROUPS, ["a {colour} cat"], 1, np.random.default_rng(0))
    assert_close(noise_distribution([16, 1], power=0.5), [0.8, 0.2], rtol=1e-12)
