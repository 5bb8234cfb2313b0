"""Read and write single image files.

Images are read as uint8 RGB ``(H, W, 3)`` or gray ``(H, W, 1)`` arrays, the layout
every other skcolor function takes (one image of a batch). Plain NumPy/OpenCV; never
imports Keras.
"""

import contextlib
import os
import secrets
import stat
from pathlib import Path

import cv2
import numpy as np

from ._image import as_float32, restore_dtype
from ._params import Interval, Options, Param, validate_params
from ._validation import check_image

__all__ = ["IMAGE_SUFFIXES", "MAX_IMAGE_PIXELS", "ImageTooLargeError", "decode_image",
           "encode_image", "read_image", "write_image"]

#: File suffixes (lower case) that :func:`read_image` and :func:`write_image` handle.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")

#: Largest image, in pixels (height × width), that :func:`read_image` decodes.
#: A file of a few kilobytes can declare billions of pixels (a "decompression
#: bomb"); the size is read from the file's header and checked before decoding.
#: The value is Pillow's: 178,956,970 pixels, 537 MB as 8-bit RGB. Assign another
#: int to ``skcolor.io.MAX_IMAGE_PIXELS`` to change it, or None to lift it
#: (OpenCV's own limit, the ``OPENCV_IO_MAX_IMAGE_PIXELS`` environment variable,
#: 2**30 by default, still applies).
MAX_IMAGE_PIXELS = 178_956_970



class ImageTooLargeError(ValueError):
    """An image file declares more pixels than the reader's limit allows.

    A ``ValueError``, like every other unusable file; a caller that answers it
    differently (a server says which limit to raise) catches this one first.
    Pillow calls its own ``DecompressionBombError``.
    """


# Recent OpenCV versions decode straight to RGB, saving a conversion per image; older
# versions decode to BGR, which read_image converts.
_RGB_FLAG = getattr(cv2, "IMREAD_COLOR_RGB", None)
_READ_FLAGS = {
    "rgb": cv2.IMREAD_COLOR if _RGB_FLAG is None else _RGB_FLAG,
    "gray": cv2.IMREAD_GRAYSCALE,
    "rgba": cv2.IMREAD_UNCHANGED,
}
_FORMATS = "PNG, JPEG, BMP or TIFF"


