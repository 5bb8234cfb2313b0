"""Prediction at any size: working size, padding, and recombination in strips.

Functions of a fitted network and its settings (:class:`InferenceSettings`), so
that the estimator's ``predict`` is one call, and video runs a network the same
way, frame batch by frame batch.
"""

import weakref
from dataclasses import dataclass

import cv2
import numpy as np

from .._image import as_float32, resize_batch, restore_dtype
from ..color import COLOR_SPACES
from ._hint_inputs import network_hint_channels

# Images per forward pass: large enough to amortise Keras' per-batch overhead,
# small enough to keep memory modest.
PREDICT_BATCH_SIZE = 256
# Rows of a full-resolution image recombined at once, to bound memory on huge photos.
ROWS_PER_STRIP = 512
# Fractions of a level in recombine_uint8's integer arithmetic.
_SUBLEVELS = 64


@dataclass(frozen=True)
class InferenceSettings:
    """How a fitted network turns gray images into color.

    Attributes
    ----------
    color_space : str
        Key of :data:`skcolor.color.COLOR_SPACES`: what the network predicts.
    fixed_size : tuple of int or None
        ``(H, W)`` the network was built for, or None if it takes any size.
    working_size : int or None
        Longest side at which a fully convolutional network sees an image.
    size_multiple : int
        Height and width are padded up to multiples of it (any-size networks).
    quantizer : ChromaQuantizer or None
        Decodes per-pixel chroma classes; None for regression outputs.
    temperature : float
        Annealed-mean temperature of the quantizer's decoding at full vividness.
    vividness : float
        From 0, the calibrated mean (the least-squares color, the smallest cast
        where the evidence is weak), to 1, the rebalanced distribution annealed at
        ``temperature`` (vivid); see :meth:`decoding`.
    hints : bool
        Whether the network takes hint channels after the gray one (a model
        fitted with ``hints=True``); they are zero where no hint is given.
    neutral_threshold : float or None
        Where the neutral classes' calibrated probability reaches it, a pixel
        stays neutral (:meth:`~skcolor.color.ChromaQuantizer.decode`).
    """

    color_space: str
    fixed_size: tuple
    working_size: object
    size_multiple: int
    quantizer: object = None
    temperature: float = 0.38
    vividness: float = 1.0
    hints: bool = False
    neutral_threshold: object = None

    def decoding(self):
        """``(temperature, calibration)`` of the quantizer's decoding at this vividness.

        Both move geometrically between the ends, so that vividness 1 is exactly
        the rebalanced distribution at ``temperature`` and 0 exactly the
        calibrated mean, and each step between them changes the colors about equally.
        """
        return self.temperature ** self.vividness, 1.0 - self.vividness


_SIZE_MULTIPLES = weakref.WeakKeyDictionary()


def network_size_multiple(model, *, default, limit=256):
    """The smallest power of two that the sides of ``model``'s inputs must be multiples of.

    Read from the network rather than from today's architecture: a network saved by
    an earlier release (the full-resolution U-Net, multiples of 8) keeps the padding,
    and so the predictions, it was made with. A side of 3 × m is a multiple of the
    network's multiple M (a power of two) only if M divides m; Keras refuses the
    shapes (``Concatenate``) or changes the size otherwise. ``default`` if no power
    of two up to ``limit`` works.
    """
    if model not in _SIZE_MULTIPLES:
        found, multiple = default, 1
        while multiple <= limit:
            side = 3 * multiple
            try:
                shape = model.compute_output_shape((1, side, side, 1))
            except ValueError:
                shape = None
            if shape is not None and tuple(shape[1:3]) == (side, side):
                found = multiple
                break
            multiple *= 2
        _SIZE_MULTIPLES[model] = found
    return _SIZE_MULTIPLES[model]


def working_size_for(height, width, settings):
    """``(height, width)`` at which the network sees an image of this size."""
    if settings.fixed_size is not None:
        return tuple(settings.fixed_size)
    if settings.working_size is None or max(height, width) <= settings.working_size:
        return height, width
    scale = settings.working_size / max(height, width)
    return max(1, round(height * scale)), max(1, round(width * scale))


