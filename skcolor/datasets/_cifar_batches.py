"""CIFAR-10's official python version: pickled batches, in a folder or a tar archive.

Read by :func:`skcolor.datasets.load_cifar10` with an unpickler that rebuilds NumPy
arrays and nothing else, so a hostile file cannot run code.
"""

import codecs
import os
import pickle
import posixpath
import tarfile
import zlib

import numpy as np

try:  # NumPy >= 2 (and the forward-compatibility shim of 1.26)
    from numpy._core import multiarray as _multiarray
    from numpy._core import numeric as _numeric
except ImportError:  # pragma: no cover - NumPy < 1.26
    from numpy.core import multiarray as _multiarray
    from numpy.core import numeric as _numeric

TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
BATCHES = TRAIN_BATCHES + ("test_batch",)
_PIXELS_PER_IMAGE = 32 * 32 * 3
ACCEPTED_FORMS = (
    "the official 'cifar-10-batches-py' folder (data_batch_1 ... data_batch_5, test_batch) "
    "or a folder that contains it, the 'cifar-10-python.tar.gz' archive, or an image folder "
    "with train/<class>/ and test/<class>/ subfolders"
)

# Everything a pickled NumPy array refers to, under the module names NumPy 1 and 2
# write: protocol 2 (Python 2, as in the official files) and 3-4 use _reconstruct,
# protocol 5 uses _frombuffer, and bytes pickled at protocol 2 by Python 3 use
# _codecs.encode.
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _numeric._frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _numeric._frombuffer,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): codecs.encode,
}


class _BatchUnpickler(pickle.Unpickler):
    """Unpickler that rebuilds NumPy arrays and plain containers, and nothing else."""

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[module, name]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: a CIFAR-10 batch holds only arrays"
            ) from None


def read_batch_folder(folder):
    """The CIFAR-10 batches in ``folder``, those of :data:`BATCHES` that it holds.

    Parameters
    ----------
    folder : pathlib.Path
        A ``cifar-10-batches-py`` folder.

    Returns
    -------
    batches : dict of str to (ndarray, ndarray)
        Batch name → images ``(n, 32, 32, 3)`` uint8 and labels ``(n,)`` uint8;
        a batch missing from the folder is missing here (see :func:`split_batches`).

    Raises
    ------
    ValueError
        If a batch file is not a CIFAR-10 batch; the message names the file.
    OSError
        If a batch file cannot be read.
    """
    batches = {}
    for name in BATCHES:
        file = folder / name
        if file.is_file():
            with open(file, "rb") as stream:
                batches[name] = _load_batch(stream, os.fspath(file))
    return batches


def read_batch_archive(path):
    """The CIFAR-10 batches in the tar archive at ``path`` (``cifar-10-python.tar.gz``).

    Parameters
    ----------
    path : str or path-like
        A tar archive, compressed or not, holding the batch files in any folder.

    Returns
    -------
    batches : dict of str to (ndarray, ndarray)
        As :func:`read_batch_folder`; the first member of each batch name counts.

    Raises
    ------
    ValueError
        If ``path`` cannot be read as a tar archive, or a member is not a CIFAR-10
        batch; the message names the archive (and the member).
    """
    batches = {}
    try:
        with tarfile.open(path, "r:*") as archive:
            # Members in archive order: a .tar.gz can only be read forwards cheaply.
            for member in archive:
                name = posixpath.basename(member.name)
                if member.isfile() and name in BATCHES and name not in batches:
                    where = f"{os.fspath(path)}:{member.name}"
                    batches[name] = _load_batch(archive.extractfile(member), where)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"Cannot read {os.fspath(path)!r} as a tar archive: {exc}") from exc
    return batches


def _load_batch(stream, where):
    """Unpickle one batch and return its images ``(n, 32, 32, 3)`` and labels ``(n,)``."""
    try:
        batch = _BatchUnpickler(stream, encoding="bytes").load()
    except Exception as exc:  # a damaged or hostile pickle can raise almost anything
        raise ValueError(f"{where} is not a CIFAR-10 batch: {exc}") from exc
    if isinstance(batch, dict):
        # Python 2 wrote the keys as byte strings; a batch re-pickled by Python 3 has str.
        batch = {
            key.decode("latin-1") if isinstance(key, bytes) else key: value
            for key, value in batch.items()
        }
        data, labels = batch.get("data"), np.asarray(batch.get("labels", ()))
        if _is_batch(data, labels):
            # Channels first in the file; copy to the (n, H, W, C) layout of skcolor.
            images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
            return np.ascontiguousarray(images), labels.astype(np.uint8)
    raise ValueError(
        f"{where} is not a CIFAR-10 batch: expected a dict with 'data', a uint8 array of "
        f"shape (n, {_PIXELS_PER_IMAGE}), and 'labels', n ints in 0-9."
    )


def _is_batch(data, labels):
    return (
        isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.ndim == 2
        and data.shape[1] == _PIXELS_PER_IMAGE
        and labels.shape == (len(data),) and labels.dtype.kind in "ui"
        and (labels.size == 0 or (labels.min() >= 0 and labels.max() <= 9))
    )


def split_batches(batches, path):
    """The training and test splits of a complete set of batches.

    Parameters
    ----------
    batches : dict of str to (ndarray, ndarray)
        As :func:`read_batch_folder` or :func:`read_batch_archive` return it.
    path : str or path-like
        Where the batches came from, for the message.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuples of ndarray
        Images ``(50000, 32, 32, 3)`` and ``(10000, 32, 32, 3)``, uint8, and
        labels of shape ``(n, 1)``, as ``keras.datasets.cifar10.load_data``
        returns them.

    Raises
    ------
    ValueError
        If a batch of :data:`BATCHES` is missing; the message lists them.
    """
    missing = [name for name in BATCHES if name not in batches]
    if missing:
        raise ValueError(
            f"{os.fspath(path)!r} lacks the CIFAR-10 batch(es) {', '.join(missing)}; "
            f"expected {ACCEPTED_FORMS}."
        )
    X_train = np.concatenate([batches[name][0] for name in TRAIN_BATCHES])
    y_train = np.concatenate([batches[name][1] for name in TRAIN_BATCHES])
    X_test, y_test = batches["test_batch"]
    return (X_train, y_train.reshape(-1, 1)), (X_test, y_test.reshape(-1, 1))
