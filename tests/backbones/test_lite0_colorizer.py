"""A colorizer on the pretrained encoder: fit trains the decoder and the hint
branch and never the frozen encoder, and the encoder's last stages train when
asked to."""

import numpy as np
import pytest

from skcolor import AutoencoderColorizer
from skcolor.backbones import build_efficientnet_lite0, load_efficientnet_lite0_weights
from skcolor.color import rgb_to_gray
from skcolor.hints import from_points


def _fitted(images, **params):
    return AutoencoderColorizer(
        architecture="lite0_unet", loss="rebalanced_crossentropy", hints=True, dropout=0.0,
        epochs=1, batch_size=8, validation_fraction=0.0, lr_patience=None, random_state=0,
        **params).fit(images)


@pytest.fixture(scope="module")
def imagenet_encoder():
    return {weight.path: weight.numpy() for weight in
            load_efficientnet_lite0_weights(build_efficientnet_lite0((None, None, 1))).weights}


def _moved(model, imagenet_encoder):
    """Names of the encoder's layers whose weights differ from ImageNet's."""
    encoder = model.model_.get_layer("encoder")
    return {weight.path.split("/")[0] for weight in encoder.weights
            if not np.array_equal(weight.numpy(), imagenet_encoder[weight.path])}


@pytest.mark.slow
def test_fit_trains_the_decoder_only_and_one_network_serves_with_and_without_hints(
        cifar_train, imagenet_encoder):
    model = _fitted(cifar_train[:32])
    assert not _moved(model, imagenet_encoder)
    assert model.model_.get_layer("dec0a_conv").trainable
    assert model.history_["loss"][0] > 0
    gray = rgb_to_gray(cifar_train[32:34])
    plain = model.predict(gray)
    assert plain.shape == (2, 32, 32, 3)
    transparent = np.zeros((2, 32, 32, 4), np.uint8)
    np.testing.assert_array_equal(model.predict(gray, hints=transparent), plain)
    hinted = model.predict(gray, hints=[from_points((32, 32), [(16, 16, "red")]), None])
    assert not np.array_equal(hinted[0], plain[0])
    np.testing.assert_array_equal(hinted[1], plain[1])
    # Any size at predict: the output keeps the input's size.
    assert model.predict(rgb_to_gray(cifar_train[:1])[:, :27, :30]).shape == (1, 27, 30, 3)


@pytest.mark.slow
def test_fine_tuning_moves_exactly_the_unfrozen_stages(cifar_train, imagenet_encoder):
    model = _fitted(cifar_train[:32], encoder_trainable_stages=1)
    assert _moved(model, imagenet_encoder) == {"head_conv"}
