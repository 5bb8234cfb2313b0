"""Luminance-keeping colorization: chroma color spaces, the U-Net, any size in, same size out."""

import numpy as np
import pytest

from skcolor import AutoencoderColorizer
from skcolor import metrics
from skcolor.color import COLOR_SPACES, ChromaQuantizer, rgb_to_gray, rgb_to_ycbcr, ycbcr_to_rgb

# The full-resolution U-Net: after one epoch on 256 images the half-resolution
# default's chroma classes are still near the prior's, so that lowering the
# temperature made it less colorful (10.70 against 10.77 at T=1), not more.
UNET = dict(architecture="unet_full", filters=(8, 16, 32), epochs=1, random_state=0)


@pytest.fixture(scope="module", params=["ycbcr", "lab"])
def chroma_model(request, cifar_train):
    return AutoencoderColorizer(**UNET, color_space=request.param).fit(cifar_train[:256])


@pytest.fixture(scope="module")
def classes_model(cifar_train):
    model = AutoencoderColorizer(**UNET, color_space="ycbcr", loss="rebalanced_crossentropy")
    return model.fit(cifar_train[:256])


@pytest.mark.parametrize("name", ["ycbcr", "lab"])
def test_color_spaces_round_trip_real_images(cifar_test, cifar_test_gray, name):
    space = COLOR_SPACES[name]
    targets = space.encode(cifar_test)
    assert targets.shape == (*cifar_test.shape[:3], 2)
    assert 0 <= targets.min() and targets.max() <= 1
    rebuilt = space.to_rgb(targets, cifar_test_gray / np.float32(255))
    # YCbCr's Y is the gray input itself: only 8-bit rounding is lost. Lab's L* of
    # the BT.601 gray is not the true L*, which costs more.
    floor = {"ycbcr": 50, "lab": 30}[name]
    assert metrics.dataset_psnr(cifar_test, rebuilt) > floor


def test_ycbcr_luma_is_the_grayscale_transform(cifar_test):
    ycbcr = rgb_to_ycbcr(cifar_test)
    np.testing.assert_allclose(ycbcr[..., :1], rgb_to_gray(cifar_test / 255.0), atol=1e-6)
    np.testing.assert_allclose(ycbcr_to_rgb(ycbcr[..., :1], ycbcr[..., 1:]), cifar_test / 255.0, atol=1e-5)


def test_outputs_keep_the_input_luminance(chroma_model, cifar_test_gray):
    predicted = chroma_model.predict(cifar_test_gray)
    assert metrics.luminance_psnr(cifar_test_gray, predicted) >= 35


def test_seed_model_does_not_keep_luminance(fitted_colorizer, cifar_test_gray):
    """The reason for the chroma modes: the report's model regenerates the brightness."""
    predicted = fitted_colorizer.predict(cifar_test_gray)
    assert metrics.luminance_psnr(cifar_test_gray, predicted) < 30


@pytest.mark.parametrize("size", [(32, 32), (7, 100), (33, 47), (300, 200)])
def test_any_size_in_same_size_out(chroma_model, data_dir, size):
    import cv2

    from skcolor.io import read_image

    photo = read_image(data_dir / "photos" / "bsds500_112056.jpg", mode="gray")
    gray = cv2.resize(photo, size[::-1], interpolation=cv2.INTER_AREA)[np.newaxis, ..., np.newaxis]
    for batch in (gray, gray / 255.0):
        predicted = chroma_model.predict(batch)
        assert predicted.shape == (1, *size, 3)
        assert predicted.dtype == (np.uint8 if batch.dtype == np.uint8 else np.float32)


def test_working_size_bounds_what_the_network_sees(chroma_model, data_dir):
    from skcolor._colorizer._inference import working_size_for
    from skcolor.io import read_image

    photo = read_image(data_dir / "photos" / "sunhays80_img_027_SRF_8_HR.jpg", mode="gray")[np.newaxis]
    assert working_size_for(512, 512, chroma_model._inference_settings()) == (64, 64)
    working_size = chroma_model.working_size  # the fixture is shared: put it back
    try:
        small = working_size_for(512, 384, chroma_model.set_params(working_size=32)._inference_settings())
    finally:
        chroma_model.set_params(working_size=working_size)
    assert small == (32, 24)
    predicted = chroma_model.predict(photo)
    assert predicted.shape == (1, 340, 512, 3)
    assert metrics.luminance_psnr(photo, predicted) >= 35


def test_list_of_differently_sized_images_gives_a_list(chroma_model, data_dir, cifar_test_gray):
    from skcolor.io import read_image

    photo = read_image(data_dir / "photos" / "4.1.01.png", mode="gray")  # 256×256×1
    images = [cifar_test_gray[0], photo[..., 0], cifar_test_gray[1, :20, :9]]
    predicted = chroma_model.predict(images)
    assert isinstance(predicted, list)
    assert [p.shape for p in predicted] == [(32, 32, 3), (256, 256, 3), (20, 9, 3)]
    np.testing.assert_array_equal(predicted[0], chroma_model.predict(cifar_test_gray[:1])[0])
    with pytest.raises(ValueError, match=r"X\[1\] has 3 channel"):
        chroma_model.predict([photo, np.repeat(photo, 3, axis=-1)])
    with pytest.raises(ValueError, match="empty list"):
        chroma_model.predict([])


