"""Bad-input sweep: every public entry point, fed generated good and bad inputs.

Each bad input is a valid one with exactly one defect (empty, too few or too many
dimensions, wrong channel count, NaN/inf, values out of range, a dtype that is not
an image's, not an array at all, images of different shapes, mismatched X and y,
bad hyperparameters). The only exceptions allowed out are ``ValueError`` and
``TypeError``, and the message must name the argument and the defect; valid inputs,
however odd (1×1 images, 1-pixel sides, float16, uint16), must work.

Training is never part of a generated case: ``fit`` is swept on a subclass that
stops where training would start, which also proves that bad input is refused
before any training begins. One tiny colorizer, fitted once, serves the
``predict``/``score``/``transform`` sweeps.

Run with ``--hypothesis-show-statistics`` to see how many cases each test tried
(docs/reliability.md records the counts).
"""

import numbers
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skcolor import AutoencoderColorizer, GrayscaleToRGB, RGBToGrayscale, color, metrics
from skcolor.datasets import load_cifar10, load_image_folder
from skcolor.io import read_image, write_image

# Deterministic, so that CI never fails on a case it did not try before; no example
# database written into the working tree.
SWEEP = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(SWEEP, max_examples=15)  # for the cases that run the network

GRAY, RGB, ANY = (1,), (3,), (1, 3)
WRITABLE = (1, 3, 4)  # write_image also writes RGBA (hint images)
VALID_DTYPES = (np.uint8, np.uint16, np.int32, np.int64, np.float16, np.float32, np.float64)


# --------------------------------------------------------------- strategies


@st.composite
def valid_images(draw, channels=ANY, *, batch_axis=True, min_side=1, max_side=5):
    """A valid batch ``(n, H, W[, C])``, or one image ``(H, W[, C])``."""
    shape = (draw(st.integers(1, 3)),) if batch_axis else ()
    shape += (draw(st.integers(min_side, max_side)), draw(st.integers(min_side, max_side)))
    n_channels = draw(st.sampled_from(channels))
    if n_channels != 1 or draw(st.booleans()):  # gray may leave out its channel axis
        shape += (n_channels,)
    dtype = np.dtype(draw(st.sampled_from(VALID_DTYPES)))
    if dtype.kind == "f":
        elements = st.floats(0, 1, width=8 * dtype.itemsize)
    else:
        elements = st.integers(0, 255)
    return draw(arrays(dtype, shape, elements=elements))


def _with_one_pixel(draw, image, dtype, value):
    image = image.astype(dtype)
    index = tuple(draw(st.integers(0, side - 1)) for side in image.shape)
    image[index] = value
    return image


DEFECTS = ("empty", "too few dimensions", "too many dimensions", "channels", "NaN or inf",
           "float out of range", "int out of range", "dtype", "not an array", "ragged")


@st.composite
def broken_images(draw, channels=ANY, *, batch_axis=True, defects=DEFECTS):
    """``(input, exception type, words its message must contain)``: one defect each."""
    good = draw(valid_images(channels, batch_axis=batch_axis, min_side=2))
    if good.ndim == (3 if batch_axis else 2):
        good = good[..., np.newaxis]
    defect = draw(st.sampled_from(defects))
    if defect == "empty":
        shape = list(good.shape)
        shape[draw(st.integers(0, len(shape) - 2))] = 0
        return np.zeros(shape, np.uint8), ValueError, ["empty"]
    if defect == "too few dimensions":
        keep = draw(st.integers(0, good.ndim - 2 - (1 in channels)))
        trailing_zeros = (0,) * (good.ndim - keep)
        return np.asarray(good[(..., *trailing_zeros)]), ValueError, ["dimension"]
    if defect == "too many dimensions":
        return good[(np.newaxis,) * draw(st.integers(1, 2))], ValueError, ["dimension"]
    if defect == "channels":
        wrong = draw(st.sampled_from([c for c in (1, 2, 3, 4, 5) if c not in channels]))
        return np.zeros((*good.shape[:-1], wrong), np.uint8), ValueError, ["channel"]
    if defect == "NaN or inf":
        value = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
        return _with_one_pixel(draw, good, np.float32, value), ValueError, ["NaN or infinite"]
    if defect == "float out of range":
        value = draw(st.floats(1.001, 1e30) | st.floats(-1e30, -0.001))
        dtype = draw(st.sampled_from([np.float32, np.float64]))
        return _with_one_pixel(draw, good / 255.0 if good.dtype.kind != "f" else good, dtype,
                               value), ValueError, ["[0, 1]"]
    if defect == "int out of range":
        value = draw(st.integers(256, 2**31 - 1) | st.integers(-(2**31), -1))
        return _with_one_pixel(draw, good, np.int64, value), ValueError, ["[0, 255]"]
    if defect == "dtype":
        dtype = draw(st.sampled_from([object, np.complex128, bool, "U3", "datetime64[s]"]))
        if np.dtype(dtype).kind == "M":
            return np.zeros(good.shape, dtype), TypeError, ["dtype"]
        return good.astype(dtype), TypeError, ["dtype"]
    if defect == "not an array":
        value = draw(st.sampled_from([None, "images.png", b"\x89PNG", 3.5, 7, np.float32(1)]))
        return value, TypeError, [type(value).__name__]
    # Ragged: images (or rows of one image) of different sizes cannot make one array.
    first = good[0]
    return [first, first[:-1]], ValueError, ["different shapes"]


