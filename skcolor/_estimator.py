"""``AutoencoderColorizer``: a Keras convolutional autoencoder as a scikit-learn estimator."""

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from . import __version__
from ._image import as_float32, resize_batch, restore_dtype
from ._keras_training import LOSSES, OPTIMIZERS
from ._params import Interval, IntTuple, Options, RandomState, validate_params
from ._validation import check_consistent_length, check_images
from .architectures import ARCHITECTURES, min_input_size
from .color import COLOR_SPACES, rgb_to_gray
from .metrics import psnr

__all__ = ["AutoencoderColorizer"]

# Name of the estimator's own record inside a saved ``.keras`` archive, and the
# version of that record's layout (bumped when load can no longer read older files).
_PARAMS_ENTRY = "skcolor.json"
_SAVE_FORMAT = 1

# Images per forward pass in predict: large enough to amortise Keras' per-batch
# overhead, small enough to keep memory modest.
_PREDICT_BATCH_SIZE = 256


class AutoencoderColorizer(RegressorMixin, BaseEstimator):
    """Colorize gray images with a convolutional autoencoder (Keras).

    The network takes gray images in [0, 1] and is trained to output color, by
    default with the seed report's architecture and training recipe (DESIGN §2).
    The Keras model is built in :meth:`fit` from the shape of the data.

    Parameters
    ----------
    architecture : {"seed"}, default="seed"
        Model builder from :data:`skcolor.architectures.ARCHITECTURES`. ``"seed"``
        is the report's autoencoder (Conv2D stride-2 encoder, dense bottleneck,
        Conv2DTranspose decoder).
    color_space : {"rgb"}, default="rgb"
        What the network predicts: ``"rgb"`` regenerates all three channels.
    latent_dim : int, default=256
        Size of the bottleneck vector.
    filters : tuple of int, default=(64, 128, 256)
        Filters of each encoder convolution; the decoder mirrors them. Inputs must
        be at least, and a multiple of, ``2 ** len(filters)`` pixels on each side.
    dropout : float, default=0.2
        Dropout rate after each encoder convolution, in [0, 1).
    optimizer : {"adam", "rmsprop", "sgd", "adamw", "nadam"}, default="adam"
        Keras optimizer.
    learning_rate : float, default=1e-3
        Initial learning rate.
    loss : {"mse", "mae", "huber", "binary_crossentropy"}, default="mse"
        Training loss on the network's outputs.
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
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, the validation split and shuffling.
        An int makes ``fit`` repeatable. Note that it seeds Keras' global
        generators (``keras.utils.set_random_seed``).
    verbose : int, default=0
        0 is silent; 1 and 2 show Keras' progress (bar or one line per epoch).

    Attributes
    ----------
    model_ : keras.Model
        The trained network, ``(H, W, 1)`` gray in, ``color_space`` channels out.
    encoder_, decoder_ : keras.Model
        The two halves of ``model_`` (architectures that have them).
    input_shape_ : tuple of int
        ``(H, W, 1)``, the shape the network was built for.
    history_ : dict of str to list of float
        Per-epoch ``loss``, ``val_loss`` (when ``validation_fraction > 0``) and
        ``learning_rate``.

    See Also
    --------
    skcolor.GrayscaleToRGB : colorize as a step of a Pipeline.
    skcolor.RGBToGrayscale : make the gray inputs from color images.

    Notes
    -----
    Inputs are batches of images: gray ``(n, H, W)`` or ``(n, H, W, 1)``, RGB
    ``(n, H, W, 3)``, uint8 (0-255) or float in [0, 1]. Predictions follow the
    input's dtype family: uint8 in, uint8 out; float in, float32 out.

    Fitted estimators pickle (the Keras model travels as ``.keras`` bytes).
    Unpickling runs code: load pickles only from sources you trust. For files to
    share, use :meth:`save` and :meth:`load`, which use Keras' safe mode.

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
        "filters": [IntTuple(low=1)],
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
        "random_state": [RandomState()],
        "verbose": [Interval(int, 0, 2), Options(False, True)],
    }

    def __init__(
        self,
        *,
        architecture="seed",
        color_space="rgb",
        latent_dim=256,
        filters=(64, 128, 256),
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
        random_state=None,
        verbose=0,
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
        self.random_state = random_state
        self.verbose = verbose

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
        """
        validate_params(self, self._parameter_constraints)
        gray, rgb = self._validate_training_data(X, y)
        seed = self._initialize_random_state()
        inputs, targets = self._prepare_training_arrays(gray, rgb)
        self.input_shape_ = inputs.shape[1:]
        self.model_ = self._build_model(self.input_shape_)
        self._compile_model()
        self.history_ = self._train(inputs, targets, seed)
        return self

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
        multiple = min_input_size(self.architecture, filters=self.filters)
        height, width = size
        if height % multiple or width % multiple:
            raise ValueError(
                f"architecture={self.architecture!r} with {len(self.filters)} downsampling "
                f"layers needs images whose height and width are multiples of {multiple} "
                f"(at least {multiple}×{multiple}); got {height}×{width}."
            )

    def _initialize_random_state(self):
        from ._keras_training import set_random_seed

        if isinstance(self.random_state, (int, np.integer)):
            seed = int(self.random_state)
        else:
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        set_random_seed(seed)
        return seed

    def _prepare_training_arrays(self, gray, rgb):
        """Network inputs and targets (float32) for this estimator's color space."""
        inputs = as_float32(gray)
        targets = COLOR_SPACES[self.color_space].encode_targets(as_float32(rgb), inputs)
        return inputs, targets

    def _build_model(self, input_shape):
        """Build the (uncompiled) Keras model; override to plug in another network."""
        builder = ARCHITECTURES[self.architecture]
        return builder(
            input_shape,
            latent_dim=self.latent_dim,
            filters=tuple(self.filters),
            dropout=self.dropout,
            l1=self.l1,
            l2=self.l2,
            output_channels=COLOR_SPACES[self.color_space].output_channels,
        )

    def _compile_model(self):
        from ._keras_training import make_optimizer

        self.model_.compile(
            optimizer=make_optimizer(self.optimizer, self.learning_rate),
            loss=LOSSES[self.loss],
        )

    def _train(self, inputs, targets, seed):
        """Run Keras' ``fit`` and return the per-epoch history as a plain dict."""
        from ._keras_training import make_callbacks

        validation_data = None
        if self.validation_fraction > 0:
            order = np.random.default_rng(seed).permutation(len(inputs))
            n_val = max(1, int(round(self.validation_fraction * len(inputs))))
            n_val = min(n_val, len(inputs) - 1)
            val_index, train_index = np.sort(order[:n_val]), np.sort(order[n_val:])
            validation_data = (inputs[val_index], targets[val_index])
            inputs, targets = inputs[train_index], targets[train_index]
        callbacks = make_callbacks(
            monitor="val_loss" if validation_data is not None else "loss",
            lr_patience=self.lr_patience,
            lr_factor=self.lr_factor,
            min_lr=self.min_lr,
            early_stopping=self.early_stopping,
            verbose=self.verbose,
        )
        history = self.model_.fit(
            inputs,
            targets,
            batch_size=self.batch_size,
            epochs=self.epochs,
            validation_data=validation_data,
            callbacks=callbacks,
            shuffle=True,
            verbose=int(self.verbose),
        )
        return {key: [float(v) for v in values] for key, values in history.history.items()}

    # -------------------------------------------------------------- predict
    def predict(self, X):
        """Colorize gray images.

        Parameters
        ----------
        X : array-like of shape (n, H, W) or (n, H, W, 1)
            Gray images, uint8 or float in [0, 1]. Images of another size than the
            training images are resized to it for the network, and the colorized
            result is resized back, so the output always has the input's size.

        Returns
        -------
        rgb : ndarray of shape (n, H, W, 3)
            uint8 for integer input, float32 in [0, 1] for float input.
        """
        check_is_fitted(self)
        gray = check_images(X, name="X", channels=(1,))
        return restore_dtype(self._colorize(as_float32(gray)), like=gray.dtype)

    def _colorize(self, gray):
        """Float32 RGB in [0, 1] for float32 gray input of any height and width."""
        size = gray.shape[1:3]
        working_size = tuple(self.input_shape_[:2])
        network_input = resize_batch(gray, working_size)
        outputs = self.model_.predict(network_input, batch_size=_PREDICT_BATCH_SIZE, verbose=0)
        rgb = COLOR_SPACES[self.color_space].decode(outputs, network_input)
        return resize_batch(np.asarray(rgb, dtype=np.float32), size)

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
    def save(self, path):
        """Write the fitted estimator to a ``.keras`` file.

        The file is a regular Keras archive (loadable with
        ``keras.saving.load_model``) with the estimator's parameters, fitted
        attributes and skcolor's version added as ``skcolor.json``. It is written
        to a temporary file and renamed, so a failed save never leaves a partial file.

        Parameters
        ----------
        path : str or path-like
            Destination; must end in ``.keras``.
        """
        check_is_fitted(self)
        path = Path(path)
        if path.suffix != ".keras":
            raise ValueError(f"save needs a path ending in '.keras'; got {str(path)!r}.")
        params = self.get_params()
        if not (params["random_state"] is None or isinstance(params["random_state"], int)):
            params["random_state"] = None  # a RandomState object has no portable form
        record = {
            "format": _SAVE_FORMAT,
            "skcolor_version": __version__,
            "params": params,
            "input_shape_": list(self.input_shape_),
            "history_": self.history_,
        }
        fd, tmp_name = tempfile.mkstemp(suffix=".keras", dir=path.parent or ".")
        os.close(fd)
        try:
            self.model_.save(tmp_name)
            with zipfile.ZipFile(tmp_name, "a") as archive:
                archive.writestr(_PARAMS_ENTRY, json.dumps(record))
            os.replace(tmp_name, path)
        finally:
            if os.path.exists(tmp_name):
                os.remove(tmp_name)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save`.

        The Keras model is loaded with ``safe_mode=True``, so archives that would
        run arbitrary code (Lambda layers) are refused.

        Parameters
        ----------
        path : str or path-like
            A ``.keras`` file written by :meth:`save`.

        Returns
        -------
        estimator : AutoencoderColorizer
            Fitted, with the parameters it was saved with.
        """
        import keras

        path = Path(path)
        if not path.is_file():
            raise ValueError(f"No skcolor model file at {str(path)!r}.")
        try:
            with zipfile.ZipFile(path) as archive:
                record = json.loads(archive.read(_PARAMS_ENTRY))
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
            raise ValueError(
                f"{str(path)!r} is not a skcolor model (a .keras file written by "
                "AutoencoderColorizer.save)."
            ) from exc
        if record.get("format") != _SAVE_FORMAT:
            raise ValueError(
                f"{str(path)!r} was written by skcolor {record.get('skcolor_version')} in a "
                f"format this skcolor {__version__} cannot read."
            )
        params = record["params"]
        params["filters"] = tuple(params["filters"])
        estimator = cls(**params)
        estimator.model_ = keras.saving.load_model(path, safe_mode=True)
        estimator.input_shape_ = tuple(record["input_shape_"])
        estimator.history_ = record["history_"]
        return estimator
