"""``AutoencoderColorizer``: a Keras convolutional autoencoder as a scikit-learn estimator.

The estimator owns its fit, as scikit-learn's MLP does: the checks ``fit`` makes
first, the training run and its recovery from faults, and the save record are its
private methods, and :data:`FITTED_STATE` lists its fitted attributes once, for
forgetting, saving and loading alike. Array-level helpers stay functions:
prediction at any size in ``_inference``, the Keras optimizer, callbacks and
training monitor in ``_training``, the ``.keras`` file in ``_model_file``.
"""

import functools
import os
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._image import as_float32
from .._runtime import fit_seed, layer_seeds_from, limit_tensorflow_threads, seeded_globals
from .._validation import check_consistent_length, check_gray_input, check_images
from ..architectures import ARCHITECTURES
from ..color import COLOR_SPACES, ChromaQuantizer, rgb_to_gray
from ..hints import simulate_hints
from ..metrics import psnr
from ._hint_inputs import check_hints, network_hint_channels
from ._inference import InferenceSettings, color_network, colorize, network_size_multiple
from ._model_file import (fit_token_of, load_keras_model, read_model_record, saved_params,
                          write_model_file)
from ._param_table import PARAM_TABLE, check_colorizer_params, check_predict_params
from ._reference import colorize_with_reference
from ._training import (CLASSIFICATION_LOSS, LOSSES, NonFiniteValue, TrainingDivergedError,
                        extend_history, make_callbacks, make_optimizer, make_training_monitor,
                        n_epochs, restore_training_state)


def _same(value):
    return value


@dataclass(frozen=True)
class FittedAttribute:
    """One fitted attribute of the estimator and its form in the save record.

    ``key`` is None for what the record does not hold: the network (the Keras
    archive itself) and what a fit leaves for the user only (``callbacks_``).
    """

    name: str
    key: str = None
    kinds: tuple = ()
    required: bool = True
    to_record: object = _same
    from_record: object = _same


def _fitted_params_from_record(params):
    params = saved_params(params)
    return {**params, "filters": tuple(params.get("filters", ()))}


