"""The hint-aware network's inputs: validated hint images, and their channels.

What a user gives is an RGBA hint image (:mod:`skcolor.hints`); what the network
of a model fitted with ``hints=True`` takes is three more input channels at its
working size. ``fit`` (simulated hints) and ``predict`` (given hints) encode them
here, the same way.
"""

import numpy as np

from .._image import as_float32, resize_batch
from .._validation import check_image

#: Extra network input channels of a hint-aware model: the hint's two chroma
#: channels (centered on neutral, 0 where there is no hint) and the hint mask.
HINT_CHANNELS = 3
# Chroma of real colors spans about ±0.1 around neutral; scaled to about ±0.5, the
# hint channels vary as much as the gray one, and their weights learn as fast.
_CHROMA_SCALE = np.float32(5.0)


def check_hints(hints, shapes):
    """Validated RGBA hint images, one per gray image of ``shapes`` (``(H, W)`` each).

    ``hints`` is an array ``(n, H, W, 4)`` or a list of ``(H, W, 4)`` arrays; a
    list of ``None`` entries is allowed for images without hints.

    Returns
    -------
    hints : list of ndarray or None
        One ``(H, W, 4)`` array (or None) per image.

    Raises
    ------
    ValueError
        If the count, a size or the number of channels does not match.
    """
    if isinstance(hints, np.ndarray) and hints.ndim == 3:
        hints = hints[np.newaxis]
    hints = list(hints)
    if len(hints) != len(shapes):
        raise ValueError(f"hints has {len(hints)} image(s); expected one per gray image "
                         f"({len(shapes)}).")
    checked = []
    for i, (hint, shape) in enumerate(zip(hints, shapes)):
        if hint is None:
            checked.append(None)
            continue
        hint = np.asarray(hint)
        if hint.ndim != 3 or hint.shape[-1] != 4:
            raise ValueError(f"hints[{i}] must be an RGBA image (H, W, 4), alpha > 0 where "
                             f"a hint is; got shape {hint.shape}.")
        if tuple(hint.shape[:2]) != tuple(shape):
            raise ValueError(f"hints[{i}] is {hint.shape[0]}×{hint.shape[1]}; it must be the "
                             f"size of its gray image, {shape[0]}×{shape[1]}.")
        checked.append(check_image(hint, name=f"hints[{i}]", channels=(4,))[0])
    return checked


def network_hint_channels(hints, size, color_space):
    """The hint-aware network's extra inputs for one image at the working ``size``.

    Each working-size pixel is hinted if any of the full-size pixels it covers is;
    its chroma is the mean chroma of those hinted pixels, in the model's color
    space, centered on neutral.

    Parameters
    ----------
    hints : ndarray of shape (H, W, 4) or None
        A validated RGBA hint image; None for no hints.
    size : tuple of int
        ``(h, w)`` at which the network sees the image.
    color_space : ColorSpace
        The model's (chroma) color space from :data:`skcolor.color.COLOR_SPACES`.

    Returns
    -------
    channels : ndarray of shape (h, w, 3), float32
        Hint chroma minus 0.5, times 5 (0 where there is no hint), and the 0/1 mask.
    """
    channels = np.zeros((*size, HINT_CHANNELS), np.float32)
    if hints is None:
        return channels
    hints = as_float32(hints)
    mask = (hints[..., 3:] > 0).astype(np.float32)
    if not mask.any():
        return channels
    chroma = color_space.encode(hints[np.newaxis, ..., :3])[0] * mask
    # Area averages of the mask and of the masked chroma: their ratio is the mean
    # chroma of the hinted pixels each working-size pixel covers.
    small = resize_batch(np.concatenate([chroma, mask], axis=-1)[np.newaxis], size)[0]
    small_mask = small[..., -1:]
    hinted = small_mask > 0
    chroma = small[..., :2] / np.maximum(small_mask, 1e-6) - np.float32(0.5)
    channels[..., :2] = np.where(hinted, chroma * _CHROMA_SCALE, 0)
    channels[..., 2:] = hinted
    return channels
