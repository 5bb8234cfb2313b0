"""The seed architecture is the report's model, layer for layer; adding one is one entry."""

import pytest

from skcolor.architectures import ARCHITECTURES, build_seed


def test_seed_parameter_counts_match_the_report():
    model = build_seed((32, 32, 1))
    assert model.get_layer("encoder").count_params() == 1_418_496
    assert model.get_layer("decoder").count_params() == 2_013_315
    assert model.count_params() == 3_431_811


def test_seed_layer_shapes_match_the_report():
    model = build_seed((32, 32, 1))
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    conv_shapes = [tuple(l.output.shape[1:]) for l in encoder.layers if l.name.startswith("conv")]
    assert conv_shapes == [(16, 16, 64), (8, 8, 128), (4, 4, 256)]
    assert tuple(encoder.get_layer("latent_vector").output.shape[1:]) == (256,)
    assert tuple(decoder.output.shape[1:]) == (32, 32, 3)
    assert decoder.get_layer("decoder_output").activation.__name__ == "sigmoid"
    dropouts = [l.rate for l in encoder.layers if l.__class__.__name__ == "Dropout"]
    assert dropouts == [0.2, 0.2, 0.2]


def test_seed_hyperparameters_change_the_model():
    model = build_seed((64, 48, 1), latent_dim=32, filters=(8, 16), dropout=0.0, l2=1e-4)
    assert tuple(model.output.shape[1:]) == (64, 48, 3)
    assert tuple(model.get_layer("encoder").output.shape[1:]) == (32,)
    kernels = [l for l in model.get_layer("encoder").layers if hasattr(l, "kernel_regularizer")]
    assert kernels and all(l.kernel_regularizer is not None for l in kernels)


def test_no_regularizer_without_penalties():
    model = build_seed((32, 32, 1))
    layers = [l for l in model.get_layer("decoder").layers if hasattr(l, "kernel_regularizer")]
    assert all(l.kernel_regularizer is None for l in layers)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
@pytest.mark.parametrize("channels", [2, 3])
def test_every_architecture_maps_gray_to_the_asked_channels(name, channels):
    model = ARCHITECTURES[name].builder((32, 32, 1), output_channels=channels)
    assert tuple(model.input.shape[1:]) == (32, 32, 1)
    assert tuple(model.output.shape[1:]) == (32, 32, channels)


@pytest.mark.parametrize("name, multiple, shapes", [
    ("unet", 8, [(1, 16, 16, 1), (2, 40, 24, 1)]),  # stride-2 stem, then 2 poolings
    ("unet_full", 4, [(1, 8, 8, 1), (2, 36, 20, 1)]),  # 2 poolings
])
def test_unet_takes_any_multiple_of_its_depth(name, multiple, shapes):
    import numpy as np

    assert ARCHITECTURES[name].size_multiple((4, 8, 16)) == multiple
    model = ARCHITECTURES[name].builder((None, None, 1), filters=(4, 8, 16), output_channels=2)
    for shape in shapes:
        assert model.predict(np.zeros(shape, np.float32), verbose=0).shape == (*shape[:3], 2)
    skips = [l for l in model.layers if l.__class__.__name__ == "Concatenate"]
    assert len(skips) == 2


def test_the_default_unet_predicts_color_at_half_resolution():
    import keras
    import numpy as np
    import skimage.data

    from skcolor.architectures import build_unet, build_unet_full

    half, full = build_unet(filters=(4, 8)), build_unet_full(filters=(4, 8))
    gray = skimage.data.camera()[np.newaxis, :64, :96, np.newaxis].astype(np.float32) / 255
    # Every level of the default runs at half the input's size; unet_full's at full size.
    assert half.get_layer("down0_conv1")(half.get_layer("stem_relu")(
        half.get_layer("stem_bn")(half.get_layer("stem_conv")(gray)))).shape == (1, 32, 48, 4)
    assert full.get_layer("down0_conv1")(gray).shape == (1, 64, 96, 4)
    # The half-resolution color is enlarged by linear interpolation: each output
    # pixel is the mean of the 2×2 block of the repeated half-resolution pixels
    # that starts at it (the last row and column repeat at the border).
    color = half.predict(gray, verbose=0)[0]
    small = keras.Model(half.input, half.get_layer("color").output).predict(gray, verbose=0)[0]
    assert small.shape == (32, 48, 2) and color.shape == (64, 96, 2)
    repeated = np.pad(small.repeat(2, axis=0).repeat(2, axis=1), ((0, 1), (0, 1), (0, 0)),
                      mode="edge")
    expected = (repeated[:-1, :-1] + repeated[1:, :-1] + repeated[:-1, 1:] + repeated[1:, 1:]) / 4
    np.testing.assert_allclose(color, expected, atol=1e-6)
    with pytest.raises(ValueError, match=r"'output_stride' parameter of build_unet\(\) must be one of 1, 2; got 4"):
        build_unet(output_stride=4)


