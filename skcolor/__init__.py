"""skcolor: colorize grayscale images with convolutional autoencoders, the scikit-learn way.

Importing skcolor does not import TensorFlow; Keras is loaded when a model is built
or loaded.
"""

__version__ = "0.1.0.dev0"

from ._estimator import AutoencoderColorizer  # noqa: E402
from ._keras_training import TrainingDivergedError  # noqa: E402
from ._pretrained import load_pretrained  # noqa: E402
from ._transformers import GrayscaleToRGB, RGBToGrayscale  # noqa: E402

__all__ = [
    "AutoencoderColorizer",
    "GrayscaleToRGB",
    "RGBToGrayscale",
    "TrainingDivergedError",
    "load_pretrained",
    "__version__",
]
