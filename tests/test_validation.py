"""Bad input gets a ValueError or TypeError that names the problem, never a Keras trace."""

import numpy as np
import pytest

import skcolor
from skcolor import AutoencoderColorizer, GrayscaleToRGB, RGBToGrayscale
from skcolor import metrics

TINY = dict(filters=(8, 16), latent_dim=16, epochs=1, random_state=0)


@pytest.fixture(scope="module")
def rgb(cifar_train):
    return cifar_train[:16]


@pytest.fixture(scope="module")
def gray(rgb):
    return RGBToGrayscale().transform(rgb)


@pytest.fixture(scope="module")
def tiny_fitted(rgb):
    return AutoencoderColorizer(**TINY).fit(rgb)


def _with_nan(x):
    x = x / np.float32(255)
    x[0, 0, 0, 0] = np.nan
    return x


def _with_inf(x):
    x = x / np.float32(255)
    x[0, 0, 0, 0] = np.inf
    return x


BAD_GRAY = {
    "2-D array": (lambda g: g[0, ..., 0], ValueError, "dimension"),
    "5-D array": (lambda g: g[np.newaxis], ValueError, "dimension"),
    "2 channels": (lambda g: np.concatenate([g, g], axis=-1), ValueError, "channel"),
    "3 channels": (lambda g: np.concatenate([g, g, g], axis=-1), ValueError, "channel"),
    "empty": (lambda g: g[:0], ValueError, "empty"),
    "zero width": (lambda g: g[:, :, :0], ValueError, "empty"),
    "NaN": (_with_nan, ValueError, "NaN"),
    "inf": (_with_inf, ValueError, "infinite"),
    "float above 1": (lambda g: g.astype(np.float32), ValueError, r"\[0, 1\]"),
    "negative float": (lambda g: g / 255.0 - 0.5, ValueError, r"\[0, 1\]"),
    "int above 255": (lambda g: g.astype(np.int32) * 4, ValueError, "8-bit"),
    "object dtype": (lambda g: g.astype(object), TypeError, "dtype"),
    "complex dtype": (lambda g: g.astype(complex), TypeError, "dtype"),
    "bool dtype": (lambda g: g > 128, TypeError, "dtype"),
    "string": (lambda g: "images.png", TypeError, "str"),
    "None": (lambda g: None, TypeError, "NoneType"),
}


def test_fit_refuses_a_ragged_nested_list(rgb, gray):
    with pytest.raises(ValueError, match="different shapes"):
        AutoencoderColorizer(**TINY).fit([gray[0], gray[1, :16]], rgb[:2])


@pytest.mark.parametrize("case", sorted(BAD_GRAY))
def test_predict_refuses_bad_gray_input(tiny_fitted, gray, case):
    make, error, message = BAD_GRAY[case]
    with pytest.raises(error, match=message):
        tiny_fitted.predict(make(gray))


@pytest.mark.parametrize("case", sorted(BAD_GRAY))
def test_fit_refuses_bad_gray_input(rgb, gray, case):
    make, error, message = BAD_GRAY[case]
    with pytest.raises(error, match=message):
        AutoencoderColorizer(**TINY).fit(make(gray), rgb)


@pytest.mark.parametrize("case", sorted(BAD_GRAY))
def test_grayscale_to_rgb_refuses_bad_gray_input(tiny_fitted, gray, case):
    make, error, message = BAD_GRAY[case]
    with pytest.raises(error, match=message):
        GrayscaleToRGB(tiny_fitted).transform(make(gray))


def test_fit_refuses_mismatched_x_and_y(rgb, gray):
    with pytest.raises(ValueError, match="different numbers of images: 15 and 16"):
        AutoencoderColorizer(**TINY).fit(gray[:-1], rgb)
    with pytest.raises(ValueError, match="same height and width"):
        AutoencoderColorizer(**TINY).fit(gray[:, :16, :16], rgb)
    with pytest.raises(ValueError, match="y has 1 channel"):
        AutoencoderColorizer(**TINY).fit(gray, gray)
    with pytest.raises(ValueError, match="expected 3 channel"):
        AutoencoderColorizer(**TINY).fit(gray)  # y=None needs RGB X


@pytest.mark.parametrize("size", [(4, 4), (30, 32), (32, 20)])
def test_fit_refuses_images_the_architecture_cannot_take(rgb, size):
    images = rgb[:, : size[0], : size[1]]
    with pytest.raises(ValueError, match="multiples of 8"):
        AutoencoderColorizer(architecture="seed", color_space="rgb", epochs=1).fit(images)


def test_fit_needs_two_images_for_validation(rgb):
    with pytest.raises(ValueError, match="at least 2 images"):
        AutoencoderColorizer(**TINY).fit(rgb[:1])
    AutoencoderColorizer(**TINY, validation_fraction=0).fit(rgb[:1])


