"""Read and write single image files.

Images are read as uint8 RGB ``(H, W, 3)`` or gray ``(H, W, 1)`` arrays, the layout
every other skcolor function takes (one image of a batch). Plain NumPy/OpenCV; never
imports Keras.
"""

import os
import secrets
from pathlib import Path

import cv2
import numpy as np

from ._image import as_float32, restore_dtype
from ._validation import check_images

__all__ = ["IMAGE_SUFFIXES", "read_image", "write_image"]

#: File suffixes (lower case) that :func:`read_image` and :func:`write_image` handle.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")

# Recent OpenCV versions decode straight to RGB, saving a conversion per image; older
# versions decode to BGR, which read_image converts.
_RGB_FLAG = getattr(cv2, "IMREAD_COLOR_RGB", None)
_READ_FLAGS = {
    "rgb": cv2.IMREAD_COLOR if _RGB_FLAG is None else _RGB_FLAG,
    "gray": cv2.IMREAD_GRAYSCALE,
}


def read_image(path, *, mode="rgb"):
    """Read an image file into a uint8 array.

    Parameters
    ----------
    path : str or path-like
        The image file. Any format OpenCV decodes (PNG, JPEG, BMP, TIFF, ...);
        non-ASCII paths work on every platform.
    mode : {"rgb", "gray"}, default="rgb"
        ``"rgb"`` gives three channels in R, G, B order (gray files are copied to
        all three); ``"gray"`` gives one luminance channel (color files are
        converted with the BT.601 weights).

    Returns
    -------
    image : ndarray of shape (H, W, 3) or (H, W, 1), dtype uint8
        16-bit files are scaled to 8 bits; an alpha channel is dropped.

    Raises
    ------
    ValueError
        If ``mode`` is unknown, or the file is empty or not an image OpenCV can
        decode. The message names the file.
    OSError
        If the file cannot be opened (``FileNotFoundError`` when it is missing).

    See Also
    --------
    write_image : The inverse.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "red.png"
    >>> write_image(path, np.full((2, 3, 3), [255, 0, 0], dtype=np.uint8))
    >>> read_image(path).shape, read_image(path)[0, 0]
    ((2, 3, 3), array([255,   0,   0], dtype=uint8))
    """
    if mode not in _READ_FLAGS:
        raise ValueError(f"mode must be one of {sorted(_READ_FLAGS)}; got {mode!r}.")
    # Bytes + imdecode instead of cv2.imread: imread cannot open non-ASCII paths on
    # Windows and returns None without saying why. A plain read costs less than half
    # of np.fromfile, which matters when a dataset has 60,000 tiny files.
    with open(path, "rb") as file:
        data = np.frombuffer(file.read(), dtype=np.uint8)
    image = None
    if data.size:
        try:
            # IMREAD_COLOR/GRAYSCALE also scale 16-bit data to 8 bits and apply the
            # EXIF orientation, which IMREAD_UNCHANGED would not.
            image = cv2.imdecode(data, _READ_FLAGS[mode])
        except cv2.error as exc:
            raise ValueError(f"Cannot decode {os.fspath(path)!r} as an image: {exc}") from exc
    if image is None:
        raise ValueError(f"{os.fspath(path)!r} is empty or not an image file OpenCV can read.")
    if mode == "gray":
        return image[:, :, np.newaxis]
    if _RGB_FLAG is None:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return image


def write_image(path, image):
    """Write one image to a file, replacing it atomically.

    The file is encoded in memory, written to a temporary file in the same folder
    and renamed over ``path``, so a crash never leaves a half-written image and
    readers see either the old file or the new one.

    Parameters
    ----------
    path : str or path-like
        Destination; its suffix (one of :data:`IMAGE_SUFFIXES`, any case) picks the
        format. The folder must exist.
    image : ndarray of shape (H, W), (H, W, 1) or (H, W, 3)
        Gray or RGB (R, G, B order) image, uint8 (0-255) or float in [0, 1]
        (rounded to 8 bits).

    Raises
    ------
    ValueError
        If the suffix is not a supported image format, or ``image`` is not an
        image of a supported shape and value range.
    TypeError
        If ``image`` does not have a numeric dtype.
    FileNotFoundError
        If the destination folder does not exist.

    See Also
    --------
    read_image : The inverse.

    Notes
    -----
    JPEG is lossy; write PNG (or TIFF, BMP) to get the exact pixels back.
    """
    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(
            f"Cannot write {os.fspath(path)!r}: unknown image suffix {path.suffix!r}; "
            f"use one of {', '.join(IMAGE_SUFFIXES)}."
        )
    # check_images validates shape, dtype and range for a batch; add the batch axis.
    image = check_images(np.asarray(image)[np.newaxis], name="image")[0]
    if image.dtype != np.uint8:
        image = restore_dtype(as_float32(image), np.uint8)
    if image.shape[-1] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(path.suffix, image)
    if not ok:
        raise ValueError(f"OpenCV could not encode an image of shape {image.shape} as {path}.")
    _replace_atomically(path, encoded.tobytes())


def _replace_atomically(path, data):
    if not path.parent.is_dir():
        raise FileNotFoundError(f"Cannot write {os.fspath(path)!r}: no folder {path.parent}.")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as a plain open()
    # would; tempfile.mkstemp would leave the image readable by its owner only.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)  # Windows
    descriptor = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