def build_tiny(input_shape, *, filters, dropout, l1, l2, output_channels, output_activation,
               kernel=3):
    """One convolution per filter count, then one to the output: fully convolutional."""
    import keras

    inputs = keras.Input(shape=input_shape)
    x = inputs
    for n_filters in filters:
        x = keras.layers.Conv2D(n_filters, kernel, padding="same", activation="relu")(x)
    outputs = keras.layers.Conv2D(output_channels, 1, activation=output_activation)(x)
    return keras.Model(inputs, outputs, name="tiny")


@pytest.fixture
def registry():
    """ARCHITECTURES, put back as it was after the test."""
    before = dict(ARCHITECTURES)
    yield ARCHITECTURES
    ARCHITECTURES.clear()
    ARCHITECTURES.update(before)


def test_a_tiny_architecture_registered_with_one_entry_fits_predicts_and_saves(
        registry, tmp_path):
    import numpy as np
    import skimage.data

    from skcolor import AutoencoderColorizer
    from skcolor.architectures import ArchitectureSpec, register_architecture
    from skcolor.color import rgb_to_gray

    register_architecture("tiny", ArchitectureSpec(
        build_tiny, default_filters=(4,), fully_convolutional=True,
        size_multiple=lambda filters: 1, own_params=()))
    assert "tiny" in registry
    with pytest.raises(ValueError, match="already registered"):
        register_architecture("tiny", registry["tiny"])

    photo = skimage.data.chelsea()[:40, :56]  # any size: the spec says so
    images = np.stack([photo, photo[::-1], photo[:, ::-1], photo[::-1, ::-1]])
    model = AutoencoderColorizer(architecture="tiny", epochs=1, validation_fraction=0,
                                 random_state=0).fit(images)
    assert model.model_.name == "tiny" and model.input_shape_ == (None, None, 1)
    gray = rgb_to_gray(images[:1])[:, :33, :45]  # odd size, no padding needed
    assert model.predict(gray).shape == (1, 33, 45, 3)
    model.save(tmp_path / "tiny.keras")
    loaded = AutoencoderColorizer.load(tmp_path / "tiny.keras")
    np.testing.assert_array_equal(loaded.predict(gray), model.predict(gray))
    with pytest.raises(ValueError, match="'architecture' parameter .* one of 'seed', 'unet', 'unet_global', 'unet_full', 'lite0_unet', 'tiny'"):
        AutoencoderColorizer(architecture="huge").fit(images)


def test_unet_global_sees_the_whole_image(tmp_path):
    import numpy as np

    from skcolor import AutoencoderColorizer
    from skcolor.architectures import build_unet_global

    model = build_unet_global(filters=(4, 8), output_channels=2)
    dense = model.get_layer("global_dense")
    dense.set_weights([np.full_like(w, 0.5) for w in dense.get_weights()])
    image = np.zeros((1, 64, 64, 1), dtype=np.float32)
    changed = image.copy()
    changed[:, 48:, 48:] = 1.0  # far outside the receptive field of the top-left corner
    corner = slice(0, 4)
    plain = ARCHITECTURES["unet"].builder((None, None, 1), filters=(4, 8), output_channels=2)
    np.testing.assert_allclose(plain.predict(image, verbose=0)[:, corner, corner],
                               plain.predict(changed, verbose=0)[:, corner, corner], atol=1e-6)
    assert not np.allclose(model.predict(image, verbose=0)[:, corner, corner],
                           model.predict(changed, verbose=0)[:, corner, corner], atol=1e-6)
    # Any size, and a fitted estimator round-trips through save/load in safe mode.
    rgb = np.random.default_rng(0).integers(0, 256, (4, 16, 16, 3), dtype=np.uint8)
    fitted = AutoencoderColorizer(architecture="unet_global", filters=(4, 8), epochs=1,
                                  random_state=0).fit(rgb)
    fitted.save(tmp_path / "global.keras")
    loaded = AutoencoderColorizer.load(tmp_path / "global.keras")
    gray = rgb[:1, :12, :10, :1]
    np.testing.assert_array_equal(loaded.predict(gray), fitted.predict(gray))
