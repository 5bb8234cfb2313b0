"""Input checks shared by every public entry point.

Each helper checks one kind of thing and raises ``TypeError`` (wrong kind of object
or dtype) or ``ValueError`` (wrong shape or values) with a message that names the
problem and the expected form. None of them modifies or copies the caller's data
unless it has to.
"""

import numbers

import numpy as np

_DTYPES = "dtype uint8 (0-255) or float in [0, 1]"
_EXPECTED_FORM = (
    "a batch of images as an array of shape (n, H, W) or (n, H, W, 1) for gray, "
    f"(n, H, W, 3) for RGB, {_DTYPES}"
)
_EXPECTED_IMAGE_FORM = (
    f"one image as an array of shape (H, W) or (H, W, 1) for gray, (H, W, 3) for RGB, {_DTYPES}"
)


def check_images(images, *, name="X", channels=(1, 3)):
    """Validate a batch of images and return it as a 4-D ``(n, H, W, C)`` array.

    Parameters
    ----------
    images : array-like
        Images of shape ``(n, H, W)`` (gray) or ``(n, H, W, C)``.
    name : str, default="X"
        Name used in error messages.
    channels : tuple of int, default=(1, 3)
        Accepted channel counts. A 3-D array is read as gray, so it is accepted
        only if 1 is among them.

    Returns
    -------
    images : ndarray of shape (n, H, W, C)
        uint8 for integer input (whose values are checked to be 8-bit), float32
        or float64 for float input. A view of the input where possible, never a
        modified copy.

    Raises
    ------
    TypeError
        If ``images`` is not numeric array-like (strings, objects, complex, bool).
    ValueError
        If its shape, channel count or values are not those of an image batch.
    """
    return _check_image_array(images, name, channels, batch_axis=True)


def check_image(image, *, name="image", channels=(1, 3)):
    """Validate one image and return it as a batch of one, ``(1, H, W, C)``.

    The rules of :func:`check_images`, with messages about one image of shape
    ``(H, W)`` or ``(H, W, C)``.
    """
    return _check_image_array(image, name, channels, batch_axis=False)[np.newaxis]


def check_gray_input(X):
    """The gray images of ``predict``'s ``X``: a batch, or a list of images of any sizes.

    Returns
    -------
    images : list of ndarray of shape (1, H, W, 1)
        Each image as a batch of one.

    Raises
    ------
    ValueError, TypeError
        If ``X`` or one of its images is not gray images, or the list is empty.
    """
    if isinstance(X, list):
        if not X:
            raise ValueError("X is an empty list; expected gray images.")
        return [check_image(image, name=f"X[{i}]", channels=(1,)) for i, image in enumerate(X)]
    return list(check_images(X, name="X", channels=(1,))[:, np.newaxis])


def _check_image_array(images, name, channels, *, batch_axis):
    expected = _EXPECTED_FORM if batch_axis else _EXPECTED_IMAGE_FORM
    array = _as_numeric_array(images, name, expected)
    shape = array.shape  # as given, for the messages
    gray_ndim = 3 if batch_axis else 2
    if array.ndim == gray_ndim and 1 in channels:
        array = array[..., np.newaxis]
    if array.ndim != gray_ndim + 1:
        raise ValueError(
            f"{name} has {len(shape)} dimension(s) (shape {shape}); expected {expected}."
        )
    if 0 in array.shape[:-1]:
        raise ValueError(f"{name} is empty (shape {shape}); expected {expected}.")
    n_channels = array.shape[-1]
    if n_channels not in channels:
        wanted = " or ".join(str(c) for c in channels)
        raise ValueError(
            f"{name} has {n_channels} channel(s) (shape {shape}); expected {wanted} "
            f"channel(s) on the last axis."
        )
    _check_values(array, name)
    return _as_supported_dtype(array)


def _as_supported_dtype(array):
    """8-bit values in a wider int type become uint8, and float16 (or longer) float32:
    OpenCV, and therefore the resizing and color conversions, take neither."""
    if array.dtype.kind in "ui" and array.dtype != np.uint8:
        return array.astype(np.uint8)
    if array.dtype.kind == "f" and array.dtype not in (np.float32, np.float64):
        return array.astype(np.float32)
    return array


def check_channels(images, *, name, channels):
    """Check the layout ``(..., H, W, channels)`` and numeric dtype of ``images``.

    For the color-conversion functions, which are also called on every strip of a
    large photo: this costs no pass over the pixels, so values are not checked.

    Returns
    -------
    images : ndarray
        ``np.asarray(images)``.
    """
    expected = f"an array of images of shape (..., H, W, {channels}), dtype uint8 or float"
    array = _as_numeric_array(images, name, expected)
    if array.ndim < 3 or array.shape[-1] != channels or array.size == 0:
        raise ValueError(f"{name} has shape {array.shape}; expected {expected}.")
    return array


def _as_numeric_array(images, name, expected):
    if images is None or isinstance(images, (str, bytes, numbers.Number)):
        raise TypeError(f"{name} must be {expected}; got {type(images).__name__}.")
    try:
        array = np.asarray(images)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{name} holds images of different shapes; expected {expected}.") from exc
    if array.dtype.kind not in "uif":
        raise TypeError(f"{name} has dtype {array.dtype}; expected {expected}.")
    return array


def _check_values(array, name):
    if array.dtype.kind == "f":
        # min/max propagate NaN, so one pass each finds NaN, inf and out-of-range values.
        low, high = array.min(), array.max()
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(f"{name} contains NaN or infinite values; expected floats in [0, 1].")
        if low < 0 or high > 1:
            raise ValueError(
                f"{name} has float values in [{low:g}, {high:g}]; expected floats in [0, 1] "
                "(divide 8-bit data by 255, or pass it as uint8)."
            )
    elif array.dtype != np.uint8:
        low, high = array.min(), array.max()
        if low < 0 or high > 255:
            raise ValueError(
                f"{name} has integer values in [{low}, {high}]; expected 8-bit values in "
                "[0, 255] (uint8)."
            )


def check_consistent_length(first, second, *, names=("X", "y")):
    """Raise ``ValueError`` unless both batches hold the same number of images."""
    if len(first) != len(second):
        raise ValueError(
            f"{names[0]} and {names[1]} hold different numbers of images: "
            f"{len(first)} and {len(second)}."
        )


def check_same_shape(first, second, *, names=("y_true", "y_pred")):
    """Raise ``ValueError`` unless both batches have the same shape."""
    if first.shape != second.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape; got {first.shape} and "
            f"{second.shape}."
        )
