"""The AutoencoderColorizer contract, on real CIFAR-10 images."""

import pickle

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from skcolor import AutoencoderColorizer
from skcolor.color import rgb_to_gray
from skcolor.metrics import psnr

# A small seed-family model: the contract tests cover the report's architecture.
SMALL = dict(architecture="seed", color_space="rgb", filters=(8, 16), latent_dim=32, epochs=1,
             random_state=0)


@pytest.fixture(scope="module")
def small_fitted(cifar_train):
    """A tiny seed-family model trained for one epoch: cheap to pickle and reload."""
    return AutoencoderColorizer(**SMALL).fit(cifar_train[:128])


def test_seed_rgb_builds_the_report_model(cifar_train):
    """The defaults of architecture="seed" are the report's model, built as fit builds it."""
    report = AutoencoderColorizer(architecture="seed", color_space="rgb")
    report._initialize((32, 32, 1), None, seed=0)
    assert report.encoder_.count_params() == 1_418_496
    assert report.decoder_.count_params() == 2_013_315
    assert report.model_.count_params() == 3_431_811


def test_seed_model_improves_on_its_untrained_self(fitted_colorizer, cifar_test, cifar_test_gray):
    import keras

    # The same network with the very weights its training started from.
    untrained = keras.models.clone_model(fitted_colorizer.model_)
    untrained.set_weights(fitted_colorizer.initial_weights_)
    assert not np.array_equal(untrained.get_weights()[0], fitted_colorizer.model_.get_weights()[0])
    untrained_rgb = untrained.predict(cifar_test_gray / np.float32(255), verbose=0)
    untrained_psnr = psnr(cifar_test, untrained_rgb)
    trained_psnr = fitted_colorizer.score(cifar_test_gray, cifar_test)
    # Measured here: 12.6 dB untrained, 15.4 dB after 4 epochs of 16-image batches on the 350
    # fixture images (the report's full-size model: 16.0 dB).
    assert trained_psnr > untrained_psnr + 2.0


def test_trained_luminance_keeping_model_beats_the_gray_copy(cifar_train, cifar_test,
                                                            cifar_test_gray):
    """The real floor: a colorizer that keeps the input's luminance starts from the gray copy
    (neutral chroma), so training must take it above the gray copy, not above a random net."""
    from skcolor.color import gray_to_rgb
    from skcolor.metrics import dataset_psnr, luminance_psnr

    model = AutoencoderColorizer(filters=(16, 32), dropout=0.0, epochs=3, batch_size=8,
                                 random_state=0).fit(cifar_train)
    predicted = model.predict(cifar_test_gray)
    floor = dataset_psnr(cifar_test, gray_to_rgb(cifar_test_gray))
    # Measured here: 22.34 dB for the gray copy, +0.29 dB for this model (+0.31 dB for the
    # training set's mean chroma everywhere); 2 epochs with dropout stayed below the floor,
    # and so did filters (8, 16) once the U-Net ran at half resolution (-0.25 dB).
    assert dataset_psnr(cifar_test, predicted) > floor + 0.1
    assert luminance_psnr(cifar_test_gray, predicted) >= 35  # the gray input is kept


def test_fit_returns_self_and_sets_learned_state(cifar_train):
    model = AutoencoderColorizer(**SMALL)
    assert model.fit(cifar_train[:64]) is model
    assert model.input_shape_ == (32, 32, 1)
    assert set(model.history_) == {"loss", "val_loss", "learning_rate"}
    assert all(len(values) == 1 for values in model.history_.values())


def test_fit_with_gray_and_rgb_equals_fit_with_rgb_alone(cifar_train, cifar_test_gray):
    rgb = cifar_train[:64]
    from_rgb = AutoencoderColorizer(**SMALL).fit(rgb)
    from_pair = AutoencoderColorizer(**SMALL).fit(rgb_to_gray(rgb), rgb)
    np.testing.assert_array_equal(from_rgb.predict(cifar_test_gray), from_pair.predict(cifar_test_gray))


def test_history_without_validation_has_no_val_loss(cifar_train):
    model = AutoencoderColorizer(**{**SMALL, "epochs": 2}, validation_fraction=0, lr_patience=None)
    model.fit(cifar_train[:64])
    assert set(model.history_) == {"loss", "learning_rate"}
    assert model.history_["learning_rate"] == pytest.approx([1e-3, 1e-3])


def test_predict_keeps_the_dtype_family(small_fitted, cifar_test_gray):
    as_uint8 = small_fitted.predict(cifar_test_gray[:5])
    assert as_uint8.dtype == np.uint8 and as_uint8.shape == (5, 32, 32, 3)
    as_float = small_fitted.predict(cifar_test_gray[:5] / 255.0)
    assert as_float.dtype == np.float32 and 0 <= as_float.min() and as_float.max() <= 1
    np.testing.assert_allclose(as_float * 255, as_uint8, atol=1)
    squeezed = small_fitted.predict(cifar_test_gray[:5, ..., 0])
    np.testing.assert_array_equal(squeezed, as_uint8)


