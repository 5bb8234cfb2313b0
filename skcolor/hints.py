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

from ._image import as_float32
from ._params import Interval, Options, Param, RandomState, validate_params
from ._validation import check_images

__all__ = ["from_points", "simulate_hints"]

@validate_params({"radius": Param([Interval(int, 0, None)])})
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
        If a point lies outside the image or its color is not a color, or
        ``radius`` is negative.
    TypeError
        If ``radius`` is not an int.

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
    "n_points": Param([Interval(int, 0, None), Options(None)]),
    "max_patch": Param([Interval(int, 1, None)]),
    "random_state": Param([RandomState()]),
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

    Raises
    ------
    ValueError
        If ``rgb`` is not a batch of RGB images (its shape, or values out of
        range), or an option is out of range (a negative ``n_points``, a
        ``max_patch`` below 1).
    TypeError
        If ``rgb`` is not numeric array-like, or an option has a wrong type.

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