def _like(images, channels=None):
    """A valid batch with the number and size of ``images`` where it has them.

    ``channels=None`` keeps the channel count of ``images`` if it is a valid one.
    """
    shape = images.shape if isinstance(images, np.ndarray) else ()
    if channels is None:
        own = 1 if len(shape) == 3 else shape[3] if len(shape) == 4 else None
        channels = own if own in (1, 3) else 3
    if len(shape) in (3, 4) and 0 not in shape[:3]:
        return np.zeros((*shape[:3], channels), np.uint8)
    return np.zeros((2, 3, 3, channels), np.uint8)


def _check_refusal(raised, error, words, name):
    """The refusal is the right kind and says what was wrong with which argument."""
    assert isinstance(raised.value, error), repr(raised.value)
    message = str(raised.value)
    assert message.startswith(name), message
    for word in words:
        assert word in message, message


# ----------------------------------------------------------------- fixtures


class _TrainingWouldStart(Exception):
    """Raised where fit would start training: validation let the input through."""


class ValidateOnly(AutoencoderColorizer):
    """Runs fit's validation, then stops before anything is built or trained."""

    def _build_model(self, input_shape):
        raise _TrainingWouldStart


# One full-resolution level, no validation split: every image size and count is
# trainable, so only the defect under test can make fit refuse.
ANY_SIZE = dict(architecture="unet_full", filters=(8,), validation_fraction=0.0)


@pytest.fixture(scope="module")
def tiny_colorizer(cifar_train):
    """The cheapest real colorizer: 16 CIFAR-10 images, one epoch, small filters."""
    return AutoencoderColorizer(
        epochs=1, filters=(8, 16), working_size=32, validation_fraction=0.0, random_state=0
    ).fit(cifar_train[:16])


# ------------------------------------------------------- array entry points


def _predict(colorizer, X):
    return colorizer.predict(X)


METHODS = {
    # name: (call(colorizer, X), channels X takes, name in messages, output channels)
    "predict": (_predict, GRAY, "X", 3),
    "GrayscaleToRGB.transform": (lambda c, X: GrayscaleToRGB(c).transform(X), GRAY, "X", 3),
    "GrayscaleToRGB.fit": (lambda c, X: GrayscaleToRGB(c).fit(X), GRAY, "X", None),
    "score": (lambda c, X: c.score(X, _like(X, 3)), GRAY, "X", None),
}
FUNCTIONS = {
    "RGBToGrayscale.transform": (lambda X: RGBToGrayscale().transform(X), RGB, "X", 1),
    "RGBToGrayscale.fit": (lambda X: RGBToGrayscale().fit(X), RGB, "X", None),
    "psnr": (lambda X: metrics.psnr(X, X), ANY, "y_true", None),
    "dataset_psnr": (lambda X: metrics.dataset_psnr(X, X), ANY, "y_true", None),
    "mean_squared_error": (lambda X: metrics.mean_squared_error(X, X), ANY, "y_true", None),
    "psnr (y_pred)": (lambda X: metrics.psnr(_like(X), X), ANY, "y_pred", None),
    "colorfulness": (metrics.colorfulness, RGB, "images", None),
    "luminance_psnr": (lambda X: metrics.luminance_psnr(_like(X, 1), X), RGB, "rgb", None),
    "colorization_scores": (lambda X: metrics.colorization_scores(_like(X, 1), X, X),
                            RGB, "y_true", None),
    "fit(X) (RGB targets)": (lambda X: ValidateOnly(**ANY_SIZE).fit(X), RGB, "X", "trains"),
    "fit(X, y) (X)": (lambda X: ValidateOnly(**ANY_SIZE).fit(X, _like(X, 3)), GRAY, "X",
                      "trains"),
    "fit(X, y) (y)": (lambda y: ValidateOnly(**ANY_SIZE).fit(_like(y, 1), y), RGB, "y",
                      "trains"),
}


