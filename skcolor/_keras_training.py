"""What turns the estimator's string parameters into Keras objects.

The name tables are plain data, so parameter validation can use them without
importing Keras; the factories import Keras when a model is actually built.
"""

import contextlib
import math
import os
import random
import sys
import threading
import warnings

import numpy as np

__all__ = [
    "OPTIMIZERS",
    "LOSSES",
    "make_optimizer",
    "make_callbacks",
    "set_random_seed",
    "THREADS_VARIABLE",
    "limit_tensorflow_threads",
    "layer_seeds_from",
    "TrainingDivergedError",
    "NonFiniteValue",
    "make_training_monitor",
    "restore_training_state",
]

#: Optimizer name → class name in ``keras.optimizers``.
OPTIMIZERS = {
    "adam": "Adam",
    "rmsprop": "RMSprop",
    "sgd": "SGD",
    "adamw": "AdamW",
    "nadam": "Nadam",
}

#: Loss name → Keras loss identifier.
LOSSES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "huber": "huber",
    "binary_crossentropy": "binary_crossentropy",
    # Chroma as per-pixel classes; the rebalancing weights travel as sample weights.
    "rebalanced_crossentropy": "sparse_categorical_crossentropy",
}


def make_optimizer(name, learning_rate):
    """A fresh Keras optimizer of the given name and learning rate."""
    import keras

    return getattr(keras.optimizers, OPTIMIZERS[name])(learning_rate=learning_rate)


def make_callbacks(*, monitor, lr_patience, lr_factor, min_lr, early_stopping, verbose):
    """The learning-rate schedule, early stopping and learning-rate log for ``fit``."""
    import keras

    callbacks = []
    if lr_patience is not None:
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor=monitor,
                factor=lr_factor,
                patience=lr_patience,
                min_lr=min_lr,
                verbose=int(verbose > 0),
            )
        )
    if early_stopping is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor,
                patience=early_stopping,
                restore_best_weights=True,
                verbose=int(verbose > 0),
            )
        )
    callbacks.append(_learning_rate_logger())
    return callbacks


def _learning_rate_logger():
    import keras

    class LearningRateLogger(keras.callbacks.Callback):
        """Record the optimizer's learning rate in each epoch's logs.

        ReduceLROnPlateau adds it itself; without that callback History would lack it.
        """

        def on_epoch_end(self, epoch, logs=None):
            if logs is not None and "learning_rate" not in logs:
                logs["learning_rate"] = float(
                    keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)
                )

    return LearningRateLogger()


def set_random_seed(seed):
    """Seed Python's, NumPy's and the backend's global generators (Keras' helper)."""
    import keras

    keras.utils.set_random_seed(seed)


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


class TrainingDivergedError(ValueError, FloatingPointError):
    """Training stopped because the loss (or the weights) stopped being finite.

    A ``ValueError`` (too large a ``learning_rate`` is a bad parameter) and a
    ``FloatingPointError``. Raised by :meth:`AutoencoderColorizer.fit
    <skcolor.AutoencoderColorizer.fit>`, which keeps the weights of the last epoch
    that ended with finite values.
    """


class NonFiniteValue(Exception):
    """Raised inside Keras' loop by the training monitor; ``fit`` turns it into
    :class:`TrainingDivergedError` once the last finite state is restored."""

    def __init__(self, what, value, *, epoch, batch=None):
        super().__init__(what, value, epoch, batch)
        self.what, self.value, self.epoch, self.batch = what, value, epoch, batch


def make_training_monitor(*, monitor, on_epoch_recorded=None):
    """The callback that makes ``fit`` survive divergence and interruption.

    Keras' own ``History`` is only handed back by a ``fit`` that returns, and
    ``TerminateOnNaN`` only stops; this callback keeps what an estimator needs to
    recover from both:

    - ``history``: per-epoch logs of the epochs that finished with finite values;
    - ``initial_state``, ``last_state``, ``best_state`` (with ``best_epoch``, the
      0-based index of the epoch in this run with the lowest ``monitor``): the
      weights and optimizer variables at the start, after the last finished
      epoch, and after the best one, for :func:`restore_training_state`;
    - a :class:`NonFiniteValue` raised at the first batch whose loss is NaN or
      infinite, or at an epoch end whose ``val_loss`` or weights are.

    ``on_epoch_recorded(history)`` is called after each finished epoch is
    recorded (the estimator's checkpoint). Place the monitor after the callbacks
    that add to the epoch's logs (the learning-rate log).
    """
    import keras

    class TrainingMonitor(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.monitor = monitor
            self.history = {}
            self.initial_state = self.last_state = self.best_state = None
            self.best_epoch, self.best_value = None, math.inf
            self._epoch = 0

        def on_train_begin(self, logs=None):
            self.initial_state = _training_state(self.model)

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            loss = float((logs or {}).get("loss", 0.0))
            if not math.isfinite(loss):
                raise NonFiniteValue("loss", loss, epoch=self._epoch, batch=batch)

        def on_epoch_end(self, epoch, logs=None):
            logs = {name: float(value) for name, value in (logs or {}).items()}
            for name in ("loss", "val_loss"):
                if name in logs and not math.isfinite(logs[name]):
                    raise NonFiniteValue(name, logs[name], epoch=epoch)
            state = _training_state(self.model)
            if not all(np.isfinite(weights).all() for weights in state[0]):
                raise NonFiniteValue("weights", math.nan, epoch=epoch)
            # State first, history second: an interrupt in between loses an epoch's
            # record, never pairs a record with the wrong weights.
            self.last_state = state
            value = logs.get(self.monitor, math.inf)
            if self.best_state is None or value < self.best_value:
                self.best_state, self.best_epoch, self.best_value = state, epoch, value
            n_recorded = len(next(iter(self.history.values()), []))
            for name, value in logs.items():
                self.history.setdefault(name, [math.nan] * n_recorded).append(value)
            if on_epoch_recorded is not None:
                on_epoch_recorded(self.history)

    return TrainingMonitor()


def _training_state(model):
    """Copies of the model's weights and of its optimizer's variables (step count,
    learning rate, moments): enough to resume training where it was."""
    optimizer = getattr(model, "optimizer", None)
    variables = [] if optimizer is None else optimizer.variables
    return (model.get_weights(), [variable.numpy() for variable in variables])


def restore_training_state(model, state):
    """Put back a state taken by the training monitor (:func:`_training_state`).

    Returns
    -------
    restored_optimizer : bool
        False if the optimizer has since created variables the state lacks (it was
        fresh when the state was taken): its variables are then left as they are,
        and the caller should compile a fresh optimizer.
    """
    weights, optimizer_values = state
    model.set_weights(weights)
    optimizer = getattr(model, "optimizer", None)
    variables = [] if optimizer is None else optimizer.variables
    if len(variables) != len(optimizer_values):
        return False
    for variable, value in zip(variables, optimizer_values):
        variable.assign(value)
    return True
