"""Training faults on real CIFAR-10 images: divergence, Ctrl-C, checkpoints, warm starts.

The faults are real: a learning rate that makes the loss NaN, and a
``KeyboardInterrupt`` raised from inside Keras' training loop by a callback,
where a Ctrl-C would land.
"""

import pickle

import keras
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skcolor import AutoencoderColorizer, TrainingDivergedError
from skcolor.color import rgb_to_gray

# A tiny seed-family model; 48 images = 43 to train on (3 batches of 16) + 5 to validate.
# pytest.warns re-emits the warnings it did not match without their module, which
# escapes pyproject's filter for Keras' own NumPy 2 DeprecationWarning.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

SMALL = dict(architecture="seed", color_space="rgb", filters=(8, 16), latent_dim=32,
             epochs=1, batch_size=16, lr_patience=None, random_state=0)
N_IMAGES = 48
STEPS_PER_EPOCH = 3


@pytest.fixture(scope="module")
def images(cifar_train):
    return cifar_train[:N_IMAGES]


@pytest.fixture(scope="module")
def fitted(images):
    """Fitted once; tests that change it work on a pickled copy."""
    return AutoencoderColorizer(**SMALL).fit(images)


def copy_of(estimator):
    return pickle.loads(pickle.dumps(estimator))


def weights_of(estimator):
    return [w.copy() for w in estimator.model_.get_weights()]


