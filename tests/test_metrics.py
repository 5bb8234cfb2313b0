"""Metrics follow DESIGN §6 on real images."""

import numpy as np
import pytest
from skimage.metrics import structural_similarity

from skcolor import metrics
from skcolor.color import gray_to_rgb, rgb_to_gray


@pytest.fixture(scope="module")
def pair(cifar_test):
    true = cifar_test[:50]
    return true, gray_to_rgb(rgb_to_gray(true))


def test_psnr_matches_the_definition(pair):
    true, pred = pair
    per_image = np.mean((true / 255.0 - pred / 255.0) ** 2, axis=(1, 2, 3))
    with np.errstate(divide="ignore"):  # gray images are reproduced exactly
        expected = np.mean(np.minimum(10 * np.log10(1 / per_image), 100))
    assert metrics.psnr(true, pred) == pytest.approx(expected)
    assert metrics.psnr(true, pred) == pytest.approx(metrics.psnr(true / 255.0, pred / 255.0), abs=1e-4)


def test_psnr_caps_identical_images(pair):
    true, _ = pair
    assert metrics.psnr(true, true) == 100.0


def test_dataset_psnr_pools_the_error(pair):
    true, pred = pair
    mse = np.mean((true.astype(float) - pred) ** 2)
    assert metrics.dataset_psnr(true, pred) == pytest.approx(10 * np.log10(255**2 / mse))
    assert metrics.mean_squared_error(true, pred) == pytest.approx(mse / 255**2)


def test_ssim_matches_scikit_image(pair):
    true, pred = pair
    expected = np.mean([
        structural_similarity(t / 255.0, p / 255.0, channel_axis=-1, data_range=1.0)
        for t, p in zip(true, pred)
    ])
    assert metrics.ssim(true, pred) == pytest.approx(expected, rel=1e-5)
    assert metrics.ssim(true, true) == pytest.approx(1.0)


def test_colorfulness_is_zero_for_gray_and_follows_hasler(data_dir, pair):
    from skcolor.io import read_image

    _, gray = pair
    assert metrics.colorfulness(gray) == pytest.approx(0.0, abs=1e-9)
    photo = read_image(data_dir / "photos" / "4.1.06.png").astype(float)
    rg = photo[..., 0] - photo[..., 1]
    yb = 0.5 * (photo[..., 0] + photo[..., 1]) - photo[..., 2]
    expected = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    assert metrics.colorfulness(photo[np.newaxis].astype(np.uint8)) == pytest.approx(expected)
    assert expected > 15  # a real color photo


def test_luminance_psnr_is_capped_for_gray_copies(pair):
    true, pred = pair
    assert metrics.luminance_psnr(rgb_to_gray(true), pred) == 100.0
    # The 8-bit gray rounds the exact luminance: about 64 dB, far above any colorizer's error.
    assert 55 < metrics.luminance_psnr(rgb_to_gray(true), true) < 100


def test_scorers_call_predict_and_compare_with_y(pair):
    true, pred = pair

    from sklearn.base import BaseEstimator

    class Copy(BaseEstimator):
        def predict(self, X):
            return gray_to_rgb(X)

    gray = rgb_to_gray(true)
    assert metrics.psnr_scorer(Copy(), gray, true) == pytest.approx(metrics.psnr(true, pred))
    assert metrics.ssim_scorer(Copy(), gray, true) == pytest.approx(metrics.ssim(true, pred))
    assert metrics.neg_mse_scorer(Copy(), gray, true) == pytest.approx(
        -metrics.mean_squared_error(true, pred)
    )


def test_colorization_scores_gathers_every_figure(pair):
    true, pred = pair
    scores = metrics.colorization_scores(rgb_to_gray(true), true, pred, ssim_images=10)
    assert scores == {
        "dataset_psnr": metrics.dataset_psnr(true, pred),
        "mean_psnr": metrics.psnr(true, pred),
        "ssim": metrics.ssim(true[:10], pred[:10]),
        "ssim_images": 10,
        "colorfulness": metrics.colorfulness(pred),
        "luminance_psnr": metrics.luminance_psnr(rgb_to_gray(true), pred),
    }