def test_chroma_quantizer_on_real_chroma(cifar_train):
    chroma = COLOR_SPACES["ycbcr"].encode(cifar_train)
    quantizer = ChromaQuantizer(grid=24, rebalance=0.5).fit(chroma)
    classes, weights = quantizer.encode(chroma)
    assert classes.shape == chroma.shape[:3] and classes.min() >= 0
    assert weights.mean() == pytest.approx(1.0, rel=1e-3)  # normalized on the training data
    # Rare (saturated) colors weigh more than the common near-gray ones.
    frequency = np.bincount(classes.ravel(), minlength=quantizer.n_classes)
    assert quantizer.weights_[np.argmin(frequency)] > quantizer.weights_[np.argmax(frequency)]
    assert np.all(ChromaQuantizer(rebalance=1.0).fit(chroma).weights_ == pytest.approx(1.0))
    # A one-hot distribution decodes to its cell centre, within half a cell of the truth.
    decoded = quantizer.decode(np.eye(quantizer.n_classes, dtype=np.float32)[classes], 0.38)
    assert np.abs(decoded - chroma).max() <= 0.5 / 24 * np.sqrt(2) + 1e-6


def test_lower_temperature_gives_more_vivid_colors(photos_dir):
    """On real photos through the shipped photo model: a trained distribution, whose
    annealed mode is more saturated than its mean (35.0 against 28.5 measured). A
    one-epoch model's classes are still near the prior's, where it need not hold."""
    from skcolor import load_pretrained
    from skcolor.io import read_image

    files = sorted(photos_dir.iterdir())[:6]
    gray = [rgb_to_gray(read_image(path)[np.newaxis])[0] for path in files]
    model = load_pretrained("photos").set_params(vividness=1.0)
    vivid = model.set_params(temperature=0.2).predict(gray)
    mean = model.set_params(temperature=1.0).predict(gray)
    vivid_colorfulness = np.mean([metrics.colorfulness(image[np.newaxis]) for image in vivid])
    mean_colorfulness = np.mean([metrics.colorfulness(image[np.newaxis]) for image in mean])
    assert vivid_colorfulness > 1.1 * mean_colorfulness
    assert min(metrics.luminance_psnr(g[np.newaxis], v[np.newaxis]) for g, v in zip(gray, vivid)) >= 35


def test_chroma_classes_model_survives_save_and_load(classes_model, cifar_test_gray, tmp_path):
    classes_model.save(tmp_path / "classes.keras", include_optimizer=False)
    loaded = AutoencoderColorizer.load(tmp_path / "classes.keras")
    np.testing.assert_array_equal(loaded.chroma_quantizer_.centers_, classes_model.chroma_quantizer_.centers_)
    np.testing.assert_array_equal(loaded.predict(cifar_test_gray), classes_model.predict(cifar_test_gray))


def test_unet_has_no_encoder_decoder_split(chroma_model):
    with pytest.raises(AttributeError, match="no separate encoder"):
        chroma_model.encoder_


def test_calibration_divides_the_class_weights_out():
    """Three classes on a line of Cb; hand-computed means of p and of p / w."""
    quantizer = ChromaQuantizer(grid=4, rebalance=0.5)
    quantizer.cells_ = np.array([1 * 4 + 1, 2 * 4 + 1, 3 * 4 + 1])  # Cb 0.375, 0.625, 0.875
    quantizer._index_cells()
    quantizer.weights_ = np.array([0.5, 1.0, 4.0], dtype=np.float32)  # the rare class weighs most
    p = np.array([[0.5, 0.3, 0.2]], dtype=np.float32)
    cb = quantizer.centers_[:, 0]
    rebalanced = quantizer.decode(p, 1.0)
    calibrated = quantizer.decode(p, 1.0, calibration=1.0)
    half = quantizer.decode(p, 1.0, calibration=0.5)
    np.testing.assert_allclose(rebalanced[0, 0], p[0] @ cb, rtol=1e-6)
    q = p[0] / quantizer.weights_
    np.testing.assert_allclose(calibrated[0, 0], q @ cb / q.sum(), rtol=1e-6)
    r = p[0] / np.sqrt(quantizer.weights_)
    np.testing.assert_allclose(half[0, 0], r @ cb / r.sum(), rtol=1e-6)
    assert calibrated[0, 0] < half[0, 0] < rebalanced[0, 0]  # away from the heavy class
    # The temperature acts after the calibration: at T -> 0, the mode of p / w (class 0).
    np.testing.assert_allclose(quantizer.decode(p, 0.01, calibration=1.0)[0, 0], cb[0], atol=1e-4)


