"""Helpers shared by the benchmark scripts (``seed_baseline.py``, ``quality.py``):
per-epoch timing and a description of the machine.

Keras is imported only inside the functions, so importing this module is free.
"""

import contextlib
import os
import platform
import time
from pathlib import Path

import numpy as np

__all__ = ["DATA", "make_epoch_timer", "extra_skcolor_callbacks", "machine_info", "load_average"]

#: The full data sets (``cifar10/``, ``photos/``, ...): $SKCOLOR_DATA, else ../shared/data
#: beside the repository. The tests never need it; they read tests/data.
DATA = Path(os.environ.get("SKCOLOR_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def make_epoch_timer():
    """A Keras callback recording the wall and CPU time of each epoch (validation included).

    The process CPU time is a second opinion when other work shares the machine:
    it grows less than wall time when the CPUs are contended.

    Returns
    -------
    timer : keras.callbacks.Callback
        With the lists ``seconds`` and ``cpu_seconds``, one entry per finished epoch.
    """
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []
            self.cpu_seconds = []
            self._start = self._cpu_start = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start, self._cpu_start = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)
            self.cpu_seconds.append(time.process_time() - self._cpu_start)

    return EpochTimer()


@contextlib.contextmanager
def extra_skcolor_callbacks(*callbacks):
    """Append ``callbacks`` to those skcolor's ``fit`` passes to Keras, while in the block.

    ``AutoencoderColorizer.fit`` takes no callbacks argument; this wraps
    ``skcolor._keras_training.make_callbacks`` for the duration of the block and
    changes nothing else in skcolor.
    """
    from skcolor import _keras_training

    original = _keras_training.make_callbacks

    def make_callbacks(**kwargs):
        return list(original(**kwargs)) + list(callbacks)

    _keras_training.make_callbacks = make_callbacks
    try:
        yield
    finally:
        _keras_training.make_callbacks = original


def machine_info():
    """Platform, CPUs, library versions and GPUs of this process, for a benchmark record."""
    import keras
    import skimage
    import sklearn
    import tensorflow as tf

    import skcolor

    try:
        usable_cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable_cpus = None
    gpus = tf.config.list_physical_devices("GPU")
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable_cpus,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "scikit_image": skimage.__version__,
        "skcolor": skcolor.__version__,
        "gpu": bool(gpus),
        "gpus": [gpu.name for gpu in gpus],
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
    }


def load_average():
    """The 1, 5 and 15-minute load averages (how busy the machine was), or None."""
    try:
        return list(os.getloadavg())
    except (AttributeError, OSError):  # not available on this platform
        return None