def colorize(model, gray, settings, hints=None):
    """RGB of the dtype family of ``gray``, a validated ``(n, H, W, 1)`` batch.

    The network runs at its working size; its prediction is enlarged back to the
    input's size and, for the chroma color spaces, recombined with the input's own
    full-resolution luminance. ``hints`` is None or one validated RGBA hint image
    (or None) per image, for a hint-aware network.
    """
    n, height, width, _ = gray.shape
    out_dtype = np.uint8 if gray.dtype.kind in "ui" else np.float32
    rgb = np.empty((n, height, width, 3), dtype=out_dtype)
    size = working_size_for(height, width, settings)
    for start in range(0, n, PREDICT_BATCH_SIZE):
        chunk = gray[start:start + PREDICT_BATCH_SIZE]
        chunk_hints = None if hints is None else hints[start:start + PREDICT_BATCH_SIZE]
        prediction = predict_color(model, resize_batch(chunk, size), settings, chunk_hints)
        for i, image in enumerate(chunk):
            recombine(prediction[i], image, settings.color_space, out=rgb[start + i])
    return rgb


def predict_color(model, gray, settings, hints=None):
    """The color space's channels in [0, 1] for a batch at working resolution.

    A hint-aware network also gets each image's hint channels at this size, from
    ``hints`` (full-size RGBA images or None, one per image; None for no hints).
    """
    network, enlarged = color_network(model)
    outputs = network.predict_on_batch(network_input(gray, settings, hints))
    return decode_colors(outputs, settings, enlarged, gray.shape[1:3])


def network_input(gray, settings, hints=None):
    """What the network takes for a gray batch at working resolution: the gray
    channel, the hint channels of a hint-aware network, padded to the network's
    size multiple."""
    network_input = as_float32(gray)
    height, width = network_input.shape[1:3]
    if settings.hints:
        space = COLOR_SPACES[settings.color_space]
        per_image = [None] * len(network_input) if hints is None else hints
        channels = [network_hint_channels(hint, (height, width), space) for hint in per_image]
        network_input = np.concatenate([network_input, np.stack(channels)], axis=-1)
    if settings.fixed_size is None:
        network_input = padded_to_multiple(network_input, settings.size_multiple)
    return network_input


def padded_to_multiple(batch, multiple):
    """``batch`` ``(n, h, w, c)`` padded at the bottom and right to sides that are
    multiples of ``multiple``."""
    height, width = batch.shape[1:3]
    pad_h, pad_w = -height % multiple, -width % multiple
    if not (pad_h or pad_w):
        return batch
    # Reflect rather than zero-pad: a black border would tint the edges.
    mode = "reflect" if min(height, width) > max(pad_h, pad_w) else "edge"
    return np.pad(batch, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode=mode)


def decode_colors(outputs, settings, enlarged, size):
    """The color space's channels of the network's ``outputs`` (chroma classes
    decoded, enlarged 2× if the network stops before its enlargement), cropped to
    ``size``, the working size before padding."""
    outputs = np.asarray(outputs)
    if settings.quantizer is not None:
        temperature, calibration = settings.decoding()
        outputs = settings.quantizer.decode(outputs, temperature, calibration=calibration,
                                            neutral_threshold=settings.neutral_threshold)
    if enlarged:
        outputs = enlarge_twice(outputs)
    return outputs[:, :size[0], :size[1]]


_COLOR_NETWORKS = weakref.WeakKeyDictionary()


def color_network(model):
    """``(network, enlarged)``: ``model`` up to its own enlargement of the color, if it has one.

    A half-resolution network (``output_stride=2``) ends by enlarging its
    per-pixel outputs 2× (``color_upsample``, then ``color_smooth``). For chroma
    classes those are hundreds of channels: enlarging the two decoded chroma
    channels instead (:func:`enlarge_twice`, the same interpolation) skips three
    quarters of the decoding and of the network's last layers. ``enlarged`` says
    the caller must enlarge. The two orders agree exactly for linear outputs and
    the mean decoding; annealed decodings differ by about a level between pixels.
    """
    if model not in _COLOR_NETWORKS:
        names = [layer.name for layer in model.layers[-2:]]
        if names == ["color_upsample", "color_smooth"]:
            import keras

            network = keras.Model(model.inputs, model.get_layer("color_upsample").input)
            _COLOR_NETWORKS[model] = (network, True)
        else:
            _COLOR_NETWORKS[model] = (model, False)
    return _COLOR_NETWORKS[model]


