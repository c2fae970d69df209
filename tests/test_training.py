"""Tests for dlbook.training with PyTorch: loaders, one epoch, evaluation, the fit loop and histories.

Every model here is tiny and trained for a few epochs on synthetic data, on the CPU.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from torch import nn

from dlbook.training import (
    ArrayLoader,
    accuracy,
    check_history,
    evaluate,
    fit,
    history_from_keras,
    predict,
    train_epoch,
)

CPU = "cpu"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def blobs(n=200, seed=0):
    """Two well-separated Gaussian blobs in 2-D with labels 0 and 1."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    x = rng.normal(size=(n, 2)) + np.where(y[:, None] == 1, 2.0, -2.0)
    return x, y


def classifier(seed=0, outputs=2):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, outputs))


# --------------------------------------------------------------------------- ArrayLoader


def test_loader_covers_every_example_once_per_epoch_in_a_new_order():
    x = np.arange(10.0).reshape(10, 1)
    loader = ArrayLoader(x, np.arange(10), batch_size=3, shuffle=True, seed=1)
    assert len(loader) == 4
    orders = []
    for _ in range(2):
        batches = list(loader)
        assert [len(xb) for xb, _ in batches] == [3, 3, 3, 1]
        xs = torch.cat([xb for xb, _ in batches]).ravel().long()
        ys = torch.cat([yb for _, yb in batches])
        assert torch.equal(xs, ys), "inputs and targets stay paired"
        assert sorted(xs.tolist()) == list(range(10))
        orders.append(xs.tolist())
    assert orders[0] != orders[1], "each pass reshuffles"
    again = ArrayLoader(x, np.arange(10), batch_size=3, shuffle=True, seed=1)
    assert torch.cat([yb for _, yb in again]).tolist() == orders[0], (
        "the same seed gives the same order"
    )


def test_loader_keeps_order_without_shuffle_and_converts_dtypes():
    loader = ArrayLoader(
        np.ones((5, 2), dtype=np.float64), np.array([0, 1, 2, 3, 4], dtype=np.int32), batch_size=2
    )
    xb, yb = next(iter(loader))
    assert xb.dtype == torch.float32 and yb.dtype == torch.int64
    assert [yb.tolist() for _, yb in loader] == [[0, 1], [2, 3], [4]]
    _, yb = next(iter(ArrayLoader(np.ones((2, 1)), np.array([True, False]))))
    assert yb.dtype == torch.float32
    assert "5 examples" in repr(loader)


