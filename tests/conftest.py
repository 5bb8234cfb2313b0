"""Shared fixtures: real images from ../shared/data, small enough for a 2-core CI."""

import os
from pathlib import Path

# Quiet TensorFlow's start-up banner in test logs; set before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data():
    """Path of the read-only shared data folder (``../shared/data`` from the repo root)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA}; tests need ../shared/data")
    return SHARED_DATA


def _cifar_subset(shared_data, split, per_class):
    from skcolor.datasets import load_image_folder

    bunch = load_image_folder(shared_data / "cifar10" / split, max_per_class=per_class)
    return bunch.images


@pytest.fixture(scope="session")
def cifar_train(shared_data):
    """1000 real CIFAR-10 training images (100 per class), uint8 RGB (n, 32, 32, 3)."""
    return _cifar_subset(shared_data, "train", 100)


@pytest.fixture(scope="session")
def cifar_test(shared_data):
    """200 real CIFAR-10 test images (20 per class), uint8 RGB (n, 32, 32, 3)."""
    return _cifar_subset(shared_data, "test", 20)


@pytest.fixture(scope="session")
def cifar_test_gray(cifar_test):
    from skcolor.color import rgb_to_gray

    return rgb_to_gray(cifar_test)


@pytest.fixture(scope="session")
def fitted_colorizer(cifar_train):
    """The report's model trained for 2 epochs on the real training subset (shared, read-only)."""
    from skcolor import AutoencoderColorizer

    seed = AutoencoderColorizer(architecture="seed", color_space="rgb", epochs=2, random_state=0)
    return seed.fit(cifar_train)


@pytest.fixture
def rng():
    return np.random.default_rng(0)
