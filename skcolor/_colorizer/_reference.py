"""Colorizing like a reference photo: the reference's colors matched place by place.

A user gives a gray photo and a color *reference* of the same scene (another shot of
it, or one frame colored by hand). The ImageNet encoder of a ``lite0_unet`` model
describes every place of the gray photo and of the reference's own gray copy, so
that both are seen alike. Each place of the photo takes the reference's chroma
through an attention over the reference's places, a softmax of their cosine
similarities less a penalty for a different luminance (He et al. 2018, "Deep
Exemplar-based Colorization", match the same way), with a confidence from how
similar its best match is. Each pixel then refines its place's chroma among the
finer parts of the best-matching places by its own luminance, so that the colors
follow the photo's edges rather than the places' grid.

The transferred chroma reaches the colorization as dense hints, which the network
spreads along its own edges, and/or as a blend with the network's chroma by
confidence; where nothing in the reference matches, the confidence is low and the
network keeps its own colors.

Plain functions of a fitted colorizer: :func:`colorize_with_reference` is what
``predict(X, reference=...)`` is to run, as it runs ``colorize`` without one. Its
defaults are those ``benchmarks/reference.py`` chose on photos-val by the rule in
``benchmarks/records/reference_rule.md``: the blend, at strides 8 and 16.
"""

import weakref

import cv2
import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._image import as_float32, resize_batch
from .._params import Interval, Options, Param, RangePair, validate_params
from .._validation import check_gray_input, check_image, check_images
from ..color import COLOR_SPACES, rgb_to_gray
from ._hint_inputs import check_hints
from ._inference import (color_network, decode_colors, network_input, padded_to_multiple,
                         predict_color, recombine, working_size_for)

# The encoder's feature outputs in order, and their strides (as
# skcolor.backbones.FEATURE_STRIDES, which would import Keras here).
_ENCODER_STRIDES = (2, 4, 8, 16, 32)

#: Best cosine similarity of a place's match (less the luminance penalty of
#: ``luminance_weight=1``) → confidence, per choice of ``strides``: 0 at or below
#: the first value, 1 at or above the second, linear between. Measured on 60
#: photos of photos-train, which the benchmarks never score (``python
#: benchmarks/reference.py --calibrate``, ``benchmarks/records/reference_calibration.json``):
#: the first value is the 95th percentile of the best similarities of places
#: matched to an unrelated photo, so that 95 % of them get no confidence; the
#: second is the median of those of places matched to a mirrored, cropped copy of
#: their own photo, where the copy shows them. The stride-8 features alone tell
#: neither apart: places the copy does not show match nearly as well (median
#: 0.64) as those it shows (0.67), and unrelated photos' 95th percentile (0.72)
#: is above that median; their range runs from the percentile to 0.1 above it.
SIMILARITY_RANGES = {
    (8,): (0.72, 0.82),
    (16,): (0.45, 0.62),
    (8, 16): (0.52, 0.61),
}

# Luminance is a fraction of white; a pixel's finer candidates differ by about a
# tone where this spread of their weight falls off.
_LUMINANCE_SPREAD = np.float32(0.05)
# Best-matching places whose finer parts (2 × 2 each) a pixel chooses among.
_CANDIDATES = 8
# Luminance levels of the bilateral grid: a step of 0.05, about the spread.
_LEVELS = 21
# Weight of a place's mean color at every level, against a candidate's at most 1/4.
_PRIOR = np.float32(0.01)


