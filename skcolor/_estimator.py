"""``AutoencoderColorizer``: a Keras convolutional autoencoder as a scikit-learn estimator."""

import functools
import math
import os
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._image import as_float32, resize_batch, restore_dtype
from ._keras_training import LOSSES, OPTIMIZERS, layer_seeds_from
from ._model_file import read_model_record, write_model_file
from ._params import FilePath, Interval, IntTuple, Options, RandomState, validate_params
from ._validation import check_consistent_length, check_image, check_images
from .architectures import ARCHITECTURES, FULLY_CONVOLUTIONAL, min_input_size
from .color import COLOR_SPACES, ChromaQuantizer, rgb_to_gray
from .metrics import psnr

__all__ = ["AutoencoderColorizer"]

# Images per forward pass in predict: large enough to amortise Keras' per-batch
# overhead, small enough to keep memory modest.
_PREDICT_BATCH_SIZE = 256
# Rows of a full-resolution image recombined at once, to bound memory on huge photos.
_ROWS_PER_STRIP = 512
# Filters of each architecture when ``filters=None``.
_DEFAULT_FILTERS = {"seed": (64, 128, 256), "unet": (32, 64, 128, 256),
                    "unet_global": (32, 64, 128, 256)}
# The loss that makes chroma a per-pixel classification (ChromaQuantizer).
_CLASSIFICATION_LOSS = "rebalanced_crossentropy"


