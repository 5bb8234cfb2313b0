"""skcolor: colorize grayscale images with convolutional autoencoders, the scikit-learn way.

Importing skcolor does not import TensorFlow; Keras is loaded when a model is built
or loaded.
"""

from ._colorizer._estimator import AutoencoderColorizer
from ._pretrained import load_pretrained
from ._colorizer._training import TrainingDivergedError
from ._transformers import GrayscaleToRGB, RGBToGrayscale
from ._version import __version__

__all__ = [
    "AutoencoderColorizer",
    "GrayscaleToRGB",
    "RGBToGrayscale",
    "TrainingDivergedError",
    "load_pretrained",
    "__version__",
]