@validate_params({"mode": Param([Options(*_READ_FLAGS)])})
def read_image(path, *, mode="rgb"):
    """Read a PNG, JPEG, BMP or TIFF file into a uint8 array.

    Parameters
    ----------
    path : str or path-like
        The image file, recognised by its content, not its name. Non-ASCII paths
        work on every platform.
    mode : {"rgb", "gray", "rgba"}, default="rgb"
        ``"rgb"`` gives three channels in R, G, B order (gray files are copied to
        all three); ``"gray"`` gives one luminance channel (color files are
        converted with the BT.601 weights); ``"rgba"`` gives R, G, B and alpha of
        a file with transparency (such as hints painted in an editor), as stored:
        no EXIF rotation, 16 bits scaled to 8.

    Returns
    -------
    image : ndarray of shape (H, W, 3) or (H, W, 1), dtype uint8
        Upright: a JPEG's EXIF orientation is applied. 16-bit files are scaled
        to 8 bits as OpenCV does it (a PNG keeps its high byte, a TIFF is rounded:
        at most one level apart); palette files are expanded to their colors; an
        alpha channel is dropped, not composited, so transparent pixels show
        whatever color they store.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path-like, or ``mode`` not a str.
    ValueError
        If ``mode`` is unknown; if the file is empty, truncated, damaged, not a
        PNG, JPEG, BMP or TIFF file, or not a regular file (or, for ``"rgba"``,
        has no alpha channel); or if its header
        declares more than :data:`MAX_IMAGE_PIXELS` pixels (checked before
        decoding). The message names the file.
    OSError
        If the file cannot be opened: ``FileNotFoundError`` when it is missing,
        ``IsADirectoryError`` for a folder, ``PermissionError``.

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
    if not isinstance(path, (str, bytes, os.PathLike)):
        # An int would be taken by open() as a file descriptor.
        raise TypeError(f"path must be a str or path-like naming an image file; got "
                        f"{type(path).__name__}.")
    name = os.fsdecode(path)
    if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
        # A named pipe or a device would block or never end; open() names folders itself.
        raise ValueError(f"{name!r} is not a regular file; expected an image file.")
    # Bytes + imdecode instead of cv2.imread: imread cannot open non-ASCII paths on
    # Windows and returns None without saying why. A plain read costs less than half
    # of np.fromfile, which matters when a dataset has 60,000 tiny files.
    with open(path, "rb") as file:
        data = file.read()
    return decode_image(data, mode=mode, name=repr(name))


class _ModuleLimit:
    """Stands for "skcolor.io.MAX_IMAGE_PIXELS as it is when the function is called"."""

    def __repr__(self):
        return "MAX_IMAGE_PIXELS"


_MODULE_LIMIT = _ModuleLimit()


@validate_params({
    "mode": Param([Options(*_READ_FLAGS)]),
    "max_pixels": Param([Interval(int, 1, None), Options(None, _MODULE_LIMIT)]),
})
def decode_image(data, *, mode="rgb", name="the image", max_pixels=_MODULE_LIMIT):
    """Decode the bytes of a PNG, JPEG, BMP or TIFF file into a uint8 array.

    :func:`read_image` reads a file with it; a server decodes an upload with it,
    never writing the bytes to disk.

    Parameters
    ----------
    data : bytes-like
        The whole file's content.
    mode : {"rgb", "gray", "rgba"}, default="rgb"
        As in :func:`read_image`.
    name : str, default="the image"
        What messages call the data, such as a quoted file name.
    max_pixels : int or None, default=MAX_IMAGE_PIXELS
        Largest pixel count (height × width) decoded, read from the header before
        decoding; None lifts the limit. By default the value of
        :data:`MAX_IMAGE_PIXELS` when the function is called.

    Returns
    -------
    image : ndarray of shape (H, W, 3), (H, W, 1) or (H, W, 4), dtype uint8
        As in :func:`read_image`.

    Raises
    ------
    ValueError
        If the data is empty, truncated, damaged or not a PNG, JPEG, BMP or TIFF
        file (or, for ``"rgba"``, has no alpha channel), or if its header declares
        more than ``max_pixels`` pixels (:class:`ImageTooLargeError`). The
        message names the data by ``name``. Also if ``mode`` is unknown or
        ``max_pixels`` is below 1.
    TypeError
        If ``mode`` is not a string or ``max_pixels`` not an int or None.

    Examples
    --------
    >>> import numpy as np
    >>> data = encode_image(np.full((2, 3, 3), [0, 0, 255], dtype=np.uint8))
    >>> decode_image(data)[0, 0], decode_image(data, mode="gray").shape
    (array([  0,   0, 255], dtype=uint8), (2, 3, 1))
    >>> decode_image(b"hello", name="'notes.txt'")
    Traceback (most recent call last):
    ValueError: 'notes.txt' is not a PNG, JPEG, BMP or TIFF image: its content does not start like one.
    """
    data = bytes(data)
    if max_pixels is _MODULE_LIMIT:
        _check_declared_size(data, name, MAX_IMAGE_PIXELS,
                             "skcolor.io.MAX_IMAGE_PIXELS = {limit:,} (a guard against "
                             "decompression bombs). If you trust the file, raise that limit.")
    else:
        _check_declared_size(data, name, max_pixels, "the limit of {limit:,} pixels.")
    try:
        # IMREAD_COLOR/GRAYSCALE also scale 16-bit data to 8 bits and apply the
        # EXIF orientation, which IMREAD_UNCHANGED would not. (IMREAD_ANYDEPTH would
        # keep 16 bits, but OpenCV 5.0 scrambles 16-bit RGB TIFFs with it.)
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), _READ_FLAGS[mode])
    except cv2.error as exc:
        raise ValueError(f"Cannot decode {name} as an image: {exc}") from exc
    if image is None:
        raise ValueError(
            f"{name} is truncated or damaged, or a {_FORMATS} variant OpenCV cannot decode."
        )
    if mode == "gray":
        return image[:, :, np.newaxis]
    if mode == "rgba":
        if image.dtype == np.uint16:
            image = (image >> 8).astype(np.uint8)
        if image.ndim != 3 or image.shape[2] != 4:
            raise ValueError(f"{name} has no alpha channel; mode='rgba' expects an image "
                             "with transparency (RGBA PNG, TIFF or BMP).")
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGBA)
    if _RGB_FLAG is None:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return image


def _check_declared_size(data, name, limit, limit_text):
    """Refuse data that is not a supported image, or declares more than ``limit`` pixels
    (``limit_text``, formatted with ``limit``, ends the message)."""
    if not data:
        raise ValueError(f"{name} is empty (0 bytes); expected a {_FORMATS} image.")
    for signatures, header_size in _HEADER_READERS:
        if data.startswith(signatures):
            break
    else:
        raise ValueError(f"{name} is not a {_FORMATS} image: its content does not start "
                         "like one.")
    try:
        height, width = header_size(data)
    except (IndexError, ValueError):
        raise ValueError(f"{name} is truncated or damaged: its header is incomplete.") from None
    if limit is not None and height * width > limit:
        raise ImageTooLargeError(f"{name} declares {width}×{height} = {width * height:,} pixels, "
                         f"more than {limit_text.format(limit=limit)}")


# Minimal header readers: (height, width) from the bytes of a file, or IndexError /
# ValueError when the header is cut short or malformed. Only the size is read.


def _number(data, start, size, order):
    if start + size > len(data):
        raise IndexError("header cut short")
    return int.from_bytes(data[start:start + size], order)


def _png_size(data):
    if data[12:16] != b"IHDR":
        raise ValueError("no IHDR chunk first")
    return _number(data, 20, 4, "big"), _number(data, 16, 4, "big")


# Start-of-frame markers (SOF0-SOF15 except DHT, JPG and DAC), which carry the size.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset([0x01, *range(0xD0, 0xD9)])  # no length field


def _jpeg_size(data):
    position = 2  # after SOI
    while True:
        if _number(data, position, 1, "big") != 0xFF:
            raise ValueError("no marker where one should be")
        marker = _number(data, position + 1, 1, "big")
        if marker == 0xFF:  # fill byte
            position += 1
        elif marker in _JPEG_STANDALONE:
            position += 2
        elif marker in _JPEG_FRAMES:
            return _number(data, position + 5, 2, "big"), _number(data, position + 7, 2, "big")
        elif marker in (0xD9, 0xDA):  # end of image, or scan data, before any frame header
            raise ValueError("no frame header")
        else:
            position += 2 + _number(data, position + 2, 2, "big")


_BMP_HEADER_SIZES = frozenset([12, 40, 52, 56, 64, 108, 124])


def _bmp_size(data):
    header_size = _number(data, 14, 4, "little")
    if header_size not in _BMP_HEADER_SIZES:
        raise ValueError("unknown BMP header")
    if header_size == 12:  # OS/2 BITMAPCOREHEADER: 16-bit sizes
        return _number(data, 20, 2, "little"), _number(data, 18, 2, "little")
    _number(data, 22, 4, "little")  # raises if the header is cut short
    width = int.from_bytes(data[18:22], "little", signed=True)
    height = int.from_bytes(data[22:26], "little", signed=True)  # negative: top-down
    return abs(height), abs(width)


# TIFF field types that can hold ImageWidth (256) and ImageLength (257): SHORT,
# LONG, and BigTIFF's LONG8, with their sizes in bytes.
_TIFF_INT_SIZES = {3: 2, 4: 4, 16: 8}


def _tiff_size(data):
    """Size of the first image (the one OpenCV decodes) of a TIFF or BigTIFF file."""
    order = "little" if data[:2] == b"II" else "big"
    big = _number(data, 2, 2, order) == 43
    # Classic TIFF: 4-byte offsets, 2-byte entry count, 12-byte entries; BigTIFF: 8, 8, 20.
    offset_size, count_size, entry_size = (8, 8, 20) if big else (4, 2, 12)
    directory = _number(data, 8 if big else 4, offset_size, order)
    found = {}
    for i in range(_number(data, directory, count_size, order)):
        entry = directory + count_size + i * entry_size
        tag = _number(data, entry, 2, order)
        if tag in (256, 257):
            field_type = _number(data, entry + 2, 2, order)
            if field_type not in _TIFF_INT_SIZES:
                raise ValueError("image size of an unexpected type")
            # The value is stored in the entry itself, left-justified.
            value_at = entry + 4 + offset_size
            found[tag] = _number(data, value_at, _TIFF_INT_SIZES[field_type], order)
            if len(found) == 2:
                return found[257], found[256]
    raise ValueError("no image size")


_HEADER_READERS = (
    (b"\x89PNG\r\n\x1a\n", _png_size),
    (b"\xff\xd8\xff", _jpeg_size),
    (b"BM", _bmp_size),
    ((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"), _tiff_size),
)


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
    image : ndarray of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4)
        Gray, RGB (R, G, B order) or RGBA image, uint8 (0-255) or float in [0, 1]
        (rounded to 8 bits). RGBA needs a format with transparency (not JPEG).

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

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gray.png"
    >>> write_image(path, np.full((2, 3), 0.5))  # float in [0, 1]: rounded to 8 bits
    >>> read_image(path, mode="gray")[..., 0]
    array([[128, 128, 128],
           [128, 128, 128]], dtype=uint8)
    >>> write_image(path, np.zeros((2, 3, 3), np.uint8))  # replaces the file atomically
    >>> read_image(path).shape
    (2, 3, 3)
    """
    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(
            f"Cannot write {os.fspath(path)!r}: unknown image suffix {path.suffix!r}; "
            f"use one of {', '.join(IMAGE_SUFFIXES)}."
        )
    data = encode_image(image, format=path.suffix)  # before the file: a failure leaves none
    with replacing_atomically(path) as temporary:
        temporary.write_bytes(data)