def reference_features(encoder, gray, *, size, strides=(8, 16), size_multiple=32):
    """Unit-length encoder features of gray images, one vector per place.

    Parameters
    ----------
    encoder : keras.Model
        The EfficientNet-Lite0 encoder of a ``lite0_unet`` colorizer
        (``colorizer.model_.get_layer("encoder")``): gray pixels in [0, 1] in,
        the features at strides 2, 4, 8, 16 and 32 and the head out.
    gray : ndarray of shape (n, H, W, 1)
        Gray images, uint8 or float in [0, 1].
    size : tuple of int
        ``(h, w)`` at which the encoder sees them.
    strides : tuple of int, default=(8, 16)
        Which of the encoder's features describe a place: those at stride 8
        (40 channels: texture), 16 (112: parts of objects) or both. Each is made
        unit-length, the coarser enlarged to the finer's grid, and they are
        concatenated, so that each counts equally.
    size_multiple : int, default=32
        The sides are padded, by reflection, up to multiples of it, as the
        colorizer pads its own input.

    Returns
    -------
    features : ndarray of shape (n, ceil(h / s), ceil(w / s), C), float32
        Unit-length vectors on the grid of the finest stride ``s``.
    """
    height, width = size
    pixels = as_float32(resize_batch(gray, (height, width)))
    outputs = encoder.predict_on_batch(padded_to_multiple(pixels, size_multiple))
    return _place_features({stride: outputs[_ENCODER_STRIDES.index(stride)]
                            for stride in strides}, size)


