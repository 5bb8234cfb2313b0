"""What ``fit`` settles before training: the data, the warm start, the checkpoint.

Functions of the estimator, so that ``_estimator`` keeps only the parameters and
the public methods. They raise ``ValueError`` naming the parameter or the data.
"""

import os
import uuid
from pathlib import Path

from ._image import as_float32
from ._model_file import fit_token_of
from ._training import CLASSIFICATION_LOSS
from ._validation import check_consistent_length, check_images
from .architectures import ARCHITECTURES
from .color import COLOR_SPACES, ChromaQuantizer, rgb_to_gray

__all__ = ["filters_of", "size_multiple_of", "build_network", "check_training_data", "check_warm_start",
           "check_checkpoint_path", "training_arrays", "network_params", "optimizer_params",
           "optimizer_carries_on"]

def filters_of(estimator):
    """The estimator's ``filters``, or its architecture's default ones."""
    return ARCHITECTURES[estimator.architecture].filters_for(estimator.filters)


def size_multiple_of(estimator):
    """What the height and width of the estimator's images must be multiples of."""
    return ARCHITECTURES[estimator.architecture].size_multiple(filters_of(estimator))


def build_network(estimator, input_shape):
    """The uncompiled Keras model the estimator's parameters describe."""
    if estimator.chroma_quantizer_ is not None:
        output_channels, activation = estimator.chroma_quantizer_.n_classes, "softmax"
    else:
        output_channels, activation = COLOR_SPACES[estimator.color_space].output_channels, "sigmoid"
    spec = ARCHITECTURES[estimator.architecture]
    return spec.builder(
        input_shape, filters=filters_of(estimator), dropout=estimator.dropout, l1=estimator.l1,
        l2=estimator.l2, output_channels=output_channels, output_activation=activation,
        **{name: getattr(estimator, name) for name in spec.own_params},
    )


def check_training_data(estimator, X, y):
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
    multiple, (height, width) = size_multiple_of(estimator), gray.shape[1:3]
    if height % multiple or width % multiple:
        raise ValueError(
            f"architecture={estimator.architecture!r} with {len(filters_of(estimator))} levels needs "
            f"training images whose height and width are multiples of {multiple} "
            f"(at least {multiple}×{multiple}); got {height}×{width}."
        )
    if estimator.validation_fraction > 0 and len(gray) < 2:
        raise ValueError(
            f"fit needs at least 2 images when validation_fraction > 0; got {len(gray)}. "
            "Pass more images or validation_fraction=0."
        )
    return gray, rgb


def check_warm_start(estimator, size):
    """Whether this fit continues training; refuses what the fitted network can't take."""
    if not (estimator.warm_start and estimator.__sklearn_is_fitted__()):
        return False
    fitted = estimator._fitted_params_
    changed = [f"{name}={value!r} (fitted with {fitted.get(name)!r})"
               for name, value in network_params(estimator).items() if fitted.get(name) != value]
    if changed:
        raise ValueError(
            "warm_start=True continues training the fitted network, which these "
            f"parameters would change: {', '.join(changed)}. Set them back, or set "
            "warm_start=False to train a new network."
        )
    if estimator.input_shape_[0] is not None and tuple(size) != tuple(estimator.input_shape_[:2]):
        height, width = estimator.input_shape_[:2]
        raise ValueError(
            f"warm_start=True: the fitted {estimator.architecture!r} network takes "
            f"{height}×{width} images; got {size[0]}×{size[1]}."
        )
    return True


def check_checkpoint_path(estimator, warm):
    """Refuse, before training, a checkpoint that cannot be written or is another fit's."""
    if estimator.checkpoint_path is None:
        return
    path = Path(estimator.checkpoint_path)
    if not path.parent.is_dir() or not os.access(path.parent, os.W_OK | os.X_OK):
        raise ValueError(
            f"checkpoint_path={os.fspath(path)!r}: its folder {str(path.parent)!r} is "
            "missing or not writable; expected a .keras path in an existing, writable folder."
        )
    own = getattr(estimator, "_fit_token_", None)
    if path.exists() and fit_token_of(path) != own:
        raise ValueError(
            f"checkpoint_path={os.fspath(path)!r} holds another fit's checkpoint, which "
            "fit does not overwrite. Give each estimator its own path (clones, such as "
            "a search's candidates, share it: leave it None there), remove the file, or "
            "resume it with AutoencoderColorizer.load(path).set_params(warm_start=True)."
        )
    if not (warm and own):
        estimator._fit_token_ = uuid.uuid4().hex


def training_arrays(estimator, gray, rgb, *, warm=False):
    """Network inputs, targets and per-pixel loss weights (or None).

    A warm start keeps the fitted chroma classes: they are the network's outputs.
    """
    inputs, targets = as_float32(gray), COLOR_SPACES[estimator.color_space].encode(rgb)
    if not warm:
        estimator.chroma_quantizer_ = None
        if estimator.loss == CLASSIFICATION_LOSS:
            estimator.chroma_quantizer_ = ChromaQuantizer(rebalance=estimator.rebalance).fit(targets)
    if estimator.chroma_quantizer_ is None:
        return inputs, targets, None
    classes, weights = estimator.chroma_quantizer_.encode(targets)
    return inputs, classes, weights


def network_params(estimator):
    """The parameters that fit bakes into the network and the chroma classes."""
    names = ("architecture", "color_space", "dropout", "l1", "l2", "loss",
             *ARCHITECTURES[estimator.architecture].own_params)
    params = {name: getattr(estimator, name) for name in names}
    params["filters"] = filters_of(estimator)
    if estimator.loss == CLASSIFICATION_LOSS:
        params["rebalance"] = estimator.rebalance
    return params


def optimizer_params(estimator):
    return {"optimizer": estimator.optimizer, "learning_rate": estimator.learning_rate}


def optimizer_carries_on(estimator):
    """Whether a warm start keeps the model's optimizer and its state."""
    return getattr(estimator.model_, "optimizer", None) is not None and all(
        estimator._fitted_params_.get(name) == value
        for name, value in optimizer_params(estimator).items())
