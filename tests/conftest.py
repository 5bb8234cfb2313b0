"""Shared fixtures: real images from tests/data (made by tests/data/make_fixtures.py).

The suite reads only tests/data and scikit-image's bundled photos, so it passes from a fresh
clone. ``data_dir`` has the shared data folder's layout: ``cifar10/{train,test}/<class>/*.jpg``
and ``photos/``.
"""

import os
import shutil
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


# Flags for a machine without a screen or a network: no sandbox (tests may run as
# root), no GPU, and none of Chromium's own calls home, which a closed network
# refuses many at a time.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]


def _chromium():
    for name in (os.environ.get("SKCOLOR_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _missing_browser():
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return 'Playwright is not installed (pip install -e ".[test]")'
    if _chromium() is None:
        return "no Chromium found (apt install chromium, or set SKCOLOR_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser():
    """The system's headless Chromium through Playwright (skips, or fails in CI, without one)."""
    reason = _missing_browser()
    if reason is not None:
        if os.environ.get("SKCOLOR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SKCOLOR_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
