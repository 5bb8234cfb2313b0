"""Training crops from photos of any size: :func:`sample_photo_crops`.

Re-exported by :mod:`skcolor.datasets`; kept apart so that module stays small.
"""

import os
from pathlib import Path

import cv2
import numpy as np
from sklearn.utils import check_random_state

from .._params import Interval, Options, Param, RandomState, RangePair, validate_params
from ..io import IMAGE_SUFFIXES, read_image


@validate_params({
    "crop_size": Param([Interval(int, 1, None)]),
    "crops_per_photo": Param([Interval(int, 1, None)]),
    "scale": Param([RangePair(Interval(float, 0, 1, closed="right"))]),
    "flip": Param([Options(False, True)]),
    "random_state": Param([RandomState()]),
})
def sample_photo_crops(photos, *, crop_size=64, crops_per_photo=8, scale=(0.2, 1.0), flip=True,
                       random_state=None):
    """Random square crops of photos at random scales, resized to ``crop_size``.

    Turns photos of any size into training images for a colorizer at its working
    resolution. Each crop's side is a fraction, drawn uniformly from ``scale``, of
    the photo's shorter side, placed at a random position: a fraction near 1 shows
    (nearly) the whole scene shrunk, as ``predict`` shows a photo to the network at
    its working size; a small fraction shows detail near full resolution. Crops are
    shrunk with area averaging (enlarged bilinearly if the photo is smaller than
    ``crop_size``) and mirrored left-right with probability 1/2.

    Memory is bounded: photos are decoded one at a time, each straight into its
    place in the preallocated output, so the peak is the output plus one decoded photo.

    Parameters
    ----------
    photos : str, path-like, or sequence of them
        A folder (its image files, sorted by name; sub-folders are not read) or a
        list of image files (PNG, JPEG, BMP or TIFF), of any sizes.
    crop_size : int, default=64
        Side in pixels of the output crops.
    crops_per_photo : int, default=8
        Crops drawn from each photo.
    scale : (float, float), default=(0.2, 1.0)
        Range of the crop's side as a fraction of the photo's shorter side, with
        ``0 < low <= high <= 1``.
    flip : bool, default=True
        Mirror each crop left-right with probability 1/2.
    random_state : int, RandomState instance or None, default=None
        Seeds the crops' scales, positions and flips: an int makes the output repeatable.

    Returns
    -------
    crops : ndarray of shape (n_photos * crops_per_photo, crop_size, crop_size, 3), uint8
        RGB crops, photo by photo (those of photo ``i`` at ``i * crops_per_photo``
        onward), ready for :meth:`AutoencoderColorizer.fit <skcolor.AutoencoderColorizer.fit>`.

    Raises
    ------
    ValueError
        If the folder holds no image file, a file cannot be read as an image, or a
        parameter is out of range.
    TypeError
        If ``photos`` is neither a path nor a sequence of paths, or a parameter
        is not of an accepted type.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skimage import data
    >>> from skcolor.io import write_image
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_image(folder / "coffee.png", data.coffee())
    >>> write_image(folder / "chelsea.png", data.chelsea())
    >>> crops = sample_photo_crops(folder, crop_size=32, crops_per_photo=3, random_state=0)
    >>> crops.shape, crops.dtype
    ((6, 32, 32, 3), dtype('uint8'))
    """
    files = list_photos(photos)
    low, high = (float(value) for value in scale)
    rng = check_random_state(random_state)
    crops = np.empty((len(files) * crops_per_photo, crop_size, crop_size, 3), dtype=np.uint8)
    for i, file in enumerate(files):
        photo = read_image(file)
        height, width = photo.shape[:2]
        short = min(height, width)
        for j in range(crops_per_photo):
            side = max(1, min(short, round(rng.uniform(low, high) * short)))
            top = rng.randint(height - side + 1)
            left = rng.randint(width - side + 1)
            mirror = flip and rng.rand() < 0.5
            crop = photo[top:top + side, left:left + side]
            interpolation = cv2.INTER_AREA if side > crop_size else cv2.INTER_LINEAR
            resized = cv2.resize(crop, (crop_size, crop_size), interpolation=interpolation)
            crops[i * crops_per_photo + j] = resized[:, ::-1] if mirror else resized
    return crops


def list_photos(photos):
    """The image files named by ``photos``: a folder (sorted, not recursive) or a list.

    Parameters
    ----------
    photos : str, path-like, or sequence of them
        A folder of image files, or the files themselves.

    Returns
    -------
    files : list of Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "b.jpg").write_bytes(b""), (folder / "a.png").write_bytes(b"")
    >>> [file.name for file in list_photos(folder)]
    ['a.png', 'b.jpg']
    """
    if isinstance(photos, (str, os.PathLike)):
        folder = Path(photos)
        if not folder.is_dir():
            raise ValueError(f"{str(folder)!r} is not a folder; expected a folder of photos "
                             "or a list of image files.")
        files = sorted(path for path in folder.iterdir()
                       if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file())
        if not files:
            raise ValueError(f"{str(folder)!r} holds no image file "
                             f"({', '.join(sorted(IMAGE_SUFFIXES))}).")
        return files
    if isinstance(photos, (bytes, np.ndarray)) or not hasattr(photos, "__iter__"):
        raise TypeError("photos must be a folder path or a list of image file paths; got "
                        f"{type(photos).__name__}.")
    files = [Path(file) for file in photos]
    if not files:
        raise ValueError("photos is an empty list; expected image file paths.")
    return files
