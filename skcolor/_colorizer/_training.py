"""The Keras pieces of ``AutoencoderColorizer.fit``: optimizers, losses, callbacks,
and the training monitor that lets a fit recover from faults.

Keras names (optimizers, losses) are plain data, so that parameter validation can
use them without importing Keras; everything that builds Keras objects imports
Keras when called. The estimator's ``_train`` runs Keras' ``fit`` with these and
keeps itself in a sound state whatever happens: divergence
(:class:`TrainingDivergedError`), Ctrl-C, or any other error.
"""

import copy
import math

import numpy as np

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

#: The loss that makes chroma a per-pixel classification (ChromaQuantizer).
CLASSIFICATION_LOSS = "rebalanced_crossentropy"


def make_optimizer(name, learning_rate):
    """A fresh Keras optimizer of the given name and learning rate."""
    import keras

    return getattr(keras.optimizers, OPTIMIZERS[name])(learning_rate=learning_rate)


def make_callbacks(estimator, monitor):
    """The Keras callbacks of one fit, before skcolor's training monitor.

    The learning-rate schedule, early stopping (best weights restored), the
    learning-rate log, then deep copies of the estimator's own ``callbacks``:
    each fit gets fresh copies (its ``callbacks_``), so that the objects given as
    a parameter keep no state of any fit.

    Returns
    -------
    callbacks : list
        All of them, in order.
    copies : list
        The copies of ``estimator.callbacks``.
    """
    import keras

    verbose = int(estimator.verbose > 0)
    callbacks = []
    if estimator.lr_patience is not None:
        callbacks.append(keras.callbacks.ReduceLROnPlateau(
            monitor=monitor, factor=estimator.lr_factor, patience=estimator.lr_patience,
            min_lr=estimator.min_lr, verbose=verbose))
    if estimator.early_stopping:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor=monitor, patience=estimator.n_iter_no_change, restore_best_weights=True,
            verbose=verbose))
    callbacks.append(_learning_rate_logger())
    copies = [copy.deepcopy(callback) for callback in estimator.callbacks or ()]
    return [*callbacks, *copies], copies


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


def n_epochs(history):
    """The number of epochs in a ``history_``-like dict of per-epoch lists."""
    return max((len(values) for values in history.values()), default=0)


def extend_history(history, more):
    """``history`` followed by ``more`` (dicts of per-epoch lists); NaN where one
    lacks a key the other has (``validation_fraction`` changed between fits)."""
    n_before, n_more = n_epochs(history), n_epochs(more)
    return {
        name: [*history.get(name, [math.nan] * n_before), *more.get(name, [math.nan] * n_more)]
        for name in {**history, **more}
    }