@pytest.mark.parametrize("size", [(20, 28), (32, 32), (64, 48), (7, 100)])
def test_predict_output_has_the_input_size(small_fitted, cifar_test_gray, size):
    import cv2

    gray = np.stack([cv2.resize(g, size[::-1]) for g in cifar_test_gray[:3]])
    assert small_fitted.predict(gray).shape == (3, *size, 3)


def test_score_is_mean_psnr_of_predictions(small_fitted, cifar_test, cifar_test_gray):
    expected = psnr(cifar_test, small_fitted.predict(cifar_test_gray))
    assert small_fitted.score(cifar_test_gray, cifar_test) == pytest.approx(expected)


def test_predict_before_fit_raises_not_fitted(cifar_test_gray):
    with pytest.raises(NotFittedError):
        AutoencoderColorizer().predict(cifar_test_gray)
    with pytest.raises(NotFittedError):
        AutoencoderColorizer().encoder_


def test_same_random_state_gives_same_predictions(cifar_train, cifar_test_gray, small_fitted):
    again = AutoencoderColorizer(**SMALL).fit(cifar_train[:128])
    np.testing.assert_array_equal(again.predict(cifar_test_gray), small_fitted.predict(cifar_test_gray))
    other = AutoencoderColorizer(**{**SMALL, "random_state": 1}).fit(cifar_train[:128])
    assert not np.array_equal(other.predict(cifar_test_gray), small_fitted.predict(cifar_test_gray))


def test_get_and_set_params_round_trip():
    model = AutoencoderColorizer(optimizer="rmsprop", dropout=0.1)
    params = model.get_params()
    assert params["optimizer"] == "rmsprop" and params["dropout"] == 0.1
    assert model.set_params(loss="huber", epochs=3) is model
    assert model.get_params() == {**params, "loss": "huber", "epochs": 3}


def test_parameters_are_stored_verbatim():
    filters = [4, 8]
    model = AutoencoderColorizer(filters=filters, random_state=np.random.RandomState(0))
    assert model.filters is filters


def test_clone_of_fitted_is_unfitted_with_same_params(small_fitted):
    copy = clone(small_fitted)
    assert copy.get_params() == small_fitted.get_params()
    assert not hasattr(copy, "model_")


@pytest.mark.parametrize("dump, load", [(pickle.dumps, pickle.loads), ("joblib", "joblib")])
def test_fitted_estimator_survives_serialization(small_fitted, cifar_test_gray, tmp_path, dump, load):
    if dump == "joblib":
        joblib.dump(small_fitted, tmp_path / "model.joblib")
        restored = joblib.load(tmp_path / "model.joblib")
    else:
        restored = load(dump(small_fitted))
    np.testing.assert_array_equal(restored.predict(cifar_test_gray), small_fitted.predict(cifar_test_gray))
    assert restored.history_ == small_fitted.history_


def test_default_is_a_luminance_keeping_unet():
    params = AutoencoderColorizer().get_params()
    assert (params["architecture"], params["color_space"], params["loss"]) == ("unet", "ycbcr", "mse")


def test_unfitted_estimator_survives_pickle():
    model = AutoencoderColorizer(loss="mae", filters=(8, 16))
    restored = pickle.loads(pickle.dumps(model))
    assert restored.get_params() == model.get_params()
    assert not hasattr(restored, "model_")


def test_save_and_load_round_trip(small_fitted, cifar_test_gray, tmp_path):
    path = tmp_path / "colorizer.keras"
    small_fitted.save(path)
    loaded = AutoencoderColorizer.load(path)
    assert loaded.get_params() == small_fitted.get_params()
    assert loaded.history_ == small_fitted.history_
    np.testing.assert_array_equal(loaded.predict(cifar_test_gray), small_fitted.predict(cifar_test_gray))
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_save_refuses_other_suffixes_and_unfitted(small_fitted, tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        small_fitted.save(tmp_path / "colorizer.h5")
    with pytest.raises(NotFittedError):
        AutoencoderColorizer().save(tmp_path / "colorizer.keras")


def test_load_refuses_files_that_are_not_skcolor_models(small_fitted, tmp_path):
    plain_keras = tmp_path / "plain.keras"
    small_fitted.model_.save(plain_keras)
    with pytest.raises(ValueError, match="not a skcolor model"):
        AutoencoderColorizer.load(plain_keras)
    text = tmp_path / "notes.keras"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a skcolor model"):
        AutoencoderColorizer.load(text)
    with pytest.raises(FileNotFoundError, match="missing.keras: no such model file"):
        AutoencoderColorizer.load(tmp_path / "missing.keras")


def test_fit_does_not_modify_the_inputs(cifar_train):
    rgb = cifar_train[:64].copy()
    gray = rgb_to_gray(rgb) / np.float32(255)
    rgb_before, gray_before = rgb.copy(), gray.copy()
    model = AutoencoderColorizer(**SMALL).fit(gray, rgb)
    model.predict(gray)
    np.testing.assert_array_equal(rgb, rgb_before)
    np.testing.assert_array_equal(gray, gray_before)
