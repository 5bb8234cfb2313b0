"""Image-quality metrics for colorization and scikit-learn scorers built on them.

Every metric takes batches of images, ``(n, H, W, C)`` (or ``(n, H, W)`` gray),
uint8 (0-255) or float in [0, 1]; both arguments are brought to float in [0, 1], so
the figures do not depend on the dtype. Accumulation is in float64. Each
definition is written out in its function's docstring, and these functions are
used everywhere skcolor reports a number (benchmarks, ``skcolor evaluate``).
"""

from typing import NamedTuple

import numpy as np
from sklearn.metrics import make_scorer

from ._image import as_float32
from ._params import Interval, IntTuple, Param, validate_params
from ._validation import check_image, check_images, check_same_shape

__all__ = [
    "mean_squared_error",
    "psnr",
    "dataset_psnr",
    "ssim",
    "colorfulness",
    "luminance_psnr",
    "neutral_cast",
    "NeutralCast",
    "colorization_scores",
    "flicker",
    "still_flicker",
    "clip_flow",
    "warp_error",
    "color_distribution_consistency",
    "psnr_scorer",
    "ssim_scorer",
    "neg_mse_scorer",
]

#: PSNR given to an image identical to its reference (whose MSE is zero).
PSNR_CAP = 100.0


def _check_pair(y_true, y_pred):
    y_true = check_images(y_true, name="y_true")
    y_pred = check_images(y_pred, name="y_pred")
    check_same_shape(y_true, y_pred)
    return as_float32(y_true), as_float32(y_pred)


def _per_image_mse(y_true, y_pred):
    diff = y_true.astype(np.float64) - y_pred
    return np.mean(np.square(diff), axis=(1, 2, 3))


def _psnr_from_mse(mse):
    with np.errstate(divide="ignore"):
        value = 10.0 * np.log10(1.0 / np.asarray(mse, dtype=np.float64))
    return np.minimum(value, PSNR_CAP)


def mean_squared_error(y_true, y_pred):
    """Mean squared error over every pixel and channel, on the [0, 1] scale.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n, H, W, C)
        Reference and predicted images.

    Returns
    -------
    mse : float

    Raises
    ------
    ValueError
        If the two differ in shape, or either is not a batch of images (its
        shape, or values out of range: NaN, infinite, floats outside [0, 1]).
    TypeError
        If either is not numeric array-like (strings, objects, complex, bool).

    Examples
    --------
    >>> import numpy as np
    >>> black = np.zeros((1, 4, 4, 3), dtype=np.uint8)
    >>> tinted = black.copy(); tinted[..., 0] = 51  # red off by 0.2 in one channel of 3
    >>> round(mean_squared_error(black, tinted), 5)  # 0.2 ** 2 / 3
    0.01333
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return float(np.mean(_per_image_mse(y_true, y_pred)))


def psnr(y_true, y_pred):
    """Mean over images of the per-image peak signal-to-noise ratio, in dB.

    Each image's PSNR is ``10 log10(1 / MSE)`` on the [0, 1] scale (the same as
    ``255² / MSE`` on the 0-255 scale), capped at 100 dB for identical images.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n, H, W, C)
        Reference and predicted images.

    Returns
    -------
    psnr : float

    Raises
    ------
    ValueError, TypeError
        As :func:`mean_squared_error`.

    See Also
    --------
    dataset_psnr : PSNR of the MSE pooled over the whole set.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((2, 4, 4, 3), dtype=np.uint8)
    >>> b = a.copy(); b[1] = 255
    >>> round(psnr(a, b), 1)  # (100 dB + 0 dB) / 2
    50.0
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return float(np.mean(_psnr_from_mse(_per_image_mse(y_true, y_pred))))


