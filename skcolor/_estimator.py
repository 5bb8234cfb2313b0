"""``AutoencoderColorizer``: a Keras convolutional autoencoder as a scikit-learn estimator.

This module holds the parameters, ``fit``/``predict``/``score`` and the tags; the
training loop is in ``_training``, prediction at any size in ``_inference``, the
save record in ``_model_file``, seeds and threads in ``_runtime``.
"""

from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from . import _fit_setup, _training
from ._inference import InferenceSettings, colorize
from ._model_file import load_estimator, save_estimator
from ._estimator_params import PARAM_TABLE, check_colorizer_params, check_predict_params
from ._runtime import fit_seed, layer_seeds_from, limit_tensorflow_threads, seeded_globals
from ._validation import check_image, check_images
from .architectures import ARCHITECTURES
from .metrics import psnr

__all__ = ["AutoencoderColorizer"]


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
    architecture : {"unet", "unet_global", "unet_full", "seed"}, default="unet"
        Model builder from :data:`skcolor.architectures.ARCHITECTURES` (which
        :func:`~skcolor.architectures.register_architecture` extends). ``"seed"``
        is the report's autoencoder (Conv2D stride-2 encoder, dense bottleneck,
        Conv2DTranspose decoder), built for the training images' size; ``"unet"``
        is fully convolutional with skip connections and takes any size; it
        predicts color at half the input's resolution, enlarged bilinearly (a
        quarter of the work, :func:`~skcolor.architectures.build_unet`);
        ``"unet_global"`` adds a global-context branch (the whole image's pooled
        features fused into every position) to the U-Net; ``"unet_full"`` is the
        U-Net at full resolution throughout (skcolor 0.1's default).
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
        report's), (32, 64, 128, 256) for the U-Nets. Training images must be a
        multiple of ``2 ** len(filters)`` (seed, unet, unet_global) or
        ``2 ** (len(filters) - 1)`` (unet_full) pixels on each side.
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
    early_stopping : bool, default=False
        Whether to stop when the monitored loss has not improved for
        ``n_iter_no_change`` epochs, restoring the best weights (scikit-learn's
        ``early_stopping``). False trains for all ``epochs``.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs; used when ``early_stopping=True``.
    working_size : int or None, default=64
        Longest side, in pixels, at which a fully convolutional network looks at an
        image in :meth:`predict`: larger images are shrunk for the network and the
        predicted chroma is enlarged back onto the full-resolution luminance.
        None runs at full size. Unused by ``"seed"``, which runs at its training size.
        64 gave the best PSNR on scikit-image's photos for a model trained on
        CIFAR-10's 32×32 images (docs/benchmarks.md): such a model knows objects at
        that scale.
    temperature : float, default=0.38
        Annealed-mean temperature for ``loss="rebalanced_crossentropy"`` at
        ``vividness=1``: 1 gives the mean color, towards 0 the most likely one.
        Used by :meth:`predict`, so it can be tuned after fitting.
    vividness : float, default=0.5
        How boldly ``loss="rebalanced_crossentropy"`` colors, in [0, 1]; used by
        :meth:`predict`, so it can be set after fitting (``set_params``,
        ``skcolor colorize --vividness``). 0 decodes the calibrated distribution's
        mean (the class weights of training divided out): the least-squares
        color, dull but with the smallest cast where the gray image says little
        (white walls, gray sea). 1 decodes the rebalanced distribution annealed
        at ``temperature``: colors as saturated as the truth's, with a cast where
        the evidence is weak. Between them, both the calibration and the
        temperature move geometrically. Files saved before this parameter
        existed load with 1, their decoding then.
    rebalance : float, default=0.5
        Class rebalancing strength for ``loss="rebalanced_crossentropy"``, in
        (0, 1]: the share of the uniform distribution mixed into the color
        frequencies before inverting them (1 disables rebalancing).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, the validation split and shuffling.
        An int makes ``fit`` repeatable. Python's and NumPy's global generators
        are left as they were: ``fit`` neither reseeds nor consumes them
        (TensorFlow's global seed is set, as Keras needs it for shuffling).
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
        Its folder must exist and be writable when ``fit`` starts. An existing file
        is replaced only if this estimator's own fits wrote it (or it was loaded
        from it); a fit never overwrites another fit's checkpoint, so clones (the
        candidates of a search) with one path raise ``ValueError``: give each its
        own path, or leave it None in searches.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for ``fit`` (timers, logs, custom schedules). Each
        fit uses deep copies, so the objects given keep no state of it and one
        estimator can fit again. They run after skcolor's learning-rate schedule,
        early stopping and learning-rate log, before its training monitor. Not
        saved by :meth:`save` (a loaded estimator has None).

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
    callbacks_ : list of keras.callbacks.Callback
        The copies of ``callbacks`` used by the last fit, with what they recorded.
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

    Training faults: if the loss, the validation loss or a weight stops being
    finite, ``fit`` raises :class:`~skcolor.TrainingDivergedError` and keeps the
    state of the last finite epoch (unfitted if none); interrupted (Ctrl-C) after
    an epoch, it keeps the best epoch's weights, warns and returns. The details
    are in ``docs/reliability.md``.

    Examples
    --------
    >>> import numpy as np
    >>> from skcolor import AutoencoderColorizer
    >>> rgb = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
    >>> model = AutoencoderColorizer(epochs=1, random_state=0).fit(rgb)
    >>> model.predict(rgb[:2, ..., :1]).shape
    (2, 32, 32, 3)
    """

    _param_table = PARAM_TABLE  # accepted forms and --help line of each parameter

    def __init__(
        self, *, architecture="unet", color_space="ycbcr", latent_dim=256, filters=None,
        dropout=0.2, optimizer="adam", learning_rate=1e-3, loss="mse", l1=0.0, l2=0.0,
        epochs=10, batch_size=32, validation_fraction=0.1, lr_patience=5, lr_factor=0.1**0.5,
        min_lr=5e-7, early_stopping=False, n_iter_no_change=10, working_size=64,
        temperature=0.38, vividness=0.5, rebalance=0.5, random_state=None, verbose=0, warm_start=False,
        checkpoint_path=None, callbacks=None,
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
        self.n_iter_no_change = n_iter_no_change
        self.working_size = working_size
        self.temperature = temperature
        self.vividness = vividness
        self.rebalance = rebalance
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.checkpoint_path = checkpoint_path
        self.callbacks = callbacks

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
        check_colorizer_params(self)
        gray, rgb = _fit_setup.check_training_data(self, X, y)
        warm = _fit_setup.check_warm_start(self, gray.shape[1:3])
        _fit_setup.check_checkpoint_path(self, warm)
        limit_tensorflow_threads()  # before TensorFlow's first operation fixes its pools
        seed = fit_seed(self.random_state)
        with seeded_globals(seed):
            inputs, targets, weights = _fit_setup.training_arrays(self, gray, rgb, warm=warm)
            if not warm:
                spec = ARCHITECTURES[self.architecture]
                self.input_shape_ = (None, None, 1) if spec.fully_convolutional else (*gray.shape[1:3], 1)
                with layer_seeds_from(seed):  # not from Python's random, shared with other threads
                    self.model_ = self._build_model(self.input_shape_)
                self.history_ = {}
            if not (warm and _fit_setup.optimizer_carries_on(self)):
                _training.compile_model(self)
            self._fitted_params_ = {**_fit_setup.network_params(self),
                                    **_fit_setup.optimizer_params(self)}
            _training.train(self, inputs, targets, weights, seed, fresh=not warm)
        return self

    def _build_model(self, input_shape):
        """Build the (uncompiled) Keras model; override to plug in another network."""
        return _fit_setup.build_network(self, input_shape)

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
        check_predict_params(self)
        settings = InferenceSettings.of(self)
        if isinstance(X, list):
            images = [check_image(image, name=f"X[{i}]", channels=(1,))
                      for i, image in enumerate(X)]
            if not images:
                raise ValueError("X is an empty list; expected gray images.")
            return [colorize(self.model_, image, settings)[0] for image in images]
        return colorize(self.model_, check_images(X, name="X", channels=(1,)), settings)

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

    def save(self, path, *, include_optimizer=True):
        """Write the fitted estimator to a ``.keras`` file, atomically.

        A regular Keras archive (``keras.saving.load_model`` reads it) with the
        estimator's parameters (but ``callbacks``), fitted attributes and skcolor's
        version added as ``skcolor.json``. :meth:`load` reads it in Keras' safe
        mode: it holds data, not code, and is the form to share (unpickle only
        files from sources you trust).

        Parameters
        ----------
        path : str or path-like
            Destination; must end in ``.keras``.
        include_optimizer : bool, default=True
            Whether to keep the optimizer's state (twice the weights' size for
            Adam); without it, ``warm_start`` continues with a fresh optimizer.
        """
        check_is_fitted(self)
        save_estimator(self, path, include_optimizer=include_optimizer)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save`, in Keras' safe mode only.

        A missing file raises ``FileNotFoundError``. Refused, with a ``ValueError``
        saying why: a folder, or a file that is not a complete zip archive; a
        ``.keras`` archive without
        skcolor's record (a plain Keras model: use ``keras.saving.load_model``), or
        with a damaged one; a file of a save format this skcolor does not read, or
        with parameters it does not know (both versions named); a model with
        ``Lambda`` layers or anything else Keras' safe mode refuses.

        Parameters
        ----------
        path : str or path-like
            A ``.keras`` file written by :meth:`save`.

        Returns
        -------
        estimator : AutoencoderColorizer
            Fitted, with the parameters it was saved with.
        """
        return load_estimator(cls, path, check_params=check_colorizer_params)