def assert_same_weights(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_array_equal(a, e)


def assert_predicts_finite_colors(estimator, images):
    colors = estimator.predict(rgb_to_gray(images[:4]) / np.float32(255))
    assert np.isfinite(colors).all() and 0 <= colors.min() and colors.max() <= 1


class WeightRecorder(keras.callbacks.Callback):
    """Copies the weights at every epoch end, to compare with what fit keeps."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


class InterruptAt(keras.callbacks.Callback):
    """Raises KeyboardInterrupt as a Ctrl-C would: inside the loop, at a batch."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self.current == self.epoch and batch == 1:
            raise KeyboardInterrupt


def huge_learning_rate_from_epoch_2(epoch, learning_rate):
    return 1e30 if epoch >= 1 else learning_rate


def test_nan_loss_in_the_first_epoch_raises_and_leaves_the_estimator_unfitted(images):
    model = AutoencoderColorizer(**SMALL, optimizer="sgd", learning_rate=1e30)
    with pytest.raises(TrainingDivergedError, match=r"loss became nan in epoch 1, batch \d") as info:
        model.fit(images)
    assert isinstance(info.value, ValueError) and isinstance(info.value, FloatingPointError)
    assert "smaller learning_rate" in str(info.value) and "not fitted" in str(info.value)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


def test_nan_loss_in_epoch_2_keeps_the_weights_of_epoch_1(images):
    recorder = WeightRecorder()
    model = AutoencoderColorizer(**{**SMALL, "epochs": 3}, optimizer="sgd", learning_rate=0.01)
    model.set_params(callbacks=[
        keras.callbacks.LearningRateScheduler(huge_learning_rate_from_epoch_2), recorder])
    with pytest.raises(TrainingDivergedError, match="in epoch 2, batch .*weights of epoch 1"):
        model.fit(images)
    recorder = model.callbacks_[1]  # fit's copy of it (the parameter's is left unused)
    assert_same_weights(model.model_.get_weights(), recorder.weights[0])
    assert all(len(values) == 1 for values in model.history_.values())
    # The optimizer's state is epoch 1's too, not the scheduler's 1e30.
    assert float(model.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    assert_predicts_finite_colors(model, images)


def test_nan_loss_in_a_warm_start_keeps_the_state_it_started_from(fitted, images):
    model = copy_of(fitted)
    before, history = weights_of(model), model.history_
    model.set_params(warm_start=True, optimizer="sgd", learning_rate=1e30)
    with pytest.raises(TrainingDivergedError, match="weights of epoch 1"):
        model.fit(images)
    assert_same_weights(model.model_.get_weights(), before)
    assert model.history_ == history
    assert_predicts_finite_colors(model, images)


def test_keyboard_interrupt_keeps_the_best_epoch_and_the_history(images, tmp_path):
    recorder = WeightRecorder()
    checkpoint = tmp_path / "run.keras"
    model = AutoencoderColorizer(**{**SMALL, "epochs": 5}, checkpoint_path=checkpoint)
    model.set_params(callbacks=[recorder, InterruptAt(epoch=2)])  # during the third epoch
    with pytest.warns(UserWarning, match="interrupted after 2 of 5 epochs") as warned:
        assert model.fit(images) is model
    recorder = model.callbacks_[0]  # fit's copy of it
    assert all(len(values) == 2 for values in model.history_.values())
    best = int(np.argmin(model.history_["val_loss"]))
    messages = [str(w.message) for w in warned if "interrupted" in str(w.message)]
    assert f"weights of epoch {best + 1} (lowest val_loss" in messages[0]
    assert_same_weights(model.model_.get_weights(), recorder.weights[best])
    assert_predicts_finite_colors(model, images)
    # The checkpoint is rewritten to match what fit kept, not the last epoch's weights.
    saved = AutoencoderColorizer.load(checkpoint)
    assert saved.history_ == model.history_
    assert_same_weights(saved.model_.get_weights(), recorder.weights[best])


def test_keyboard_interrupt_early_in_a_warm_start_keeps_the_state_it_started_from(images):
    model = AutoencoderColorizer(**SMALL).fit(images)
    before, history = weights_of(model), model.history_
    model.set_params(warm_start=True)
    # Keras numbers a warm start's epochs on from the saved one: epoch index 1 is the new one.
    model.set_params(callbacks=[InterruptAt(epoch=1)])  # before the new epoch ends
    with pytest.warns(UserWarning, match="interrupted after 0 of 1 epochs; the estimator keeps "
                                         "the weights it started from"):
        assert model.fit(images) is model
    assert_same_weights(model.model_.get_weights(), before)
    assert model.history_ == history
    assert_predicts_finite_colors(model, images)


def test_keyboard_interrupt_before_the_first_epoch_ends_is_not_swallowed(images):
    model = AutoencoderColorizer(**SMALL)
    model.set_params(callbacks=[InterruptAt(epoch=0)])
    with pytest.raises(KeyboardInterrupt):
        model.fit(images)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


def test_checkpoint_then_warm_start_continues_training(images, tmp_path):
    checkpoint = tmp_path / "colorizer.keras"
    model = AutoencoderColorizer(**SMALL, checkpoint_path=checkpoint).fit(images)
    gray = rgb_to_gray(images[:4])

    resumed = AutoencoderColorizer.load(checkpoint)
    assert resumed.history_ == model.history_
    np.testing.assert_array_equal(resumed.predict(gray), model.predict(gray))
    assert int(resumed.model_.optimizer.iterations.numpy()) == STEPS_PER_EPOCH
    before = weights_of(resumed)

    resumed.set_params(warm_start=True).fit(images)
    assert all(len(values) == 2 for values in resumed.history_.values())
    assert resumed.history_["loss"][0] == model.history_["loss"][0]
    # The optimizer carried on (Adam's step count continues) and the weights moved.
    assert int(resumed.model_.optimizer.iterations.numpy()) == 2 * STEPS_PER_EPOCH
    assert any(not np.array_equal(a, b) for a, b in zip(resumed.model_.get_weights(), before))
    # The checkpoint path travelled with the parameters: the file holds both epochs now.
    assert AutoencoderColorizer.load(checkpoint).history_ == resumed.history_


def test_warm_start_with_a_new_learning_rate_starts_a_fresh_optimizer(fitted, images):
    model = copy_of(fitted).set_params(warm_start=True, learning_rate=5e-4)
    model.fit(images)
    assert float(model.model_.optimizer.learning_rate.numpy()) == pytest.approx(5e-4)
    assert int(model.model_.optimizer.iterations.numpy()) == STEPS_PER_EPOCH
    assert len(model.history_["loss"]) == 2


@pytest.mark.parametrize("change, message", [
    ({"filters": (8, 32)}, r"filters=\(8, 32\) \(fitted with \(8, 16\)\)"),
    ({"dropout": 0.5}, r"dropout=0.5 \(fitted with 0.2\)"),
    ({"architecture": "unet"}, "architecture='unet'"),
])
def test_warm_start_refuses_parameters_that_change_the_network(fitted, images, change, message):
    model = copy_of(fitted).set_params(warm_start=True, **change)
    with pytest.raises(ValueError, match=message):
        model.fit(images)


def test_warm_start_refuses_another_image_size_for_the_seed_network(fitted, images):
    bigger = np.tile(images[:8], (1, 2, 2, 1))  # real images, tiled to 64×64
    model = copy_of(fitted).set_params(warm_start=True)
    with pytest.raises(ValueError, match="takes 32×32 images; got 64×64"):
        model.fit(bigger)


@pytest.mark.parametrize("path, error, message", [
    ("missing-folder/colorizer.keras", ValueError, "folder .* missing or not writable"),
    ("colorizer.h5", ValueError, "path ending in '.keras'"),
    (123, TypeError, "checkpoint_path"),
])
def test_bad_checkpoint_paths_are_refused_before_training(images, tmp_path, path, error, message):
    if isinstance(path, str):
        path = tmp_path / path
    with pytest.raises(error, match=message):
        AutoencoderColorizer(**SMALL, checkpoint_path=path).fit(images)