#: The fitted state, listed once: ``fit`` sets it, a failed fit forgets it, and
#: ``save`` and ``load`` write and read it through this table.
FITTED_STATE = (
    FittedAttribute("model_"),
    FittedAttribute("input_shape_", "input_shape_", (list,), to_record=list, from_record=tuple),
    FittedAttribute("history_", "history_", (dict,)),
    FittedAttribute(
        "chroma_quantizer_", "chroma_quantizer_", (dict, type(None)),
        to_record=lambda quantizer: None if quantizer is None else quantizer.get_state(),
        from_record=lambda state: None if state is None else ChromaQuantizer.from_state(state)),
    # What the network was built and compiled with, for warm_start's checks.
    FittedAttribute("_fitted_params_", "fitted_params", (dict,),
                    from_record=_fitted_params_from_record),
    # Which fit this is, so that another fit never overwrites its checkpoint.
    FittedAttribute("_fit_token_", "fit_token", (str, type(None)), required=False),
    FittedAttribute("callbacks_"),
)
_RECORD_FIELDS = {field.key: (field.kinds, field.required) for field in FITTED_STATE if field.key}
# Parameters that have no file form: a loaded estimator gets these values.
_NOT_SAVED = {"callbacks": None}


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
    architecture : {"unet", "unet_global", "unet_full", "seed", "lite0_unet"}, default="unet"
        Model builder from :data:`skcolor.architectures.ARCHITECTURES` (which
        :func:`~skcolor.architectures.register_architecture` extends). ``"seed"``
        is the report's autoencoder (Conv2D stride-2 encoder, dense bottleneck,
        Conv2DTranspose decoder), built for the training images' size; ``"unet"``
        is fully convolutional with skip connections and takes any size; it
        predicts color at half the input's resolution, enlarged bilinearly (a
        quarter of the work, :func:`~skcolor.architectures.build_unet`);
        ``"unet_global"`` adds a global-context branch (the whole image's pooled
        features fused into every position) to the U-Net; ``"unet_full"`` is the
        U-Net at full resolution throughout (skcolor 0.1's default);
        ``"lite0_unet"`` is a U-Net decoder on the ImageNet-trained
        EfficientNet-Lite0 encoder, frozen (:func:`~skcolor.architectures.build_lite0_unet`;
        building it needs ``pip install skcolor[train]``).
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
    neutral_threshold : float or None, default=None
        For ``loss="rebalanced_crossentropy"``: decide "neutral or colored"
        first. Where the probability the network gives the neutral colors
        (calibrated, as at ``vividness=0``) reaches this value, the pixel stays
        neutral, its chroma fading out over the 0.15 below it; elsewhere the
        ``vividness`` decoding stands. Keeps white walls, plates and overcast
        skies white where the mean color of an unsure pixel would lean warm.
        None (off) decodes the mean alone. Used by :meth:`predict`, so it can be
        set after fitting.
    rebalance : float, default=0.5
        Class rebalancing strength for ``loss="rebalanced_crossentropy"``, in
        (0, 1]: the share of the uniform distribution mixed into the color
        frequencies before inverting them (1 disables rebalancing).
    hints : bool, default=False
        Whether the network takes color hints (chroma color spaces only): three
        input channels after the gray one, the hints' chroma and where they are
        (:mod:`skcolor.hints`). ``fit`` trains with hints simulated from the true
        images (:func:`~skcolor.hints.simulate_hints`); ``predict(X, hints=...)``
        takes the user's. With no hints the channels are zero and the model
        colorizes on its own.
    encoder_trainable_stages : int, default=0
        For ``"lite0_unet"``: how many of the pretrained encoder's last stages
        (of 9: the stem, seven stages of blocks, the head) train; their batch
        normalisation stays frozen. 0 trains the decoder only.
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
        temperature=0.38, vividness=0.5, neutral_threshold=None, rebalance=0.5, hints=False,
        encoder_trainable_stages=0,
        random_state=None, verbose=0, warm_start=False, checkpoint_path=None, callbacks=None,
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
        self.neutral_threshold = neutral_threshold
        self.rebalance = rebalance
        self.hints = hints
        self.encoder_trainable_stages = encoder_trainable_stages
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.checkpoint_path = checkpoint_path
        self.callbacks = callbacks

    # -- fit -----------------------------------------------------------------

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
        gray, rgb = self._check_training_data(X, y)
        warm = self._check_warm_start(gray.shape[1:3])
        self._check_checkpoint_path()
        limit_tensorflow_threads()  # before TensorFlow's first operation fixes its pools
        seed = fit_seed(self.random_state)
        with seeded_globals(seed):
            inputs, targets = self._training_arrays(gray, rgb, seed=seed)
            if not warm:
                spec = ARCHITECTURES[self.architecture]
                size = (None, None) if spec.fully_convolutional else gray.shape[1:3]
                quantizer = (ChromaQuantizer(rebalance=self.rebalance).fit(targets)
                             if self.loss == CLASSIFICATION_LOSS else None)
                self._initialize((*size, inputs.shape[-1]), quantizer, seed=seed)
            else:
                if getattr(self, "_fit_token_", None) is None:  # a file saved before tokens
                    self._fit_token_ = uuid.uuid4().hex
                if not self._optimizer_carries_on():
                    self._compile()
                self._fitted_params_ = {**self._network_params(), **self._optimizer_params()}
            network = self._training_network()
            targets, weights = self._training_targets(targets, half=network is not self.model_)
            self._train(network, inputs, targets, weights, seed, fresh=not warm)
        return self

    def _initialize(self, input_shape, chroma_quantizer, *, seed=None, network=None,
                    history=None):
        """Set the whole fitted state a fit starts from, at once.

        ``fit`` calls it for a fresh fit. It is also the one hook for starting
        from a given network: a recipe that grows a fitted network (wider layers,
        a hint input) or resumes a checkpoint calls it on an unfitted estimator
        with the network (or builds it here, from ``chroma_quantizer``, and sets
        its weights), then fits with ``warm_start=True``.

        Parameters
        ----------
        input_shape : tuple
            ``(height, width, channels)`` of the network's inputs; height and width
            are None for a fully convolutional network.
        chroma_quantizer : ChromaQuantizer or None
            The chroma classes, for ``loss="rebalanced_crossentropy"``.
        seed : int or None, default=None
            Seeds the new network's initial weights.
        network : keras.Model or None, default=None
            The network to start from; None builds one with :meth:`_build_model`.
        history : dict or None, default=None
            The training history it continues; None starts an empty one.
        """
        self.input_shape_ = tuple(input_shape)
        self.chroma_quantizer_ = chroma_quantizer
        if network is None:
            with layer_seeds_from(seed):  # not from Python's random, shared with other threads
                network = self._build_model(self.input_shape_)
        self.model_ = network
        self.history_ = {} if history is None else dict(history)
        self._fit_token_ = uuid.uuid4().hex
        self._compile()
        self._fitted_params_ = {**self._network_params(), **self._optimizer_params()}

    def _build_model(self, input_shape):
        """Build the (uncompiled) Keras model; override to plug in another network."""
        if self.chroma_quantizer_ is not None:
            output_channels, activation = self.chroma_quantizer_.n_classes, "softmax"
        else:
            output_channels, activation = COLOR_SPACES[self.color_space].output_channels, "sigmoid"
        spec = ARCHITECTURES[self.architecture]
        return spec.builder(
            input_shape, filters=self._filters(), dropout=self.dropout, l1=self.l1, l2=self.l2,
            output_channels=output_channels, output_activation=activation,
            **{name: getattr(self, name) for name in spec.own_params},
        )

    def _filters(self):
        """``filters``, or the architecture's default ones."""
        return ARCHITECTURES[self.architecture].filters_for(self.filters)

    def _size_multiple(self):
        """What the height and width of the network's inputs must be multiples of."""
        return ARCHITECTURES[self.architecture].size_multiple(self._filters())

    def _inference_settings(self, working_size=None):
        """How the fitted network colorizes: what ``predict`` and the video path run.

        ``working_size`` replaces the estimator's own for one call (the video path
        takes it as an argument).
        """
        height = self.input_shape_[0]
        multiple = self._size_multiple()
        if height is None:
            multiple = network_size_multiple(self.model_, default=multiple)
        return InferenceSettings(
            color_space=self.color_space,
            fixed_size=None if height is None else tuple(self.input_shape_[:2]),
            working_size=self.working_size if working_size is None else working_size,
            size_multiple=multiple,
            quantizer=self.chroma_quantizer_, temperature=self.temperature,
            vividness=self.vividness, hints=self.hints,
            neutral_threshold=self.neutral_threshold)

    def _check_training_data(self, X, y):
        if y is None:
            rgb = check_images(X, name="X (RGB targets, since y is None)", channels=(3,))
            gray = rgb_to_gray(rgb)
        else:
            gray, rgb = check_images(X, name="X", channels=(1,)), check_images(y, name="y", channels=(3,))
            check_consistent_length(gray, rgb)
            if gray.shape[1:3] != rgb.shape[1:3]:
                raise ValueError(
                    f"X and y must hold images of the same height and width; got "
                    f"{gray.shape[1]}×{gray.shape[2]} and {rgb.shape[1]}×{rgb.shape[2]}."
                )
        multiple, (height, width) = self._size_multiple(), gray.shape[1:3]
        if height % multiple or width % multiple:
            raise ValueError(
                f"architecture={self.architecture!r} with {len(self._filters())} levels needs "
                f"training images whose height and width are multiples of {multiple} "
                f"(at least {multiple}×{multiple}); got {height}×{width}."
            )
        if self.validation_fraction > 0 and len(gray) < 2:
            raise ValueError(
                f"fit needs at least 2 images when validation_fraction > 0; got {len(gray)}. "
                "Pass more images or validation_fraction=0."
            )
        return gray, rgb

    def _check_warm_start(self, size):
        """Whether this fit continues training; refuses what the fitted network can't take."""
        if not (self.warm_start and self.__sklearn_is_fitted__()):
            return False
        fitted = self._fitted_params_
        changed = [f"{name}={value!r} (fitted with {fitted.get(name)!r})"
                   for name, value in self._network_params().items() if fitted.get(name) != value]
        if changed:
            raise ValueError(
                "warm_start=True continues training the fitted network, which these "
                f"parameters would change: {', '.join(changed)}. Set them back, or set "
                "warm_start=False to train a new network."
            )
        if self.input_shape_[0] is not None and tuple(size) != tuple(self.input_shape_[:2]):
            height, width = self.input_shape_[:2]
            raise ValueError(
                f"warm_start=True: the fitted {self.architecture!r} network takes "
                f"{height}×{width} images; got {size[0]}×{size[1]}."
            )
        return True

    def _check_checkpoint_path(self):
        """Refuse, before training, a checkpoint that cannot be written or is another fit's."""
        if self.checkpoint_path is None:
            return
        path = Path(self.checkpoint_path)
        if not path.parent.is_dir() or not os.access(path.parent, os.W_OK | os.X_OK):
            raise ValueError(
                f"checkpoint_path={os.fspath(path)!r}: its folder {str(path.parent)!r} is "
                "missing or not writable; expected a .keras path in an existing, writable folder."
            )
        own = getattr(self, "_fit_token_", None)
        if path.exists() and fit_token_of(path) != own:
            raise ValueError(
                f"checkpoint_path={os.fspath(path)!r} holds another fit's checkpoint, which "
                "fit does not overwrite. Give each estimator its own path (clones, such as "
                "a search's candidates, share it: leave it None there), remove the file, or "
                "resume it with AutoencoderColorizer.load(path).set_params(warm_start=True)."
            )

    def _training_arrays(self, gray, rgb, *, seed=0):
        """Network inputs and the color space's channels of the targets.

        A hint-aware network's inputs carry hints simulated from ``rgb`` (seeded).
        """
        space = COLOR_SPACES[self.color_space]
        inputs, targets = as_float32(gray), space.encode(rgb)
        if self.hints:
            hints = simulate_hints(rgb, random_state=seed)
            channels = [network_hint_channels(hint, gray.shape[1:3], space) for hint in hints]
            inputs = np.concatenate([inputs, np.stack(channels)], axis=-1)
        return inputs, targets

    def _training_targets(self, targets, *, half):
        """What the training network learns: ``(targets, per-pixel weights or None)``.

        ``half``: the network trains at half resolution (see
        :meth:`_training_network`), so each target is its 2×2 block's mean color.
        Chroma classes are those of the (averaged) chroma, with their weights.
        """
        if half:
            n, height, width, channels = targets.shape
            targets = targets.reshape(n, height // 2, 2, width // 2, 2, channels).mean(axis=(2, 4))
        if self.chroma_quantizer_ is None:
            return targets, None
        return self.chroma_quantizer_.encode(targets)

    def _training_network(self):
        """The network that ``fit`` trains: ``model_``, or ``model_`` up to its 2× enlargement.

        A half-resolution network ends by enlarging its per-pixel outputs 2×
        (``color_upsample``, ``color_smooth``), which for chroma classes means
        hundreds of full-resolution channels in the forward and backward passes.
        Training the layers before the enlargement on 2×2-averaged targets
        teaches the same weights about three times faster, and ``model_`` (with
        the enlargement) is what predicts. The two share their layers and the
        optimizer, which ``model_`` keeps and saves.
        """
        network, enlarged = color_network(self.model_)
        if enlarged and getattr(network, "optimizer", None) is not self.model_.optimizer:
            network.compile(optimizer=self.model_.optimizer, loss=LOSSES[self.loss])
        return network

    def _network_params(self):
        """The parameters that fit bakes into the network and the chroma classes."""
        names = ("architecture", "color_space", "dropout", "l1", "l2", "loss",
                 *ARCHITECTURES[self.architecture].own_params)
        params = {name: getattr(self, name) for name in names}
        params["filters"] = self._filters()
        if self.loss == CLASSIFICATION_LOSS:
            params["rebalance"] = self.rebalance
        if self.hints:  # absent for networks without hints, as in files saved before it
            params["hints"] = True
        return params

    def _optimizer_params(self):
        return {"optimizer": self.optimizer, "learning_rate": self.learning_rate}

    def _optimizer_carries_on(self):
        """Whether a warm start keeps the model's optimizer and its state."""
        return getattr(self.model_, "optimizer", None) is not None and all(
            self._fitted_params_.get(name) == value
            for name, value in self._optimizer_params().items())

    def _compile(self):
        """Compile ``model_`` with a fresh optimizer and the estimator's loss."""
        self.model_.compile(optimizer=make_optimizer(self.optimizer, self.learning_rate),
                            loss=LOSSES[self.loss])

    def _train(self, network, inputs, targets, weights, seed, *, fresh=True):
        """Run Keras' ``fit`` on ``network``, extend ``history_``, recover from faults.

        ``network`` is :meth:`_training_network`: ``model_`` or its layers before
        the output's enlargement, trained in place.

        ``fresh`` is False for a warm start: ``history_`` then continues, and a
        failure falls back to the state training started from. With a
        ``checkpoint_path``, the estimator is saved after every finished epoch and
        once more at the end.
        """
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
        callbacks, self.callbacks_ = make_callbacks(self, monitored)
        initial_epoch = n_epochs(previous)
        try:
            network.fit(
                inputs,
                targets,
                sample_weight=weights,
                batch_size=self.batch_size,
                initial_epoch=initial_epoch,
                epochs=initial_epoch + self.epochs,
                validation_data=validation_data,
                callbacks=[*callbacks, monitor],
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
                self._restore(monitor.initial_state)
                self.history_ = previous
            raise
        else:
            self.history_ = extend_history(previous, monitor.history)
        finally:
            for callback in getattr(self, "callbacks_", ()):
                callback.set_model(None)  # what they recorded stays; the network is model_
        if self.checkpoint_path is not None:
            self.save(self.checkpoint_path)  # early stopping or an interrupt restored weights

    def _write_checkpoint(self, previous_history, new_history):
        self.history_ = extend_history(previous_history, new_history)
        self.save(self.checkpoint_path)

    def _recover_from_divergence(self, exc, monitor, previous_history, *, fresh):
        """Keep the last finite state, then raise TrainingDivergedError."""
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
            self._restore(state)
            self.history_ = extend_history(previous_history, monitor.history)
            kept = (f"The estimator keeps the weights of epoch {n_epochs(self.history_)}, "
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
        self._restore(state)
        self.history_ = extend_history(previous_history, monitor.history)
        warnings.warn(
            f"Training interrupted after {n_epochs(monitor.history)} of {self.epochs} "
            f"epochs; the estimator keeps {kept}, and history_ the "
            f"{n_epochs(self.history_)} finished epochs.",
            UserWarning,
            stacklevel=4,
        )
        return True

    def _restore(self, state):
        if not restore_training_state(self.model_, state):
            self._compile()  # the optimizer was fresh when the state was taken

    def _forget_fit(self):
        """Make the estimator unfitted again: no fitted attribute survives."""
        for field in FITTED_STATE:
            self.__dict__.pop(field.name, None)

    # -- predict and score -----------------------------------------------------

    def predict(self, X, hints=None, reference=None):
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
        hints : array-like of shape (n, H, W, 4), list, or None, default=None
            Color hints for a model fitted with ``hints=True``: one RGBA image per
            gray image, of its size, alpha > 0 where a hint is and RGB its color
            (:func:`skcolor.hints.from_points` builds one). A list may hold None
            for images without hints. Routed through a ``Pipeline`` with
            scikit-learn's metadata routing (``set_predict_request(hints=True)``).
        reference : array-like of shape (H, W, 3) or (n, H, W, 3), list, or None, default=None
            Color reference photos, for a model with an ImageNet encoder
            (``architecture="lite0_unet"``): another photo of the same scene, or a
            frame colored by hand. Each place of a gray image takes the colors of
            the places of the reference it matches, blended into the network's
            by how well they match; where nothing matches, the network's colors
            stay. One RGB image for every gray image, one per image, or a list
            holding per image an RGB image, None, or a list of several (the best
            match wins). Any sizes. Hints, if given, win over the reference.
            Routed as ``hints`` are (``set_predict_request(reference=True)``).

        Returns
        -------
        rgb : ndarray of shape (n, H, W, 3), or list of (H, W, 3) arrays
            uint8 for integer input, float32 in [0, 1] for float input; a list for
            a list.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If ``X`` is not gray images (each message names the defect and the
            expected form), ``hints`` are given to a model fitted without them
            or do not match the images, or ``reference`` is given to a model
            without an ImageNet encoder or is not RGB images.
        TypeError
            If ``X`` or ``hints`` is not an array or a list of arrays.
        """
        check_is_fitted(self)
        check_predict_params(self)
        settings = self._inference_settings()
        if hints is not None and not self.hints:
            raise ValueError(
                "hints were given, but this colorizer was fitted without them (hints=False). "
                "Use a model fitted with hints=True, such as load_pretrained('photos-hints').")
        if reference is not None:
            return colorize_with_reference(self, X, reference, hints=hints)
        if isinstance(X, list):
            images = check_gray_input(X)
            per_image = ([None] * len(images) if hints is None
                         else check_hints(hints, [image.shape[1:3] for image in images]))
            return [colorize(self.model_, image, settings, None if hint is None else [hint])[0]
                    for image, hint in zip(images, per_image)]
        gray = check_images(X, name="X", channels=(1,))
        if hints is not None:
            hints = check_hints(hints, [gray.shape[1:3]] * len(gray))
        return colorize(self.model_, gray, settings, hints)

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

        Raises
        ------
        ValueError
            If ``sample_weight`` is given, or ``X`` or ``y`` is not images of the
            expected form (see :meth:`predict`).
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

    # -- the save record -------------------------------------------------------

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

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If ``path`` does not end in ``.keras``.
        """
        check_is_fitted(self)
        params = {**self.get_params(), **_NOT_SAVED}
        if not (params["random_state"] is None or isinstance(params["random_state"], int)):
            params["random_state"] = None  # a RandomState object has no portable form
        if params["checkpoint_path"] is not None:
            params["checkpoint_path"] = os.fspath(params["checkpoint_path"])
        record = {"params": params, **{
            field.key: field.to_record(getattr(self, field.name, None))
            for field in FITTED_STATE if field.key}}
        write_model_file(path, self.model_, record, include_optimizer=include_optimizer)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save`, in Keras' safe mode only.

        A missing file raises ``FileNotFoundError``. Refused, with a ``ValueError``
        saying why: a folder, or a file that is not a complete zip archive; a
        ``.keras`` archive without skcolor's record (a plain Keras model: use
        ``keras.saving.load_model``), or with a damaged one; a file of a save
        format this skcolor does not read, or with parameters it does not know
        (both versions named); a model with ``Lambda`` layers or anything else
        Keras' safe mode refuses.

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
        FileNotFoundError
            If there is no file at ``path``.
        ValueError
            If the file is refused, for one of the reasons above.
        """
        record = read_model_record(path, cls._get_param_names(), _RECORD_FIELDS)
        # Files saved before ``vividness`` existed decoded the rebalanced distribution,
        # which vividness 1 is: they keep their output.
        estimator = cls(**{"vividness": 1.0, **saved_params(record["params"])})
        check_colorizer_params(estimator)  # before Keras reads anything
        estimator.model_ = load_keras_model(path)
        for field in FITTED_STATE:
            if field.key in record:
                setattr(estimator, field.name, field.from_record(record[field.key]))
        return estimator
