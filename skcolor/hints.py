"""Color hints: "this wall is white, this coat is red", for colorizers trained with hints.

A hint image is RGBA, the size of the gray image it goes with: alpha > 0 marks the
hinted pixels and their RGB gives the color. :func:`from_points` builds one from
points; :func:`simulate_hints` draws them from true images, as Zhang et al. (2017,
"Real-Time User-Guided Image Colorization with Learned Deep Priors") train with:
a random number of small patches, each carrying the patch's mean true color.
An :class:`~skcolor.AutoencoderColorizer` fitted with ``hints=True`` takes them in
``predict(X, hints=...)``; with no hints it colorizes on its own.
"""

import numbers

import numpy as np

from ._image import as_float32, resize_batch
from ._params import Interval, Options, Param, RandomState, validate_params
from ._validation import check_image, check_images

__all__ = ["from_points", "simulate_hints"]

#: Extra network input channels of a hint-aware model: the hint's two chroma
#: channels (centered on neutral, 0 where there is no hint) and the hint mask.
HINT_CHANNELS = 3
# Chroma of real colors spans about ±0.1 around neutral; scaled to about ±0.5, the
# hint channels vary as much as the gray one, and their weights learn as fast.
_CHROMA_SCALE = np.float32(5.0)


@validate_params({"radius": Param([Interval(int, 0, None)], "")})
def from_points(shape, points, *, radius=2):
    """An RGBA hint image with a colored disc at each point.

    Parameters
    ----------
    shape : tuple of int
        ``(H, W)`` (or ``(H, W, C)``, whose channels are ignored) of the image the
        hints are for.
    points : iterable of (row, col, color)
        Pixel coordinates (row from the top, column from the left) and a color in
        any form matplotlib takes: ``"#cc2222"``, ``"red"``, ``(0.8, 0.1, 0.1)``.
    radius : int, default=2
        Radius of each disc in pixels; 0 hints the one pixel.

    Returns
    -------
    hints : ndarray of shape (H, W, 4), uint8
        Opaque where a point's disc is, transparent (alpha 0) elsewhere; a later
        point covers an earlier one where they overlap.

    Raises
    ------
    ValueError
        If a point lies outside the image or its color is not a color.

    Examples
    --------
    >>> from skcolor.hints import from_points
    >>> hints = from_points((4, 5), [(1, 2, "#ff0000")], radius=0)
    >>> hints.shape, hints[1, 2].tolist(), int(hints[..., 3].sum() // 255)
    ((4, 5, 4), [255, 0, 0, 255], 1)
    """
    from matplotlib.colors import to_rgb

    height, width = (int(side) for side in tuple(shape)[:2])
    hints = np.zeros((height, width, 4), np.uint8)
    rows, cols = np.ogrid[:height, :width]
    for i, point in enumerate(points):
        try:
            row, col, color = point
        except (TypeError, ValueError):
            raise ValueError(f"points[{i}] must be (row, col, color); got {point!r}.") from None
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                   for v in (row, col)):
            raise ValueError(f"points[{i}] must have whole-number pixel coordinates (row, col); "
                             f"got ({row!r}, {col!r}).")
        if not (0 <= row < height and 0 <= col < width):
            raise ValueError(f"points[{i}] at ({row}, {col}) is outside the {height}×{width} "
                             "image.")
        try:
            rgb = np.round(np.asarray(to_rgb(color)) * 255).astype(np.uint8)
        except ValueError:
            raise ValueError(f"points[{i}] has {color!r}, which is not a color; expected a "
                             "form matplotlib takes, such as '#cc2222' or 'red'.") from None
        disc = (rows - row) ** 2 + (cols - col) ** 2 <= radius ** 2
        hints[disc] = (*rgb, 255)
    return hints


@validate_params({
    "n_points": Param([Interval(int, 0, None), Options(None)], ""),
    "max_patch": Param([Interval(int, 1, None)], ""),
    "random_state": Param([RandomState()], ""),
})
def simulate_hints(rgb, *, n_points=None, max_patch=5, random_state=None):
    """Hints drawn from the true images: square patches carrying their mean true color.

    Parameters
    ----------
    rgb : array-like of shape (n, H, W, 3)
        True color images, uint8 or float in [0, 1].
    n_points : int or None, default=None
        Patches per image. None draws the number for each image as training does:
        none for a quarter of the images, else geometric with mean 8 (Zhang et
        al. 2017 draw from a geometric distribution), so that few hints are common
        and many are possible.
    max_patch : int, default=5
        Patch sides are drawn uniformly from 1 to ``max_patch`` pixels.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw: an int gives the same hints every time.

    Returns
    -------
    hints : ndarray of shape (n, H, W, 4), uint8
        RGBA hint images (see the module's description).

    Examples
    --------
    >>> import numpy as np
    >>> from skcolor.hints import simulate_hints
    >>> rgb = np.zeros((2, 32, 32, 3), np.uint8); rgb[..., 0] = 200
    >>> hints = simulate_hints(rgb, n_points=3, max_patch=1, random_state=0)
    >>> hints.shape, int((hints[0, ..., 3] > 0).sum()), hints[0][hints[0, ..., 3] > 0][0].tolist()
    ((2, 32, 32, 4), 3, [200, 0, 0, 255])
    """
    from sklearn.utils import check_random_state

    images = as_float32(check_images(rgb, name="rgb", channels=(3,)))
    rng = check_random_state(random_state)
    n, height, width, _ = images.shape
    hints = np.zeros((n, height, width, 4), np.uint8)
    for index, image in enumerate(images):
        if n_points is not None:
            count = n_points
        else:
            count = 0 if rng.random_sample() < 0.25 else int(rng.geometric(1 / 8))
        for _ in range(count):
            side = int(rng.randint(1, min(max_patch, height, width) + 1))
            top, left = rng.randint(0, height - side + 1), rng.randint(0, width - side + 1)
            patch = image[top:top + side, left:left + side]
            color = np.round(patch.reshape(-1, 3).mean(axis=0) * 255).astype(np.uint8)
            hints[index, top:top + side, left:left + side] = (*color, 255)
    return hints


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