def test_loader_rejects_bad_input():
    with pytest.raises(ValueError, match=r"same number of rows.*x \(5, 2\) and y \(4,\)"):
        ArrayLoader(np.ones((5, 2)), np.ones(4))
    with pytest.raises(TypeError, match="x must hold numbers"):
        ArrayLoader(np.array(["a", "b"]), np.ones(2))
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        ArrayLoader(np.ones((2, 1)), np.ones(2), batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        ArrayLoader(np.ones((2, 1)), np.ones(2), batch_size=2.0)
    with pytest.raises(ValueError, match="first .example. dimension"):
        ArrayLoader(np.float64(1.0), np.ones(1))


# --------------------------------------------------------------------------- accuracy


def test_accuracy_multi_class_and_single_logit():
    logits = np.array([[2.0, 0.1, 0.0], [0.3, 0.9, 0.0], [1.0, 0.0, 3.0], [0.0, 5.0, 1.0]])
    assert accuracy(logits, np.array([0, 1, 2, 0])) == 0.75
    single = np.array([[1.5], [-0.2], [0.1], [-3.0]])
    assert accuracy(single, np.array([[1.0], [0.0], [0.0], [0.0]])) == 0.75
    assert accuracy(single.ravel(), np.array([1, 0, 0, 0])) == 0.75


def test_accuracy_agrees_with_torch_argmax():
    rng = np.random.default_rng(3)
    logits, labels = rng.normal(size=(50, 4)), rng.integers(0, 4, size=50)
    expected = (torch.tensor(logits).argmax(1) == torch.tensor(labels)).double().mean().item()
    assert accuracy(logits, labels) == expected


def test_accuracy_rejects_mismatched_shapes():
    with pytest.raises(
        ValueError, match=r"targets must have shape \(3,\).*logits of shape \(3, 2\); got \(3, 2\)"
    ):
        accuracy(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"got \(2,\)"):
        accuracy(np.zeros((3, 1)), np.zeros(2))
    with pytest.raises(
        ValueError, match=r"logits must have shape \(N,\), \(N, 1\) or \(N, K\); got \(2, 2, 2\)"
    ):
        accuracy(np.zeros((2, 2, 2)), np.zeros(2))


# --------------------------------------------------------------------------- one epoch, evaluate, predict


def test_train_epoch_reports_the_example_weighted_mean_loss():
    """With lr = 0 nothing changes, so the epoch loss must equal the loss of the whole data set."""
    x, y = blobs(50)
    model = classifier()
    loader = ArrayLoader(x, y, batch_size=16)  # batches of 16, 16, 16 and 2: unequal sizes
    result = train_epoch(
        model,
        loader,
        nn.CrossEntropyLoss(),
        torch.optim.SGD(model.parameters(), lr=0.0),
        metrics={"accuracy": accuracy},
        device=CPU,
    )
    with torch.no_grad():
        logits = model(torch.tensor(x, dtype=torch.float32))
        whole = nn.functional.cross_entropy(logits, torch.tensor(y)).item()
    assert result["loss"] == pytest.approx(whole, rel=1e-6)
    assert result["accuracy"] == accuracy(logits.numpy(), y)
    assert model.training, "train_epoch gives the model back in the mode it had (training)"


def test_train_epoch_takes_one_optimizer_step_per_batch():
    x, y = blobs(40)
    model = classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train_epoch(
        model, ArrayLoader(x, y, batch_size=16), nn.CrossEntropyLoss(), optimizer, device=CPU
    )
    steps = {int(state["step"]) for state in optimizer.state.values()}
    assert steps == {3}


def test_train_epoch_matches_a_hand_written_loop():
    x, y = blobs(64)
    loaders = [ArrayLoader(x, y, batch_size=8, shuffle=True, seed=5) for _ in range(2)]
    ours, reference = classifier(seed=1), classifier(seed=1)
    opt_ours = torch.optim.SGD(ours.parameters(), lr=0.1)
    opt_ref = torch.optim.SGD(reference.parameters(), lr=0.1)
    train_epoch(ours, loaders[0], nn.CrossEntropyLoss(), opt_ours, device=CPU)
    for xb, yb in loaders[1]:
        opt_ref.zero_grad()
        nn.functional.cross_entropy(reference(xb), yb).backward()
        opt_ref.step()
    for a, b in zip(ours.parameters(), reference.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_evaluate_changes_nothing_and_uses_eval_mode():
    x, y = blobs(30)
    model = nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    before = [p.detach().clone() for p in model.parameters()]
    loader = ArrayLoader(x, y, batch_size=7)
    first = evaluate(
        model, loader, nn.CrossEntropyLoss(), metrics={"accuracy": accuracy}, device=CPU
    )
    second = evaluate(
        model, loader, nn.CrossEntropyLoss(), metrics={"accuracy": accuracy}, device=CPU
    )
    assert first == second, "dropout is off in evaluation mode, so repeated evaluations agree"
    assert model.training, "evaluate gives the model back in the mode it had (training)"
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert all(p.grad is None for p in model.parameters())


def test_metrics_see_the_whole_epoch_in_order():
    """A metric that is not a mean over batches (ROC AUC) must be computed on all outputs at once."""
    from sklearn.metrics import roc_auc_score

    x, y = blobs(60, seed=2)
    model = classifier(outputs=1)
    seen = {}

    def record(outputs, targets):
        seen["outputs"], seen["targets"] = outputs, targets
        return roc_auc_score(targets.ravel(), outputs.ravel())

    result = evaluate(
        model,
        ArrayLoader(x, y[:, None].astype(float), batch_size=9),
        nn.BCEWithLogitsLoss(),
        metrics={"auc": record},
        device=CPU,
    )
    assert seen["outputs"].shape == (60, 1) and np.array_equal(seen["targets"].ravel(), y)
    expected = roc_auc_score(y, predict(model, x, device=CPU).ravel())
    assert result["auc"] == pytest.approx(expected, abs=1e-12)


def test_predict_matches_the_model_in_batches():
    x, _ = blobs(25)
    model = classifier()
    with torch.no_grad():
        expected = model(torch.tensor(x, dtype=torch.float32)).numpy()
    got = predict(model, x, batch_size=4, device=CPU)
    assert isinstance(got, np.ndarray) and got.shape == (25, 2)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_bad_arguments_raise_helpful_errors():
    x, y = blobs(10)
    model = classifier()
    loader = ArrayLoader(x, y)
    adam = torch.optim.Adam(model.parameters())
    with pytest.raises(TypeError, match="model must be a torch.nn.Module; got function"):
        train_epoch(lambda t: t, loader, nn.CrossEntropyLoss(), adam, device=CPU)
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        evaluate(model, loader, "mse", device=CPU)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim optimizer; got NoneType"):
        train_epoch(model, loader, nn.CrossEntropyLoss(), None, device=CPU)
    with pytest.raises(ValueError, match="metric names"):
        evaluate(
            model, loader, nn.CrossEntropyLoss(), metrics={"val_accuracy": accuracy}, device=CPU
        )
    with pytest.raises(TypeError, match="metric 'accuracy' must be a function"):
        evaluate(model, loader, nn.CrossEntropyLoss(), metrics={"accuracy": 0.5}, device=CPU)
    with pytest.raises(
        TypeError, match=r"each batch must be a pair \(inputs, targets\); got a tuple of length 3"
    ):
        evaluate(
            model,
            [(torch.zeros(2, 2), torch.zeros(2), torch.zeros(2))],
            nn.CrossEntropyLoss(),
            device=CPU,
        )
    with pytest.raises(ValueError, match="no batches"):
        evaluate(model, [], nn.CrossEntropyLoss(), device=CPU)
    with pytest.raises(ValueError, match="epochs must be >= 1; got 0"):
        fit(model, loader, nn.CrossEntropyLoss(), adam, epochs=0, device=CPU)
    with pytest.raises(TypeError, match="scheduler must be"):
        fit(model, loader, nn.CrossEntropyLoss(), adam, epochs=1, scheduler=0.1, device=CPU)
    with pytest.raises(
        RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(10x3 and 2x8\)"
    ):
        predict(model, np.zeros((10, 3)), device=CPU)  # torch names both shapes


# --------------------------------------------------------------------------- fit


def test_fit_history_has_keras_shape_and_the_loss_decreases():
    x, y = blobs(200)
    model = classifier()
    history = fit(
        model,
        ArrayLoader(x, y, batch_size=32, shuffle=True),
        nn.CrossEntropyLoss(),
        torch.optim.Adam(model.parameters(), lr=0.01),
        epochs=4,
        val_loader=ArrayLoader(*blobs(100, seed=1), batch_size=50),
        metrics={"accuracy": accuracy},
        device=CPU,
        progress=False,
    )
    assert list(history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(
        len(values) == 4 and all(isinstance(v, float) for v in values)
        for values in history.values()
    )
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert history["val_accuracy"][-1] > 0.95
    assert check_history(history) == history


def test_fit_regression_without_validation_and_with_a_scheduler():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(128, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    history = fit(
        model,
        ArrayLoader(x, y, batch_size=16, shuffle=True),
        nn.MSELoss(),
        optimizer,
        epochs=3,
        scheduler=scheduler,
        device=CPU,
        progress=False,
    )
    assert list(history) == ["loss"] and len(history["loss"]) == 3
    assert history["loss"][2] < history["loss"][0]
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.2 * 0.5**3), (
        "the scheduler steps once per epoch"
    )


def test_fit_is_repeatable_with_the_same_seeds():
    def run():
        model = classifier(seed=3)
        return fit(
            model,
            ArrayLoader(*blobs(64), batch_size=16, shuffle=True, seed=4),
            nn.CrossEntropyLoss(),
            torch.optim.Adam(model.parameters(), lr=0.01),
            epochs=2,
            device=CPU,
            progress=False,
        )

    assert run() == run()


def test_fit_uses_get_device_by_default():
    from dlbook.repro import get_device

    model = classifier()
    fit(
        model,
        ArrayLoader(*blobs(16)),
        nn.CrossEntropyLoss(),
        torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=1,
        progress=False,
    )
    assert next(model.parameters()).device.type == get_device().type


def test_progress_bar_shows_epochs_and_can_be_disabled(monkeypatch):
    import tqdm.auto

    created = []
    original = tqdm.auto.tqdm

    def spy(*args, **kwargs):
        # tqdm reads TQDM_DISABLE when it is imported (conftest sets it), so enable the bar here
        # after recording what fit passed.
        bar = original(*args, **{"disable": False, **kwargs, "file": io.StringIO()})
        created.append((kwargs, bar))
        return bar

    monkeypatch.setattr(tqdm.auto, "tqdm", spy)
    model = classifier()
    loader = ArrayLoader(*blobs(16))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, loader, nn.CrossEntropyLoss(), optimizer, epochs=2, device=CPU)
    kwargs, bar = created[-1]
    assert "disable" not in kwargs, "without progress=False the environment (TQDM_DISABLE) decides"
    assert bar.total == 2 and bar.n == 2 and "loss" in bar.postfix
    fit(model, loader, nn.CrossEntropyLoss(), optimizer, epochs=1, device=CPU, progress=False)
    assert created[-1][0]["disable"] is True


# --------------------------------------------------------------------------- histories


def test_check_history_converts_and_validates():
    assert check_history({"loss": np.array([1, 2], dtype=np.float32)}) == {"loss": [1.0, 2.0]}
    with pytest.raises(TypeError, match="a history is a dict"):
        check_history([1.0, 2.0])
    with pytest.raises(ValueError, match="empty"):
        check_history({})
    with pytest.raises(
        ValueError, match="one value per epoch; got lengths {'loss': 2, 'val_loss': 3}"
    ):
        check_history({"loss": [1, 2], "val_loss": [1, 2, 3]})
    with pytest.raises(
        TypeError, match=r"history\['loss'\] must be a sequence of numbers.*shape \(2, 2\)"
    ):
        check_history({"loss": [[1, 2], [3, 4]]})
    with pytest.raises(ValueError, match=r"history\['loss'\] is empty"):
        check_history({"loss": []})
    with pytest.raises(TypeError, match="keys must be strings"):
        check_history({1: [0.5]})


def test_history_from_keras_unwraps_and_drops_the_learning_rate():
    class FakeHistory:
        history = {
            "loss": [np.float32(0.5), np.float64(0.25)],
            "accuracy": [0.5, 0.75],
            "val_loss": [0.6, 0.4],
            "val_accuracy": [0.5, 0.5],
            "learning_rate": [1e-3, 5e-4],
        }

    converted = history_from_keras(FakeHistory())
    assert converted == {
        "loss": [0.5, 0.25],
        "accuracy": [0.5, 0.75],
        "val_loss": [0.6, 0.4],
        "val_accuracy": [0.5, 0.5],
    }
    assert all(type(v) is float for values in converted.values() for v in values)
    assert history_from_keras(FakeHistory.history) == converted
    with pytest.raises(TypeError, match="got int"):
        history_from_keras(3)


def test_predict_on_empty_input_returns_an_empty_array():
    """Adversarial finding 6: no rows in, no rows out (instead of an error inside torch.cat)."""
    out = predict(nn.Linear(3, 2), np.zeros((0, 3)), device=CPU)
    assert out.shape == (0, 2)


def test_uint8_images_are_floats_for_the_model():
    """Adversarial finding 6: the loaders return uint8 images; fit must take them as they are."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(16, 4, 4), dtype=np.uint8)
    labels = rng.integers(0, 3, size=16)
    loader = ArrayLoader(images, labels, batch_size=8)
    xb, yb = next(iter(loader))
    assert xb.dtype == torch.float32 and yb.dtype == torch.int64
    assert torch.equal(xb, torch.tensor(images[:8], dtype=torch.float32) / 255)
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(
        model, loader, nn.CrossEntropyLoss(), optimizer, epochs=2, device=CPU, progress=False
    )
    assert len(history["loss"]) == 2
    np.testing.assert_array_equal(
        predict(model, images, device=CPU), predict(model, images / 255, device=CPU)
    )
    tokens = ArrayLoader(np.arange(12, dtype=np.int32).reshape(6, 2), np.zeros(6, dtype=np.int64))
    assert next(iter(tokens))[0].dtype == torch.int64  # other integer inputs stay ids (embeddings)


@pytest.mark.parametrize("mode", ["train", "eval", "mixed"])
def test_fit_evaluate_and_predict_give_the_model_back_in_its_mode(mode):
    """Adversarial finding 6: whatever a helper does inside, every submodule keeps the caller's mode."""
    x, y = blobs(20)
    model = nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    model.train(mode != "eval")
    if mode == "mixed":
        model[1].eval()
    before = [module.training for module in model.modules()]
    loader = ArrayLoader(x, y, batch_size=8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = nn.CrossEntropyLoss()
    for val_loader in (None, loader):
        fit(
            model,
            loader,
            loss,
            optimizer,
            epochs=1,
            val_loader=val_loader,
            device=CPU,
            progress=False,
        )
        assert [module.training for module in model.modules()] == before
    train_epoch(model, loader, loss, optimizer, device=CPU)
    assert [module.training for module in model.modules()] == before
    evaluate(model, loader, loss, device=CPU)
    assert [module.training for module in model.modules()] == before
    predict(model, x, device=CPU)
    assert [module.training for module in model.modules()] == before