BAD_PARAMS = [
    ("architecture", "resnet", ValueError),
    ("color_space", "hsv", ValueError),
    ("optimizer", "adagrad", ValueError),
    ("optimizer", None, TypeError),
    ("loss", "cosine", ValueError),
    ("learning_rate", 0.0, ValueError),
    ("learning_rate", -1e-3, ValueError),
    ("learning_rate", "fast", TypeError),
    ("dropout", 1.0, ValueError),
    ("dropout", -0.1, ValueError),
    ("epochs", 0, ValueError),
    ("epochs", 2.5, TypeError),
    ("batch_size", 0, ValueError),
    ("batch_size", True, TypeError),
    ("latent_dim", 0, ValueError),
    ("neutral_threshold", 0.0, ValueError),
    ("neutral_threshold", 1.5, ValueError),
    ("neutral_threshold", "high", TypeError),
    ("encoder_trainable_stages", 10, ValueError),
    ("encoder_trainable_stages", 1.5, TypeError),
    ("filters", (), ValueError),
    ("filters", (8, 0), ValueError),
    ("filters", 8, TypeError),
    ("l1", -1.0, ValueError),
    ("l2", float("nan"), ValueError),
    ("validation_fraction", 1.0, ValueError),
    ("lr_patience", -1, ValueError),
    ("lr_factor", 1.0, ValueError),
    ("min_lr", -1.0, ValueError),
    ("early_stopping", -2, TypeError),  # a bool: its patience is n_iter_no_change
    ("n_iter_no_change", 0, ValueError),
    ("random_state", -1, ValueError),
    ("random_state", "seed", TypeError),
    ("verbose", 3, ValueError),
    ("working_size", 4, ValueError),
    ("working_size", 64.0, TypeError),
    ("temperature", 0.0, ValueError),
    ("rebalance", 0.0, ValueError),
    ("filters", "wide", TypeError),
]


def test_chroma_classes_need_a_luminance_keeping_color_space(rgb):
    model = AutoencoderColorizer(**TINY, color_space="rgb", loss="rebalanced_crossentropy")
    with pytest.raises(ValueError, match="color space that keeps the luminance"):
        model.fit(rgb)


@pytest.mark.parametrize("name, value, error", BAD_PARAMS)
def test_fit_refuses_bad_hyperparameters(rgb, name, value, error):
    model = AutoencoderColorizer(**{**TINY, name: value})  # __init__ never validates
    with pytest.raises(error, match=f"'{name}' parameter of AutoencoderColorizer"):
        model.fit(rgb)


def test_rgb_to_grayscale_refuses_gray_input(gray):
    with pytest.raises(ValueError, match="expected 3 channel"):
        RGBToGrayscale().transform(gray)


def test_score_refuses_bad_targets(tiny_fitted, gray, rgb):
    with pytest.raises(ValueError, match="same shape"):
        tiny_fitted.score(gray, rgb[:, :16])
    with pytest.raises(ValueError, match="sample_weight"):
        tiny_fitted.score(gray, rgb, sample_weight=np.ones(len(rgb)))


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.dataset_psnr, metrics.ssim, metrics.mean_squared_error])
def test_metrics_refuse_bad_input(metric, rgb):
    with pytest.raises(ValueError, match="same shape"):
        metric(rgb, rgb[:-1])
    with pytest.raises(ValueError, match="NaN"):
        metric(rgb, _with_nan(rgb))
    with pytest.raises(TypeError, match="dtype"):
        metric(rgb, rgb.astype(complex))


@pytest.mark.parametrize("call, value, error", [
    ("encode_image", 3, TypeError),
    ("encode_image", ".gif", ValueError),
    ("still_flicker", -5, ValueError),
    ("still_flicker", 0, ValueError),
    ("still_flicker", "x", TypeError),
])
def test_public_functions_name_the_argument_they_refuse(call, value, error):
    from skcolor.io import encode_image
    from skcolor.metrics import still_flicker

    clip = np.full((3, 4, 4, 3), 128, np.uint8)
    calls = {"encode_image": lambda: encode_image(clip[0], format=value),
             "still_flicker": lambda: still_flicker(clip, threshold=value)}
    name = "format" if call == "encode_image" else "threshold"
    with pytest.raises(error, match=f"'{name}' parameter of {call}"):
        calls[call]()
    assert call == "still_flicker" or encode_image(clip[0], format=".PNG")[:4] == b"\x89PNG"


def _colorize_clip(**options):
    from skcolor.video import colorize_clip

    return colorize_clip("in.mp4", "out.mp4", skcolor.load_pretrained, **options)


def _build_lite0_unet(**params):
    from skcolor.architectures import build_lite0_unet

    return build_lite0_unet((64, 64, 1), **params)


def _sample_photo_crops(**params):
    from skcolor.datasets import sample_photo_crops

    return sample_photo_crops("photos", **params)


def _color_distribution_consistency(**params):
    return metrics.color_distribution_consistency(np.zeros((3, 4, 4, 3), np.uint8), **params)


# A public function's option of a wrong type or value: the call, the parameter its
# message must name, and the exception. Each is refused before any work starts.
BAD_OPTIONS = [
    (skcolor.load_pretrained, "name", 3, TypeError),
    (skcolor.load_pretrained, "name", "imagenet", ValueError),
    (_colorize_clip, "crf", "high", TypeError),
    (_colorize_clip, "crf", 52, ValueError),
    (_colorize_clip, "motion", "raft", ValueError),
    (_colorize_clip, "strength", 1.0, ValueError),
    (_colorize_clip, "overwrite", "yes", TypeError),
    (_color_distribution_consistency, "steps", 2, TypeError),
    (_color_distribution_consistency, "steps", (0, 1), ValueError),
    (_sample_photo_crops, "scale", 0.5, TypeError),
    (_sample_photo_crops, "scale", (0.5, 0.2), ValueError),
    (_sample_photo_crops, "scale", (0, 1), ValueError),
    (_build_lite0_unet, "filters", 64, TypeError),
    (_build_lite0_unet, "filters", (8, 16), ValueError),
    (_build_lite0_unet, "encoder_weights", 1, TypeError),
    (_build_lite0_unet, "encoder_weights", "random", ValueError),
]


@pytest.mark.parametrize("call, name, value, error", BAD_OPTIONS,
                         ids=[f"{call.__name__.lstrip('_')}-{name}-{value!r}"
                              for call, name, value, _ in BAD_OPTIONS])
def test_public_functions_refuse_bad_options_by_name(call, name, value, error):
    function = call.__name__.lstrip("_")
    with pytest.raises(error, match=rf"'{name}' parameter of {function}\(\) must be"):
        call(**{name: value})
