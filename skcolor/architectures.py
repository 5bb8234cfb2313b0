"""Keras model builders, one function per architecture.

Each builder takes the input shape ``(H, W, 1)`` and the architecture's
hyperparameters and returns an uncompiled ``keras.Model``. The estimator picks a
builder by name from :data:`ARCHITECTURES`; adding an architecture means adding a
function here and an entry in that table.
"""

__all__ = ["build_seed", "ARCHITECTURES", "min_input_size"]


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
):
    """The seed report's convolutional autoencoder, layer for layer.

    Encoder: one 3×3, stride-2, ReLU ``Conv2D`` per entry of ``filters``, each
    followed by ``Dropout(dropout)``, then ``Flatten`` and a linear ``Dense(latent_dim)``
    named ``latent_vector``. Decoder: ``Dense`` back to the encoder's last feature
    map, ``Reshape``, one 3×3 stride-2 ReLU ``Conv2DTranspose`` per filter count in
    reverse order, and a 3×3 stride-1 sigmoid ``Conv2DTranspose`` to
    ``output_channels`` named ``decoder_output``. All layers use ``padding="same"``.

    With the defaults on 32×32×1 input, the encoder has 1,418,496 parameters, the
    decoder 2,013,315, the whole model 3,431,811 (DESIGN §2).

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
        activation="sigmoid",
        padding="same",
        kernel_regularizer=regularizer,
        name="decoder_output",
    )(x)
    decoder = keras.Model(latent_inputs, outputs, name="decoder")

    return keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")


def min_input_size(architecture, *, filters):
    """Height and width that inputs of ``architecture`` must be multiples of."""
    return 2 ** len(filters)


#: Architecture name → builder function.
ARCHITECTURES = {"seed": build_seed}
