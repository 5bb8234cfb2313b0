"""What a process needs before it trains or loads a model: seeds and thread limits.

Seeding leaves Python's and NumPy's global generators as the caller had them
(scikit-learn's rule: an estimator neither reseeds nor consumes global random
state); thread limits size TensorFlow's pools to this process's share of the cores.
Nothing here imports Keras or TensorFlow at module level.
"""

import contextlib
import os
import random
import sys
import threading
import warnings

import numpy as np


def fit_seed(random_state):
    """The int seed of one ``fit``, from the estimator's ``random_state``.

    An int is used as it is; a ``RandomState`` instance is drawn from (it is the
    caller's to consume); None gives a fresh seed from the operating system's
    entropy, without touching NumPy's global generator.
    """
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    if random_state is None:
        return int(np.random.default_rng().integers(np.iinfo(np.int32).max))
    return int(random_state.randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded_globals(seed):
    """Seed Python's, NumPy's and the backend's generators within the block only.

    Keras draws from NumPy's global generator (the shuffling of the JAX and Torch
    backends) and TensorFlow from its global seed, so a repeatable fit seeds them,
    as ``keras.utils.set_random_seed`` does; Python's and NumPy's global states are
    put back as they were when the block ends, so a ``fit`` neither reseeds nor
    consumes them.
    """
    import keras

    python_state, numpy_state = random.getstate(), np.random.get_state()
    keras.utils.set_random_seed(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


# The generator that Keras' default layer seeds come from, per thread, inside
# ``layer_seeds_from`` blocks only.
_layer_seed_state = threading.local()
_layer_seed_source_lock = threading.Lock()


class _LayerSeedSource:
    """Stands in for the ``random`` module in Keras' default-seed helper.

    Keras draws the seed of each unseeded initializer and dropout layer from
    Python's global ``random``, which other threads of the process use too (a
    Dask worker's event loop samples it to estimate result sizes), so a fit
    seeded with ``random_state`` would get different weights depending on what
    ran beside it. Inside :func:`layer_seeds_from` this thread draws from its own
    generator instead; everywhere else, from ``random`` as before.
    """

    def __getattr__(self, name):
        generator = getattr(_layer_seed_state, "generator", None)
        return getattr(random if generator is None else generator, name)


@contextlib.contextmanager
def layer_seeds_from(seed):
    """Within the block, layers built by this thread get seeds derived from ``seed`` only.

    Parameters
    ----------
    seed : int
        Seeds a generator private to the calling thread for the block's duration.
    """
    from keras.src.random import seed_generator  # where Keras draws default seeds

    with _layer_seed_source_lock:
        if getattr(seed_generator, "python_random", None) is random:
            seed_generator.python_random = _LayerSeedSource()
    previous = getattr(_layer_seed_state, "generator", None)
    _layer_seed_state.generator = random.Random(seed)
    try:
        yield
    finally:
        _layer_seed_state.generator = previous


#: Environment variable giving TensorFlow's thread count in processes that fit or
#: load skcolor models (docs/scaling_out.md).
THREADS_VARIABLE = "SKCOLOR_NUM_THREADS"

# Warn once per process that the pools could not be changed, not once per fit.
_warned_already_started = False


def limit_tensorflow_threads():
    """Size TensorFlow's thread pools to this process's share of the cores.

    The share is ``SKCOLOR_NUM_THREADS`` when set; otherwise, inside a Dask
    worker, the worker's number of threads; otherwise there is no share and
    nothing changes. Pools set by the user with ``tf.config.threading`` are kept
    unless ``SKCOLOR_NUM_THREADS`` is set. TensorFlow fixes its pools at its first
    operation: after that, a different share is not applied, with one warning.

    Returns
    -------
    n_threads : int or None
        The thread count applied (or already in place), or None if none was.
    """
    global _warned_already_started

    n_threads, source = _thread_share()
    if n_threads is None:
        return None
    import tensorflow as tf

    threading = tf.config.threading
    current = (threading.get_intra_op_parallelism_threads(),
               threading.get_inter_op_parallelism_threads())
    if current == (n_threads, n_threads):
        return n_threads
    if source != THREADS_VARIABLE and current != (0, 0):
        return None  # the user chose the pools; a worker's share does not override that
    try:
        threading.set_intra_op_parallelism_threads(n_threads)
        threading.set_inter_op_parallelism_threads(n_threads)
    except RuntimeError:  # TensorFlow already ran an operation in this process
        if not _warned_already_started:
            _warned_already_started = True
            warnings.warn(
                f"TensorFlow was already running in this process, so skcolor could not "
                f"limit its thread pools to {n_threads} ({source}). Set "
                f"{THREADS_VARIABLE} before TensorFlow runs its first operation.",
                RuntimeWarning,
                stacklevel=3,
            )
        return None
    return n_threads


def _thread_share():
    """``(n_threads, where it came from)``, or ``(None, None)`` without a share."""
    text = os.environ.get(THREADS_VARIABLE, "").strip()
    if text:
        try:
            n_threads = int(text)
        except ValueError:
            n_threads = 0
        if n_threads < 1:
            raise ValueError(
                f"{THREADS_VARIABLE} must be a positive integer (TensorFlow threads per "
                f"process); got {text!r}."
            )
        return n_threads, THREADS_VARIABLE
    # Only a process that already imported distributed can be a Dask worker; never
    # import it here, so that plain fits stay free of it.
    distributed = sys.modules.get("distributed")
    if distributed is not None:
        try:
            worker = distributed.get_worker()
        except ValueError:  # not inside a worker's task
            pass
        else:
            return worker.state.nthreads, "the Dask worker's nthreads"
    return None, None
