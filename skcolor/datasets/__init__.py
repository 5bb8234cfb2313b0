"""Load image datasets: folders of images sorted by class, and CIFAR-10.

Never imports Keras at module import time: only ``load_cifar10()`` without a path
does, to download the dataset.

The package holds this public module and three private ones: ``_cifar_batches``
(the official CIFAR-10 batch files and archive), ``_photo_crops``
(:func:`sample_photo_crops`' random crops of large photos) and ``_locate``
(which kind of data set a path holds, for the command line's ``--data``).
"""

import os
import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from .._image import resize_batch
from ._cifar_batches import ACCEPTED_FORMS as _ACCEPTED_FORMS
from ._cifar_batches import BATCHES as _BATCHES
from ._cifar_batches import read_batch_archive as _read_batch_archive
from ._cifar_batches import read_batch_folder as _read_batch_folder
from ._cifar_batches import split_batches as _split_batches
from ._locate import BATCH_FOLDER as _BATCH_FOLDER
from ._locate import subfolders as _subfolders
from .._params import Interval, IntTuple, Options, Param, validate_params
from ._photo_crops import sample_photo_crops
from ..io import IMAGE_SUFFIXES, read_image

__all__ = ["CIFAR10_CLASSES", "load_image_folder", "load_cifar10", "sample_photo_crops"]

#: CIFAR-10 class names in label order (0-9); also their sorted order.
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"
)

# Files per thread task. Submitting one task per file would spend more time in the
# executor than in decoding a 32x32 JPEG.
_FILES_PER_TASK = 256
# OpenCV decodes without the GIL, but opening and reading a file holds it for about
# a third of the time a small JPEG takes: past a few threads they only contend.
_N_THREADS = min(8, os.cpu_count() or 1)


@validate_params({
    "size": Param([IntTuple(low=1, length=2), Options(None)]),
    "max_per_class": Param([Interval(int, 1, None), Options(None)]),
})
def load_image_folder(path, *, size=None, max_per_class=None):
    """Load a folder of images sorted into one subfolder per class.

    The layout is ``path/<class name>/<image file>``, as in the CIFAR-10-images
    mirror or torchvision's ``ImageFolder``. Files with the suffixes
    .png, .jpg, .jpeg, .bmp, .tif and .tiff (any case) are read; other files, files
    directly in ``path``, hidden folders and deeper subfolders are ignored.

    Parameters
    ----------
    path : str or path-like
        The dataset folder.
    size : tuple of (int, int), default=None
        ``(height, width)`` to resize every image to (area averaging when
        shrinking, bilinear interpolation when enlarging). If None, all images must
        already have the same size.
    max_per_class : int, default=None
        Read only the first ``max_per_class`` files (in name order) of each class,
        e.g. for a quick test on a small subset. None reads them all.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields

        images : ndarray of shape (n, H, W, 3), dtype uint8
            RGB images; gray files are copied to the three channels.
        target : ndarray of shape (n,), dtype int64
            Class index of each image, into ``target_names``.
        target_names : list of str
            Class (subfolder) names, sorted; empty class folders keep their index.
        filenames : list of str
            Path of each image file.

    Raises
    ------
    ValueError
        If ``path`` is not a folder or holds no images, if a file cannot be read
        as an image, or if the images differ in size and ``size`` is None (the
        message lists some of the sizes found and the files that have them).
        Also if ``size`` is not two positive ints or ``max_per_class`` is below 1.
    TypeError
        If ``size`` is not a tuple, list or None, or ``max_per_class`` not an int
        or None.

    Notes
    -----
    Classes are taken in sorted name order and files in sorted name order within
    each class, so the result is the same on every call and every machine. Files
    are read on several threads (OpenCV decodes without holding the GIL).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from skcolor.io import write_image
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ["cat", "dog"]:
    ...     (root / name).mkdir()
    ...     for i in range(2):
    ...         write_image(root / name / f"{i}.png", np.zeros((8, 8, 3), np.uint8))
    >>> data = load_image_folder(root)
    >>> data.images.shape, data.target.tolist(), data.target_names
    ((4, 8, 8, 3), [0, 0, 1, 1], ['cat', 'dog'])
    >>> load_image_folder(root, size=(4, 6)).images.shape
    (4, 4, 6, 3)
    """
    root = Path(path)
    size = None if size is None else (int(size[0]), int(size[1]))
    target_names, filenames, target = _list_image_folder(root, max_per_class)
    images = _read_images(filenames, size=size, root=root)
    return Bunch(images=images, target=target, target_names=target_names, filenames=filenames)