class AutoencoderColorizer(RegressorMixin, BaseEstimator):
    """Colorize gray images with a convolutional autoencoder (Keras).

    The network sees gray images in [0, 1] and is trained to predict color. By
    default a U-Net predicts only the chroma (Cb, Cr), and the output keeps the
    input's own luminance at full resolution, at any image size: the configuration
    that measured best (docs/benchmarks.md). ``architecture="seed",
    color_space="rgb"`` is the seed report's autoencoder exactly, regenerating R, G
    and B through a dense bottleneck. The Keras model is built in :meth:`fit` from
    the shape of the data.

    Parameters
    ----------
    architecture : {"unet", "unet_global", "seed"}, default="unet"
        Model builder from :data:`skcolor.architectures.ARCHITECTURES`. ``"seed"``
        is the report's autoencoder (Conv2D stride-2 encoder, dense bottleneck,
        Conv2DTranspose decoder), built for the training images' size; ``"unet"``
        is fully convolutional with skip connections and takes any size;
        ``"unet_global"`` adds a global-context branch (the whole image's pooled
        features fused into every position) to the U-Net.
    color_space : {"ycbcr", "lab", "rgb"}, default="ycbcr"
        What the network predicts: ``"rgb"`` regenerates all three channels;
        ``"ycbcr"`` predicts Cb and Cr and keeps the input as Y (BT.601 luma, the
        same weights as :class:`~skcolor.RGBToGrayscale`); ``"lab"`` predicts
        CIELAB a*, b* and keeps the input's L*.
    latent_dim : int, default=256
        Size of the seed architecture's bottleneck vector (unused by ``"unet"``).
    filters : tuple of int or None, default=None
        Filters per level, from full resolution down; the decoder mirrors them.
        None uses the architecture's own: (64, 128, 256) for ``"seed"`` (the
        report's), (32, 64, 128, 256) for ``"unet"``. Training images must be a
        multiple of ``2 ** len(filters)`` (seed) or ``2 ** (len(filters) - 1)``
        (unet) pixels on each side.
    dropout : float, default=0.2
        Dropout rate after each encoder level, in [0, 1).
    optimizer : {"adam", "rmsprop", "sgd", "adamw", "nadam"}, default="adam"
        Keras optimizer.
    learning_rate : float, default=1e-3
        Initial learning rate.
    loss : {"mse", "mae", "huber", "binary_crossentropy", \
"rebalanced_crossentropy"}, default="mse"
        Training loss. The first four regress the color channels.
        ``"rebalanced_crossentropy"`` (chroma color spaces only) treats chroma as
        per-pixel classes weighted against the dominance of dull colors and decodes
        them with the annealed mean (Zhang et al. 2016; see
        :class:`~skcolor.color.ChromaQuantizer`): more vivid colors.
    l1, l2 : float, default=0.0
        L1 ("lasso") and L2 ("ridge") penalties on every kernel.
    epochs : int, default=10
        Passes over the training images.
    batch_size : int, default=32
        Images per gradient step.
    validation_fraction : float, default=0.1
        Share of the training images held out to monitor ``val_loss``, which drives
        the learning-rate schedule and early stopping. 0 monitors the training loss.
    lr_patience : int or None, default=5
        Epochs without improvement before the learning rate is multiplied by
        ``lr_factor`` (Keras ``ReduceLROnPlateau``); ``None`` keeps it constant.
    lr_factor : float, default=sqrt(0.1)
        Factor applied to the learning rate on a plateau, in (0, 1).
    min_lr : float, default=5e-7
        Floor of the learning rate.
    early_stopping : int or None, default=None
        Patience in epochs of early stopping on the monitored loss; the best
        weights are restored. ``None`` trains for all ``epochs``.
    working_size : int or None, default=64
        Longest side, in pixels, at which a fully convolutional network looks at an
        image in :meth:`predict`: larger images are shrunk for the network and the
        predicted chroma is enlarged back onto the full-resolution luminance.
        None runs at full size. Unused by ``"seed"``, which runs at its training size.
        64 gave the best PSNR on scikit-image's photos for a model trained on
        CIFAR-10's 32×32 images (docs/benchmarks.md): such a model knows objects at
        that scale.
    temperature : float, default=0.38
        Annealed-mean temperature for ``loss="rebalanced_crossentropy"``: 1 gives
        the mean color (faithful, dull), towards 0 the most likely one (vivid).
        Used by :meth:`predict`, so it can be tuned after fitting.
    rebalance : float, default=0.5
        Class rebalancing strength for ``loss="rebalanced_crossentropy"``, in
        (0, 1]: the share of the uniform distribution mixed into the color
        frequencies before inverting them (1 disables rebalancing).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, the validation split and shuffling.
        An int makes ``fit`` repeatable. Note that it seeds Keras' global
        generators (``keras.utils.set_random_seed``).
    verbose : int, default=0
        0 is silent; 1 and 2 show Keras' progress (bar or one line per epoch).
    warm_start : bool, default=False
        If True and the estimator is fitted (by ``fit`` or :meth:`load`), ``fit``
        continues training the fitted network from its current weights; ``epochs``
        counts the new epochs and ``history_`` is extended. The optimizer's state
        (step count, moments, learning rate as lowered by the schedule) carries on
        when ``optimizer`` and ``learning_rate`` are unchanged and the model kept
        its optimizer; otherwise a fresh optimizer starts at ``learning_rate``. The
        parameters that shape the network (``architecture``, ``color_space``,
        ``filters``, ``dropout``, ``l1``, ``l2``, ``loss``, and ``latent_dim`` for
        ``"seed"``, ``rebalance`` for ``"rebalanced_crossentropy"``) must be those
        it was fitted with, else ``fit`` raises ``ValueError``; the chroma classes
        are kept. The learning-rate schedule and early stopping count afresh.
    checkpoint_path : str, path-like or None, default=None
        A ``.keras`` file that ``fit`` writes with :meth:`save` (atomically,
        optimizer included) after every finished epoch and once more when it
        returns, so the file always holds the estimator's latest state. Resume with
        ``AutoencoderColorizer.load(path).set_params(warm_start=True).fit(X, y)``.
        Its folder must exist and be writable; an existing file is replaced.

    Attributes
    ----------
    model_ : keras.Model
        The trained network: gray in, the color space's channels (or chroma
        classes) out.
    encoder_, decoder_ : keras.Model
        The two halves of ``model_`` (the seed architecture only).
    input_shape_ : tuple
        ``(H, W, 1)`` of the network's input; None for sizes it takes freely.
    chroma_quantizer_ : ChromaQuantizer or None
        The chroma classes and their weights, for ``"rebalanced_crossentropy"``.
    history_ : dict of str to list of float
        Per-epoch ``loss``, ``val_loss`` (when ``validation_fraction > 0``) and
        ``learning_rate``, over all ``warm_start`` fits; only finished epochs.

    See Also
    --------
    skcolor.GrayscaleToRGB : colorize as a step of a Pipeline.
    skcolor.RGBToGrayscale : make the gray inputs from color images.
    skcolor.load_pretrained : the fitted model that ships with skcolor.

    Notes
    -----
    Inputs are batches of images: gray ``(n, H, W)`` or ``(n, H, W, 1)``, RGB
    ``(n, H, W, 3)``, uint8 (0-255) or float in [0, 1]. Predictions follow the
    input's dtype family (uint8 in, uint8 out; float in, float32 out) and size.

    Fitted estimators pickle (the Keras model travels as ``.keras`` bytes).
    Unpickling runs code: load pickles only from sources you trust. For files to
    share, use :meth:`save` and :meth:`load`, which use Keras' safe mode.

    Training faults: if the loss, the validation loss or a weight becomes NaN or
    infinite, ``fit`` stops at once and raises
    :class:`~skcolor.TrainingDivergedError`, naming the epoch and batch. The
    estimator then keeps the weights and optimizer state of the last epoch that
    ended finite (with ``warm_start``, at least those it started from); a fresh
    ``fit`` that diverges before its first epoch ends leaves it unfitted. If ``fit``
    is interrupted (Ctrl-C, ``KeyboardInterrupt``) after an epoch has finished, it
    restores the weights of the epoch with the lowest monitored loss (``val_loss``,
    or ``loss`` without validation), keeps the finished epochs in ``history_``,
    warns, and returns the fitted estimator. A fresh ``fit`` interrupted before its
    first epoch ends leaves the estimator unfitted and lets the interrupt through.

    Examples
    --------
    >>> import numpy as np
    >>> from skcolor import AutoencoderColorizer
    >>> rgb = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
    >>> model = AutoencoderColorizer(epochs=1, random_state=0).fit(rgb)
    >>> model.predict(rgb[:2, ..., :1]).shape
    (2, 32, 32, 3)
    """

    _parameter_constraints = {
        "architecture": [Options(*ARCHITECTURES)],
        "color_space": [Options(*COLOR_SPACES)],
        "latent_dim": [Interval(int, 1, None)],
        "filters": [IntTuple(low=1), Options(None)],
        "dropout": [Interval(float, 0, 1, closed="left")],
        "optimizer": [Options(*OPTIMIZERS)],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "loss": [Options(*LOSSES)],
        "l1": [Interval(float, 0, None)],
        "l2": [Interval(float, 0, None)],
        "epochs": [Interval(int, 1, None)],
        "batch_size": [Interval(int, 1, None)],
        "validation_fraction": [Interval(float, 0, 1, closed="left")],
        "lr_patience": [Interval(int, 0, None), Options(None)],
        "lr_factor": [Interval(float, 0, 1, closed="neither")],
        "min_lr": [Interval(float, 0, None)],
        "early_stopping": [Interval(int, 0, None), Options(None)],
        "working_size": [Interval(int, 8, None), Options(None)],
        "temperature": [Interval(float, 0, 1, closed="right")],
        "rebalance": [Interval(float, 0, 1, closed="right")],
        "random_state": [RandomState()],
        "verbose": [Interval(int, 0, 2), Options(False, True)],
        "warm_start": [Options(False, True)],
        "checkpoint_path": [FilePath(".keras"), Options(None)],
    }

    def __init__(
        self,
        *,
        architecture="unet",
        color_space="ycbcr",
        latent_dim=256,
        filters=None,
        dropout=0.2,
        optimizer="adam",
        learning_rate=1e-3,
        loss="mse",
        l1=0.0,
        l2=0.0,
        epochs=10,
        batch_size=32,
        validation_fraction=0.1,
        lr_patience=5,
        lr_factor=0.1**0.5,
        min_lr=5e-7,
        early_stopping=None,
        working_size=64,
        temperature=0.38,
        rebalance=0.5,
        random_state=None,
        verbose=0,
        warm_start=False,
        checkpoint_path=None,
    ):
        self.architecture = architecture
        self.color_space = color_space
        self.latent_dim = latent_dim
        self.filters = filters
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.l1 = l1
        self.l2 = l2
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.lr_patience = lr_patience
        self.lr_factor = lr_factor
        self.min_lr = min_lr
        self.early_stopping = early_stopping
        self.working_size = working_size
        self.temperature = temperature
        self.rebalance = rebalance
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.checkpoint_path = checkpoint_path

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None):
        """Train the network to map gray images ``X`` to color images ``y``.

        Parameters
        ----------
        X : array-like of shape (n, H, W) or (n, H, W, 1), or (n, H, W, 3)
            Gray inputs. If ``y`` is None, ``X`` holds the RGB targets and the
            gray inputs are derived from it with the BT.601 weights.
        y : array-like of shape (n, H, W, 3), default=None
            RGB targets.

        Returns
        -------
        self : AutoencoderColorizer

        Raises
        ------
        TrainingDivergedError
            If the loss became NaN or infinite; what the estimator keeps is in the
            class's Notes, as is what a ``KeyboardInterrupt`` does.
        """
        self._validate_params()
        gray, rgb = self._validate_training_data(X, y)
        warm = self._check_warm_start(gray.shape[1:3])
        seed = self._initialize_random_state()
        inputs, targets, weights = self._prepare_training_arrays(gray, rgb, warm=warm)
        if not warm:
            self.input_shape_ = self._network_input_shape(inputs.shape[1:3])
            with layer_seeds_from(seed):  # not from Python's random, shared with other threads
                self.model_ = self._build_model(self.input_shape_)
            self.history_ = {}
        if not (warm and self._optimizer_carries_on()):
            self._compile_model()
        self._fitted_params_ = {**self._network_params(), **self._optimizer_params()}
        self._train(inputs, targets, weights, seed, fresh=not warm)
        return self

    def _validate_params(self):
        validate_params(self, self._parameter_constraints)
        if self.loss == _CLASSIFICATION_LOSS and not COLOR_SPACES[self.color_space].keeps_luminance:
            raise ValueError(
                f"loss={_CLASSIFICATION_LOSS!r} classifies chroma, so it needs a color space "
                f"that keeps the luminance ('ycbcr' or 'lab'); got color_space={self.color_space!r}."
            )
        if self.checkpoint_path is not None:
            folder = Path(self.checkpoint_path).parent
            if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
                raise ValueError(
                    f"checkpoint_path={os.fspath(self.checkpoint_path)!r}: its folder "
                    f"{str(folder)!r} is missing or not writable; expected a .keras path "
                    "in an existing, writable folder."
                )

    def _network_params(self):
        """The parameters that fit bakes into the network and the chroma classes."""
        params = {name: getattr(self, name)
                  for name in ("architecture", "color_space", "dropout", "l1", "l2", "loss")}
        params["filters"] = self._filters
        if self.architecture == "seed":
            params["latent_dim"] = self.latent_dim
        if self.loss == _CLASSIFICATION_LOSS:
            params["rebalance"] = self.rebalance
        return params

    def _optimizer_params(self):
        return {"optimizer": self.optimizer, "learning_rate": self.learning_rate}

    def _fitted_with(self):
        # Pickles from before _fitted_params_ existed: trust the current parameters.
        return getattr(self, "_fitted_params_", None) or {
            **self._network_params(), **self._optimizer_params()}

    def _check_warm_start(self, size):
        """Whether this fit continues training; refuses what the fitted network can't take."""
        if not (self.warm_start and self.__sklearn_is_fitted__()):
            return False
        fitted = self._fitted_with()
        changed = [f"{name}={value!r} (fitted with {fitted.get(name)!r})"
                   for name, value in self._network_params().items() if fitted.get(name) != value]
        if changed:
            raise ValueError(
                "warm_start=True continues training the fitted network, which these "
                f"parameters would change: {', '.join(changed)}. Set them back, or set "
                "warm_start=False to train a new network."
            )
        if self._network_input_shape(size) != tuple(self.input_shape_):
            height, width = self.input_shape_[:2]
            raise ValueError(
                f"warm_start=True: the fitted {self.architecture!r} network takes "
                f"{height}×{width} images; got {size[0]}×{size[1]}."
            )
        return True

    def _optimizer_carries_on(self):
        """Whether a warm start keeps the model's optimizer and its state."""
        fitted = self._fitted_with()
        return getattr(self.model_, "optimizer", None) is not None and all(
            fitted.get(name) == value for name, value in self._optimizer_params().items())

    @property
    def _filters(self):
        return tuple(self.filters) if self.filters is not None else _DEFAULT_FILTERS[self.architecture]

    def _validate_training_data(self, X, y):
        if y is None:
            rgb = check_images(X, name="X (RGB targets, since y is None)", channels=(3,))
            gray = rgb_to_gray(rgb)
        else:
            gray = check_images(X, name="X", channels=(1,))
            rgb = check_images(y, name="y", channels=(3,))
            check_consistent_length(gray, rgb)
            if gray.shape[1:3] != rgb.shape[1:3]:
                raise ValueError(
                    f"X and y must hold images of the same height and width; got "
                    f"{gray.shape[1]}×{gray.shape[2]} and {rgb.shape[1]}×{rgb.shape[2]}."
                )
        self._check_image_size(gray.shape[1:3])
        if self.validation_fraction > 0 and len(gray) < 2:
            raise ValueError(
                f"fit needs at least 2 images when validation_fraction > 0; got {len(gray)}. "
                "Pass more images or validation_fraction=0."
            )
        return gray, rgb

    def _check_image_size(self, size):
        multiple = min_input_size(self.architecture, filters=self._filters)
        height, width = size
        if height % multiple or width % multiple:
            raise ValueError(
                f"architecture={self.architecture!r} with {len(self._filters)} levels needs "
                f"training images whose height and width are multiples of {multiple} "
                f"(at least {multiple}×{multiple}); got {height}×{width}."
            )

    def _initialize_random_state(self):
        from ._keras_training import limit_tensorflow_threads, set_random_seed

        limit_tensorflow_threads()  # before TensorFlow's first operation fixes its pools
        if isinstance(self.random_state, (int, np.integer)):
            seed = int(self.random_state)
        else:
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        set_random_seed(seed)
        return seed

    def _prepare_training_arrays(self, gray, rgb, *, warm=False):
        """Network inputs, targets and per-pixel loss weights (or None).

        A warm start keeps the fitted chroma classes: they are the network's outputs.
        """
        inputs = as_float32(gray)
        targets = COLOR_SPACES[self.color_space].encode(rgb)
        if not warm:
            self.chroma_quantizer_ = None
            if self.loss == _CLASSIFICATION_LOSS:
                self.chroma_quantizer_ = ChromaQuantizer(rebalance=self.rebalance).fit(targets)
        if self.chroma_quantizer_ is None:
            return inputs, targets, None
        classes, weights = self.chroma_quantizer_.encode(targets)
        return inputs, classes, weights

    def _network_input_shape(self, size):
        if self.architecture in FULLY_CONVOLUTIONAL:
            return (None, None, 1)
        return (*size, 1)

    def _build_model(self, input_shape):
        """Build the (uncompiled) Keras model; override to plug in another network."""
        if self.chroma_quantizer_ is not None:
            output_channels, activation = self.chroma_quantizer_.n_classes, "softmax"
        else:
            output_channels, activation = COLOR_SPACES[self.color_space].output_channels, "sigmoid"
        return ARCHITECTURES[self.architecture](
            input_shape,
            latent_dim=self.latent_dim,
            filters=self._filters,
            dropout=self.dropout,
            l1=self.l1,
            l2=self.l2,
            output_channels=output_channels,
            output_activation=activation,
        )

    def _compile_model(self):
        from ._keras_training import make_optimizer

        self.model_.compile(
            optimizer=make_optimizer(self.optimizer, self.learning_rate),
            loss=LOSSES[self.loss],
        )

    def _make_callbacks(self, monitor):
        """Keras callbacks for ``fit``: learning-rate schedule, early stopping and the
        learning-rate log, watching ``monitor`` (``"val_loss"`` or ``"loss"``).

        Override to add callbacks; skcolor's training monitor (divergence,
        interruption, checkpoints) runs after them.
        """
        from ._keras_training import make_callbacks

        return make_callbacks(
            monitor=monitor,
            lr_patience=self.lr_patience,
            lr_factor=self.lr_factor,
            min_lr=self.min_lr,
            early_stopping=self.early_stopping,
            verbose=self.verbose,
        )

    def _train(self, inputs, targets, weights, seed, *, fresh=True):
        """Run Keras' ``fit``, extend ``history_``, and recover from faults.

        ``fresh`` is False for a warm start: ``history_`` then continues, and a
        failure falls back to the state training started from.
        """
        from ._keras_training import NonFiniteValue, make_training_monitor

        validation_data = None
        if self.validation_fraction > 0:
            order = np.random.default_rng(seed).permutation(len(inputs))
            n_val = max(1, int(round(self.validation_fraction * len(inputs))))
            n_val = min(n_val, len(inputs) - 1)
            val_index, train_index = np.sort(order[:n_val]), np.sort(order[n_val:])
            validation_data = (inputs[val_index], targets[val_index])
            if weights is not None:
                validation_data += (weights[val_index],)
                weights = weights[train_index]
            inputs, targets = inputs[train_index], targets[train_index]
        monitored = "val_loss" if validation_data is not None else "loss"
        previous = self.history_
        checkpoint = (None if self.checkpoint_path is None
                      else functools.partial(self._write_checkpoint, previous))
        monitor = make_training_monitor(monitor=monitored, on_epoch_recorded=checkpoint)
        initial_epoch = _n_epochs(previous)
        try:
            self.model_.fit(
                inputs,
                targets,
                sample_weight=weights,
                batch_size=self.batch_size,
                initial_epoch=initial_epoch,
                epochs=initial_epoch + self.epochs,
                validation_data=validation_data,
                callbacks=[*self._make_callbacks(monitored), monitor],
                shuffle=True,
                verbose=int(self.verbose),
            )
        except NonFiniteValue as exc:
            self._recover_from_divergence(exc, monitor, previous, fresh=fresh)
        except KeyboardInterrupt:
            if not self._recover_from_interrupt(monitor, previous, monitored, fresh=fresh):
                raise
        except Exception:
            # Never leave an untrained network looking fitted.
            if fresh:
                self._forget_fit()
            elif monitor.initial_state is not None:
                self._restore_training_state(monitor.initial_state)
                self.history_ = previous
            raise
        else:
            self.history_ = _extend_history(previous, monitor.history)
        if self.checkpoint_path is not None:
            self.save(self.checkpoint_path)  # early stopping or an interrupt restored weights

    def _write_checkpoint(self, previous_history, new_history):
        self.history_ = _extend_history(previous_history, new_history)
        self.save(self.checkpoint_path)

    def _recover_from_divergence(self, exc, monitor, previous_history, *, fresh):
        """Keep the last finite state, then raise TrainingDivergedError."""
        from ._keras_training import TrainingDivergedError

        where = f"epoch {exc.epoch + 1}" + ("" if exc.batch is None else f", batch {exc.batch + 1}")
        what = ("the weights stopped being finite" if exc.what == "weights"
                else f"the {exc.what} became {exc.value}")
        state = monitor.last_state
        if state is None and not fresh:
            state = monitor.initial_state
        if state is None:
            self._forget_fit()
            kept = "No epoch had finished, so the estimator is not fitted."
        else:
            self._restore_training_state(state)
            self.history_ = _extend_history(previous_history, monitor.history)
            kept = (f"The estimator keeps the weights of epoch {_n_epochs(self.history_)}, "
                    "the last that ended with finite values.")
        raise TrainingDivergedError(
            f"Training diverged: {what} in {where}. Try a smaller learning_rate (it is "
            f"{self.learning_rate:g}), optimizer='adam', or smaller l1/l2. {kept}"
        ) from None

    def _recover_from_interrupt(self, monitor, previous_history, monitored, *, fresh):
        """Keep the best state after a KeyboardInterrupt; False if there is none."""
        if monitor.best_state is None:
            if fresh:
                self._forget_fit()
                return False
            state, kept = monitor.initial_state, "the weights it started from"
        else:
            state = monitor.best_state
            kept = (f"the weights of epoch {monitor.best_epoch + 1} (lowest {monitored}, "
                    f"{monitor.best_value:.4g})")
        self._restore_training_state(state)
        self.history_ = _extend_history(previous_history, monitor.history)
        warnings.warn(
            f"Training interrupted after {_n_epochs(monitor.history)} of {self.epochs} "
            f"epochs; the estimator keeps {kept}, and history_ the "
            f"{_n_epochs(self.history_)} finished epochs.",
            UserWarning,
            stacklevel=4,
        )
        return True

    def _restore_training_state(self, state):
        from ._keras_training import restore_training_state

        if not restore_training_state(self.model_, state):
            self._compile_model()  # the optimizer was fresh when the state was taken

    def _forget_fit(self):
        for name in ("model_", "input_shape_", "history_", "chroma_quantizer_", "_fitted_params_"):
            self.__dict__.pop(name, None)

    # -------------------------------------------------------------- predict
    def predict(self, X):
        """Colorize gray images of any size; the output has the input's size.

        The network runs at its working resolution (the training size for
        ``"seed"``, at most ``working_size`` on the longest side for ``"unet"``);
        its prediction is enlarged back to the input's size, and, for the chroma
        color spaces, recombined with the input's own full-resolution luminance.

        Parameters
        ----------
        X : array-like of shape (n, H, W) or (n, H, W, 1), or list of arrays
            Gray images, uint8 or float in [0, 1]. A list may hold images of
            different sizes, each ``(H, W)`` or ``(H, W, 1)``.

        Returns
        -------
        rgb : ndarray of shape (n, H, W, 3), or list of (H, W, 3) arrays
            uint8 for integer input, float32 in [0, 1] for float input; a list for
            a list.
        """
        check_is_fitted(self)
        if isinstance(X, list):
            images = [check_image(image, name=f"X[{i}]", channels=(1,))
                      for i, image in enumerate(X)]
            if not images:
                raise ValueError("X is an empty list; expected gray images.")
            return [self._colorize(image)[0] for image in images]
        return self._colorize(check_images(X, name="X", channels=(1,)))

    def _colorize(self, gray):
        """RGB of the dtype family of ``gray``, a validated ``(n, H, W, 1)`` batch."""
        n, height, width, _ = gray.shape
        out_dtype = np.uint8 if gray.dtype.kind in "ui" else np.float32
        rgb = np.empty((n, height, width, 3), dtype=out_dtype)
        working_size = self._working_size(height, width)
        for start in range(0, n, _PREDICT_BATCH_SIZE):
            chunk = gray[start:start + _PREDICT_BATCH_SIZE]
            prediction = self._predict_color(resize_batch(chunk, working_size))
            for i, image in enumerate(chunk):
                self._recombine(prediction[i], image, out=rgb[start + i])
        return rgb

    def _working_size(self, height, width):
        """(height, width) at which the network sees an image of this size."""
        if self.architecture not in FULLY_CONVOLUTIONAL:
            return tuple(self.input_shape_[:2])
        if self.working_size is None or max(height, width) <= self.working_size:
            return height, width
        scale = self.working_size / max(height, width)
        return max(1, round(height * scale)), max(1, round(width * scale))

    def _predict_color(self, gray):
        """The color space's channels in [0, 1] for a batch at working resolution."""
        network_input = as_float32(gray)
        height, width = network_input.shape[1:3]
        multiple = min_input_size(self.architecture, filters=self._filters)
        pad_h, pad_w = -height % multiple, -width % multiple
        if self.architecture in FULLY_CONVOLUTIONAL and (pad_h or pad_w):
            # Reflect rather than zero-pad: a black border would tint the edges.
            mode = "reflect" if min(height, width) > max(pad_h, pad_w) else "edge"
            network_input = np.pad(network_input, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode=mode)
        outputs = np.asarray(self.model_.predict_on_batch(network_input))[:, :height, :width]
        if self.chroma_quantizer_ is not None:
            return self.chroma_quantizer_.decode(outputs, self.temperature)
        return outputs

    def _recombine(self, prediction, gray, out):
        """Write into ``out`` the full-size RGB of one working-size prediction and its gray image.

        ``out`` is the image's place in the output batch, written in strips of rows:
        a huge photo needs no full-size copy beyond the enlarged prediction.
        """
        height, width = gray.shape[:2]
        if prediction.shape[:2] != (height, width):
            prediction = resize_batch(prediction[np.newaxis], (height, width))[0]
        color_space = COLOR_SPACES[self.color_space]
        for top in range(0, height, _ROWS_PER_STRIP):
            rows = slice(top, top + _ROWS_PER_STRIP)
            strip = color_space.to_rgb(prediction[rows], as_float32(gray[rows]))
            out[rows] = restore_dtype(strip, like=out.dtype)

    def score(self, X, y, sample_weight=None):
        """Mean PSNR in dB between ``predict(X)`` and the true color images ``y``.

        Parameters
        ----------
        X : array-like of shape (n, H, W) or (n, H, W, 1)
            Gray images.
        y : array-like of shape (n, H, W, 3)
            True RGB images.
        sample_weight : None
            Not supported; present for scikit-learn's signature.

        Returns
        -------
        score : float
            Higher is better; identical images count as 100 dB.
        """
        if sample_weight is not None:
            raise ValueError("AutoencoderColorizer.score does not support sample_weight.")
        y = check_images(y, name="y", channels=(3,))
        return psnr(y, self.predict(X))

    # ------------------------------------------------------------- parts
    @property
    def encoder_(self):
        return self._named_part("encoder")

    @property
    def decoder_(self):
        return self._named_part("decoder")

    def _named_part(self, name):
        check_is_fitted(self)
        try:
            return self.model_.get_layer(name)
        except ValueError as exc:
            raise AttributeError(
                f"architecture={self.architecture!r} has no separate {name}."
            ) from exc

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.target_tags.required = False
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        return tags

    # ---------------------------------------------------------- save/load
    def save(self, path, *, include_optimizer=True):
        """Write the fitted estimator to a ``.keras`` file.

        The file is a regular Keras archive (loadable with
        ``keras.saving.load_model``) with the estimator's parameters, fitted
        attributes and skcolor's version added as ``skcolor.json``. It is written
        to a temporary file and renamed, so a failed save never leaves a partial file.

        Parameters
        ----------
        path : str or path-like
            Destination; must end in ``.keras``.
        include_optimizer : bool, default=True
            Whether to keep the optimizer's state (twice the weights' size for
            Adam). A model saved without it predicts the same; ``warm_start``
            then continues with a fresh optimizer.

        Notes
        -----
        The file holds data, not code, and :meth:`load` reads it in Keras' safe
        mode: it is the form to share. Pickles (``pickle``, ``joblib.dump``) of the
        estimator work too, but loading a pickle runs any code it holds: unpickle
        only files from sources you trust.
        """
        check_is_fitted(self)
        path = Path(path)
        if path.suffix != ".keras":
            raise ValueError(f"save needs a path ending in '.keras'; got {str(path)!r}.")
        params = self.get_params()
        if not (params["random_state"] is None or isinstance(params["random_state"], int)):
            params["random_state"] = None  # a RandomState object has no portable form
        if params["checkpoint_path"] is not None:
            params["checkpoint_path"] = os.fspath(params["checkpoint_path"])
        record = {
            "params": params,
            # What the network was built and compiled with, for warm_start's checks.
            "fitted_params": self._fitted_with(),
            "input_shape_": list(self.input_shape_),
            "history_": self.history_,
            "chroma_quantizer_": (
                None if self.chroma_quantizer_ is None else self.chroma_quantizer_.get_state()
            ),
        }
        model = self.model_ if include_optimizer else self._model_without_optimizer()
        write_model_file(path, model, record)

    def _model_without_optimizer(self):
        # A model rebuilt from its config is uncompiled (clone_model would share the
        # optimizer); only its weights need copying.
        model = type(self.model_).from_config(self.model_.get_config())
        model.set_weights(self.model_.get_weights())
        return model

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save`.

        Only data is read, never code: the Keras model is loaded with
        ``safe_mode=True``, and no option turns that off. Refused, with a
        ``ValueError`` saying why:

        - a missing path, a folder, or a file that is not a complete zip archive
          (truncated, damaged, or not a ``.keras`` file at all);
        - a ``.keras`` archive without skcolor's record (a plain Keras model: load
          it with ``keras.saving.load_model``), or with a damaged one;
        - a file from a skcolor whose save format this one does not read, or with
          parameters this one does not know (the message names both versions);
        - a model with ``Lambda`` layers, or anything else Keras' safe mode refuses
          (serialized Python code, classes from outside Keras).

        Parameters
        ----------
        path : str or path-like
            A ``.keras`` file written by :meth:`save`.

        Returns
        -------
        estimator : AutoencoderColorizer
            Fitted, with the parameters it was saved with.

        Raises
        ------
        ValueError
            In each case above.

        Notes
        -----
        Pickles are another matter: ``pickle.load`` and ``joblib.load`` run any
        code a pickle holds. Unpickle only files from sources you trust, and share
        models as ``.keras`` files.
        """
        import keras

        path = Path(path)
        record = read_model_record(path, cls._get_param_names())
        params = record["params"]
        if params.get("filters") is not None:
            params["filters"] = tuple(params["filters"])
        estimator = cls(**params)
        estimator._validate_params()
        try:
            estimator.model_ = keras.saving.load_model(path, safe_mode=True)
        except MemoryError:
            raise
        except Exception as exc:  # Keras reports what it refuses with many exception types
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise ValueError(
                f"Keras could not load the model in {str(path)!r} in safe mode "
                f"({type(exc).__name__}: {reason}). skcolor loads models in safe mode only."
            ) from exc
        estimator.input_shape_ = tuple(record["input_shape_"])
        estimator.history_ = record["history_"]
        quantizer = record["chroma_quantizer_"]
        estimator.chroma_quantizer_ = None if quantizer is None else ChromaQuantizer.from_state(quantizer)
        if "fitted_params" in record:  # else warm_start trusts the saved parameters
            fitted = record["fitted_params"]
            estimator._fitted_params_ = {**fitted, "filters": tuple(fitted.get("filters", ()))}
        return estimator


def _n_epochs(history):
    return max((len(values) for values in history.values()), default=0)


def _extend_history(history, more):
    """``history`` followed by ``more`` (dicts of per-epoch lists); NaN where one
    lacks a key the other has (``validation_fraction`` changed between fits)."""
    n_before, n_more = _n_epochs(history), _n_epochs(more)
    return {
        name: [*history.get(name, [math.nan] * n_before), *more.get(name, [math.nan] * n_more)]
        for name in {**history, **more}
    }
