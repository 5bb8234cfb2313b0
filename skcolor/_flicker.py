"""Flicker of colorized video, re-exported by :mod:`skcolor.metrics`."""

import numpy as np

from ._validation import check_image

__all__ = ["flicker", "still_flicker"]


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
