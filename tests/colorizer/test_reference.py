"""Colorizing like a reference photo: the reference's colors are matched place by place
through the ImageNet encoder, with a confidence that stays low for an unrelated photo.

The floors were measured once on these photos (scikit-image's astronaut and coffee at
224 px) and are kept with a margin: the identical reference's refined chroma is off
by 0.009 on average (neutral gray by 0.062), the moved one's by 0.014 where it shows
the place (gray by 0.071), and the unrelated photo's confidence averages 0.04.
"""

import cv2
import numpy as np
import pytest
from skimage import data

from skcolor.color import COLOR_SPACES, rgb_to_gray
from skcolor.hints import from_points
from skcolor._colorizer._reference import (check_references, colorize_with_reference,
                                           match_reference, reference_features,
                                           reference_hints, transfer_reference)
from skcolor._image import as_float32, resize_batch

YCBCR = COLOR_SPACES["ycbcr"]


def _shrunk(rgb, longest=224):
    height, width = rgb.shape[:2]
    scale = longest / max(height, width)
    return cv2.resize(rgb, (round(width * scale), round(height * scale)),
                      interpolation=cv2.INTER_AREA)


def _mirrored_window(rgb, top, left, side=0.7):
    """``rgb`` mirrored left-right and cut to a window of ``side`` × its sides."""
    rows, cols = round(rgb.shape[0] * side), round(rgb.shape[1] * side)
    return np.ascontiguousarray(rgb[:, ::-1][top:top + rows, left:left + cols]), (rows, cols)


@pytest.fixture(scope="module")
def imagenet_encoder():
    from skcolor.backbones import build_efficientnet_lite0, load_efficientnet_lite0_weights

    return load_efficientnet_lite0_weights(build_efficientnet_lite0((None, None, 1)))


@pytest.fixture(scope="module")
def random_encoder():
    """The encoder's layers without ImageNet's weights: enough to see a photo match itself."""
    from skcolor.backbones import build_efficientnet_lite0

    return build_efficientnet_lite0((None, None, 1))


def _described(encoder, rgb):
    """Features, chroma and gray of an RGB image at its own size."""
    pixels = as_float32(rgb[np.newaxis])
    gray = rgb_to_gray(pixels)
    features = reference_features(encoder, gray, size=rgb.shape[:2])[0]
    return features, YCBCR.encode(pixels)[0], gray[0]


# -- matching ------------------------------------------------------------------

def test_a_reference_equal_to_the_target_gives_its_own_chroma(random_encoder):
    rgb = _shrunk(data.astronaut(), 128)
    features, chroma, gray = _described(random_encoder, rgb)
    grid = features.shape[:2]
    assert grid == (16, 16)  # stride 8
    np.testing.assert_allclose(np.linalg.norm(features, axis=-1), 1.0, atol=1e-5)
    matched, confidence = match_reference(features, features, chroma)
    pooled = resize_batch(chroma[np.newaxis], grid)[0]
    assert np.abs(matched - pooled).mean() < 0.002
    assert confidence.shape == grid and confidence.min() == 1.0
    # Refined per pixel by luminance: the chroma at the gray's size, close to the truth.
    refined, confidence = match_reference(features, features, chroma, target_gray=gray,
                                          reference_gray=gray)
    assert refined.shape == (*rgb.shape[:2], 2) and confidence.shape == rgb.shape[:2]
    error, gray_error = np.abs(refined - chroma).mean(), np.abs(0.5 - chroma).mean()
    assert error < 0.015 and error < gray_error / 4


def test_with_several_references_the_best_match_wins(random_encoder):
    target = _shrunk(data.astronaut(), 128)
    features, chroma, gray = _described(random_encoder, target)
    other_features, other_chroma, other_gray = _described(random_encoder,
                                                          _shrunk(data.coffee(), 128))
    alone = match_reference(features, features, chroma, target_gray=gray, reference_gray=gray)
    among = match_reference(features, [other_features, features], [other_chroma, chroma],
                            target_gray=gray, reference_gray=[other_gray, gray])
    # The coffee's places rarely reach a pixel's few best candidates (0.1 % of
    # values move, by at most 0.005).
    assert np.abs(among[0] - alone[0]).mean() < 1e-4 and np.abs(among[0] - alone[0]).max() < 0.02
    np.testing.assert_array_equal(among[1], alone[1])


