"""The pretrained encoder: its weights read without running code, its ImageNet
classes right on real photos, and a colorizing network on it that trains only its
decoder."""

import pickle
import struct

import cv2
import numpy as np
import pytest
from skimage import data

from skcolor.backbones import (EFFICIENTNET_LITE0_STAGES, UnsafeWeightsError,
                               build_efficientnet_lite0, efficientnet_lite0_weights,
                               load_efficientnet_lite0_weights, read_torch_state_dict,
                               set_trainable_stages)
from skcolor.color import rgb_to_gray

CATS = set(range(281, 286))  # ImageNet's tabby, tiger cat, Persian, Siamese, Egyptian cat
COFFEE = {967, 968}  # espresso, cup


@pytest.fixture(scope="module")
def state_dict():
    return efficientnet_lite0_weights()


@pytest.fixture(scope="module")
def classifier(state_dict):
    return load_efficientnet_lite0_weights(
        build_efficientnet_lite0((224, 224, 3), include_top=True), state_dict)


def top5(model, rgb):
    image = cv2.resize(rgb, (224, 224), interpolation=cv2.INTER_AREA)[np.newaxis]
    if model.input.shape[-1] == 1:
        image = rgb_to_gray(image)
    probabilities = model.predict(image.astype(np.float32) / 255, verbose=0)[0]
    return set(np.argsort(probabilities)[::-1][:5].tolist())


def test_the_weights_file_reads_as_a_state_dict_without_torch(state_dict):
    assert state_dict["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state_dict["_fc.weight"].shape == (1000, 1280)
    n_params = sum(value.size for name, value in state_dict.items()
                   if "running_" not in name and "num_batches" not in name)
    assert n_params == 4_652_008  # EfficientNet-Lite0's published count


@pytest.mark.parametrize("photo, expected", [("chelsea", CATS), ("coffee", COFFEE)])
def test_the_converted_network_knows_imagenet_classes(classifier, photo, expected):
    assert top5(classifier, getattr(data, photo)()) & expected


def test_it_knows_the_cat_in_the_gray_copy_too(state_dict):
    gray_classifier = load_efficientnet_lite0_weights(
        build_efficientnet_lite0((224, 224, 1), include_top=True), state_dict)
    assert top5(gray_classifier, data.chelsea()) & CATS


def _legacy_file(path, state):
    """A legacy-format file holding the pickle ``state`` and no storages."""
    with open(path, "wb") as stream:
        for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(header, stream, protocol=2)
        stream.write(state)
        pickle.dump([], stream, protocol=2)


class _RunsACommand:
    def __reduce__(self):
        import os

        return (os.system, ("touch ran",))


def test_a_file_naming_any_other_global_is_refused_and_nothing_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pth"
    _legacy_file(path, pickle.dumps({"weight": _RunsACommand()}, protocol=2))
    with pytest.raises(UnsafeWeightsError, match="system"):
        read_torch_state_dict(path)
    assert not (tmp_path / "ran").exists()


def test_a_file_that_is_not_a_legacy_torch_file_is_a_clear_error(tmp_path):
    path = tmp_path / "other.pth"
    path.write_bytes(pickle.dumps({"a": 1}) + struct.pack("<q", 0))
    with pytest.raises(ValueError, match="not a legacy PyTorch file"):
        read_torch_state_dict(path)
    zipped = tmp_path / "zipped.pth"
    zipped.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="zip-format"):
        read_torch_state_dict(zipped)


@pytest.mark.parametrize("shape", [(32, 32, 1), (64, 96, 1), (96, 64, 3)])
def test_the_builder_takes_any_multiple_of_32(shape):
    model = build_efficientnet_lite0((None, None, shape[-1]))
    outputs = model.predict(np.zeros((1, *shape), np.float32), verbose=0)
    height, width = shape[:2]
    assert [o.shape[1:3] for o in outputs] == [
        (height // s, width // s) for s in (2, 4, 8, 16, 32, 32)]
    assert [o.shape[-1] for o in outputs] == [16, 24, 40, 112, 320, 1280]


@pytest.mark.parametrize("n_stages", [0, 2, 9])
def test_unfreezing_makes_exactly_the_last_stages_trainable(n_stages):
    model = set_trainable_stages(build_efficientnet_lite0((None, None, 1)), n_stages)
    unfrozen = set(EFFICIENTNET_LITE0_STAGES[len(EFFICIENTNET_LITE0_STAGES) - n_stages:])
    trainable = {w.path.split("/")[0] for w in model.trainable_weights}
    for layer in model.layers:
        if not layer.weights:
            continue
        name = layer.name
        stage = ("stem" if name.startswith("stem") else "head" if name.startswith("head")
                 else None)
        if stage is None:
            block = int(name[5:].split("_")[0])
            stage = EFFICIENTNET_LITE0_STAGES[1 + np.searchsorted(
                np.cumsum([1, 2, 2, 3, 3, 4, 1]), block, side="right")]
        is_bn = type(layer).__name__ == "BatchNormalization"
        assert (name in trainable) == (stage in unfrozen and not is_bn), name
    assert (len(model.trainable_weights) == 0) == (n_stages == 0)