def _check_output(result, X, out_channels):
    if out_channels == "trains":
        raise AssertionError("fit returned without reaching training")
    if out_channels is None:
        return
    batch = X if X.ndim == 4 else X[..., np.newaxis]
    assert result.shape == (*batch.shape[:3], out_channels)
    assert (result.dtype == np.uint8) == (X.dtype.kind in "ui")


def _sweep_valid(call, X, out_channels):
    if out_channels == "trains":
        with pytest.raises(_TrainingWouldStart):
            call(X)
        return
    _check_output(call(X), X, out_channels)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(data=st.data())
@SWEEP
def test_functions_take_valid_images(name, data):
    call, channels, _, out_channels = FUNCTIONS[name]
    # SSIM needs 3×3 windows: colorization_scores refuses smaller images (tested below).
    min_side = 3 if name == "colorization_scores" else 1
    _sweep_valid(call, data.draw(valid_images(channels, min_side=min_side)), out_channels)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(data=st.data())
@SWEEP
def test_functions_refuse_broken_images(name, data):
    call, channels, argument, _ = FUNCTIONS[name]
    X, error, words = data.draw(broken_images(channels))
    with pytest.raises((ValueError, TypeError)) as raised:
        call(X)
    _check_refusal(raised, error, words, argument)


@pytest.mark.parametrize("name", sorted(METHODS))
@given(data=st.data())
@FEW
def test_colorizer_methods_take_valid_images(tiny_colorizer, name, data):
    call, channels, _, out_channels = METHODS[name]
    X = data.draw(valid_images(channels, max_side=40))
    _check_output(call(tiny_colorizer, X), X, out_channels)


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 1, 50), (2, 37, 1)])
def test_colorizer_takes_single_pixels_and_one_pixel_sides(tiny_colorizer, shape):
    gray = np.full(shape, 128, np.uint8)
    for call, _, _, out_channels in METHODS.values():
        _check_output(call(tiny_colorizer, gray), gray, out_channels)


@pytest.mark.parametrize("name", sorted(METHODS))
@given(data=st.data())
@SWEEP
def test_colorizer_methods_refuse_broken_images(tiny_colorizer, name, data):
    call, channels, argument, _ = METHODS[name]
    # A list of differently sized images is valid here (see the list tests below).
    not_ragged = tuple(d for d in DEFECTS if d != "ragged")
    X, error, words = data.draw(broken_images(channels, defects=not_ragged))
    with pytest.raises((ValueError, TypeError)) as raised:
        call(tiny_colorizer, X)
    _check_refusal(raised, error, words, argument)


@given(images=st.lists(valid_images(GRAY, batch_axis=False, max_side=40), min_size=1,
                       max_size=3))
@FEW
def test_predict_takes_lists_of_images_of_any_size(tiny_colorizer, images):
    colored = tiny_colorizer.predict(images)
    assert [c.shape for c in colored] == [(*image.shape[:2], 3) for image in images]


@given(data=st.data())
@SWEEP
def test_predict_names_the_broken_image_of_a_list(tiny_colorizer, data):
    good = data.draw(st.lists(valid_images(GRAY, batch_axis=False), min_size=1, max_size=3))
    bad, error, words = data.draw(broken_images(GRAY, batch_axis=False))
    position = data.draw(st.integers(0, len(good)))
    with pytest.raises((ValueError, TypeError)) as raised:
        tiny_colorizer.predict(good[:position] + [bad] + good[position:])
    _check_refusal(raised, error, words, f"X[{position}]")