def dataset_psnr(y_true, y_pred):
    """PSNR of the mean squared error pooled over every pixel of the set, in dB.

    Unlike :func:`psnr`, images that happen to be reproduced exactly (often the
    nearly gray ones) do not dominate the figure.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n, H, W, C)
        The reference set and the predicted one, pooled pixel by pixel.

    Returns
    -------
    psnr : float
        ``10 log10(1 / MSE)`` of the pooled MSE, on the [0, 1] scale; capped at
        100 dB for identical sets.

    Raises
    ------
    ValueError, TypeError
        If the sets differ in shape, or either is not a batch of images: the
        checks of :func:`mean_squared_error`.

    See Also
    --------
    psnr : The mean of the per-image PSNRs.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((2, 4, 4, 3), dtype=np.uint8)
    >>> b = a.copy(); b[1] = 255
    >>> round(dataset_psnr(a, b), 2)  # MSE 0.5 pooled: 10 log10(1 / 0.5); psnr gives 50.0
    3.01
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return float(_psnr_from_mse(np.mean(_per_image_mse(y_true, y_pred))))


def ssim(y_true, y_pred):
    """Mean structural similarity over images (scikit-image, ``data_range=1``).

    Images smaller than 7×7 use the largest odd window that fits; images smaller
    than 3×3 are refused.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n, H, W, C)
        Reference and predicted images, at least 3×3 pixels.

    Returns
    -------
    ssim : float
        In [-1, 1]; 1 for identical images.

    Raises
    ------
    ValueError
        If the images are smaller than 3×3, or as :func:`mean_squared_error`.
    TypeError
        As :func:`mean_squared_error`.

    Examples
    --------
    >>> from skimage.data import astronaut
    >>> photo = astronaut()[None]  # (1, 512, 512, 3)
    >>> ssim(photo, photo)
    1.0
    >>> round(ssim(photo, photo // 2), 2)  # half as bright
    0.74
    """
    from skimage.metrics import structural_similarity

    y_true, y_pred = _check_pair(y_true, y_pred)
    side = min(y_true.shape[1:3])
    if side < 3:
        raise ValueError(
            f"ssim needs images of at least 3×3 pixels; got {y_true.shape[1]}×{y_true.shape[2]}."
        )
    win_size = min(7, side if side % 2 else side - 1)
    values = [
        structural_similarity(t, p, channel_axis=-1, data_range=1.0, win_size=win_size)
        for t, p in zip(y_true, y_pred)
    ]
    return float(np.mean(values))


def colorfulness(images):
    """Mean Hasler–Süsstrunk (2003) colorfulness of RGB images, on the 0-255 scale.

    ``rg = R - G``, ``yb = (R + G) / 2 - B``,
    ``CF = sqrt(std(rg)² + std(yb)²) + 0.3 sqrt(mean(rg)² + mean(yb)²)`` per image,
    then the mean. Gray images score 0; natural photos score roughly 15-110.

    Parameters
    ----------
    images : array-like of shape (n, H, W, 3)

    Returns
    -------
    colorfulness : float

    Raises
    ------
    ValueError
        If ``images`` is not a batch of RGB images (its shape, or values out of range).
    TypeError
        If ``images`` is not numeric array-like (strings, objects, complex, bool).

    Examples
    --------
    >>> import numpy as np
    >>> from skimage.data import astronaut
    >>> photo = astronaut()[None]
    >>> round(colorfulness(photo), 1)
    72.6
    >>> colorfulness(np.repeat(photo[..., :1], 3, axis=-1))  # R = G = B: gray
    0.0
    """
    images = as_float32(check_images(images, name="images", channels=(3,)))
    rgb = images.astype(np.float64) * 255.0
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg = red - green
    yb = 0.5 * (red + green) - blue
    spread = np.sqrt(rg.var(axis=(1, 2)) + yb.var(axis=(1, 2)))
    offset = np.sqrt(rg.mean(axis=(1, 2)) ** 2 + yb.mean(axis=(1, 2)) ** 2)
    return float(np.mean(spread + 0.3 * offset))


def luminance_psnr(gray, rgb):
    """Mean PSNR between gray input images and the BT.601 gray of RGB outputs.

    Measures how well a colorizer keeps its input's luminance (∞ is perfect, here
    capped at 100 dB per image).

    Parameters
    ----------
    gray : array-like of shape (n, H, W) or (n, H, W, 1)
        The gray inputs, uint8 or float in [0, 1].
    rgb : array-like of shape (n, H, W, 3)
        The colorized outputs, uint8 or float in [0, 1].

    Returns
    -------
    psnr : float
        Mean over images, in dB.

    Raises
    ------
    ValueError
        If ``gray`` and ``rgb`` differ in image count or size, or either is not
        a batch of images of its kind (its shape, or values out of range).
    TypeError
        If either is not numeric array-like (strings, objects, complex, bool).

    Examples
    --------
    >>> from skimage.data import astronaut
    >>> from skcolor.color import gray_to_rgb, rgb_to_gray
    >>> photo = astronaut()[None]
    >>> gray = rgb_to_gray(photo)
    >>> luminance_psnr(gray, gray_to_rgb(gray))  # the gray copy keeps it exactly
    100.0
    >>> round(luminance_psnr(gray, photo), 1)  # the 8-bit gray rounds the exact luma
    59.4
    """
    from .color import rgb_to_gray

    gray = check_images(gray, name="gray", channels=(1,))
    rgb = check_images(rgb, name="rgb", channels=(3,))
    if gray.shape[:3] != rgb.shape[:3]:
        raise ValueError(
            f"gray and rgb must hold as many images of the same size; got shapes {gray.shape} "
            f"and {rgb.shape}."
        )
    return psnr(as_float32(gray), rgb_to_gray(as_float32(rgb)))


class NeutralCast(NamedTuple):
    """What :func:`neutral_cast` measures, on the 0-255 chroma scale."""

    #: Mean magnitude ``sqrt(Cb² + Cr²)`` of the predicted chroma on neutral pixels.
    magnitude: float
    #: Mean signed predicted Cb there (negative is yellow, positive blue).
    cb: float
    #: Mean signed predicted Cr there (positive is red, negative green).
    cr: float
    #: Number of neutral pixels the means are over (0 gives NaN means).
    n_pixels: int


@validate_params({"tol": Param([Interval(float, 0, None)])})
def neutral_cast(y_true, y_pred, *, tol=6):
    """The color a colorizer paints where the truth is neutral: a cast, such as sepia.

    On the pixels whose true chroma is within ``tol`` of neutral (both BT.601 Cb
    and Cr, on the 0-255 scale centred at 0: white walls, gray sea, black coats;
    about a quarter of a typical photo), the mean magnitude of the predicted
    chroma and its mean signed Cb and Cr, pooled over every such pixel of the
    batch. 0 is a colorizer that keeps neutrals neutral; a sepia wash scores
    13-15 with Cb ≈ -7…-10 and Cr ≈ +7…+9. PSNR hides a cast that covers a
    quarter of the picture; this figure does not.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n, H, W, 3)
        True and colorized RGB images, uint8 or float in [0, 1].
    tol : float, default=6
        Largest absolute true Cb and Cr, on the 0-255 scale, of a neutral pixel.

    Returns
    -------
    cast : NeutralCast
        ``(magnitude, cb, cr, n_pixels)``; the means are NaN if no pixel is neutral.
        ``n_pixels`` lets casts of batches of different sizes be pooled.

    Raises
    ------
    ValueError
        If the images are not RGB, the two differ in shape, either is not a batch
        of images, or ``tol`` is negative.
    TypeError
        If either is not numeric array-like, or ``tol`` is not a number.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage.data import astronaut
    >>> from skcolor.color import gray_to_rgb, rgb_to_gray
    >>> photo = astronaut()[None]
    >>> gray_copy = gray_to_rgb(rgb_to_gray(photo))
    >>> round(neutral_cast(photo, gray_copy).magnitude, 3)  # gray paints no color
    0.0
    >>> tinted = np.clip(gray_copy.astype(int) + [12, 0, -12], 0, 255)  # a warm wash
    >>> cast = neutral_cast(photo, tinted.astype(np.uint8))
    >>> round(cast.magnitude, 1), cast.cb < 0 < cast.cr
    (9.2, True)
    """
    from .color import rgb_to_ycbcr

    y_true, y_pred = _check_pair(y_true, y_pred)
    if y_true.shape[-1] != 3:
        raise ValueError(f"neutral_cast needs RGB images (n, H, W, 3); got shape {y_true.shape}.")
    true_chroma = (rgb_to_ycbcr(y_true)[..., 1:].astype(np.float64) - 0.5) * 255.0
    neutral = np.all(np.abs(true_chroma) <= tol, axis=-1)
    n_pixels = int(neutral.sum())
    if n_pixels == 0:
        return NeutralCast(float("nan"), float("nan"), float("nan"), 0)
    chroma = (rgb_to_ycbcr(y_pred)[neutral][:, 1:].astype(np.float64) - 0.5) * 255.0
    return NeutralCast(float(np.mean(np.hypot(chroma[:, 0], chroma[:, 1]))),
                       float(np.mean(chroma[:, 0])), float(np.mean(chroma[:, 1])), n_pixels)


@validate_params({"ssim_images": Param([Interval(int, 1, None)])})
def colorization_scores(gray, y_true, y_pred, *, ssim_images=2000):
    """Every image figure skcolor reports for one set of colorizations, as a dict.

    Parameters
    ----------
    gray : array-like of shape (n, H, W, 1)
        The gray inputs.
    y_true, y_pred : array-like of shape (n, H, W, 3)
        True and colorized images.
    ssim_images : int, default=2000
        SSIM is computed over the first ``ssim_images`` images only (it is the
        slow one); at least 1.

    Returns
    -------
    scores : dict
        ``dataset_psnr``, ``mean_psnr``, ``ssim``, ``ssim_images``, ``colorfulness``
        (of ``y_pred``) and ``luminance_psnr``.

    Raises
    ------
    ValueError
        If the three do not hold as many images of one size (gray, RGB, RGB), an
        image is smaller than 3×3, or ``ssim_images`` is below 1.
    TypeError
        If an array is not numeric array-like, or ``ssim_images`` is not an int.

    Examples
    --------
    The gray copy of a real photo, the floor every colorizer must beat:

    >>> from skimage.data import chelsea
    >>> from skcolor.color import gray_to_rgb, rgb_to_gray
    >>> cat = chelsea()[None]
    >>> scores = colorization_scores(rgb_to_gray(cat), cat, gray_to_rgb(rgb_to_gray(cat)))
    >>> {name: round(value, 2) for name, value in scores.items()}
    {'dataset_psnr': 19.42, 'mean_psnr': 19.42, 'ssim': 0.94, 'ssim_images': 1,
     'colorfulness': 0.0, 'luminance_psnr': 100.0}
    """
    # Validated here, not only inside each metric, so that slicing works on any array-like.
    gray = check_images(gray, name="gray", channels=(1,))
    y_true = check_images(y_true, name="y_true", channels=(3,))
    y_pred = check_images(y_pred, name="y_pred", channels=(3,))
    n_ssim = min(ssim_images, len(y_true))
    return {
        "dataset_psnr": dataset_psnr(y_true, y_pred),
        "mean_psnr": psnr(y_true, y_pred),
        "ssim": ssim(y_true[:n_ssim], y_pred[:n_ssim]),
        "ssim_images": n_ssim,
        "colorfulness": colorfulness(y_pred),
        "luminance_psnr": luminance_psnr(gray, y_pred),
    }


# Scorers for GridSearchCV(scoring=...): estimator.predict(X) is compared with y.
#: Scorer of mean PSNR (:func:`psnr`), higher is better.
psnr_scorer = make_scorer(psnr)
#: Scorer of mean SSIM (:func:`ssim`), higher is better.
ssim_scorer = make_scorer(ssim)
#: Scorer of the negated :func:`mean_squared_error`, so that higher is better.
neg_mse_scorer = make_scorer(mean_squared_error, greater_is_better=False)


# Video: flicker is measured on frame-to-frame changes of chroma, streamed.
def _video_chroma(frames, name):
    """Yield ``(luma, chroma)`` of each RGB frame, float64 on the 0-255 scale (BT.601 YCbCr)."""
    from .color import rgb_to_ycbcr

    if isinstance(frames, np.ndarray) and frames.ndim != 4:
        raise ValueError(f"{name} must be a clip of shape (n, H, W, 3) or an iterable of "
                         f"(H, W, 3) frames; got an array of shape {frames.shape}.")
    for i, frame in enumerate(frames):
        frame = check_image(frame, name=f"{name}[{i}]", channels=(3,))
        ycbcr = rgb_to_ycbcr(frame)[0].astype(np.float64) * 255.0
        yield ycbcr[..., 0], ycbcr[..., 1:]


def flicker(video, truth):
    """Frame-to-frame color change of a colorized clip that the true clip does not have.

    With ``C(t)`` the (Cr, Cb) planes of frame ``t`` (full-range BT.601, 0-255, as
    OpenCV's YCrCb), the mean over ``t >= 1`` and over pixels of
    ``|(C_video(t) - C_video(t-1)) - (C_truth(t) - C_truth(t-1))|``.
    0 for a clip whose color changes exactly as the truth's does; compare a
    colorizer with itself run frame by frame as a ratio. Frames stream through,
    so clips longer than memory can be measured.

    Parameters
    ----------
    video, truth : array-like of shape (n, H, W, 3), or iterables of (H, W, 3) frames
        The colorized and true RGB clips, uint8 or float in [0, 1], with at
        least two frames of the same size each.

    Returns
    -------
    flicker : float
        In chroma levels (0-255 scale); lower is steadier.

    Raises
    ------
    ValueError
        If the clips differ in length or frame size, or hold fewer than 2 frames.

    See Also
    --------
    still_flicker : A variant that needs no true clip.

    Examples
    --------
    >>> import numpy as np
    >>> truth = np.zeros((3, 4, 4, 3), dtype=np.uint8)
    >>> video = truth.copy()
    >>> video[1, ..., 0] = 40  # one frame turns red, then back
    >>> round(flicker(truth, truth), 6), round(flicker(video, truth), 2)
    (0.0, 13.37)
    """
    total, count, previous = 0.0, 0, None
    pairs = zip(_video_chroma(video, "video"), _video_chroma(truth, "truth"))
    for n, ((_, chroma), (_, true_chroma)) in enumerate(pairs):
        if chroma.shape != true_chroma.shape:
            raise ValueError(f"video and truth must have frames of the same size; frame {n} is "
                             f"{chroma.shape[:2]} in video and {true_chroma.shape[:2]} in truth.")
        if previous is not None:
            change = (chroma - previous[0]) - (true_chroma - previous[1])
            total += float(np.abs(change).mean())
            count += 1
        previous = (chroma, true_chroma)
    _check_clip_lengths(video, truth, count)
    return total / count


def _check_clip_lengths(video, truth, count):
    lengths = [len(clip) if hasattr(clip, "__len__") else None for clip in (video, truth)]
    if None not in lengths and lengths[0] != lengths[1]:
        raise ValueError(f"video and truth must hold as many frames; got {lengths[0]} and "
                         f"{lengths[1]}.")
    if count < 1:
        raise ValueError("flicker needs clips of at least 2 frames.")


@validate_params({"threshold": Param([Interval(float, 0, None, closed="neither")],
                                     "luminance change below which a pixel is still")})
def still_flicker(video, *, threshold=2.0):
    """Flicker without a true clip: the chroma change where the luminance stayed still.

    The mean of ``|C(t) - C(t-1)|`` over the (Cr, Cb) planes (0-255) of all pixels,
    over all pairs of consecutive frames, whose luminance changed by less than
    ``threshold`` levels: there the picture did not change, so its color should
    not either. For users' own films, which have no truth.

    Parameters
    ----------
    video : array-like of shape (n, H, W, 3), or iterable of (H, W, 3) frames
        RGB clip, uint8 or float in [0, 1], at least 2 frames.
    threshold : float, default=2.0
        Luminance change (0-255) below which a pixel counts as still.

    Returns
    -------
    flicker : float
        In chroma levels; NaN if no pixel stayed still.

    Raises
    ------
    ValueError
        If the clip holds fewer than 2 frames or frames of different sizes, a
        frame is not an RGB image, or ``threshold`` is not positive.
    TypeError
        If a frame is not numeric array-like, or ``threshold`` is not a number.

    See Also
    --------
    flicker : The same with a true clip to compare against.

    Examples
    --------
    >>> import numpy as np
    >>> video = np.full((3, 4, 4, 3), 128, dtype=np.uint8)
    >>> still_flicker(video)
    0.0
    >>> video[1, ..., 0] += 20; video[1, ..., 2] -= 52  # the same luma, another color
    >>> round(still_flicker(video), 1)
    21.8
    """
    total, count, previous, frames = 0.0, 0, None, 0
    for luma, chroma in _video_chroma(video, "video"):
        frames += 1
        if previous is not None:
            if previous[1].shape != chroma.shape:
                raise ValueError("video must have frames of one size.")
            still = np.abs(luma - previous[0]) < threshold
            total += float(np.abs(chroma - previous[1])[still].sum())
            count += int(still.sum()) * chroma.shape[-1]
        previous = (luma, chroma)
    if frames < 2:
        raise ValueError("still_flicker needs a clip of at least 2 frames.")
    return total / count if count else float("nan")


def clip_flow(frames):
    """The motion of a clip, for :func:`warp_error`: each frame's backward flow and
    the pixels where it can be trusted.

    The flow from frame ``t`` to frame ``t-1`` is OpenCV's DIS optical flow (medium
    preset) on the BT.601 luminance. A pixel is valid (not occluded) where the
    backward and forward flows agree, by the criterion of Ruder et al. (2016, "Artistic
    style transfer for videos") that Lai et al. (2018) use:
    ``|b(x) + f(x + b(x))|^2 <= 0.01 (|b(x)|^2 + |f(x + b(x))|^2) + 0.5``.

    Parameters
    ----------
    frames : array-like of shape (n, H, W, 3), or iterable of (H, W, 3) frames
        RGB clip, uint8 or float in [0, 1].

    Yields
    ------
    flow : ndarray of shape (H, W, 2), float32
        For each frame ``t >= 1``: where each of its pixels was in frame ``t-1``,
        as (dx, dy) offsets.
    valid : ndarray of shape (H, W), bool
        The pixels of frame ``t`` that are not occluded in frame ``t-1``.

    Raises
    ------
    ValueError
        If ``frames`` is an array that is not a clip ``(n, H, W, 3)``, or a frame
        is not an RGB image (its shape, or values out of range).
    TypeError
        If a frame is not numeric array-like.
    """
    from ._motion import FlowEstimator, consistent

    estimate = FlowEstimator("dis", preset="medium")
    previous = None
    for luma, _ in _video_chroma(frames, "frames"):
        luma = np.clip(np.rint(luma), 0, 255).astype(np.uint8)
        if previous is not None:
            backward = estimate(luma, previous)
            yield backward, consistent(backward, estimate(previous, luma))
        previous = luma


def warp_error(frames, flow=None):
    """Warp error (Lai et al., ECCV 2018): how much each frame differs from the previous
    one carried along the motion, where the motion is trusted.

    ``E = mean over t >= 1 of  sum_x M_t(x) |O_t(x) - W(O_{t-1})(x)|^2 / sum_x M_t(x)``,
    with ``O_t`` the RGB frame in [0, 1], ``W(O_{t-1})`` the previous frame warped
    onto frame ``t`` by the backward flow, ``M_t`` the non-occlusion mask and
    ``|.|^2`` the squared norm over the three channels. 0 for a clip that only moves;
    flicker raises it. Compare a colorizer with itself run frame by frame as a ratio.

    Parameters
    ----------
    frames : array-like of shape (n, H, W, 3), or iterable of (H, W, 3) frames
        RGB clip, uint8 or float in [0, 1], at least 2 frames.
    flow : iterable of (flow, valid) pairs, default=None
        The motion, one pair per frame from the second on, as :func:`clip_flow`
        yields it. None computes it from ``frames`` themselves; pass
        ``clip_flow(reference)`` to measure several colorizations of one clip
        along the same motion (a colorization keeps the input's luminance, so the
        flows agree closely).

    Returns
    -------
    error : float
        Lower is steadier. A frame with no valid pixel is measured on all of them.

    Raises
    ------
    ValueError
        If the clip has fewer than 2 frames, frames of different sizes, or
        ``flow`` does not match it.

    Examples
    --------
    >>> import numpy as np
    >>> clip = np.zeros((3, 20, 20, 3), np.uint8)
    >>> clip[:, 5:10, 5:10] = 200            # a still square
    >>> warp_error(clip)
    0.0
    >>> clip[1, ..., 0] = 100                 # one frame turns red, then back
    >>> still = [(np.zeros((20, 20, 2), np.float32), np.ones((20, 20), bool))] * 2
    >>> round(warp_error(clip, flow=still), 4)  # (100 / 255) ** 2 at every pixel
    0.1538
    """
    from ._motion import warp

    if flow is None and not isinstance(frames, np.ndarray):
        frames = list(frames)  # read twice: for the flow and for the error
    images = iter(frames)
    flows = clip_flow(frames) if flow is None else iter(flow)
    total, count, previous = 0.0, 0, None
    for i, frame in enumerate(images):
        frame = as_float32(check_image(frame, name=f"frames[{i}]", channels=(3,))[0])
        if previous is not None:
            try:
                motion, valid = next(flows)
            except StopIteration:
                raise ValueError(f"flow ends before frame {i}; expected one (flow, valid) "
                                 "pair per frame from the second on.") from None
            if frame.shape != previous.shape or motion.shape != frame.shape[:2] + (2,):
                raise ValueError(f"frame {i} is {frame.shape[:2]}, the previous one "
                                 f"{previous.shape[:2]}, its flow {motion.shape[:2]}; they "
                                 "must be of one size.")
            warped = warp(previous, motion)
            squared = np.square(frame.astype(np.float64) - warped).sum(axis=-1)
            mask = valid if valid.any() else np.ones_like(valid)
            total += float(squared[mask].mean())
            count += 1
        previous = frame
    if count < 1:
        raise ValueError("warp_error needs a clip of at least 2 frames.")
    return total / count


@validate_params({"steps": Param([IntTuple(low=1)])})
def color_distribution_consistency(frames, *, steps=(1, 2, 4)):
    """Color distribution consistency (CDC; Liu et al., "Temporally consistent video
    colorization with deep feature propagation and self-regularization learning", 2021).

    For each step ``d`` in ``steps``: the mean, over frame pairs ``(t, t + d)`` and
    over the R, G and B channels, of the Jensen-Shannon divergence between the two
    frames' 256-bin histograms (normalized to sum to 1; natural logarithm, so each
    divergence lies in [0, ln 2]); then the mean over the steps. It ignores where
    colors are, only how much of each there is, so motion barely moves it while a
    change of palette does. Lower is steadier.

    Parameters
    ----------
    frames : array-like of shape (n, H, W, 3), or iterable of (H, W, 3) frames
        RGB clip, uint8 or float in [0, 1] (float is rounded to 8 bits).
    steps : tuple of int, default=(1, 2, 4)
        Frame distances ``d``, positive; each must be smaller than the clip's length.

    Returns
    -------
    cdc : float

    Raises
    ------
    ValueError
        If a step is not a positive integer smaller than the number of frames, or
        ``steps`` is empty.
    TypeError
        If ``steps`` is not a tuple or list.

    Examples
    --------
    >>> import numpy as np
    >>> clip = np.zeros((5, 4, 4, 3), np.uint8)
    >>> color_distribution_consistency(clip)
    0.0
    >>> clip[2, :2] = 255     # half of one frame turns white
    >>> round(color_distribution_consistency(clip), 4)
    0.0839
    """
    from ._image import restore_dtype

    histograms = []
    for i, frame in enumerate(frames):
        frame = check_image(frame, name=f"frames[{i}]", channels=(3,))[0]
        if frame.dtype != np.uint8:
            frame = restore_dtype(as_float32(frame), np.uint8)
        counts = np.stack([np.bincount(frame[..., c].ravel(), minlength=256) for c in range(3)])
        histograms.append(counts / counts.sum(axis=1, keepdims=True))
    histograms = np.asarray(histograms, dtype=np.float64)
    n = len(histograms)
    for step in steps:
        if step >= n:  # positive ints already; the clip's length is known only now
            raise ValueError(f"steps must be whole numbers from 1 to {n - 1} (the clip has {n} "
                             f"frames); got {step!r}.")
    per_step = []
    for step in steps:
        p, q = histograms[:-step], histograms[step:]
        m = (p + q) / 2
        divergence = 0.5 * (_kl(p, m) + _kl(q, m))  # (pairs, channels)
        per_step.append(divergence.mean())
    return float(np.mean(per_step))


def _kl(p, q):
    """Kullback-Leibler divergence along the last axis, with 0 log 0 = 0."""
    ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)
    return (p * np.log(ratio)).sum(axis=-1)