@pytest.mark.slow
def test_a_moved_reference_of_the_same_photo_still_transfers_its_colors(imagenet_encoder):
    photo = data.astronaut()  # 512 × 512
    window, (rows, cols) = _mirrored_window(photo, top=40, left=100)
    target, reference = _shrunk(photo), _shrunk(window)
    features, chroma, gray = _described(imagenet_encoder, target)
    matched, confidence = match_reference(target_features=features, target_gray=gray,
                                          **_reference_parts(imagenet_encoder, reference))
    # The target's pixels that the mirrored window shows.
    y, x = np.mgrid[:224, :224] * (512 / 224)
    shown = (y >= 40) & (y < 40 + rows) & (x >= 512 - 100 - cols) & (x < 512 - 100)
    error = np.abs(matched - chroma)[shown].mean()
    assert error < 0.025 and error < np.abs(0.5 - chroma)[shown].mean() / 2.5
    assert confidence[shown].mean() > 0.5 > confidence[~shown].mean()


def _reference_parts(encoder, rgb):
    features, chroma, gray = _described(encoder, rgb)
    return {"reference_features": features, "reference_chroma": chroma, "reference_gray": gray}


@pytest.mark.slow
def test_an_unrelated_reference_gives_low_confidence(imagenet_encoder):
    target = _shrunk(data.astronaut())
    features, chroma, gray = _described(imagenet_encoder, target)
    # With the grays, as the similarity ranges were measured (the luminance term on).
    _, unrelated = match_reference(target_features=features, target_gray=gray,
                                   **_reference_parts(imagenet_encoder, _shrunk(data.coffee())))
    _, itself = match_reference(target_features=features, target_gray=gray,
                                **_reference_parts(imagenet_encoder, target))
    assert unrelated.mean() < 0.15 and (unrelated > 0.5).mean() < 0.1
    assert itself.mean() > 0.99


# -- checks ---------------------------------------------------------------------

def test_a_reference_that_is_not_rgb_is_refused_by_name():
    rgb, gray = np.zeros((8, 8, 3), np.uint8), np.zeros((8, 8), np.uint8)
    assert len(check_references(rgb, 3)) == 3
    with pytest.raises(ValueError, match=r"reference must be an RGB color image .*\(8, 8, 1\)"):
        check_references(gray[..., np.newaxis], 1)
    with pytest.raises(ValueError, match=r"reference must be an RGB image .*shape \(8, 8\)"):
        check_references(gray, 1)
    with pytest.raises(ValueError, match=r"reference\[1\] must be an RGB color image"):
        check_references([rgb, gray], 2)
    with pytest.raises(ValueError, match=r"reference\[0\]\[1\] must be an RGB color image"):
        check_references([[rgb, np.zeros((8, 8, 4), np.uint8)]], 1)
    with pytest.raises(ValueError, match=r"reference has 2 entries; expected one per gray"):
        check_references([rgb, None], 3)
    with pytest.raises(ValueError, match="reference"):
        check_references(np.full((8, 8, 3), 2.0), 1)  # float values outside [0, 1]
    assert check_references([None, [rgb, rgb]], 2)[0] == []


def test_match_reference_refuses_mismatched_inputs():
    features = np.ones((2, 2, 4), np.float32) / 2
    chroma = np.full((2, 2, 2), 0.5, np.float32)
    with pytest.raises(ValueError, match="reference_features\\[0\\] has 3 channels"):
        match_reference(features, features[..., :3], chroma)
    with pytest.raises(ValueError, match="target_gray and reference_gray go together"):
        match_reference(features, features, chroma, target_gray=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="temperature"):
        match_reference(features, features, chroma, temperature=0.0)
    with pytest.raises(TypeError, match="temperature"):
        match_reference(features, features, chroma, temperature="warm")


