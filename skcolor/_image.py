"""dtype and size rules for image batches, in one place.

Images travel through skcolor as ``(n, H, W, C)`` arrays. Integer images are 8-bit
(0-255); float images are in [0, 1]. Computation happens in float32; the output
goes back to the family (integer or float) of the input.
"""

import cv2
import numpy as np


def as_float32(images):
    """Return ``images`` as float32 in [0, 1] without modifying the input.

    Integer images are divided by 255; float32 input is returned as is (callers
    never write into it); other floats are cast.
    """
    images = np.asarray(images)
    if images.dtype.kind in "ui":
        return np.multiply(images, np.float32(1.0 / 255.0), dtype=np.float32)
    return images.astype(np.float32, copy=False)


def restore_dtype(images, like):
    """Convert float32 ``images`` in [0, 1] to the dtype family of ``like``.

    Integer ``like`` gives rounded uint8; float ``like`` gives float32 clipped to [0, 1].
    """
    images = np.clip(images, 0.0, 1.0)
    if np.dtype(like).kind in "ui":
        return np.rint(images * 255.0).astype(np.uint8)
    return images.astype(np.float32, copy=False)


def resize_batch(images, size, *, interpolation=None):
    """Resize every image of a ``(n, H, W, C)`` batch to ``size = (height, width)``.

    Shrinking uses area averaging (no aliasing); enlarging uses bilinear
    interpolation. The dtype is kept.
    """
    height, width = size
    n, in_height, in_width, channels = images.shape
    if (in_height, in_width) == (height, width):
        return images
    if interpolation is None:
        shrinking = height * width < in_height * in_width
        interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    out = np.empty((n, height, width, channels), dtype=images.dtype)
    for i, image in enumerate(images):
        # cv2.resize drops a trailing axis of length 1; write through a reshaped view.
        out[i] = cv2.resize(image, (width, height), interpolation=interpolation).reshape(
            height, width, channels
        )
    return out
