"""Metrics follow their documented definitions, on real images."""

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


def test_neutral_cast_matches_a_hand_computation():
    # Two neutral pixels (white, mid-gray), one saturated red; the red one is left out.
    y_true = np.array([[[[255, 255, 255], [128, 128, 128], [255, 0, 0]]]], dtype=np.uint8)
    y_pred = np.array([[[[255, 240, 200], [128, 128, 128], [0, 0, 255]]]], dtype=np.uint8)
    # BT.601: Cb = 0.564 (B - Y), Cr = 0.713 (R - Y), on 0-255.
    luma = 0.299 * 255 + 0.587 * 240 + 0.114 * 200
    cb, cr = 0.5 / 0.886 * (200 - luma), 0.5 / 0.701 * (255 - luma)
    cast = metrics.neutral_cast(y_true, y_pred)
    assert cast.n_pixels == 2
    np.testing.assert_allclose(cast.magnitude, np.hypot(cb, cr) / 2, rtol=1e-5)
    np.testing.assert_allclose([cast.cb, cast.cr], [cb / 2, cr / 2], rtol=1e-5)


def test_neutral_cast_is_zero_for_gray_and_the_size_of_a_uniform_tint(data_dir):
    from skcolor.color import rgb_to_ycbcr, ycbcr_to_rgb
    from skcolor.io import read_image

    photo = read_image(data_dir / "photos" / "4.1.06.png")[np.newaxis]
    gray = gray_to_rgb(rgb_to_gray(photo))
    assert metrics.neutral_cast(photo, gray).magnitude == pytest.approx(0, abs=1e-3)
    # A tint of (Cb, Cr) = (-3, +4) on a mid-gray image: magnitude 5.
    ycbcr = rgb_to_ycbcr(np.full((1, 8, 8, 3), 0.5, np.float32))
    tinted = ycbcr_to_rgb(ycbcr[..., :1], ycbcr[..., 1:] + np.float32([-3, 4]) / 255)
    cast = metrics.neutral_cast(np.full((1, 8, 8, 3), 0.5, np.float32), tinted)
    assert (cast.magnitude, cast.cb, cast.cr) == pytest.approx((5, -3, 4), abs=1e-3)
    assert cast.n_pixels == 64


def test_neutral_cast_tolerance_and_errors():
    saturated = np.zeros((1, 4, 4, 3), np.uint8)
    saturated[..., 0] = 255
    empty = metrics.neutral_cast(saturated, saturated)
    assert empty.n_pixels == 0 and np.isnan(empty.magnitude)
    assert metrics.neutral_cast(saturated, saturated, tol=200).n_pixels == 16
    with pytest.raises(ValueError, match="'tol' parameter of neutral_cast"):
        metrics.neutral_cast(saturated, saturated, tol=-1)
    with pytest.raises(TypeError, match="'tol' parameter of neutral_cast"):
        metrics.neutral_cast(saturated, saturated, tol="6")
    with pytest.raises(ValueError, match="RGB"):
        metrics.neutral_cast(saturated[..., :1], saturated[..., :1])
    with pytest.raises(ValueError, match="shape"):
        metrics.neutral_cast(saturated, saturated[:, :2])


def test_warp_error_by_hand_on_a_moving_clip():
    """A pattern moving 2 pixels right per frame, with the true flow given: 0 while it only
    moves; a red flash on frame 2 adds (0.4)^2 on its pixels, over two frame pairs."""
    from skcolor.metrics import warp_error

    rng = np.random.default_rng(0)
    pattern = rng.random((12, 30, 3)).astype(np.float32)
    clip = np.stack([np.roll(pattern, 2 * t, axis=1) for t in range(4)])
    flow = np.zeros((12, 30, 2), np.float32)
    flow[..., 0] = -2  # each pixel of frame t was 2 pixels to the left in frame t-1
    valid = np.ones((12, 30), bool)
    valid[:, :2] = False  # rolled in from the other side: not where the flow says
    motion = [(flow, valid)] * 3
    assert warp_error(clip, flow=motion) == pytest.approx(0, abs=1e-10)
    flashed = clip.copy()
    flashed[2, ..., 0] = np.clip(flashed[2, ..., 0] + 0.4, 0, 1)
    change = (flashed[2, ..., 0] - clip[2, ..., 0])[valid]
    # Pairs (1, 2) and (2, 3) see the flash: once added, once removed (brought along by
    # the flow, whose pixels are the same ones shifted).
    expected = (np.mean(change ** 2) + np.mean(np.square(
        np.roll(flashed[2, ..., 0], 2, axis=1) - np.roll(clip[2, ..., 0], 2, axis=1))[valid])) / 3
    assert warp_error(flashed, flow=motion) == pytest.approx(expected, rel=1e-5)


def test_clip_flow_finds_a_real_photo_moving():
    from skimage import data

    from skcolor.metrics import clip_flow, warp_error

    photo = data.astronaut()[100:228, 100:292]
    clip = np.stack([photo[:, 3 * t:3 * t + 160] for t in range(3)])  # the view pans right
    flows = list(clip_flow(clip))
    assert len(flows) == 2
    for flow, valid in flows:
        assert np.median(flow[..., 0]) == pytest.approx(3, abs=0.3)  # content moved left
        assert np.median(np.abs(flow[..., 1])) < 0.3
        assert valid.mean() > 0.8
    assert warp_error(clip) < 0.01


def test_color_distribution_consistency_by_hand():
    """Five black frames, half of the third white: JS(d0, (d0 + d255) / 2) = 0.21576 for
    each channel on the pairs that hold the third frame."""
    from skcolor.metrics import color_distribution_consistency

    clip = np.zeros((5, 4, 4, 3), np.uint8)
    assert color_distribution_consistency(clip) == 0
    clip[2, :2] = 255
    js = 0.5 * (np.log(1 / 0.75) + 0.5 * np.log(0.5 / 0.75) + 0.5 * np.log(0.5 / 0.25))
    by_step = [2 * js / 4, 2 * js / 3, 0]  # d = 1: 2 of 4 pairs; d = 2: 2 of 3; d = 4: none
    assert color_distribution_consistency(clip) == pytest.approx(np.mean(by_step))
    assert color_distribution_consistency(clip, steps=(1,)) == pytest.approx(by_step[0])
    assert color_distribution_consistency(clip / 255.0) == pytest.approx(np.mean(by_step))
    with pytest.raises(ValueError, match="steps must be whole numbers from 1 to 4"):
        color_distribution_consistency(clip, steps=(5,))
    with pytest.raises(ValueError, match="at least 2 frames"):
        from skcolor.metrics import warp_error
        warp_error(clip[:1])