def test_vividness_moves_between_the_calibrated_mean_and_the_annealed_rebalanced_mode(
        classes_model, cifar_test_gray):

    params = classes_model.get_params()  # the fixture is shared: put them back
    quantizer = classes_model.chroma_quantizer_
    network_out = classes_model.model_.predict_on_batch(cifar_test_gray[:8] / np.float32(255))
    try:
        for vividness, temperature, calibration in ((1.0, 0.38, 0.0), (0.0, 1.0, 1.0),
                                                    (0.5, 0.38 ** 0.5, 0.5)):
            model = classes_model.set_params(vividness=vividness, temperature=0.38)
            assert model._inference_settings().decoding() == pytest.approx((temperature, calibration))
            chroma = quantizer.decode(network_out, temperature, calibration=calibration)
            expected = ycbcr_to_rgb(cifar_test_gray[:8] / np.float32(255), chroma)
            np.testing.assert_allclose(model.predict(cifar_test_gray[:8] / np.float32(255)),
                                       expected, atol=1e-6)
        with pytest.raises(ValueError, match="'vividness' parameter"):
            classes_model.set_params(vividness=1.5).predict(cifar_test_gray[:1])
    finally:
        classes_model.set_params(**params)


def test_files_saved_before_vividness_load_with_their_decoding(classes_model, cifar_test_gray,
                                                                tmp_path):
    import json
    import zipfile

    from skcolor._colorizer._model_file import _PARAMS_ENTRY

    saved = tmp_path / "new.keras"
    classes_model.save(saved, include_optimizer=False)
    old = tmp_path / "old.keras"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(old, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == _PARAMS_ENTRY:
                record = json.loads(data)
                del record["params"]["vividness"]
                data = json.dumps(record)
            target.writestr(name, data)
    loaded = AutoencoderColorizer.load(old)
    assert loaded.vividness == 1.0 and AutoencoderColorizer.load(saved).vividness == 0.5
    params = classes_model.get_params()
    try:
        np.testing.assert_array_equal(
            loaded.predict(cifar_test_gray),
            classes_model.set_params(vividness=1.0).predict(cifar_test_gray))
    finally:
        classes_model.set_params(**params)


def test_enlarging_the_decoded_chroma_matches_the_networks_own_enlargement(cifar_test):
    """The half-resolution networks' last two layers, applied to real chroma, are ``enlarge_twice``."""
    import keras

    from skcolor._colorizer._inference import enlarge_twice

    chroma = COLOR_SPACES["ycbcr"].encode(cifar_test[:4, :15, :])  # an odd side too
    layers = keras.Sequential([keras.layers.UpSampling2D(2),
                               keras.layers.AveragePooling2D(2, strides=1, padding="same")])
    expected = np.asarray(layers(chroma))
    enlarged = enlarge_twice(chroma)
    assert enlarged.shape == (4, 30, 64, 2)
    np.testing.assert_allclose(enlarged, expected, atol=1e-6)


def test_half_resolution_regression_predicts_as_its_whole_network(cifar_train, cifar_test_gray):
    """The network is run up to its own enlargement, which follows on the two chroma
    channels: for linear outputs the result is the whole network's."""
    from skcolor._colorizer._inference import color_network

    model = AutoencoderColorizer(architecture="unet", filters=(8, 16, 32), epochs=1,
                                 random_state=0).fit(cifar_train[:128])
    network, enlarged = color_network(model.model_)
    assert enlarged and network.output_shape[1:3] == (None, None)
    gray = cifar_test_gray[:8] / np.float32(255)
    whole = np.asarray(model.model_.predict_on_batch(gray))
    expected = ycbcr_to_rgb(gray, whole)
    np.testing.assert_allclose(model.predict(gray), expected, atol=1e-5)


def test_uint8_recombination_is_within_one_level_of_the_float_one():
    """uint8 photos recombine in integer arithmetic, float ones in float32, from the
    same working-size prediction: a real photo's chroma, enlarged 8×."""
    import skimage.data

    from skcolor._colorizer._inference import recombine
    from skcolor._image import resize_batch

    rgb = skimage.data.astronaut()
    gray = rgb_to_gray(rgb[np.newaxis])[0]
    chroma = resize_batch(COLOR_SPACES["ycbcr"].encode(rgb[np.newaxis]), (64, 64))[0]
    as_uint8 = np.empty(rgb.shape, np.uint8)
    recombine(chroma, gray, "ycbcr", out=as_uint8)
    as_float = np.empty(rgb.shape, np.float32)
    recombine(chroma, gray / np.float32(255), "ycbcr", out=as_float)
    difference = np.abs(as_uint8.astype(np.int16) - np.rint(as_float * 255))
    assert difference.max() <= 1
    assert np.mean(difference) < 0.1  # 0.055 measured
    assert metrics.psnr(rgb, as_uint8) > 32  # the true chroma from 64×64: 34.4 dB measured
