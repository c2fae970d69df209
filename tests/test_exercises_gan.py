"""The GAN exercises accept right answers (also as float32 and torch tensors) and reject the usual mistakes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from dlbook.exercises import check
from dlbook.exercises.gan import generator_loss_gradients

torch = pytest.importorskip("torch")

RIGHT = {
    "gan-optimal-discriminator": norm.pdf(0.0) / (norm.pdf(0.0) + norm.pdf(0.0, loc=1.0)),
    "gan-value-disjoint": 2 * np.log(2) - np.log(4),
    "gan-generator-parameters": 1_489_424,
    "frechet-1d": 2.0,
}
WRONG = {
    "gan-optimal-discriminator": [0.5, norm.pdf(0.0), 1 - 0.6225],  # chance, p_data alone, swapped
    "gan-value-disjoint": [-np.log(4), np.log(2), 2 * np.log(2)],  # the equilibrium, JSD, 2 JSD
    "gan-generator-parameters": [1_486_352, 1_486_848, 1_492_496],  # no BN, no biases, + BN buffers
    "frechet-1d": [5.0, 1.0, 6.0],  # forgot the -2 s1 s2, forgot the means, variances summed
}


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answers_pass_also_as_float32_and_tensors(exercise):
    value = RIGHT[exercise]
    assert check(exercise, value).passed
    assert check(exercise, np.float32(value)).passed
    assert check(exercise, torch.tensor(value)).passed


@pytest.mark.parametrize("exercise", sorted(WRONG))
def test_wrong_answers_fail(exercise):
    for value in WRONG[exercise]:
        result = check(exercise, value)
        assert not result.passed, (exercise, value)
    assert not check(exercise, "zero").passed


def test_the_optimal_discriminator_is_sigmoid_one_half():
    assert RIGHT["gan-optimal-discriminator"] == pytest.approx(1 / (1 + np.exp(-0.5)))


def test_parameter_answer_agrees_with_the_builder():
    from dlbook.gan import mlp_generator

    n = sum(p.numel() for p in mlp_generator(100, 784).parameters())
    assert n == RIGHT["gan-generator-parameters"]


def test_gradient_solution_agrees_with_autograd_and_passes():
    logits = torch.tensor([-8.0, -1.0, 0.5, 3.0], dtype=torch.float64, requires_grad=True)
    d = torch.sigmoid(logits)
    (saturating,) = torch.autograd.grad(torch.log(1 - d).sum(), logits, retain_graph=True)
    (non_saturating,) = torch.autograd.grad((-torch.log(d)).sum(), logits)
    expected = torch.stack([saturating, non_saturating]).numpy()
    np.testing.assert_allclose(
        generator_loss_gradients(logits.detach().numpy()), expected, rtol=1e-12
    )
    assert check("generator-loss-gradients", generator_loss_gradients).passed


def test_gradient_answers_in_float32_and_torch_pass():
    def float32_answer(a):
        return generator_loss_gradients(a).astype(np.float32)

    def torch_answer(a):
        d = torch.sigmoid(torch.as_tensor(a, dtype=torch.float32))
        return torch.stack([-d, d - 1])

    assert check("generator-loss-gradients", float32_answer).passed
    assert check("generator-loss-gradients", torch_answer).passed


@pytest.mark.parametrize(
    "wrong",
    [
        lambda a: np.stack([-(1 - 1 / (1 + np.exp(-a))), -1 / (1 + np.exp(-a))]),  # rows swapped
        lambda a: np.stack([1 / (1 + np.exp(-a)), 1 - 1 / (1 + np.exp(-a))]),  # signs flipped
        lambda a: np.stack([-1 / (1 + np.exp(-a))] * 2),  # the same gradient twice
        lambda a: -1 / (1 + np.exp(-a)),  # one row only
    ],
)
def test_gradient_exercise_rejects_common_mistakes(wrong):
    assert not check("generator-loss-gradients", wrong).passed