@validate_params({"format": Param([Options(*IMAGE_SUFFIXES, ignore_case=True)],
                                  "the file format, as a suffix")})
def encode_image(image, *, format=".png"):
    """Encode one image as the bytes of an image file, in memory.

    Parameters
    ----------
    image : ndarray of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4)
        Gray, RGB or RGBA, uint8 or float in [0, 1] (rounded to 8 bits).
    format : str, default=".png"
        A suffix of :data:`IMAGE_SUFFIXES`, any case, naming the file format.

    Returns
    -------
    data : bytes
        What :func:`write_image` would write to a file with that suffix.

    Raises
    ------
    TypeError
        If ``format`` is not a string.
    ValueError
        If ``format`` is not a supported suffix, RGBA is asked of JPEG, or
        ``image`` is not an image of a supported shape and value range.

    Examples
    --------
    >>> import numpy as np
    >>> encode_image(np.zeros((2, 3), np.uint8))[:4]
    b'\\x89PNG'
    """
    image = check_image(image, name="image", channels=(1, 3, 4))[0]
    if image.shape[-1] == 4 and format.lower() in (".jpg", ".jpeg"):
        raise ValueError("JPEG has no alpha channel; encode an RGBA image as PNG, TIFF or BMP.")
    if image.dtype != np.uint8:
        image = restore_dtype(as_float32(image), np.uint8)
    if image.shape[-1] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    elif image.shape[-1] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_RGBA2BGRA)
    ok, encoded = cv2.imencode(format, image)
    if not ok:
        raise ValueError(f"OpenCV could not encode an image of shape {image.shape} as {format}.")
    return encoded.tobytes()


