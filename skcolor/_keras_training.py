"""What turns the estimator's string parameters into Keras objects.

The name tables are plain data, so parameter validation can use them without
importing Keras; the factories import Keras when a model is actually built.
"""

__all__ = ["OPTIMIZERS", "LOSSES", "make_optimizer", "make_callbacks", "set_random_seed"]

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