@given(image=valid_images(WRITABLE, batch_axis=False))
@SWEEP
def test_write_image_takes_any_valid_image(tmp_path_factory, image):
    path = tmp_path_factory.mktemp("write") / "image.png"
    write_image(path, image)
    assert read_image(path).shape == (*image.shape[:2], 3)


@given(broken=broken_images(WRITABLE, batch_axis=False))
@SWEEP
def test_write_image_refuses_broken_images(tmp_path_factory, broken):
    folder = tmp_path_factory.mktemp("write")
    image, error, words = broken
    with pytest.raises((ValueError, TypeError)) as raised:
        write_image(folder / "image.png", image)
    _check_refusal(raised, error, words, "image")
    assert not any(folder.iterdir())  # nothing written, not even a temporary file


# The conversions in skcolor.color check shape and dtype but not values (they also
# run on every strip of a large photo): out-of-range values are converted as given.
CONVERSIONS = {
    "rgb_to_gray": (color.rgb_to_gray, 3, "rgb"),
    "gray_to_rgb": (color.gray_to_rgb, 1, "gray"),
    "rgb_to_ycbcr": (color.rgb_to_ycbcr, 3, "rgb"),
    "rgb_to_lab": (color.rgb_to_lab, 3, "rgb"),
    "lab_to_rgb": (color.lab_to_rgb, 3, "lab"),
    "ycbcr_to_rgb": (lambda luma: color.ycbcr_to_rgb(luma, _chroma_like(luma)), 1, "luma"),
}


def _chroma_like(luma):
    shape = luma.shape[:-1] if isinstance(luma, np.ndarray) and luma.ndim else (1, 1, 1)
    return np.full((*shape, 2), 0.5, np.float32)



@pytest.mark.parametrize("name", sorted(CONVERSIONS))
@given(data=st.data())
@SWEEP
def test_color_conversions_take_images_and_refuse_the_rest(name, data):
    convert, channels, argument = CONVERSIONS[name]
    X, error, words = data.draw(broken_images((channels,)))
    leading_axes = words == ["dimension"] and X.ndim > 4  # (..., H, W, C) is allowed
    if leading_axes or words in (["NaN or infinite"], ["[0, 1]"], ["[0, 255]"]):
        with np.errstate(invalid="ignore", over="ignore"):  # values are not checked here
            assert convert(X).shape[:-1] == X.shape[:-1]
        return
    if words in (["empty"], ["dimension"], ["channel"]):
        words = ["shape", "expected"]
    with pytest.raises((ValueError, TypeError)) as raised:
        convert(X)
    _check_refusal(raised, error, words, argument)


# ------------------------------------------------------------- X/y mismatches


@st.composite
def mismatched_pairs(draw):
    """Valid gray X and RGB y that differ in image count, size or y's channels."""
    n, height, width = (draw(st.integers(1, 4)) for _ in range(3))
    what = draw(st.sampled_from(["count", "height", "width", "channels"]))
    other = {"count": n, "height": height, "width": width}
    if what in other:
        other[what] += draw(st.integers(1, 3))
    y_channels = draw(st.sampled_from([1, 2, 4])) if what == "channels" else 3
    X = np.zeros((n, height, width, 1), np.uint8)
    y = np.zeros((other["count"], other["height"], other["width"], y_channels), np.uint8)
    return X, y, what


@given(pair=mismatched_pairs())
@SWEEP
def test_fit_score_and_metrics_refuse_mismatched_x_and_y(tiny_colorizer, pair):
    X, y, what = pair
    # fit names the mismatch; score and the metrics compare predictions with y.
    words = {"count": "different numbers of images", "height": "same height and width",
             "width": "same height and width", "channels": "channel"}[what]
    with pytest.raises(ValueError, match=words):
        ValidateOnly(**ANY_SIZE).fit(X, y)
    with pytest.raises(ValueError, match="channel" if what == "channels" else "same shape"):
        tiny_colorizer.score(X, y)
    # y with 1 channel is a valid gray batch for psnr, just not X's shape.
    with pytest.raises(ValueError, match="channel|same shape"):
        metrics.psnr(np.repeat(X, 3, axis=-1), y)
    with pytest.raises(ValueError, match="channel|same size"):
        metrics.luminance_psnr(X, y)


