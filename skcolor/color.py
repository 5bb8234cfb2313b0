"""Color math on image batches: RGB to gray, gray to RGB, and the color spaces
in which a colorizer predicts.

Plain NumPy/OpenCV; never imports Keras. The conversions check the layout of
their arrays, ``(..., H, W, C)`` with the channel count ``C`` each takes and at
least one pixel (a ValueError otherwise), and that their dtype is numeric (a
TypeError for strings, objects, complex or bool). They do not check the values:
they run on every strip of a large photo, and a pass over the pixels would cost
as much as the conversion.
"""

import cv2
import numpy as np

from ._image import as_float32, restore_dtype
from ._validation import check_channels

__all__ = [
    "rgb_to_gray",
    "gray_to_rgb",
    "rgb_to_ycbcr",
    "ycbcr_to_rgb",
    "rgb_to_lab",
    "lab_to_rgb",
    "ChromaQuantizer",
    "COLOR_SPACES",
]

# ITU-R BT.601 luma weights, in R, G, B order. The seed report used OpenCV's
# COLOR_BGR2GRAY on RGB data, which swaps the R and B weights; we do not.
BT601_WEIGHTS = (0.299, 0.587, 0.114)


def _tall(images):
    """View a (..., H, W, C) batch as one tall (n*H, W, C) image.

    OpenCV converts one 2-D image at a time; stacking the batch vertically converts
    it in one call, with the same per-pixel arithmetic.
    """
    return np.ascontiguousarray(images).reshape(-1, images.shape[-2], images.shape[-1])


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

    Raises
    ------
    ValueError, TypeError
        If ``rgb`` is not a numeric array of shape ``(..., H, W, 3)``.

    Examples
    --------
    >>> import numpy as np
    >>> rgb_to_gray(np.array([[[[255, 0, 0]]]], dtype=np.uint8))[..., 0]
    array([[[76]]], dtype=uint8)
    """
    rgb = check_channels(rgb, name="rgb", channels=3)
    if rgb.dtype == np.uint8:
        gray = cv2.cvtColor(_tall(rgb), cv2.COLOR_RGB2GRAY)
    else:
        gray = cv2.cvtColor(_tall(as_float32(rgb)), cv2.COLOR_RGB2GRAY)
        if rgb.dtype.kind in "ui":  # other 8-bit values held in wider ints: uint8 too
            gray = restore_dtype(gray, np.uint8)
    return gray.reshape(*rgb.shape[:-1], 1)


def gray_to_rgb(gray):
    """Copy a gray ``(n, H, W, 1)`` batch into the R, G and B channels.

    The "gray copy": the colorization that adds no color, the floor a colorizer must beat.

    Parameters
    ----------
    gray : ndarray of shape (n, H, W, 1)
        Gray images, any numeric dtype.

    Returns
    -------
    rgb : ndarray of shape (n, H, W, 3)
        Of ``gray``'s dtype, R = G = B = ``gray``.

    Raises
    ------
    ValueError, TypeError
        If ``gray`` is not a numeric array of shape ``(..., H, W, 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> gray_to_rgb(np.array([[[[7]]]], dtype=np.uint8)).tolist()
    [[[[7, 7, 7]]]]
    """
    gray = check_channels(gray, name="gray", channels=1)
    return np.repeat(gray, 3, axis=-1)



def rgb_to_ycbcr(rgb):
    """Full-range BT.601 YCbCr (JPEG's) of float RGB in [0, 1], all channels in [0, 1].

    Y is exactly :func:`rgb_to_gray`'s luma; Cb and Cr are centred on 0.5.

    Parameters
    ----------
    rgb : ndarray of shape (..., H, W, 3)
        RGB images, float in [0, 1] (uint8 is read on the 0-255 scale and brought
        to [0, 1]).

    Returns
    -------
    ycbcr : ndarray of shape (..., H, W, 3), float32
        Y, Cb and Cr, in that order.

    Raises
    ------
    ValueError, TypeError
        If ``rgb`` is not a numeric array of shape ``(..., H, W, 3)``.

    Examples
    --------
    >>> import numpy as np
    >>> rgb_to_ycbcr(np.array([[[[1.0, 0.0, 0.0]]]]))[0, 0, 0].round(3)  # pure red
    array([0.299, 0.331, 1.   ], dtype=float32)
    """
    rgb = as_float32(check_channels(rgb, name="rgb", channels=3))
    luma = rgb @ np.asarray(BT601_WEIGHTS, dtype=np.float32)
    cb = (rgb[..., 2] - luma) * np.float32(0.5 / (1 - BT601_WEIGHTS[2])) + np.float32(0.5)
    cr = (rgb[..., 0] - luma) * np.float32(0.5 / (1 - BT601_WEIGHTS[0])) + np.float32(0.5)
    return np.stack([luma, cb, cr], axis=-1)


def ycbcr_to_rgb(luma, chroma):
    """RGB in [0, 1] (float32, clipped) from luma ``(..., 1)`` and Cb, Cr ``(..., 2)``.

    Parameters
    ----------
    luma : ndarray of shape (..., H, W, 1)
        Y in [0, 1], as :func:`rgb_to_ycbcr` gives it.
    chroma : ndarray of shape (..., H, W, 2)
        Cb and Cr in [0, 1], centred on 0.5.

    Returns
    -------
    rgb : ndarray of shape (..., H, W, 3), float32
        Clipped to [0, 1]: not every luma and chroma pair is a color of the RGB cube.

    Raises
    ------
    ValueError
        If ``luma`` and ``chroma`` differ in their other dimensions, or either
        has the wrong channel count.
    TypeError
        If either is not numeric (see the module's description).

    Examples
    --------
    >>> import numpy as np
    >>> ycbcr = rgb_to_ycbcr(np.array([[[[0.2, 0.5, 0.9]]]]))
    >>> ycbcr_to_rgb(ycbcr[..., :1], ycbcr[..., 1:]).round(3)
    array([[[[0.2, 0.5, 0.9]]]], dtype=float32)
    """
    luma = check_channels(luma, name="luma", channels=1)
    chroma = check_channels(chroma, name="chroma", channels=2)
    if luma.shape[:-1] != chroma.shape[:-1]:
        raise ValueError(
            f"luma and chroma must hold images of the same size; got shapes {luma.shape} "
            f"and {chroma.shape}."
        )
    kr, kg, kb = BT601_WEIGHTS
    cb = chroma[..., 0] - np.float32(0.5)
    cr = chroma[..., 1] - np.float32(0.5)
    y = luma[..., 0]
    red = y + np.float32(2 * (1 - kr)) * cr
    blue = y + np.float32(2 * (1 - kb)) * cb
    green = (y - np.float32(kr) * red - np.float32(kb) * blue) / np.float32(kg)
    return np.clip(np.stack([red, green, blue], axis=-1), 0.0, 1.0)


def rgb_to_lab(rgb):
    """CIELAB (D65) of RGB images: L* in [0, 100], a*, b* roughly in [-110, 110].

    Parameters
    ----------
    rgb : ndarray of shape (..., H, W, 3)
        RGB images, float in [0, 1] (uint8 is brought to [0, 1]).

    Returns
    -------
    lab : ndarray of shape (..., H, W, 3), float32
        L*, a* and b*, in that order.

    Raises
    ------
    ValueError, TypeError
        If ``rgb`` is not a numeric array of shape ``(..., H, W, 3)``.

    Examples
    --------
    >>> import numpy as np
    >>> rgb_to_lab(np.array([[[[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]]]))[0, 0].round(1)  # white, red
    array([[100. ,   0. ,   0. ],
           [ 53.2,  80.1,  67.2]], dtype=float32)
    """
    rgb = as_float32(check_channels(rgb, name="rgb", channels=3))
    lab = cv2.cvtColor(_tall(rgb), cv2.COLOR_RGB2Lab)
    return lab.reshape(rgb.shape)


def lab_to_rgb(lab):
    """RGB in [0, 1] (float32, clipped) of CIELAB images.

    Parameters
    ----------
    lab : ndarray of shape (..., H, W, 3)
        L*, a* and b*, as :func:`rgb_to_lab` gives them.

    Returns
    -------
    rgb : ndarray of shape (..., H, W, 3), float32
        R, G and B, clipped to [0, 1].

    Raises
    ------
    ValueError, TypeError
        If ``lab`` is not a numeric array of shape ``(..., H, W, 3)``.

    Examples
    --------
    >>> import numpy as np
    >>> lab_to_rgb(rgb_to_lab(np.array([[[[0.2, 0.5, 0.9]]]]))).round(2)
    array([[[[0.2, 0.5, 0.9]]]], dtype=float32)
    """
    lab = check_channels(lab, name="lab", channels=3).astype(np.float32, copy=False)
    rgb = cv2.cvtColor(_tall(lab), cv2.COLOR_Lab2RGB)
    return np.clip(rgb.reshape(lab.shape), 0.0, 1.0)


class RGBColorSpace:
    """The network predicts R, G and B itself (the seed report's formulation).

    A color space says what the network is trained to predict, as channels in
    [0, 1], and how a prediction becomes RGB again. Luminance-keeping spaces predict
    only the two chroma channels and take the luminance from the gray input at full
    resolution. Adding a space is a class here and an entry in :data:`COLOR_SPACES`.
    """

    name = "rgb"
    keeps_luminance = False
    output_channels = 3

    def encode(self, rgb):
        """Network targets in [0, 1] of float32 RGB images ``(n, H, W, 3)``."""
        return as_float32(rgb)

    def to_rgb(self, prediction, gray):
        """Float32 RGB in [0, 1] from a prediction and the gray input of the same size."""
        return np.clip(prediction, 0.0, 1.0)


class YCbCrColorSpace(RGBColorSpace):
    """Predict Cb and Cr; keep the input as Y. Y is BT.601 luma, so the gray of the
    output equals the input wherever the color stays inside the RGB gamut."""

    name = "ycbcr"
    keeps_luminance = True
    output_channels = 2

    def encode(self, rgb):
        return rgb_to_ycbcr(rgb)[..., 1:]

    def to_rgb(self, prediction, gray):
        return ycbcr_to_rgb(gray, prediction)

    def rgb_offsets(self, prediction):
        """R - Y, G - Y and B - Y of Cb, Cr predictions ``(..., 2)``, float32 on the [0, 1] scale.

        Linear in the chroma, so enlarging them equals enlarging the chroma first:
        a large frame needs only the enlargement and one addition per channel.
        ``to_rgb`` is ``clip(Y + rgb_offsets(prediction), 0, 1)``.
        """
        kr, kg, kb = BT601_WEIGHTS
        cb = prediction[..., 0] - np.float32(0.5)
        cr = prediction[..., 1] - np.float32(0.5)
        red = np.float32(2 * (1 - kr)) * cr
        blue = np.float32(2 * (1 - kb)) * cb
        green = -(np.float32(kr) * red + np.float32(kb) * blue) / np.float32(kg)
        return np.stack([red, green, blue], axis=-1)


class LabColorSpace(RGBColorSpace):
    """Predict CIELAB a* and b* (scaled to [0, 1]); L* comes from the gray input."""

    name = "lab"
    keeps_luminance = True
    output_channels = 2
    _AB_RANGE = np.float32(110.0)

    def encode(self, rgb):
        ab = rgb_to_lab(rgb)[..., 1:]
        return np.clip(ab / (2 * self._AB_RANGE) + np.float32(0.5), 0.0, 1.0)

    def to_rgb(self, prediction, gray):
        lightness = rgb_to_lab(np.repeat(as_float32(gray), 3, axis=-1))[..., :1]
        ab = (prediction - np.float32(0.5)) * (2 * self._AB_RANGE)
        return lab_to_rgb(np.concatenate([lightness, ab], axis=-1))


#: Color space name → how the network's targets and outputs relate to RGB.
COLOR_SPACES = {
    "rgb": RGBColorSpace(),
    "ycbcr": YCbCrColorSpace(),
    "lab": LabColorSpace(),
}


#: Below ``neutral_threshold``, the span of neutral probability over which the chroma fades out.
_NEUTRAL_FADE = np.float32(0.15)


class ChromaQuantizer:
    """Chroma as classes: Zhang et al. (2016)'s remedy for desaturated colorizations.

    Regression onto chroma averages the plausible colors of an object into a
    gray-brown. Instead, the two chroma channels (in [0, 1]) are quantized on a
    ``grid × grid`` lattice; the lattice cells that occur in the training data are
    the classes. Each class is weighted by the inverse of its smoothed frequency
    (class rebalancing), so rare saturated colors count in the loss. A predicted
    distribution is turned back into chroma by the annealed mean: the mean of the
    cell centres under ``p ** (1 / temperature)``, between the mean
    (``temperature=1``, faithful but dull) and the mode (``temperature → 0``, vivid
    but patchy).

    Parameters
    ----------
    grid : int, default=24
        Cells per chroma axis.
    rebalance : float, default=0.5
        Mix of the empirical class distribution with the uniform one before taking
        the inverse (Zhang et al.'s λ): 0 weights purely by rarity, 1 not at all.

    Attributes
    ----------
    cells_ : ndarray of shape (n_classes,)
        Lattice index of each class.
    centers_ : ndarray of shape (n_classes, 2)
        Chroma at the centre of each class's cell.
    weights_ : ndarray of shape (n_classes,)
        Loss weight of each class; their mean under the training distribution is 1.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage.data import coffee
    >>> chroma = rgb_to_ycbcr(coffee()[np.newaxis] / 255.0)[..., 1:]  # (1, 400, 600, 2)
    >>> quantizer = ChromaQuantizer(grid=8).fit(chroma)
    >>> quantizer.n_classes  # the 8 x 8 cells that this photo's colors fall in
    11
    >>> classes, weights = quantizer.encode(chroma)
    >>> classes.shape, weights.shape
    ((1, 400, 600), (1, 400, 600))
    >>> one_hot = np.eye(quantizer.n_classes)[classes]
    >>> rebuilt = quantizer.decode(one_hot, temperature=1)  # each pixel's cell centre
    >>> bool(np.abs(rebuilt - chroma).max() <= 0.5 / 8)  # within half a cell
    True
    """

    def __init__(self, grid=24, rebalance=0.5):
        self.grid = grid
        self.rebalance = rebalance

    def _cell_index(self, chroma):
        cells = np.clip((chroma * self.grid).astype(np.int32), 0, self.grid - 1)
        return cells[..., 0] * self.grid + cells[..., 1]

    def fit(self, chroma):
        """Learn the classes and their weights from training chroma.

        Parameters
        ----------
        chroma : ndarray of shape (n, H, W, 2)
            Cb and Cr in [0, 1], as :func:`rgb_to_ycbcr` gives them.

        Returns
        -------
        self : ChromaQuantizer
            Fitted.
        """
        counts = np.bincount(self._cell_index(chroma).ravel(), minlength=self.grid**2)
        self.cells_ = np.flatnonzero(counts)
        frequency = counts[self.cells_] / counts.sum()
        weights = 1.0 / ((1 - self.rebalance) * frequency + self.rebalance / len(self.cells_))
        self.weights_ = (weights / np.sum(frequency * weights)).astype(np.float32)
        self._index_cells()
        return self

    def _index_cells(self):
        """Derive the cell centres and the cell → class table from ``cells_``."""
        rows, cols = np.divmod(self.cells_, self.grid)
        self.centers_ = ((np.stack([rows, cols], axis=-1) + 0.5) / self.grid).astype(np.float32)
        self._class_of_cell = np.full(self.grid**2, -1, dtype=np.int32)
        self._class_of_cell[self.cells_] = np.arange(len(self.cells_), dtype=np.int32)

    @property
    def n_classes(self):
        return len(self.cells_)

    def encode(self, chroma):
        """Class index and loss weight of each pixel of ``chroma``.

        Chroma in a cell never seen in training goes to the nearest class centre.

        Parameters
        ----------
        chroma : ndarray of shape (n, H, W, 2)
            Cb and Cr in [0, 1].

        Returns
        -------
        classes : ndarray of shape (n, H, W), int32
            Each pixel's class, an index into ``centers_``.
        weights : ndarray of shape (n, H, W), float32
            Each pixel's loss weight, its class's entry of ``weights_``.
        """
        classes = self._class_of_cell[self._cell_index(chroma)]
        unseen = classes < 0
        if unseen.any():
            distances = np.linalg.norm(chroma[unseen][:, None, :] - self.centers_, axis=-1)
            classes[unseen] = np.argmin(distances, axis=1)
        return classes, self.weights_[classes]

    def decode(self, probabilities, temperature, *, calibration=0.0, neutral_threshold=None):
        """Annealed-mean chroma ``(..., 2)`` of class probabilities ``(..., n_classes)``.

        Parameters
        ----------
        probabilities : array-like of shape (..., n_classes)
            A network's per-pixel class probabilities.
        temperature : float
            In (0, 1]: 1 takes the mean of the distribution, towards 0 its mode.
        calibration : float, default=0
            In [0, 1]: the distribution is divided by ``weights_ ** calibration``
            (and renormalised) before annealing. A network trained with weighted
            cross-entropy learns roughly ``p(c | x) · w(c)``, which favours the
            rare saturated classes; ``calibration=1`` undoes the weights (the
            calibrated distribution, whose mean is the least-squares color), 0
            keeps them (the vivid one).
        neutral_threshold : float or None, default=None
            Decide "neutral or colored" first: where the calibrated probability
            of the neutral classes (the cells touching zero chroma) reaches this
            value, the pixel stays neutral, and its chroma fades out linearly
            as that probability rises from 0.15 below the threshold. Where a
            pixel may be a white wall or a beige one, the mean lies between
            them, towards the warm colors photos hold more of: the cast on
            neutral surfaces. None decodes the mean alone.

        Returns
        -------
        chroma : ndarray of shape (..., 2), float32
            Cb and Cr in [0, 1].

        Examples
        --------
        >>> import numpy as np
        >>> quantizer = ChromaQuantizer(grid=4).fit(np.array([[[[.4, .4], [.6, .6], [.9, .1]]]]))
        >>> quantizer.centers_.tolist()  # two cells touch neutral (0.5, 0.5), one is red
        [[0.375, 0.375], [0.625, 0.625], [0.875, 0.125]]
        >>> white_or_red = np.array([0.5, 0.0, 0.5])
        >>> quantizer.decode(white_or_red, 1.0).tolist()  # the mean: a pale red
        [0.625, 0.25]
        >>> quantizer.decode(white_or_red, 1.0, neutral_threshold=0.4).tolist()
        [0.5, 0.5]
        """
        if neutral_threshold is None:
            return self._annealed_mean(probabilities, temperature, calibration)
        probabilities = np.asarray(probabilities, dtype=np.float32)
        chroma = self._annealed_mean(probabilities, temperature, calibration)
        calibrated = probabilities / self.weights_
        neutral = np.abs(self.centers_ - 0.5).max(axis=-1) < 1.0 / self.grid
        mass = calibrated[..., neutral].sum(axis=-1) / calibrated.sum(axis=-1)
        fade = np.clip((mass - neutral_threshold) / _NEUTRAL_FADE + 1, 0, 1)[..., np.newaxis]
        return np.float32(0.5) + (chroma - np.float32(0.5)) * (1 - fade)

    def _annealed_mean(self, probabilities, temperature, calibration):
        probabilities = np.asarray(probabilities, dtype=np.float32)
        if temperature == 1 and calibration == 0:
            annealed = probabilities
        else:
            # In place on one buffer: the (..., n_classes) arrays are the big ones.
            annealed = np.maximum(probabilities, np.float32(1e-12))
            np.log(annealed, out=annealed)
            if calibration:
                annealed -= np.float32(calibration) * np.log(self.weights_)
            if temperature != 1:
                annealed *= np.float32(1.0 / temperature)
            annealed -= annealed.max(axis=-1, keepdims=True)
            np.exp(annealed, out=annealed)
        # Normalise after projecting onto the 2 chroma channels, not before.
        return (annealed @ self.centers_) / annealed.sum(axis=-1, keepdims=True)

    def get_state(self):
        """The fitted state as plain lists (for JSON).

        Returns
        -------
        state : dict
            ``grid``, ``rebalance``, ``cells`` and ``weights``; :meth:`from_state`
            rebuilds the quantizer from it.
        """
        return {"grid": self.grid, "rebalance": self.rebalance, "cells": self.cells_.tolist(),
                "weights": self.weights_.tolist()}

    @classmethod
    def from_state(cls, state):
        """Rebuild a fitted quantizer from :meth:`get_state`'s output.

        Parameters
        ----------
        state : dict
            What :meth:`get_state` returned.

        Returns
        -------
        quantizer : ChromaQuantizer
            Fitted, as the one that gave ``state``.
        """
        quantizer = cls(grid=state["grid"], rebalance=state["rebalance"])
        quantizer.cells_ = np.asarray(state["cells"], dtype=np.int64)
        quantizer.weights_ = np.asarray(state["weights"], dtype=np.float32)
        quantizer._index_cells()
        return quantizer