@contextlib.contextmanager
def replacing_atomically(path):
    """A temporary file beside ``path`` that becomes ``path`` when the block succeeds.

    Whatever the block writes to the yielded path replaces ``path`` in one rename
    on the same file system, so readers see the old file or the complete new one,
    never a partial one; if the block raises (or is interrupted), the temporary
    file is removed and ``path`` is left as it was. The temporary name is hidden
    (a leading dot) and keeps ``path``'s suffix, which some writers (Keras) require.

    Parameters
    ----------
    path : pathlib.Path
        The destination; its folder must exist.

    Yields
    ------
    temporary : pathlib.Path
        An empty file created for the block, with the permissions a plain
        ``open(path, "w")`` would give (the umask decides).

    Raises
    ------
    FileNotFoundError
        If ``path``'s folder does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with replacing_atomically(path) as temporary:
    ...     _ = temporary.write_text("complete")
    >>> path.read_text(), sorted(p.name for p in path.parent.iterdir())
    ('complete', ['notes.txt'])
    >>> with replacing_atomically(path) as temporary:
    ...     _ = temporary.write_text("half")
    ...     raise RuntimeError("the writer failed half way")
    Traceback (most recent call last):
    RuntimeError: the writer failed half way
    >>> path.read_text(), sorted(p.name for p in path.parent.iterdir())  # untouched
    ('complete', ['notes.txt'])
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"Cannot write {os.fspath(path)!r}: no folder {path.parent}.")
    temporary = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")
    # os.open with mode 0o666 lets the umask decide the permissions, as a plain open()
    # would; tempfile.mkstemp would leave the file readable by its owner only.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)  # Windows
    os.close(os.open(temporary, flags, 0o666))
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