def test_colorization_scores_refuse_images_too_small_for_ssim_and_bad_counts():
    rgb = np.zeros((2, 2, 2, 3), np.uint8)
    with pytest.raises(ValueError, match="at least 3×3"):
        metrics.colorization_scores(rgb[..., :1], rgb, rgb)
    rgb = np.zeros((2, 3, 3, 3), np.uint8)
    for bad, error in [(0, ValueError), (-1, ValueError), ("all", TypeError), (1.5, TypeError)]:
        with pytest.raises(error, match="'ssim_images' parameter of colorization_scores"):
            metrics.colorization_scores(rgb[..., :1], rgb, rgb, ssim_images=bad)


# ------------------------------------------------------------ hyperparameters

rates = st.floats(max_value=0.0) | st.sampled_from([np.nan, np.inf])
not_numbers = st.sampled_from(["fast", None, [1], (1,), True, b"1"])
BAD_PARAMETERS = {
    # name: strategy of values every one of which must be refused
    "learning_rate": rates | not_numbers,
    "min_lr": st.floats(max_value=-1e-12) | st.sampled_from([np.nan, np.inf]) | not_numbers,
    "l1": st.floats(max_value=-1e-12) | st.sampled_from([np.nan, np.inf]),
    "l2": st.floats(max_value=-1e-12) | st.sampled_from([np.nan, np.inf]),
    "dropout": st.floats(min_value=1.0) | st.floats(max_value=-1e-12) | not_numbers,
    "validation_fraction": st.floats(min_value=1.0) | st.floats(max_value=-1e-12),
    "lr_factor": st.floats(min_value=1.0) | st.floats(max_value=0.0),
    "temperature": st.floats(min_value=1.0, exclude_min=True) | st.floats(max_value=0.0),
    "rebalance": st.floats(min_value=1.0, exclude_min=True) | st.floats(max_value=0.0),
    "epochs": st.integers(max_value=0) | st.floats() | not_numbers,
    "batch_size": st.integers(max_value=0) | st.floats() | not_numbers,
    "latent_dim": st.integers(max_value=0) | st.floats(),
    "lr_patience": st.integers(max_value=-1) | st.floats(),
    "early_stopping": st.integers(max_value=-1) | st.floats(),
    "working_size": st.integers(max_value=7) | st.floats(),
    "verbose": st.integers(min_value=3) | st.integers(max_value=-1) | st.floats(),
    "random_state": st.integers(max_value=-1) | st.integers(min_value=2**32) | st.text(),
    "filters": (st.lists(st.integers(max_value=0), min_size=1).map(tuple)
                | st.just(()) | st.integers() | st.text()),
    "architecture": st.text(),
    "color_space": st.text(),
    "optimizer": st.text() | st.integers(),
    "loss": st.text() | st.none(),
    "warm_start": st.integers() | st.text() | st.none(),
    "checkpoint_path": (st.text().filter(lambda text: Path(text).suffix != ".keras")
                        | st.integers() | st.just(b"model.keras")),
}


@st.composite
def bad_hyperparameters(draw):
    name = draw(st.sampled_from(sorted(BAD_PARAMETERS)))
    value = draw(BAD_PARAMETERS[name])
    # The text strategies may draw a valid option by chance; those are not bad.
    options = {"architecture": ("unet", "seed"), "color_space": ("ycbcr", "lab", "rgb"),
               "optimizer": ("adam", "rmsprop", "sgd", "adamw", "nadam"),
               "loss": ("mse", "mae", "huber", "binary_crossentropy", "rebalanced_crossentropy")}
    if value in options.get(name, ()):
        value = value + "?"
    return name, value


@given(parameter=bad_hyperparameters())
@settings(SWEEP, max_examples=150)
def test_fit_refuses_bad_hyperparameters_before_training(parameter):
    name, value = parameter
    model = ValidateOnly(**{**ANY_SIZE, name: value})  # __init__ stores, never checks
    with pytest.raises((ValueError, TypeError)) as raised:
        model.fit(np.zeros((2, 8, 8, 3), np.uint8))
    assert f"'{name}' parameter of ValidateOnly must be" in str(raised.value)


@given(name=st.text(min_size=1).filter(
    lambda s: "__" not in s and s not in AutoencoderColorizer().get_params()))