# -- through a fitted colorizer ---------------------------------------------------

@pytest.fixture(scope="module")
def lite0(cifar_train):
    """A small hint-aware ``lite0_unet`` (one epoch on 32 CIFAR images), working at 128 px."""
    from skcolor import AutoencoderColorizer

    return AutoencoderColorizer(
        architecture="lite0_unet", loss="rebalanced_crossentropy", hints=True, dropout=0.0,
        epochs=1, batch_size=8, validation_fraction=0.0, lr_patience=None, random_state=0,
        working_size=128).fit(cifar_train[:32])


def _psnr(truth, colored):
    return 10 * np.log10(255.0**2 / np.mean((colored.astype(np.float64) - truth) ** 2))


@pytest.mark.slow
def test_colorizing_with_a_reference_end_to_end(lite0):
    photo = _shrunk(data.astronaut(), 384)
    gray = rgb_to_gray(photo[np.newaxis])
    plain = lite0.predict(gray)

    # No reference: the colorizer's own colors, exactly, whichever way it would be used.
    for use in ("blend", "both"):
        np.testing.assert_array_equal(colorize_with_reference(lite0, gray, [None], use=use), plain)

    # The photo itself as its reference: hints nearly everywhere, of nearly its chroma.
    hints = reference_hints(lite0, gray, photo)[0]
    assert hints.shape == (*photo.shape[:2], 4) and hints.dtype == np.float32
    hinted = hints[..., 3] > 0
    assert hinted.mean() > 0.9
    chroma = YCBCR.encode(as_float32(photo[np.newaxis]))[0]
    error = np.abs(YCBCR.encode(hints[np.newaxis, ..., :3])[0] - chroma)[hinted].mean()
    assert error < 0.02
    assert lite0.predict(gray, hints=[hints]).shape == plain.shape

    # A mirrored window of it: the colors come back; an unrelated photo changes little.
    window, _ = _mirrored_window(photo, top=30, left=70)
    moved = colorize_with_reference(lite0, gray, window)
    np.testing.assert_array_equal(lite0.predict(gray, reference=window), moved)  # the public way
    unrelated = colorize_with_reference(lite0, list(gray), [_shrunk(data.coffee(), 384)])
    assert isinstance(unrelated, list) and unrelated[0].shape == photo.shape
    assert _psnr(photo, moved[0]) > _psnr(photo, plain[0]) + 1.0
    assert _psnr(photo, unrelated[0]) > _psnr(photo, plain[0]) - 0.3
    chroma_small, confidence = transfer_reference(lite0, gray, _shrunk(data.coffee(), 384))[0]
    assert chroma_small.shape[:2] == confidence.shape == (128, 128)
    assert confidence.mean() < 0.15

    # The user's own hints go with the reference's, and win where they are.
    red = from_points(photo.shape[:2], [(100, 100, "#dd1111")], radius=3)
    with_hint = colorize_with_reference(lite0, gray, window, hints=[red])
    assert with_hint.shape == moved.shape and not np.array_equal(with_hint, moved)

    with pytest.raises(ValueError, match=r"reference must be an RGB color image"):
        colorize_with_reference(lite0, gray, gray[0])
    with pytest.raises(ValueError, match=r"reference\[1\]"):
        colorize_with_reference(lite0, np.concatenate([gray, gray]), [photo, gray[0]])


@pytest.mark.slow
def test_a_colorizer_without_an_imagenet_encoder_is_refused(fitted_colorizer):
    gray = np.zeros((1, 32, 32, 1), np.uint8)
    with pytest.raises(ValueError, match="architecture='seed' has none .*lite0_unet"):
        colorize_with_reference(fitted_colorizer, gray, np.zeros((32, 32, 3), np.uint8))
    with pytest.raises(ValueError, match="architecture='seed' has none .*lite0_unet"):
        fitted_colorizer.predict(gray, reference=np.zeros((32, 32, 3), np.uint8))
