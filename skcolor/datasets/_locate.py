"""Work out which kind of data set a path holds, from its folder listings alone.

``skcolor train``, ``evaluate`` and ``compare`` take one ``--data`` value for
CIFAR-10 (downloaded, its archive or its batch folder), image folders sorted by
class, and flat folders of photos; :func:`locate_dataset` says which loader of
this package reads it, and from where. No image is read here.
"""

import os
from pathlib import Path

from ..io import IMAGE_SUFFIXES

#: The value that names CIFAR-10 downloaded with Keras' loader.
DOWNLOAD = "cifar10"
#: The folder of the official CIFAR-10 batches, as the python archive unpacks.
BATCH_FOLDER = "cifar-10-batches-py"

_SPLITS = ("train", "test")
_FORMS = (
    "'cifar10' (downloaded by Keras), the 'cifar-10-python.tar.gz' archive, the "
    "'cifar-10-batches-py' folder, a folder with train/<class>/ and test/<class>/ "
    "image subfolders, or a folder with one subfolder of images per class"
)


def locate_dataset(data, split, *, photos=False):
    """Which loader reads ``data``, and from where.

    Parameters
    ----------
    data : str
        :data:`DOWNLOAD`, or the path of a CIFAR-10 archive or batch folder, of a
        folder with ``train/`` and ``test/`` class-per-subfolder trees, of a
        class-per-subfolder folder, or (with ``photos``) of a flat folder of images.
    split : {"train", "test"}
        The split wanted, where the data set has splits.
    photos : bool, default=False
        Whether a flat folder of images is accepted.

    Returns
    -------
    kind : {"cifar10", "folder", "photos"}
        :func:`~skcolor.datasets.load_cifar10`'s data, a folder for
        :func:`~skcolor.datasets.load_image_folder`, or photos for
        :func:`~skcolor.datasets.sample_photo_crops`.
    path : pathlib.Path or None
        Where to load it from; None for CIFAR-10 downloaded by Keras.

    Raises
    ------
    FileNotFoundError
        If ``data`` names no file or folder.
    ValueError
        If the folder holds images but no subfolders (and ``photos`` is false), or
        only one of the two splits. Messages do not name ``data``: the caller
        says where it came from.
    """
    if data == DOWNLOAD:
        return "cifar10", None
    path = Path(data)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder; expected {_FORMS}.")
    found = subfolders(path) if path.is_dir() else []
    if path.is_dir() and not found and _holds_images(path):
        if photos:
            return "photos", path
        raise ValueError(
            "holds image files but no subfolders; expected the images in one subfolder "
            f"per class (a single one will do, e.g. {os.fspath(path / 'all')}/)."
        )
    if not found or BATCH_FOLDER in found:
        return "cifar10", path  # an archive or batch files; load_cifar10 says if not
    present = [name for name in _SPLITS if name in found]
    if present:
        if split not in present:
            raise ValueError(
                f"has a {present[0]}/ subfolder but no {split}/ subfolder; expected both, "
                "or a folder with one subfolder of images per class."
            )
        return "folder", path / split
    return "folder", path


def subfolders(path):
    """Names of the visible subfolders of ``path``, as load_image_folder takes them."""
    return [entry.name for entry in os.scandir(path)
            if entry.is_dir() and not entry.name.startswith(".")]


def _holds_images(path):
    return any(os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES
               for entry in os.scandir(path) if entry.is_file())