@settings(SWEEP, max_examples=20)
def test_set_params_refuses_unknown_names(name):
    for estimator in (AutoencoderColorizer(), GrayscaleToRGB(), RGBToGrayscale()):
        with pytest.raises(ValueError, match="Invalid parameter") as raised:
            estimator.set_params(**{name: 1})
        assert repr(name) in str(raised.value) or name in str(raised.value)


def test_numpy_values_of_valid_hyperparameters_are_accepted():
    # As produced by a grid over NumPy arrays: np.str_, np.float32, np.int64.
    params = dict(optimizer=np.str_("rmsprop"), dropout=np.float32(0.1), epochs=np.int64(2),
                  learning_rate=np.float64(1e-3), batch_size=np.int32(4))
    with pytest.raises(_TrainingWouldStart):
        ValidateOnly(**ANY_SIZE, **params).fit(np.zeros((2, 8, 8, 3), np.uint8))


@pytest.mark.parametrize("colorizer", ["model", 3, [1], AutoencoderColorizer()])
def test_grayscale_to_rgb_refuses_what_is_not_a_fitted_colorizer(colorizer):
    with pytest.raises((TypeError, ValueError), match="colorizer"):
        GrayscaleToRGB(colorizer).fit(np.zeros((1, 4, 4, 1), np.uint8))


# ------------------------------------------------------------ loaders' arguments


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("folder")
    for name in ("a", "b"):
        (root / name).mkdir()
        write_image(root / name / "0.png", np.zeros((4, 6, 3), np.uint8))
    return root


sizes = st.one_of(
    st.none(), st.tuples(st.integers(-2, 9), st.integers(-2, 9)),
    st.tuples(st.floats(0, 9), st.integers(1, 9)), st.tuples(st.booleans(), st.integers(1, 9)),
    st.lists(st.integers(1, 9), max_size=3), st.integers(), st.text(max_size=3),
)


@given(size=sizes, max_per_class=st.none() | st.integers(-2, 3) | st.floats() | st.booleans())
@SWEEP
def test_load_image_folder_arguments(image_folder, size, max_per_class):
    def positive(value):
        return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0

    valid_size = size is None or (isinstance(size, (tuple, list)) and len(size) == 2
                                  and all(positive(v) for v in size))
    valid_count = max_per_class is None or positive(max_per_class)
    if valid_size and valid_count:
        data = load_image_folder(image_folder, size=size, max_per_class=max_per_class)
        assert data.images.shape == (2, *(size or (4, 6)), 3)
        return
    with pytest.raises((ValueError, TypeError)) as raised:
        load_image_folder(image_folder, size=size, max_per_class=max_per_class)
    assert ("'size'" if not valid_size else "'max_per_class'") in str(raised.value)


paths = st.one_of(st.integers(), st.floats(), st.lists(st.integers(), max_size=2),
                  st.text(alphabet=st.characters(exclude_characters="\x00/"), max_size=8))


@given(path=paths, mode=st.sampled_from(["rgb", "gray", "rgba"]) | st.text(max_size=4)
       | st.none() | st.integers())
@SWEEP
def test_read_image_and_load_cifar10_arguments(tmp_path_factory, path, mode):
    folder = tmp_path_factory.getbasetemp() / "empty-for-paths"
    folder.mkdir(exist_ok=True)
    where = folder / path if isinstance(path, str) else path
    # A missing file is an OSError (FileNotFoundError); everything else a clear refusal.
    with pytest.raises((ValueError, TypeError, OSError)) as raised:
        read_image(where, mode=mode)
    # The arguments are checked in this order: mode (the parameter table), then path.
    if mode not in ("rgb", "gray", "rgba"):
        assert "'mode' parameter of read_image() must be one of" in str(raised.value)
        assert isinstance(raised.value, ValueError if isinstance(mode, str) else TypeError)
    elif not isinstance(where, type(folder)):
        assert "path must be a str or path-like" in str(raised.value)
    else:  # missing, a folder, or not an image: the error names the path
        named = os.fspath(getattr(raised.value, "filename", None) or "")
        assert str(where) in (named, *str(raised.value).split("'"))
    with pytest.raises((ValueError, TypeError)) as raised:
        load_cifar10(where)
    assert "CIFAR-10" in str(raised.value) or "expected str, bytes or os.PathLike" in str(
        raised.value)