def _place_features(by_stride, size):
    """Unit-length place features of the encoder's outputs ``{stride: (n, h', w', C)}``
    for an image of ``size`` (before padding)."""
    height, width = size
    finest = min(by_stride)
    grid = (-(-height // finest), -(-width // finest))
    parts = []
    for stride in sorted(by_stride):
        part = np.asarray(by_stride[stride], np.float32)
        part = np.ascontiguousarray(part[:, :-(-height // stride), :-(-width // stride)])
        parts.append(_unit(resize_batch(part, grid, interpolation=cv2.INTER_LINEAR)))
    return _unit(np.concatenate(parts, axis=-1))


def _unit(vectors):
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, np.float32(1e-6))


@validate_params({
    "temperature": Param([Interval(float, 0, None, closed="neither")]),
    "luminance_weight": Param([Interval(float, 0, None)]),
    "similarity_range": Param([RangePair(Interval(float, -1, 1))]),
})
def match_reference(target_features, reference_features, reference_chroma, *,
                    target_gray=None, reference_gray=None, temperature=0.01,
                    luminance_weight=1.0, similarity_range=(0.52, 0.61)):
    """The reference's chroma at each place of a target, and how sure the match is.

    Parameters
    ----------
    target_features : ndarray of shape (h, w, C)
        Unit-length features of the target (:func:`reference_features`).
    reference_features : ndarray of shape (h_r, w_r, C), or list of them
        Unit-length features of the reference's gray copy; a list holds several
        references, whose places compete in one softmax: the best match wins.
    reference_chroma : ndarray of shape (H_r, W_r, 2), or list of them
        The reference's chroma in the colorizer's color space, in [0, 1] (0.5
        neutral), at the size its features were computed at (or at their grid).
    target_gray : ndarray of shape (H, W) or (H, W, 1), or None, default=None
        The target's gray, in [0, 1], at the size the chroma is wanted at (that
        of its features, or any other: :func:`transfer_reference` asks for half
        of it). Given with ``reference_gray``, matches weigh luminance too, and
        the chroma and confidence come at this size, each pixel refined among
        the finer parts of its place's best matches by its own luminance.
    reference_gray : ndarray of shape (H_r, W_r) or (H_r, W_r, 1), or list of them, or None
        The reference's gray, in [0, 1], the size of ``reference_chroma``.
    temperature : float, default=0.01
        Of the softmax over the reference's places: small takes the best match's
        chroma, large averages over the good ones.
    luminance_weight : float, default=1.0
        Similarity taken off per unit of luminance difference between a place
        and its match (luminance as a fraction of white).
    similarity_range : tuple of float, default=(0.52, 0.61)
        Best similarity at which the confidence starts to rise above 0, and at
        which it reaches 1 (:data:`SIMILARITY_RANGES` holds the measured ones).

    Returns
    -------
    chroma : ndarray of shape (h, w, 2) or (H, W, 2), float32
        The softmax-weighted chroma of the matched places (refined per pixel
        where the grays are given).
    confidence : ndarray of shape (h, w) or (H, W), float32
        In [0, 1], from the best match's similarity.

    Raises
    ------
    ValueError
        If the features' channels differ, or only one of the grays is given.

    Examples
    --------
    >>> import numpy as np
    >>> from skcolor._colorizer._reference import match_reference
    >>> features = np.eye(4, dtype=np.float32).reshape(2, 2, 4)
    >>> chroma = np.array([[[0.4, 0.6], [0.5, 0.5]], [[0.6, 0.4], [0.5, 0.7]]], np.float32)
    >>> matched, confidence = match_reference(features, features, chroma)
    >>> bool(np.allclose(matched, chroma, atol=1e-3)), confidence.min().item()
    (True, 1.0)
    """
    several = isinstance(reference_features, (list, tuple))
    if not several:
        reference_features, reference_chroma = [reference_features], [reference_chroma]
        reference_gray = None if reference_gray is None else [reference_gray]
    if (target_gray is None) != (reference_gray is None):
        raise ValueError("target_gray and reference_gray go together: give both, or neither.")
    channels = target_features.shape[-1]
    for i, features in enumerate(reference_features):
        if features.shape[-1] != channels:
            raise ValueError(f"reference_features[{i}] has {features.shape[-1]} channels; the "
                             f"target's features have {channels}.")
    grid = target_features.shape[:2]
    keys, values, key_luma, sub_luma, sub_chroma = [], [], [], [], []
    for i, features in enumerate(reference_features):
        cells = features.shape[:2]
        chroma = as_float32(reference_chroma[i])
        keys.append(features.reshape(-1, channels))
        values.append(_pooled(chroma, cells).reshape(-1, 2))
        if reference_gray is not None:
            luma = _plane(reference_gray[i])
            key_luma.append(_pooled(luma, cells).reshape(-1))
            sub_luma.append(_quarters(_pooled(luma, (2 * cells[0], 2 * cells[1]))))
            sub_chroma.append(_quarters(_pooled(chroma, (2 * cells[0], 2 * cells[1]))))
    keys, values = np.concatenate(keys), np.concatenate(values)
    similarity = target_features.reshape(-1, channels).astype(np.float32) @ keys.T
    if target_gray is not None and luminance_weight:
        target_luma = _pooled(_plane(target_gray), grid).reshape(-1, 1)
        similarity -= np.float32(luminance_weight) * np.abs(target_luma - np.concatenate(key_luma))
    best = similarity.max(axis=1, keepdims=True)
    low, high = similarity_range
    confidence = np.clip((best[:, 0] - low) / max(high - low, 1e-6), 0.0, 1.0)
    confidence = confidence.reshape(grid).astype(np.float32)
    logits = (similarity - best) / np.float32(temperature)
    if target_gray is None:
        weights = np.exp(logits)
        chroma = (weights @ values) / weights.sum(axis=1, keepdims=True)
        return chroma.reshape(*grid, 2).astype(np.float32), confidence
    chroma = _refine(_plane(target_gray), grid, logits,
                     np.concatenate(sub_luma), np.concatenate(sub_chroma))
    size = chroma.shape[:2]
    confidence = resize_batch(confidence[np.newaxis, ..., np.newaxis], size,
                              interpolation=cv2.INTER_LINEAR)[0, ..., 0]
    return chroma, confidence


def _plane(gray):
    """A gray image as an ``(H, W, 1)`` float32 array in [0, 1]."""
    gray = as_float32(gray)
    return gray[..., np.newaxis] if gray.ndim == 2 else gray


def _pooled(image, size):
    """``(H, W, C)`` area-averaged (or enlarged) to ``size``."""
    return resize_batch(np.ascontiguousarray(image)[np.newaxis], size)[0]


def _quarters(image):
    """``(2h, 2w, C)`` as ``(h * w, 4, C)``: the four quarters of each place."""
    height, width, channels = image.shape[0] // 2, image.shape[1] // 2, image.shape[2]
    quarters = image.reshape(height, 2, width, 2, channels).transpose(0, 2, 1, 3, 4)
    return quarters.reshape(height * width, 4, channels)


def _refine(target_luma, grid, logits, sub_luma, sub_chroma):
    """Per-pixel chroma: each pixel weighs the quarters of its place's best matches.

    A quarter's weight is its place's softmax weight times a Gaussian of its
    luminance's difference from the pixel's, so that within a matched object a
    pixel takes the color of its own shade (the dark fold of a red coat, not the
    coat's mean). Computed as a bilateral grid (Chen et al. 2007): per place, the
    weighted chroma at ``_LEVELS`` luminances, enlarged over the image and read
    at each pixel's own luminance, so that the cost hardly grows with the pixels
    and the colors change smoothly from place to place.
    """
    height, width = target_luma.shape[:2]
    n_candidates = min(_CANDIDATES, logits.shape[1])
    top = np.argpartition(-logits, n_candidates - 1, axis=1)[:, :n_candidates]
    weights = np.exp(np.take_along_axis(logits, top, axis=1))
    weights /= weights.sum(axis=1, keepdims=True)
    shades = sub_luma[top].reshape(len(top), -1)  # (places, 4k)
    colors = sub_chroma[top].reshape(len(top), -1, 2)
    levels = np.linspace(0.0, 1.0, _LEVELS, dtype=np.float32)
    # (places, levels, 4k): each quarter's weight at each luminance level
    kernel = np.exp(np.float32(-0.5) * ((levels[:, np.newaxis] - shades[:, np.newaxis]) /
                                        _LUMINANCE_SPREAD) ** 2)
    kernel *= np.repeat(weights, 4, axis=1)[:, np.newaxis] / np.float32(4)
    mean = np.einsum("pq,pqc->pc", np.repeat(weights, 4, axis=1) / np.float32(4), colors)
    # A level no candidate's shade is near falls back on the place's mean color.
    numerator = np.einsum("plq,pqc->plc", kernel, colors) + _PRIOR * mean[:, np.newaxis]
    denominator = kernel.sum(axis=2, keepdims=True) + _PRIOR
    table = np.concatenate([numerator, denominator], axis=2).reshape(*grid, _LEVELS * 3)
    table = resize_batch(table[np.newaxis], (height, width), interpolation=cv2.INTER_LINEAR)[0]
    table = table.reshape(height * width, _LEVELS, 3)
    position = np.clip(target_luma.reshape(-1), 0.0, 1.0) * np.float32(_LEVELS - 1)
    below = np.minimum(position.astype(np.int64), _LEVELS - 2)[:, np.newaxis, np.newaxis]
    above_share = (position[:, np.newaxis] - below[:, 0])
    lower = np.take_along_axis(table, below, axis=1)[:, 0]
    upper = np.take_along_axis(table, below + 1, axis=1)[:, 0]
    mixed = lower + above_share * (upper - lower)
    chroma = mixed[:, :2] / mixed[:, 2:]
    return chroma.reshape(height, width, 2).astype(np.float32)


# -- the colorizer's side ------------------------------------------------------

#: transfer_reference's defaults, which colorize_with_reference passes on.
_TRANSFER_DEFAULTS = {"strides": (8, 16), "temperature": 0.01, "luminance_weight": 1.0,
                      "mirror": False}
_TRANSFER_PARAMS = {
    "strides": Param([Options(*SIMILARITY_RANGES)]),
    "temperature": Param([Interval(float, 0, None, closed="neither")]),
    "luminance_weight": Param([Interval(float, 0, None)]),
    "mirror": Param([Options(False, True)]),
}


@validate_params(_TRANSFER_PARAMS)
def transfer_reference(colorizer, X, reference, *, strides=(8, 16), temperature=0.01,
                       luminance_weight=1.0, mirror=False):
    """The reference's chroma and the confidence in it, per image, at its working size.

    Parameters
    ----------
    colorizer : AutoencoderColorizer
        Fitted, with ``architecture="lite0_unet"`` (its ImageNet encoder
        describes the places) and a chroma color space (``"ycbcr"`` or ``"lab"``).
    X : array-like of shape (n, H, W) or (n, H, W, 1), or list of arrays
        Gray images, uint8 or float in [0, 1], as ``predict`` takes them.
    reference : array-like or list
        Color references, RGB uint8 or float in [0, 1], any size: one
        ``(H_r, W_r, 3)`` image for every gray image; an ``(n, H_r, W_r, 3)``
        array, one per image; or a list with one entry per image, each an RGB
        image, None (no reference: confidence 0) or a list of RGB images (several
        references, the best match wins).
    strides : {(8,), (16,), (8, 16)}, default=(8, 16)
        The encoder's features that describe a place (:func:`reference_features`).
    temperature : float, default=0.01
        Of the softmax over the reference's places (:func:`match_reference`).
    luminance_weight : float, default=1.0
        Similarity taken off per unit of luminance difference.
    mirror : bool, default=False
        Also match the references' mirror images, as more references: a shot
        from the other side, or a flipped copy, then still matches. Costs one
        more encoder pass per reference.

    Returns
    -------
    transfers : list of tuple of ndarray
        Per gray image, ``(chroma, confidence)``: ``(h, w, 2)`` and ``(h, w)``
        float32 at the colorizer's working size of the image.

    Raises
    ------
    ValueError
        If a reference is not an RGB image (the message names it), the number of
        references does not match the images, or the colorizer has no ImageNet
        encoder or no chroma color space.
    TypeError
        If an option has a wrong type.
    """
    encoder, space, settings = _reference_parts(colorizer)
    images = [image[0] for image in check_gray_input(X)]
    references = check_references(reference, len(images))
    describe = _describer(encoder, space, settings, strides, mirror)
    transfers = []
    for gray, own in zip(images, references):
        size = working_size_for(*gray.shape[:2], settings)
        small = as_float32(resize_batch(gray[np.newaxis], size))
        target = None
        if own:
            target = reference_features(encoder, small, size=size, strides=strides,
                                        size_multiple=settings.size_multiple)[0]
        transfers.append(_transfer(target, small[0], [part for image in own
                                                      for part in describe(image)],
                                   SIMILARITY_RANGES[tuple(strides)], temperature=temperature,
                                   luminance_weight=luminance_weight))
    return transfers


def _describer(encoder, space, settings, strides, mirror):
    """``describe(rgb)``: a reference's ``[(features, chroma, gray)]`` at its working size
    (and its mirror image's, with ``mirror``), computed once per image object."""
    described = {}

    def describe(image):
        if id(image) not in described:
            size = working_size_for(*image.shape[:2], settings)
            small = as_float32(resize_batch(image[np.newaxis], size))
            gray = rgb_to_gray(small)
            chroma = space.encode(small)[0]
            views = [(gray, chroma)]
            if mirror:
                views.append((gray[:, :, ::-1], chroma[:, ::-1]))
            described[id(image)] = [
                (reference_features(encoder, np.ascontiguousarray(view), size=size,
                                    strides=strides, size_multiple=settings.size_multiple)[0],
                 np.ascontiguousarray(view_chroma), np.ascontiguousarray(view[0]))
                for view, view_chroma in views]
        return described[id(image)]

    return describe


def _transfer(target, gray, parts, similarity_range, **match_options):
    """``(chroma, confidence)`` at the working size of one image's ``(h, w, 1)`` gray.

    ``target`` are its place features; ``parts`` its references' ``(features,
    chroma, gray)``; no parts give neutral chroma with no confidence.
    """
    size = gray.shape[:2]
    if not parts:
        return np.full((*size, 2), 0.5, np.float32), np.zeros(size, np.float32)
    # Refined at half the working size, where the network predicts its own colors
    # too, and enlarged as it enlarges them: a quarter of the cost.
    half = resize_batch(gray[np.newaxis], (-(-size[0] // 2), -(-size[1] // 2)))[0]
    chroma, confidence = match_reference(
        target, [features for features, _, _ in parts], [chroma for _, chroma, _ in parts],
        target_gray=half, reference_gray=[luma for _, _, luma in parts],
        similarity_range=similarity_range, **match_options)
    enlarged = resize_batch(np.dstack([chroma, confidence])[np.newaxis], size,
                            interpolation=cv2.INTER_LINEAR)[0]
    return enlarged[..., :2], enlarged[..., 2]


@validate_params({**_TRANSFER_PARAMS,
                  "min_confidence": Param([Interval(float, 0, 1, closed="right")])})
def reference_hints(colorizer, X, reference, *, min_confidence=0.5, **transfer_options):
    """RGBA hint images of the reference's colors, where the match is confident.

    Parameters
    ----------
    colorizer, X, reference
        As :func:`transfer_reference` takes them.
    min_confidence : float, default=0.5
        Pixels whose confidence reaches it are hinted.
    **transfer_options
        ``strides``, ``temperature``, ``luminance_weight``, ``mirror`` of
        :func:`transfer_reference`.

    Returns
    -------
    hints : list of ndarray of shape (H, W, 4), float32
        One per gray image, of its size, for ``predict(X, hints=...)`` of a
        colorizer fitted with ``hints=True``: alpha is the confidence where it
        reaches ``min_confidence`` and 0 elsewhere; RGB carries the matched
        chroma at mid-gray luminance, where every chroma fits in the RGB gamut
        (the network reads only the hints' chroma).

    Raises
    ------
    ValueError
        As :func:`transfer_reference`, or if ``min_confidence`` is not in (0, 1].
    """
    _, space, _ = _reference_parts(colorizer)
    images = [image[0] for image in check_gray_input(X)]
    hints = []
    for gray, (chroma, confidence) in zip(images, transfer_reference(
            colorizer, images, reference, **transfer_options)):
        hints.append(_hint_image(resize_batch(chroma[np.newaxis], gray.shape[:2])[0],
                                 resize_batch(confidence[np.newaxis, ..., np.newaxis],
                                              gray.shape[:2])[0, ..., 0],
                                 space, min_confidence))
    return hints


def _hint_image(chroma, confidence, space, min_confidence):
    hinted = confidence >= min_confidence
    rgb = space.to_rgb(chroma, np.full((*chroma.shape[:2], 1), 0.5, np.float32))
    alpha = np.where(hinted, np.maximum(confidence, 1e-3), 0.0)[..., np.newaxis]
    return np.concatenate([np.clip(rgb, 0.0, 1.0), alpha], axis=-1).astype(np.float32)


@validate_params({**_TRANSFER_PARAMS,
                  "use": Param([Options("blend", "hints", "both")]),
                  "min_confidence": Param([Interval(float, 0, 1, closed="right")])})
def colorize_with_reference(colorizer, X, reference, *, hints=None, use="blend",
                            min_confidence=0.5, **transfer_options):
    """Colorize gray images with the colors of a reference photo where it matches.

    Parameters
    ----------
    colorizer, X, reference
        As :func:`transfer_reference` takes them.
    hints : array-like of shape (n, H, W, 4), list, or None, default=None
        The user's own hints, as ``predict`` takes them (a colorizer fitted with
        ``hints=True``). They win over the reference: the network gets them
        where they are, in place of the reference's, and no reference color is
        blended into the pixels they cover.
    use : {"blend", "hints", "both"}, default="blend"
        How the transferred chroma reaches the colors: ``"blend"`` mixes it into
        the network's chroma by confidence; ``"hints"`` gives it to the network
        as dense hints where the confidence reaches ``min_confidence`` (a model
        fitted with ``hints=True``); ``"both"`` does the one, then the other.
    min_confidence : float, default=0.5
        Where hints are given (``use="hints"`` or ``"both"``).
    **transfer_options
        ``strides``, ``temperature``, ``luminance_weight``, ``mirror`` of
        :func:`transfer_reference`.

    Returns
    -------
    rgb : ndarray of shape (n, H, W, 3), or list of (H, W, 3) arrays
        As ``predict`` returns them: uint8 for integer input, float32 in [0, 1]
        for float input; a list for a list.

    Raises
    ------
    ValueError
        As :func:`transfer_reference`, if hints are asked of a colorizer fitted
        without them, or ``hints`` do not match the images.

    Notes
    -----
    On photos-val (``benchmarks/records/reference.md``), a mirrored window of
    the true photo as the reference gains 3.5 dB over no reference with the
    blend, and an unrelated photo loses 0.01 dB. Hints gain more from a matching
    reference (4.4 to 4.8 dB with ``"both"`` on a 40-photo subset) but lose 0.2
    to 0.7 dB with an unrelated one: the network spreads even a few wrong hints
    over whole objects, while the blend stays where the match is.

    Examples
    --------
    >>> from skcolor._colorizer._reference import colorize_with_reference
    >>> rgb = colorize_with_reference(colorizer, gray, reference)  # doctest: +SKIP
    """
    _, space, settings = _reference_parts(colorizer)
    if use != "blend" and not settings.hints:
        # Given hints are refused by predict, before this runs.
        raise ValueError(f"use={use!r} gives the network hints, but this colorizer was "
                         "fitted without them (hints=False); use='blend' needs none.")
    images = [image[0] for image in check_gray_input(X)]
    own_hints = ([None] * len(images) if hints is None
                 else check_hints(hints, [gray.shape[:2] for gray in images]))
    options = {**_TRANSFER_DEFAULTS, **transfer_options}
    strides = tuple(options.pop("strides"))
    encoder = colorizer.model_.get_layer("encoder")
    describe = _describer(encoder, space, settings, strides, options.pop("mirror"))
    references = check_references(reference, len(images))
    colored = []
    for gray, own, refs in zip(images, own_hints, references):
        size = working_size_for(*gray.shape[:2], settings)
        small = resize_batch(gray[np.newaxis], size)
        parts = [part for image in refs for part in describe(image)]
        if use == "blend":
            # The hints leave the encoder alone: one pass gives the network's colors
            # and the photo's place features.
            prediction, target = _predict_with_features(colorizer.model_, small, settings,
                                                        own, strides)
            chroma, confidence = _transfer(target, as_float32(small)[0], parts,
                                           SIMILARITY_RANGES[strides], **options)
        else:
            target = None
            if parts:
                target = reference_features(encoder, small, size=size, strides=strides,
                                            size_multiple=settings.size_multiple)[0]
            chroma, confidence = _transfer(target, as_float32(small)[0], parts,
                                           SIMILARITY_RANGES[strides], **options)
        if own is not None:
            # No reference color where the user's hints are, at the network's size.
            covered = resize_batch((own[np.newaxis, ..., 3:] > 0).astype(np.float32), size)
            confidence = np.where(covered[0, ..., 0] > 0, 0.0, confidence).astype(np.float32)
        if use != "blend":
            from_reference = _hint_image(chroma, confidence, space, min_confidence)
            if own is not None:
                from_reference = resize_batch(from_reference[np.newaxis], gray.shape[:2])[0]
                own_rgba = as_float32(own)
                from_reference = np.where(own_rgba[..., 3:] > 0, own_rgba, from_reference)
            prediction = predict_color(colorizer.model_, small, settings, [from_reference])[0]
        if use != "hints":
            prediction = prediction + confidence[..., np.newaxis] * (chroma - prediction)
        rgb = np.empty((*gray.shape[:2], 3), np.uint8 if gray.dtype.kind in "ui" else np.float32)
        recombine(prediction, gray, settings.color_space, out=rgb)
        colored.append(rgb)
    return colored if isinstance(X, list) else np.stack(colored)


_NETWORKS_WITH_FEATURES = weakref.WeakKeyDictionary()


def _predict_with_features(model, gray, settings, hints, strides):
    """``predict_color``'s colors of one working-size gray image, and its place features.

    The network of :func:`color_network` with the encoder's features as more
    outputs: the encoder sees the gray channel alone, padded as ``predict_color``
    pads it, so its features are those :func:`reference_features` would compute,
    without a second pass.

    Parameters
    ----------
    model : keras.Model
    gray : ndarray of shape (1, h, w, 1)
        At the working size.
    settings : InferenceSettings
    hints : ndarray of shape (H, W, 4) or None
        The user's validated hint image (full size), for a hint-aware network.
    strides : tuple of int

    Returns
    -------
    prediction : ndarray of shape (h, w, c), float32
    features : ndarray of shape (ceil(h / s), ceil(w / s), C), float32
    """
    if model not in _NETWORKS_WITH_FEATURES:
        import keras

        network, enlarged = color_network(model)
        node = model.get_layer("encoder")._inbound_nodes[0]
        outputs = [*network.outputs, *node.output_tensors[:len(_ENCODER_STRIDES)]]
        _NETWORKS_WITH_FEATURES[model] = (keras.Model(network.inputs, outputs), enlarged)
    network, enlarged = _NETWORKS_WITH_FEATURES[model]
    height, width = gray.shape[1:3]
    colors, *features = network.predict_on_batch(
        network_input(gray, settings, None if hints is None else [hints]))
    colors = decode_colors(colors, settings, enlarged, (height, width))
    places = _place_features({stride: features[_ENCODER_STRIDES.index(stride)]
                              for stride in strides}, (height, width))
    return colors[0], places[0]


def _reference_parts(colorizer):
    """``(encoder, color space, inference settings)`` of a colorizer that can take a reference."""
    check_is_fitted(colorizer)
    try:
        encoder = colorizer.model_.get_layer("encoder")
    except ValueError:
        encoder = None
    if encoder is None or len(encoder.outputs) != len(_ENCODER_STRIDES) + 1:
        raise ValueError(
            f"a reference is matched through an ImageNet encoder; architecture="
            f"{colorizer.architecture!r} has none (use architecture='lite0_unet').")
    space = COLOR_SPACES[colorizer.color_space]
    if getattr(space, "output_channels", 3) != 2:
        raise ValueError(f"a reference's colors are transferred as chroma; color_space="
                         f"{colorizer.color_space!r} has none (use 'ycbcr' or 'lab').")
    return encoder, space, colorizer._inference_settings()


def check_references(reference, n_images):
    """Validated references: per gray image, a list of ``(H, W, 3)`` RGB images (maybe empty).

    Parameters
    ----------
    reference : array-like or list
        One RGB image for all, an ``(n, H, W, 3)`` array, or a list of one entry
        per image: an RGB image, None, or a list of RGB images.
    n_images : int

    Returns
    -------
    references : list of list of ndarray
        The same image object appears for every gray image it serves, so that
        its features are computed once.

    Raises
    ------
    ValueError
        If a reference is not an RGB image (naming it, as ``reference`` or
        ``reference[i]`` or ``reference[i][j]``), or the count does not match.
    """
    if isinstance(reference, np.ndarray) and reference.ndim == 3:
        one = [_check_reference(reference, "reference")]
        return [one] * n_images
    if isinstance(reference, np.ndarray) and reference.ndim == 4:
        reference = list(reference)
    if not isinstance(reference, (list, tuple)):
        reference = np.asarray(reference) if reference is not None else None
        if reference is None or reference.ndim != 3:
            got = "None" if reference is None else f"shape {reference.shape}"
            raise ValueError(f"reference must be an RGB image (H, W, 3) or a list of them, one "
                             f"per gray image; got {got}.")
        return check_references(reference, n_images)
    if len(reference) != n_images:
        raise ValueError(f"reference has {len(reference)} entries; expected one per gray image "
                         f"({n_images}), or a single RGB image for all.")
    checked = []
    for i, entry in enumerate(reference):
        if entry is None:
            checked.append([])
        elif isinstance(entry, (list, tuple)):
            checked.append([_check_reference(image, f"reference[{i}][{j}]")
                            for j, image in enumerate(entry)])
        else:
            checked.append([_check_reference(entry, f"reference[{i}]")])
    return checked


def _check_reference(image, name):
    array = np.asarray(image)
    if array.ndim != 3 or array.shape[-1] != 3:
        raise ValueError(f"{name} must be an RGB color image of shape (H, W, 3); got shape "
                         f"{array.shape}. A reference gives the colors, so it cannot be gray.")
    return check_image(array, name=name, channels=(3,))[0]
