"""RGBToGrayscale and GrayscaleToRGB, alone and as Pipeline steps."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from skcolor import AutoencoderColorizer, GrayscaleToRGB, RGBToGrayscale


def test_rgb_to_grayscale_uses_bt601_on_rgb_order(cifar_test):
    gray = RGBToGrayscale().fit_transform(cifar_test)
    expected = cifar_test.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    assert gray.shape == (len(cifar_test), 32, 32, 1) and gray.dtype == np.uint8
    # OpenCV's fixed-point arithmetic rounds within 0.51 of the exact value.
    assert np.abs(gray[..., 0] - expected).max() <= 0.51
    # The report's COLOR_BGR2GRAY on RGB data would weight R by 0.114: not us.
    red = np.zeros((1, 2, 2, 3), np.uint8)
    red[..., 0] = 255
    assert RGBToGrayscale().transform(red)[0, 0, 0, 0] == 76


def test_rgb_to_grayscale_keeps_the_float_family(cifar_test):
    gray = RGBToGrayscale().transform(cifar_test / 255.0)
    assert gray.dtype == np.float32 and gray.shape[-1] == 1
    np.testing.assert_allclose(gray * 255, RGBToGrayscale().transform(cifar_test), atol=0.51)


def test_rgb_to_grayscale_is_stateless(cifar_test):
    transformer = RGBToGrayscale()
    transformer.transform(cifar_test[:2])  # no fit needed
    assert transformer.__sklearn_tags__().requires_fit is False


def test_grayscale_to_rgb_uses_the_colorizer_as_given(cifar_train, cifar_test_gray):
    colorizer = AutoencoderColorizer(filters=(8, 16), latent_dim=16, epochs=1, random_state=0)
    colorizer.fit(cifar_train[:64])
    weights_before = [w.copy() for w in colorizer.model_.get_weights()]
    step = GrayscaleToRGB(colorizer)
    colored = step.fit(cifar_test_gray, cifar_train[:200]).transform(cifar_test_gray)
    np.testing.assert_array_equal(colored, colorizer.predict(cifar_test_gray))
    for before, after in zip(weights_before, colorizer.model_.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_grayscale_to_rgb_needs_a_fitted_colorizer(cifar_test_gray):
    with pytest.raises(NotFittedError, match="GrayscaleToRGB needs a fitted colorizer"):
        GrayscaleToRGB(AutoencoderColorizer()).fit(cifar_test_gray)


def test_grayscale_to_rgb_without_colorizer_uses_the_shipped_model(cifar_test_gray):
    from skcolor import load_pretrained

    colored = GrayscaleToRGB().fit_transform(cifar_test_gray[:20])
    np.testing.assert_array_equal(colored, load_pretrained().predict(cifar_test_gray[:20]))


def test_missing_shipped_model_is_explained(cifar_test_gray, monkeypatch, tmp_path):
    from skcolor import _pretrained

    monkeypatch.setitem(_pretrained.PRETRAINED_MODELS, "photos", tmp_path / "photos.keras")
    with pytest.raises(FileNotFoundError, match="lacks the 'photos' model"):
        GrayscaleToRGB().transform(cifar_test_gray)


def test_pipeline_from_rgb_through_colorizer(cifar_train, cifar_test):
    pipe = make_pipeline(
        RGBToGrayscale(),
        AutoencoderColorizer(filters=(8, 16), latent_dim=16, epochs=1, random_state=0),
    )
    pipe.fit(cifar_train[:128], cifar_train[:128])
    predicted = pipe.predict(cifar_test)
    assert predicted.shape == cifar_test.shape and predicted.dtype == np.uint8
    gray = RGBToGrayscale().transform(cifar_test)
    assert pipe.score(cifar_test, cifar_test) == pytest.approx(pipe[-1].score(gray, cifar_test))


def test_frozen_colorizer_survives_cross_validation(cifar_train, cifar_test, cifar_test_gray):
    from skcolor.metrics import psnr

    colorizer = AutoencoderColorizer(filters=(8, 16), latent_dim=16, epochs=1, random_state=0)
    colorizer.fit(cifar_train[:64])
    step = GrayscaleToRGB(FrozenEstimator(colorizer))
    scores = cross_val_score(step, cifar_test_gray, cifar_test, cv=2,
                             scoring=lambda est, X, y: psnr(y, est.transform(X)))

    # By hand: 2-fold KFold without shuffling scores the first half, then the second half,
    # each by the mean over its images of 10 log10(1 / MSE) on the [0, 1] scale.
    colored = colorizer.predict(cifar_test_gray).astype(np.float64) / 255
    mse = np.mean((cifar_test / 255.0 - colored) ** 2, axis=(1, 2, 3))
    per_image = 10 * np.log10(1 / mse)
    half = len(cifar_test) // 2
    expected = [per_image[:half].mean(), per_image[half:].mean()]
    assert 8 < min(expected)  # a colorization's PSNR in dB, not an error code
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
