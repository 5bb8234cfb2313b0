"""Shared fixtures: real images from tests/data (made by tests/data/make_fixtures.py).

The suite reads only tests/data and scikit-image's bundled photos, so it passes from a fresh
clone. ``data_dir`` has the shared data folder's layout: ``cifar10/{train,test}/<class>/*.jpg``
and ``photos/``.
"""

import os
from pathlib import Path

# Quiet TensorFlow's start-up banner in test logs; set before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def data_dir():
    """Path of the fixture folder ``tests/data`` (treat it as read-only)."""
    return DATA_DIR


@pytest.fixture(scope="session")
def photos_dir(data_dir):
    """Real color photos of different sizes: 256x256 PNGs and JPEGs up to 512 px."""
    return data_dir / "photos"


def _cifar_split(data_dir, split):
    from skcolor.datasets import load_image_folder

    images = load_image_folder(data_dir / "cifar10" / split).images
    images.flags.writeable = False  # session-wide: no test may change it for the others
    return images


@pytest.fixture(scope="session")
def cifar_train(data_dir):
    """350 real CIFAR-10 training images (35 per class, class by class), uint8 RGB (n, 32, 32, 3)."""
    return _cifar_split(data_dir, "train")


@pytest.fixture(scope="session")
def cifar_test(data_dir):
    """100 real CIFAR-10 test images (10 per class, class by class), uint8 RGB (n, 32, 32, 3)."""
    return _cifar_split(data_dir, "test")


@pytest.fixture(scope="session")
def cifar_test_gray(cifar_test):
    from skcolor.color import rgb_to_gray

    gray = rgb_to_gray(cifar_test)
    gray.flags.writeable = False
    return gray


@pytest.fixture(scope="session")
def fitted_colorizer(cifar_train):
    """A seed-family model (the report's layers, half their filters) trained for 4 epochs on
    the real training subset (shared: never refit it or change its parameters; ``clone`` it
    instead). The report's full-size model is built, not trained, where a test needs it.

    ``initial_weights_`` keeps the weights it started from: its untrained self.
    """
    from skcolor import AutoencoderColorizer

    class KeepsInitialWeights(AutoencoderColorizer):
        def _build_model(self, input_shape):  # the estimator's hook for building the network
            model = super()._build_model(input_shape)
            self.initial_weights_ = [weights.copy() for weights in model.get_weights()]
            return model

    # Batches of 16: 88 training steps, enough for the seed family to learn
    # (tests/colorizer/test_estimator.py).
    seed = KeepsInitialWeights(architecture="seed", color_space="rgb", filters=(32, 64, 128),
                               latent_dim=128, epochs=4, batch_size=16, random_state=0)
    return seed.fit(cifar_train)


@pytest.fixture
def run_cli(capsys):
    """Run ``skcolor ARGS`` in this process through ``main``; return ``(status, stdout, stderr)``.

    Usage errors leave argparse through ``SystemExit``, as in the console script. One
    subprocess test per command covers the real start-up; the others run here.
    """
    from skcolor.cli import main

    def run(*args):
        try:
            status = main([str(arg) for arg in args])
        except SystemExit as exc:
            status = exc.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# tests/data holds fixture images and the script that made them, not tests or doctests.
collect_ignore = ["data"]
