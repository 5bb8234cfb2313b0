"""Where ``train``, ``evaluate`` and ``compare`` get their images: the ``--data`` option.

Imports NumPy and the dataset loaders inside functions only, so that building the
parser stays quick.
"""

import argparse
import math
import os

from ._common import CommandError

DATA_FORMS_HELP = """\
--data is one of: 'cifar10', which downloads CIFAR-10 with Keras' loader (once;
Keras keeps it in ~/.keras/datasets; write ./cifar10 for a local folder of that
name); the official cifar-10-python.tar.gz archive or cifar-10-batches-py folder;
an image-folder tree with train/<class>/ and test/<class>/ subfolders (e.g. the
CIFAR-10-images mirror); or any folder with one subfolder of images per class,
whose images then serve as both training and test images. 'skcolor train' also
takes a flat folder of photos of any sizes, and trains on random crops of them
(--crop-size, --crops-per-photo)."""


def image_size(text):
    """An argparse ``type`` for image sizes: ``N`` (N x N) or ``HxW``, in pixels."""
    parts = text.lower().split("x")
    try:
        values = [int(part) for part in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"expected N or HxW (height x width) in pixels, e.g. 32 or 48x64; got {text!r}"
        )
    return values[0], values[-1]


def add_data_arguments(parser):
    """Declare ``--data`` and ``--image-size`` on a subparser."""
    parser.add_argument(
        "--data", required=True, metavar="PATH",
        help="the images: 'cifar10' to download CIFAR-10, or a local dataset (see above)",
    )
    parser.add_argument(
        "--image-size", type=image_size, metavar="N|HxW",
        help="resize every image to N x N or H x W pixels; needed for a folder of "
             "images of different sizes (default: keep their size)",
    )


def load_split(data, split, *, limit=None, seed=0, size=None, crops=None):
    """The RGB images of one split of ``--data``, and where they came from.

    Parameters
    ----------
    data : str
        The ``--data`` value: ``"cifar10"`` or a path (see ``DATA_FORMS_HELP``).
    split : {"train", "test"}
        The split wanted, where the dataset has splits; a plain class-per-subfolder
        folder gives all its images for either.
    limit : int, default=None
        Keep only this many images, picked at random with ``seed`` (the same ones
        on every call), in their dataset order. None keeps them all.
    seed : int, default=0
        Seed of the pick.
    size : tuple of (int, int), default=None
        ``(height, width)`` to resize every image to; None keeps their size.
    crops : dict, default=None
        ``sample_photo_crops`` options (``crop_size``, ``crops_per_photo``): a flat
        folder of photos then gives random crops of them (seeded by ``seed``).
        None refuses a flat folder.

    Returns
    -------
    images : ndarray of shape (n, H, W, 3), dtype uint8
    source : str
        The dataset and split, for messages.

    Raises
    ------
    CommandError
        If ``data`` is none of the accepted forms or its images cannot be loaded;
        the message says why.
    """
    from .._image import resize_batch
    from ..datasets import load_cifar10, load_image_folder
    from ..datasets._locate import locate_dataset

    try:
        kind, path = locate_dataset(data, split, photos=crops is not None)
    except (FileNotFoundError, ValueError) as exc:
        raise CommandError(f"--data {data}: {exc}") from exc
    try:
        if kind == "photos":
            from ..datasets import sample_photo_crops

            images = sample_photo_crops(path, random_state=seed, **crops)
            source = f"{len(images)} random crops of the photos in {os.fspath(path)}"
        elif kind == "folder":
            images = _load_folder(load_image_folder, path, limit=limit, size=size)
            source = os.fspath(path)
        else:
            (X_train, _), (X_test, _) = load_cifar10(path)
            images = X_train if split == "train" else X_test
            source = f"CIFAR-10 {split} split" + (
                " (Keras download)" if path is None else f" in {os.fspath(path)}"
            )
    except ValueError as exc:  # the loaders' messages name the file and the problem
        raise CommandError(f"--data {data}: {exc}") from exc
    images = _pick(images, limit, seed)
    if size is not None:  # already done for folders, where resize_batch returns at once
        images = resize_batch(images, size)
    return images, source


def _load_folder(load_image_folder, folder, *, limit, size):
    """Every image of a class-per-subfolder folder, or enough of each class for ``limit``."""
    from ..datasets._locate import subfolders

    if limit is not None:
        # Reading every file only to keep a few would be slow on a large dataset.
        # A share per class keeps the pick balanced (the files are sorted by class).
        per_class = math.ceil(limit / max(len(subfolders(folder)), 1))
        images = load_image_folder(folder, size=size, max_per_class=per_class).images
        if len(images) >= limit:
            return images
        # Some classes hold fewer images than their share: read all the others too.
    return load_image_folder(folder, size=size).images


def _pick(images, limit, seed):
    """``limit`` images at random in dataset order, or all of them."""
    import numpy as np

    if limit is None or limit >= len(images):
        return images
    index = np.random.default_rng(seed).choice(len(images), limit, replace=False)
    return images[np.sort(index)]