def enlarge_twice(images):
    """A ``(n, h, w, c)`` batch enlarged 2× as the half-resolution networks enlarge theirs.

    Each pixel is repeated 2×2, then averaged with its right, lower and
    lower-right neighbours (``AveragePooling2D(2, strides=1, padding="same")``,
    whose padding does not count): even rows and columns keep the values, odd
    ones lie halfway between.
    """
    images = np.repeat(np.repeat(images, 2, axis=1), 2, axis=2)
    for axis in (1, 2):
        following = np.concatenate(
            [np.delete(images, 0, axis=axis), np.take(images, [-1], axis=axis)], axis=axis)
        images = (images + following) * np.float32(0.5)
    return images


def recombine(prediction, gray, color_space, out):
    """Write into ``out`` the full-size RGB of one working-size prediction and its gray image.

    uint8 output in a color space with ``rgb_offsets`` (YCbCr) goes through
    :func:`recombine_uint8`. Otherwise ``out`` is written in strips of rows: a
    huge photo needs no full-size copy beyond the enlarged prediction.
    """
    space = COLOR_SPACES[color_space]
    if out.dtype == np.uint8 and hasattr(space, "rgb_offsets"):
        recombine_uint8(prediction, gray, space, order=(0, 1, 2), out=out)
        return
    height, width = gray.shape[:2]
    if prediction.shape[:2] != (height, width):
        prediction = resize_batch(prediction[np.newaxis], (height, width))[0]
    for top in range(0, height, ROWS_PER_STRIP):
        rows = slice(top, top + ROWS_PER_STRIP)
        strip = space.to_rgb(prediction[rows], as_float32(gray[rows]))
        out[rows] = restore_dtype(strip, like=out.dtype)


def recombine_bgr(prediction, gray, color_space):
    """The uint8 BGR colorization of one video frame, as OpenCV writes it.

    Parameters
    ----------
    prediction : ndarray of shape (h, w, c), float32
        The color space's channels at working size.
    gray : ndarray of shape (H, W, 1), uint8
        The frame's full-size luminance.
    color_space : str

    Returns
    -------
    bgr : ndarray of shape (H, W, 3), uint8
    """
    space = COLOR_SPACES[color_space]
    height, width = gray.shape[:2]
    if not hasattr(space, "rgb_offsets"):
        rgb = np.empty((height, width, 3), np.uint8)
        recombine(prediction, gray, color_space, out=rgb)
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    return recombine_uint8(prediction, gray, space, order=(2, 1, 0))


def recombine_uint8(prediction, gray, space, *, order, out=None):
    """uint8 color of a prediction in a color space with ``rgb_offsets``, made for speed.

    The chroma maps linearly to RGB offsets from the luma, so the offsets are
    enlarged instead of the chroma, in 64ths of a level as int16, and added to the
    luma with OpenCV's saturating integer arithmetic: within one level of the
    float computation, about eight times faster on a 4K frame, and with less
    memory than the enlarged float chroma.

    Parameters
    ----------
    prediction : ndarray of shape (h, w, 2), float32
        The chroma at working size.
    gray : ndarray of shape (H, W, 1), uint8
        The full-size luminance.
    space : ColorSpace
        A color space of :data:`skcolor.color.COLOR_SPACES` with ``rgb_offsets``.
    order : tuple of int
        The output's channels as indices into R, G, B: ``(0, 1, 2)`` for RGB,
        ``(2, 1, 0)`` for BGR.
    out : ndarray of shape (H, W, 3), uint8, or None
        Written in place when given (C-contiguous).

    Returns
    -------
    colored : ndarray of shape (H, W, 3), uint8
    """
    height, width = gray.shape[:2]
    # 64ths of a level: the luma (up to 255 × 64) plus an offset (up to 0.886 × 255 × 64)
    # stays inside int16, and the offsets' rounding rarely decides the output's.
    offsets = np.rint(space.rgb_offsets(prediction) * np.float32(255 * _SUBLEVELS)).astype(np.int16)
    luma = gray.reshape(height, width).astype(np.int16)
    luma *= _SUBLEVELS
    planes = []
    for channel in order:  # each plane enlarged on its own: no full-size split
        plane = np.ascontiguousarray(offsets[..., channel])
        if plane.shape != (height, width):
            plane = cv2.resize(plane, (width, height), interpolation=cv2.INTER_LINEAR)
        cv2.add(luma, plane, dst=plane)  # int16; clipped below, then rounded
        cv2.max(plane, 0, dst=plane)
        planes.append(cv2.convertScaleAbs(plane, alpha=1 / _SUBLEVELS))  # and saturated above
    if out is None:
        return cv2.merge(planes)
    return cv2.merge(planes, dst=out)
