"""The model that ships inside the package: offline, fitted, better than the gray copy."""

import numpy as np
import pytest

import skcolor
from skcolor import AutoencoderColorizer, metrics
from skcolor.color import gray_to_rgb


@pytest.fixture(scope="module")
def pretrained():
    return skcolor.load_pretrained()


def test_load_pretrained_is_a_fitted_default_colorizer(pretrained):
    assert isinstance(pretrained, AutoencoderColorizer)
    assert skcolor.load_pretrained() is pretrained  # loaded once per process
    defaults = AutoencoderColorizer().get_params()
    for name in ("architecture", "color_space", "loss"):
        assert pretrained.get_params()[name] == defaults[name]


def test_pretrained_beats_the_gray_copy_on_cifar(pretrained, cifar_test, cifar_test_gray):
    predicted = pretrained.predict(cifar_test_gray)
    gray_copy = gray_to_rgb(cifar_test_gray)
    assert metrics.dataset_psnr(cifar_test, predicted) > metrics.dataset_psnr(cifar_test, gray_copy) + 0.5
    assert metrics.colorfulness(predicted) > 10
    assert metrics.luminance_psnr(cifar_test_gray, predicted) >= 35


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea"])
def test_pretrained_beats_the_gray_copy_on_scikit_image_photos(pretrained, name):
    import skimage.data

    photo = getattr(skimage.data, name)()[np.newaxis]  # shipped with scikit-image: offline
    gray = skcolor.RGBToGrayscale().transform(photo)
    predicted = pretrained.predict(gray)
    assert predicted.shape == photo.shape
    assert metrics.psnr(photo, predicted) > metrics.psnr(photo, gray_to_rgb(gray))
    assert metrics.luminance_psnr(gray, predicted) >= 35
