"""Read a PyTorch state dict without torch and without running code from the file.

PyTorch's legacy (non-zip) ``torch.save`` format is a row of pickles followed
by the raw bytes of every storage: a magic number, a protocol version, system
information, the state dict itself (whose tensors refer to storages by key
through ``persistent_id``), the list of storage keys, and then, for each key,
its element count (int64, little-endian) and its elements.

A pickle can name any importable callable, and unpickling calls it. The reader
here resolves only the few names a state dict needs, to stand-ins of its own
(``torch._utils._rebuild_tensor_v2`` becomes a record of the tensor's view, a
``torch.*Storage`` name a NumPy dtype, ``collections.OrderedDict`` itself);
every other global is refused before anything runs.
"""

import collections
import io
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["read_torch_state_dict", "UnsafeWeightsError"]

_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_PROTOCOL_VERSION = 1001

#: ``torch.<name>`` storage types and their little-endian NumPy dtypes.
_STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}


class UnsafeWeightsError(ValueError):
    """A weights file names a global that a state dict does not need."""


@dataclass(frozen=True)
class _StorageType:
    dtype: str


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: str
    numel: int


@dataclass(frozen=True)
class _TensorView:
    storage: _StorageRef
    offset: int
    size: tuple
    stride: tuple


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    return _TensorView(storage, int(storage_offset), tuple(size), tuple(stride))


class _StateDictUnpickler(pickle.Unpickler):
    """Resolves only the globals of a state dict, each to a harmless stand-in."""

    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise UnsafeWeightsError(
            f"the weights file names the global {module}.{name}, which a PyTorch state dict "
            "does not need; it is refused and nothing from the file was run. Expected a "
            "state dict saved with torch.save (tensors and an OrderedDict only).")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)):
            raise UnsafeWeightsError(f"the weights file refers to an unknown object {pid!r}; "
                                     "expected PyTorch storages only.")
        _, storage_type, key, _location, numel = pid[:5]
        return _StorageRef(str(key), storage_type.dtype, int(numel))


def _load(stream):
    return _StateDictUnpickler(stream).load()


def read_torch_state_dict(path):
    """The tensors of a PyTorch state dict file as NumPy arrays, without torch.

    Parameters
    ----------
    path : str or path-like
        A file written by ``torch.save(state_dict, path,
        _use_new_zipfile_serialization=False)`` (PyTorch's legacy format, in
        which pretrained weights such as EfficientNet-Lite's are published).

    Returns
    -------
    state_dict : dict of str to ndarray
        Each tensor's name and its values (float32 for float tensors).

    Raises
    ------
    UnsafeWeightsError
        If the file names any global other than the tensor rebuilder, the
        storage types and ``collections.OrderedDict``: nothing of it is run.
    ValueError
        If the file is not a legacy PyTorch file (a zip-format file, another
        pickle, or a truncated one).
    """
    data = Path(path).read_bytes()
    if data[:2] == b"PK":
        raise ValueError(f"{path}: a zip-format PyTorch file; expected the legacy format "
                         "(torch.save(..., _use_new_zipfile_serialization=False)).")
    stream = io.BytesIO(data)
    try:
        for expected in (_MAGIC_NUMBER, _PROTOCOL_VERSION):
            header = _load(stream)
            if header != expected:
                raise ValueError(f"{path}: not a legacy PyTorch file (its header holds "
                                 f"{header!r} where PyTorch writes {expected!r}).")
        _load(stream)  # system information: byte order and type sizes
        state = _load(stream)
        keys = _load(stream)
    except UnsafeWeightsError:
        raise
    except (pickle.UnpicklingError, EOFError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not a readable PyTorch state dict ({exc}).") from None
    if not isinstance(state, dict):
        raise ValueError(f"{path}: holds a {type(state).__name__}, not a state dict.")
    dtypes = {view.storage.key: view.storage.dtype
              for view in state.values() if isinstance(view, _TensorView)}
    storages = {}
    for key in keys:
        (numel,) = struct.unpack("<q", stream.read(8))
        dtype = np.dtype(dtypes.get(key, "u1"))
        raw = stream.read(numel * dtype.itemsize)
        if len(raw) != numel * dtype.itemsize:
            raise ValueError(f"{path}: truncated (storage {key} is incomplete).")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    arrays = {}
    for name, view in state.items():
        if not isinstance(view, _TensorView):
            continue  # such as BatchNorm's num_batches_tracked ints saved as plain numbers
        flat = storages[view.storage.key]
        itemsize = flat.dtype.itemsize
        array = np.lib.stride_tricks.as_strided(
            flat[view.offset:], shape=view.size,
            strides=tuple(step * itemsize for step in view.stride))
        array = np.array(array, dtype=array.dtype.newbyteorder("="))
        arrays[name] = array.astype(np.float32) if array.dtype.kind == "f" else array
    return arrays