def load_cifar10(path=None):
    """Load CIFAR-10 as ``keras.datasets.cifar10.load_data()`` returns it.

    Parameters
    ----------
    path : str or path-like, default=None
        Where the dataset is. One of

        - the official ``cifar-10-batches-py`` folder of the python version
          (``data_batch_1`` ... ``data_batch_5`` and ``test_batch``), or a folder
          that contains it;
        - the official ``cifar-10-python.tar.gz`` archive (read in place, not
          extracted);
        - an image folder with ``train/<class>/`` and ``test/<class>/``
          subfolders of 32x32 images (see :func:`load_image_folder`), the class
          folders named as in :data:`CIFAR10_CLASSES`.

        None downloads the dataset with Keras (once; Keras caches it in
        ``~/.keras/datasets``).

    Returns
    -------
    (X_train, y_train) : tuple of ndarray
        50,000 training images, uint8 of shape (50000, 32, 32, 3) in RGB order,
        and their labels, uint8 of shape (50000, 1), in 0-9.
    (X_test, y_test) : tuple of ndarray
        The 10,000 test images and labels, shaped the same way.

    Raises
    ------
    ValueError
        If ``path`` is none of the accepted forms, a batch is missing, or a batch
        file is not a CIFAR-10 batch.

    Notes
    -----
    The batches are Python pickles. They are read with an unpickler that only
    rebuilds NumPy arrays, so a tampered file cannot run code: anything else in it
    is refused with a ``ValueError``.

    The image-folder form returns as many images as the folders hold; the class
    index of an image is the position of its folder in sorted name order, which
    is CIFAR-10's label order. Images re-encoded as JPEG (as in the CIFAR-10-images
    mirror) differ slightly from the official pixels.

    Examples
    --------
    ``load_cifar10()`` downloads the official archive once. The image-folder form
    (here one tiny image per class, written on the spot) loads the same way:

    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from skcolor.io import write_image
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for folder in [root / s / n for s in ("train", "test") for n in CIFAR10_CLASSES]:
    ...     folder.mkdir(parents=True)
    ...     write_image(folder / "0.png", np.zeros((32, 32, 3), np.uint8))
    >>> (X_train, y_train), (X_test, y_test) = load_cifar10(root)
    >>> X_train.shape, X_train.dtype, y_train.ravel().tolist()
    ((10, 32, 32, 3), dtype('uint8'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    if path is None:
        import keras  # imported here: TensorFlow costs seconds to import

        return keras.datasets.cifar10.load_data()
    path = Path(path)
    if path.is_dir():
        if (path / _BATCH_FOLDER).is_dir():
            path = path / _BATCH_FOLDER
        if any((path / name).is_file() for name in _BATCHES):
            return _split_batches(_read_batch_folder(path), path)
        if (path / "train").is_dir() and (path / "test").is_dir():
            return _load_cifar10_image_folder(path)
        reason = "the folder holds none of the CIFAR-10 files or folders"
    elif path.is_file():
        if tarfile.is_tarfile(path):
            return _split_batches(_read_batch_archive(path), path)
        reason = "the file is not a tar archive"
    else:
        reason = "there is no such file or folder"
    raise ValueError(
        f"Cannot load CIFAR-10 from {os.fspath(path)!r}: {reason}. Expected {_ACCEPTED_FORMS}."
    )


# --- image folders ---------------------------------------------------------------


def _list_image_folder(root, max_per_class):
    """Return the class names, image paths and class indices of an image folder."""
    if not root.is_dir():
        raise ValueError(
            f"{os.fspath(root)!r} is not a folder; expected a folder with one subfolder of "
            "images per class."
        )
    target_names = sorted(_subfolders(root))
    filenames, counts = [], []
    for name in target_names:
        # os.scandir knows file types from the directory listing: no stat per file.
        files = sorted(
            entry.name for entry in os.scandir(root / name)
            if entry.is_file() and os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES
        )[:max_per_class]
        filenames.extend(os.path.join(root, name, file) for file in files)
        counts.append(len(files))
    if not filenames:
        raise ValueError(
            f"No image files ({', '.join(IMAGE_SUFFIXES)}) in the class subfolders of "
            f"{os.fspath(root)!r}; expected {os.fspath(root)}/<class name>/<image files>."
        )
    target = np.repeat(np.arange(len(target_names), dtype=np.int64), counts)
    return target_names, filenames, target


def _read_images(filenames, *, size, root):
    """Read every file into one preallocated ``(n, H, W, 3)`` uint8 array."""
    resize = size is not None
    if not resize:
        # The first image fixes the size; every other one must match it.
        size = read_image(filenames[0]).shape[:2]
    images = np.empty((len(filenames), *size, 3), dtype=np.uint8)
    tasks = [
        range(start, min(start + _FILES_PER_TASK, len(filenames)))
        for start in range(0, len(filenames), _FILES_PER_TASK)
    ]
    with ThreadPoolExecutor(max_workers=_N_THREADS) as executor:
        futures = [
            executor.submit(_read_into, images, filenames, indices, resize=resize)
            for indices in tasks
        ]
        try:
            mismatched = [item for future in futures for item in future.result()]
        finally:
            # After a failure, don't read the files still queued.
            for future in futures:
                future.cancel()
    if mismatched:
        raise _size_error(root, filenames, size, mismatched)
    return images


def _read_into(images, filenames, indices, *, resize):
    """Read ``filenames[indices]`` into ``images``; return ``(index, size)`` of misfits."""
    size = images.shape[1:3]
    mismatched = []
    for i in indices:
        image = read_image(filenames[i])
        if image.shape[:2] != size:
            if not resize:
                mismatched.append((i, image.shape[:2]))
                continue
            image = resize_batch(image[np.newaxis], size)[0]
        images[i] = image
    return mismatched


def _size_error(root, filenames, size, mismatched, *, n_shown=4):
    examples = {tuple(size): filenames[0]}
    for i, found in mismatched:
        examples.setdefault(found, filenames[i])
    shown = "; ".join(
        f"{height}x{width} (e.g. {filename})"
        for (height, width), filename in list(examples.items())[:n_shown]
    )
    more = f"; and {len(examples) - n_shown} other size(s)" if len(examples) > n_shown else ""
    return ValueError(
        f"The images in {os.fspath(root)!r} have different sizes (height x width): {shown}"
        f"{more}. Pass size=(height, width) to resize every image to one size."
    )


def _load_cifar10_image_folder(root):
    splits = []
    for split in ("train", "test"):
        data = load_image_folder(root / split)
        if tuple(data.target_names) != CIFAR10_CLASSES:
            raise ValueError(
                f"{os.fspath(root / split)!r} has class folders {data.target_names}; a CIFAR-10 "
                f"image folder has exactly {list(CIFAR10_CLASSES)}."
            )
        if data.images.shape[1:3] != (32, 32):
            raise ValueError(
                f"The images in {os.fspath(root / split)!r} are "
                f"{data.images.shape[1]}x{data.images.shape[2]}; CIFAR-10 images are 32x32."
            )
        splits.append((data.images, data.target.astype(np.uint8).reshape(-1, 1)))
    return tuple(splits)
