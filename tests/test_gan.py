"""Tests for dlbook.gan: theory, builders, the training step and loop, scores and the baseline."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.gan import (
    GENERATOR_LOSSES,
    class_coverage,
    dcgan_discriminator,
    dcgan_generator,
    fit_gan,
    fit_gaussian,
    frechet_distance,
    gan_train_step,
    gaussian_frechet_distance,
    generate,
    mlp_discriminator,
    mlp_generator,
    mode_coverage,
    optimal_discriminator,
    plot_sample_grid,
)
from dlbook.testing import assert_close

torch = pytest.importorskip("torch")
scipy_linalg = pytest.importorskip("scipy.linalg")

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def _random_cov(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


# --------------------------------------------------------------------------- theory


def test_optimal_discriminator_matches_formula_and_handles_zero_density():
    p_data, p_g = np.array([0.2, 0.0, 0.5, 0.0]), np.array([0.2, 0.3, 0.0, 0.0])
    assert_close(optimal_discriminator(p_data, p_g), [0.5, 0.0, 1.0, 0.5])


def test_optimal_discriminator_rejects_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        optimal_discriminator([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match=">= 0"):
        optimal_discriminator([-0.1], [0.1])


# --------------------------------------------------------------------------- builders


def test_mlp_parameter_counts_by_formula():
    def dense(n, m):
        return n * m + m

    expected_g = dense(100, 256) + dense(256, 512) + 2 * 512 + dense(512, 1024) + 2 * 1024
    for pixels in (64, 784):
        assert _n_params(mlp_generator(100, pixels)) == expected_g + dense(1024, pixels)
        assert _n_params(mlp_discriminator(pixels)) == dense(pixels, 512) + dense(512, 256) + 257


def test_mlp_shapes_and_tanh_range():
    torch.manual_seed(0)
    g, d = mlp_generator(10, 64), mlp_discriminator(64)
    fake = g(torch.randn(5, 10) * 100)
    assert fake.shape == (5, 64) and fake.abs().max() <= 1
    assert d(fake).shape == (5, 1)
    batch_norms = [m for m in g if isinstance(m, torch.nn.BatchNorm1d)]
    assert [m.num_features for m in batch_norms] == [512, 1024]


def test_dcgan_shapes_and_counts():
    torch.manual_seed(0)
    g, d = dcgan_generator(), dcgan_discriminator()
    images = g(torch.randn(2, 100))
    assert images.shape == (2, 3, 64, 64)
    assert d(images).shape == (2, 1)
    w = 64
    conv_t = (
        100 * 8 * w * 16 + 8 * w * 4 * w * 16 + 4 * w * 2 * w * 16 + 2 * w * w * 16 + w * 3 * 16
    )
    assert _n_params(g) == conv_t + 2 * (8 * w + 4 * w + 2 * w + w)
    conv = 3 * w * 16 + w * 2 * w * 16 + 2 * w * 4 * w * 16 + 4 * w * 8 * w * 16 + 8 * w * 16
    assert _n_params(d) == conv + 2 * (2 * w + 4 * w + 8 * w)


def test_builders_reject_bad_sizes():
    with pytest.raises(ValueError, match="latent_dim"):
        mlp_generator(0, 64)
    with pytest.raises(TypeError, match="in_features"):
        mlp_discriminator(64.5)


# --------------------------------------------------------------------------- training


def _tiny_gan(latent_dim=4, features=2):
    torch.manual_seed(0)
    g = mlp_generator(latent_dim, features, hidden=(16, 16))
    d = mlp_discriminator(features, hidden=(16,))
    return g, d, torch.optim.Adam(g.parameters(), 1e-3), torch.optim.Adam(d.parameters(), 1e-3)


def test_generator_losses_have_the_textbook_gradients():
    logits = torch.tensor([-6.0, -2.0, 0.0, 3.0], dtype=torch.float64, requires_grad=True)
    for name, expected in (
        ("saturating", lambda s: -s),  # d/da log(1 - sigmoid(a)) = -sigmoid(a)
        ("non-saturating", lambda s: -(1 - s)),  # d/da -log sigmoid(a) = -(1 - sigmoid(a))
    ):
        (grad,) = torch.autograd.grad(GENERATOR_LOSSES[name](logits[:, None]) * 4, logits)
        assert_close(grad, expected(torch.sigmoid(logits)).detach(), rtol=1e-12)


def test_train_step_updates_each_network_with_its_own_loss():
    g, d, opt_g, opt_d = _tiny_gan()
    real = torch.randn(32, 2)
    g_before = [p.detach().clone() for p in g.parameters()]
    d_before = [p.detach().clone() for p in d.parameters()]
    losses = gan_train_step(g, d, real, g_optimizer=opt_g, d_optimizer=opt_d, latent_dim=4)
    assert all(not torch.equal(a, b) for a, b in zip(g_before, g.parameters()))
    assert all(not torch.equal(a, b) for a, b in zip(d_before, d.parameters()))
    assert 0 < losses.d_real < 1 and 0 < losses.d_fake < 1
    # the non-saturating generator loss is -log of the probability D gave the last fakes (about)
    assert losses.g_loss > 0 and losses.d_loss > 0


def test_train_step_label_smoothing_and_step_ratio():
    g, d, opt_g, opt_d = _tiny_gan()
    real = torch.randn(32, 2)
    smooth = gan_train_step(
        g, d, real, g_optimizer=opt_g, d_optimizer=opt_d, latent_dim=4, real_label=0.9
    )
    assert np.isfinite(smooth.d_loss)
    # d_steps=3: the discriminator moves three times, the generator once
    g, d, _, _ = _tiny_gan()
    opt_g, opt_d = torch.optim.SGD(g.parameters(), 0.1), torch.optim.SGD(d.parameters(), 0.1)
    calls = {"d": 0, "g": 0}
    opt_d.register_step_post_hook(lambda *a: calls.__setitem__("d", calls["d"] + 1))
    opt_g.register_step_post_hook(lambda *a: calls.__setitem__("g", calls["g"] + 1))
    gan_train_step(g, d, real, g_optimizer=opt_g, d_optimizer=opt_d, latent_dim=4, d_steps=3)
    assert calls == {"d": 3, "g": 1}
    gan_train_step(g, d, real, g_optimizer=opt_g, d_optimizer=opt_d, latent_dim=4, g_steps=2)
    assert calls == {"d": 4, "g": 3}


def test_train_step_rejects_mismatched_generator_and_bad_options():
    g, d, opt_g, opt_d = _tiny_gan(features=3)
    with pytest.raises(ValueError, match=r"expected samples of shape \(2,\).*gave \(8, 3\)"):
        gan_train_step(g, d, torch.randn(8, 2), g_optimizer=opt_g, d_optimizer=opt_d, latent_dim=4)
    g, d, opt_g, opt_d = _tiny_gan()
    with pytest.raises(ValueError, match="real_label"):
        gan_train_step(
            g,
            d,
            torch.randn(8, 2),
            g_optimizer=opt_g,
            d_optimizer=opt_d,
            latent_dim=4,
            real_label=1.5,
        )
    with pytest.raises(ValueError, match="loss must be one of"):
        gan_train_step(
            g,
            d,
            torch.randn(8, 2),
            g_optimizer=opt_g,
            d_optimizer=opt_d,
            latent_dim=4,
            loss="wasserstein",
        )


def test_fit_gan_records_history_and_snapshots_and_is_repeatable():
    data = np.random.default_rng(0).normal(3.0, 0.5, size=(512, 1)).astype(np.float32)
    runs = []
    for _ in range(2):
        g, d, opt_g, opt_d = _tiny_gan(latent_dim=4, features=1)
        history, snaps = fit_gan(
            g,
            d,
            data,
            g_optimizer=opt_g,
            d_optimizer=opt_d,
            epochs=30,
            latent_dim=4,
            batch_size=64,
            fixed_latent=torch.randn(500, 4),
            snapshot_epochs=[0, 30],
            device="cpu",
            progress=False,
        )
        runs.append((history, snaps))
    history, snaps = runs[0]
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert len(history["d_loss"]) == 30
    assert snaps[30].shape == (500, 1)
    assert runs[0][0] == runs[1][0]  # same seeds, same numbers
    np.testing.assert_array_equal(runs[0][1][30], runs[1][1][30])


def test_fit_gan_moves_samples_towards_the_data():
    torch.manual_seed(0)
    g = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    d = mlp_discriminator(1, hidden=(16,))
    data = np.random.default_rng(0).normal(2.0, 0.3, size=(1024, 1))
    latent = torch.randn(2000, 2)
    _, snaps = fit_gan(
        g,
        d,
        data,
        epochs=15,
        latent_dim=2,
        batch_size=64,
        fixed_latent=latent,
        snapshot_epochs=[0, 15],
        g_optimizer=torch.optim.Adam(g.parameters(), 3e-3),
        d_optimizer=torch.optim.Adam(d.parameters(), 3e-3),
        device="cpu",
        progress=False,
    )
    assert abs(snaps[15].mean() - 2.0) < 0.5 < abs(snaps[0].mean() - 2.0)


def test_fit_gan_rejects_bad_input():
    g, d, opt_g, opt_d = _tiny_gan()
    data = np.zeros((64, 2), dtype=np.float32)
    kwargs = dict(g_optimizer=opt_g, d_optimizer=opt_d, epochs=1, latent_dim=4, progress=False)
    with pytest.raises(ValueError, match=r"latent batch of shape \(N, 4\); got shape \(5, 3\)"):
        fit_gan(g, d, data, fixed_latent=np.zeros((5, 3)), snapshot_epochs=[1], **kwargs)
    with pytest.raises(ValueError, match="fixed_latent"):
        fit_gan(g, d, data, snapshot_epochs=[1], **kwargs)
    with pytest.raises(ValueError, match="snapshot epochs must lie in"):
        fit_gan(g, d, data, fixed_latent=np.zeros((5, 4)), snapshot_epochs=[2], **kwargs)
    with pytest.raises(ValueError, match="one full batch of 64"):
        fit_gan(g, d, data[:10], **kwargs)
    with pytest.raises(ValueError, match=r"expected samples of shape \(3,\)"):
        fit_gan(g, d, np.zeros((64, 3)), device="cpu", **kwargs)


def test_generate_uses_eval_mode_and_checks_the_latent_batch():
    torch.manual_seed(0)
    g = mlp_generator(8, 4, hidden=(16, 16))  # with batch norm
    g.train()
    z = torch.randn(6, 8)
    one_by_one = np.concatenate([generate(g, z[i : i + 1], latent_dim=8) for i in range(6)])
    assert_close(generate(g, z, latent_dim=8), one_by_one, rtol=1e-5, atol=1e-6)
    assert g.training  # the mode is restored
    with pytest.raises(ValueError, match=r"shape \(N, 8\); got shape \(6, 7\)"):
        generate(g, torch.randn(6, 7), latent_dim=8)


# --------------------------------------------------------------------------- scores


def test_mode_coverage_counts_near_samples():
    samples = np.r_[np.full(60, -4.0), np.full(35, 4.1), np.full(5, 0.0)]
    cover = mode_coverage(samples, [-4.0, 0.0, 4.0], radius=0.5)
    assert_close(cover.shares, [0.6, 0.05, 0.35])
    assert cover.covered == 2 and cover.min_share == pytest.approx(1 / 6)
    assert mode_coverage(samples, [-4.0, 0.0, 4.0], radius=0.5, min_share=0.05).covered == 3
    cover_2d = mode_coverage([[0, 0], [0, 1], [5, 5]], [[0, 0], [5, 5]], radius=1.5)
    assert_close(cover_2d.shares, [2 / 3, 1 / 3])


def test_mode_coverage_rejects_bad_input():
    with pytest.raises(ValueError, match="same width"):
        mode_coverage(np.zeros((4, 2)), np.zeros((2, 3)), radius=1.0)
    with pytest.raises(ValueError, match="radius"):
        mode_coverage([0.0], [0.0], radius=0.0)


def test_class_coverage():
    predictions = np.r_[np.zeros(50), np.ones(46), np.full(4, 2)].astype(int)
    cover = class_coverage(predictions, 4)
    assert_close(cover.shares, [0.5, 0.46, 0.04, 0.0])
    assert cover.covered == 2  # 4 % is below half of a fair share (12.5 %)
    assert class_coverage(torch.tensor(predictions), 4, min_share=0.01).covered == 3
    with pytest.raises(ValueError, match=r"lie in \[0, 4\)"):
        class_coverage([0, 4], 4)
    with pytest.raises(ValueError, match="min_share"):
        class_coverage([0, 1], 2, min_share=1.5)


def test_gaussian_frechet_distance_closed_form_for_diagonal_covariances():
    rng = np.random.default_rng(0)
    m1, m2 = rng.normal(size=5), rng.normal(size=5)
    v1, v2 = rng.uniform(0.1, 3, size=5), rng.uniform(0.1, 3, size=5)
    expected = np.sum((m1 - m2) ** 2) + np.sum((np.sqrt(v1) - np.sqrt(v2)) ** 2)
    got = gaussian_frechet_distance(m1, np.diag(v1), m2, np.diag(v2))
    assert_close(got, expected, rtol=1e-12)
    assert gaussian_frechet_distance(m1, np.diag(v1), m1, np.diag(v1)) == pytest.approx(
        0, abs=1e-12
    )


def test_gaussian_frechet_distance_matches_scipy_sqrtm():
    rng = np.random.default_rng(1)
    for d in (1, 3, 10):
        m1, m2 = rng.normal(size=d), rng.normal(size=d)
        c1, c2 = _random_cov(rng, d), _random_cov(rng, d)
        root = scipy_linalg.sqrtm(c1 @ c2).real
        expected = np.sum((m1 - m2) ** 2) + np.trace(c1 + c2 - 2 * root)
        assert_close(gaussian_frechet_distance(m1, c1, m2, c2), expected, rtol=1e-9)


def test_frechet_distance_of_samples_approaches_the_gaussian_value():
    rng = np.random.default_rng(2)
    c1, c2 = _random_cov(rng, 3), _random_cov(rng, 3)
    m1, m2 = np.zeros(3), np.array([1.0, -0.5, 0.0])
    a = rng.multivariate_normal(m1, c1, size=50_000)
    b = rng.multivariate_normal(m2, c2, size=50_000)
    assert_close(frechet_distance(a, b), gaussian_frechet_distance(m1, c1, m2, c2), rtol=0.03)
    # float32 inputs and torch tensors give the same answer
    assert_close(
        frechet_distance(torch.tensor(a[:500], dtype=torch.float32), b[:500].astype(np.float32)),
        frechet_distance(a[:500], b[:500]),
        rtol=1e-4,
    )
    assert frechet_distance(a[:100], a[:100]) == pytest.approx(0, abs=1e-9)


def test_frechet_distance_rejects_bad_feature_sets():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"same width: got 4 and 5 features"):
        frechet_distance(rng.normal(size=(100, 4)), rng.normal(size=(100, 5)))
    with pytest.raises(ValueError, match=r"more than 8 rows, got 8"):
        frechet_distance(rng.normal(size=(100, 8)), rng.normal(size=(8, 8)))
    with pytest.raises(ValueError, match="2 dimensions"):
        frechet_distance(rng.normal(size=100), rng.normal(size=100))


# --------------------------------------------------------------------------- baseline and figure


def test_fit_gaussian_recovers_moments_and_samples_with_them():
    rng = np.random.default_rng(0)
    cov = _random_cov(rng, 4)
    data = rng.multivariate_normal([1.0, -1.0, 0.0, 2.0], cov, size=20_000).reshape(-1, 2, 2)
    model = fit_gaussian(data)
    assert_close(model.mean, [1.0, -1.0, 0.0, 2.0], atol=0.05)
    assert_close(model.cov, cov, atol=0.05)
    samples = model.sample(20_000, np.random.default_rng(1))
    assert samples.shape == (20_000, 2, 2)
    assert_close(np.cov(samples.reshape(-1, 4), rowvar=False), cov, atol=0.06)
    clipped = model.sample(100, np.random.default_rng(1), clip=(-1, 1))
    assert clipped.min() >= -1 and clipped.max() <= 1
    with pytest.raises(ValueError, match="at least two samples"):
        fit_gaussian(np.zeros((1, 4)))


def test_plot_sample_grid_rows_follow_the_fixed_latent_batch():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plot_sample_grid(
        {0: np.zeros((6, 64)), 10: np.ones((6, 8, 8))}, image_shape=(8, 8), n_show=4
    )
    assert axes.shape == (2, 4) and axes[1, 0].get_ylabel() == "10"
    plt.close(fig)
    with pytest.raises(ValueError, match="same latent batch"):
        plot_sample_grid({0: np.zeros((6, 64)), 1: np.zeros((5, 64))}, image_shape=(8, 8))
    with pytest.raises(ValueError, match=r"images of shape \(8, 8\)"):
        plot_sample_grid({0: np.zeros((6, 63))}, image_shape=(8, 8))
