"""Color math on image batches: RGB to gray, gray to RGB, and the color spaces
in which a colorizer predicts.

Plain NumPy/OpenCV; never imports Keras.
"""

import cv2
import numpy as np

from ._image import as_float32

__all__ = ["rgb_to_gray", "gray_to_rgb", "COLOR_SPACES", "RGBColorSpace"]

# ITU-R BT.601 luma weights, in R, G, B order. The seed report used OpenCV's
# COLOR_BGR2GRAY on RGB data, which swaps the R and B weights; we do not.
BT601_WEIGHTS = (0.299, 0.587, 0.114)


def rgb_to_gray(rgb):
    """Convert RGB images to gray with the ITU-R BT.601 weights.

    Parameters
    ----------
    rgb : ndarray of shape (n, H, W, 3)
        uint8 (0-255) or float (0-1) RGB images, channels in R, G, B order.

    Returns
    -------
    gray : ndarray of shape (n, H, W, 1)
        uint8 if ``rgb`` is an integer type (rounded), float32 otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> rgb_to_gray(np.array([[[[255, 0, 0]]]], dtype=np.uint8))[..., 0]
    array([[[76]]], dtype=uint8)
    """
    rgb = np.asarray(rgb)
    n, height, width, _ = rgb.shape
    if rgb.dtype != np.uint8:
        rgb = as_float32(rgb)
    # OpenCV converts one 2-D image at a time; stacking the batch vertically makes it
    # a single tall image, converted in one call with the same fixed-point rounding.
    tall = np.ascontiguousarray(rgb).reshape(n * height, width, 3)
    gray = cv2.cvtColor(tall, cv2.COLOR_RGB2GRAY)
    return gray.reshape(n, height, width, 1)


def gray_to_rgb(gray):
    """Copy a gray ``(n, H, W, 1)`` batch into the R, G and B channels."""
    gray = np.asarray(gray)
    return np.repeat(gray, 3, axis=-1)


class RGBColorSpace:
    """The network predicts R, G and B directly (the seed report's formulation).

    A color space tells the estimator what the network is trained to output and how
    to turn that output back into RGB; luminance-keeping spaces (Lab, YCbCr) add a
    class here and an entry in :data:`COLOR_SPACES`.
    """

    name = "rgb"
    output_channels = 3

    def encode_targets(self, rgb, gray):
        """Training targets for float32 RGB ``rgb`` and its gray ``gray``."""
        return rgb

    def decode(self, outputs, gray):
        """Float32 RGB in [0, 1] from network ``outputs`` for the input ``gray``."""
        return outputs


COLOR_SPACES = {"rgb": RGBColorSpace()}
