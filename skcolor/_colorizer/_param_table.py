"""The table of ``AutoencoderColorizer``'s parameters: accepted forms and one line each.

``fit`` checks every parameter against it (:func:`skcolor._params.check_params`);
``skcolor train --help`` shows each parameter's line with its accepted forms. A new
parameter is added here, in ``__init__`` and in the class's docstring.
"""

from .._params import (FilePath, Interval, IntTuple, KerasCallbacks, Keys, Options, Param,
                      RandomState, check_params)
from ._training import CLASSIFICATION_LOSS, LOSSES, OPTIMIZERS
from ..architectures import ARCHITECTURES
from ..color import COLOR_SPACES

_INT, _FLOAT, _NONE, _BOOL = int, float, Options(None), Options(False, True)

# Each parameter: the forms it accepts, and the line `skcolor train --help` shows.
PARAM_TABLE = {
    "architecture": Param([Keys(ARCHITECTURES)], "network builder (skcolor.architectures)"),
    "color_space": Param([Keys(COLOR_SPACES)], "what the network predicts"),
    "latent_dim": Param([Interval(_INT, 1, None)], "bottleneck size (seed architecture)"),
    "filters": Param([IntTuple(low=1), _NONE], "filters per level (None for the architecture's)"),
    "dropout": Param([Interval(_FLOAT, 0, 1, closed="left")], "dropout after each level"),
    "optimizer": Param([Options(*OPTIMIZERS)], "Keras optimizer"),
    "learning_rate": Param([Interval(_FLOAT, 0, None, closed="neither")], "initial rate"),
    "loss": Param([Options(*LOSSES)], "training loss"),
    "l1": Param([Interval(_FLOAT, 0, None)], "L1 penalty on every kernel"),
    "l2": Param([Interval(_FLOAT, 0, None)], "L2 penalty on every kernel"),
    "epochs": Param([Interval(_INT, 1, None)], "passes over the training images"),
    "batch_size": Param([Interval(_INT, 1, None)], "images per gradient step"),
    "validation_fraction": Param([Interval(_FLOAT, 0, 1, closed="left")],
                                 "share held out to monitor val_loss"),
    "lr_patience": Param([Interval(_INT, 0, None), _NONE],
                         "epochs without improvement before the rate drops"),
    "lr_factor": Param([Interval(_FLOAT, 0, 1, closed="neither")], "factor of a rate drop"),
    "min_lr": Param([Interval(_FLOAT, 0, None)], "floor of the learning rate"),
    "early_stopping": Param([_BOOL], "stop when the monitored loss stops improving"),
    "n_iter_no_change": Param([Interval(_INT, 1, None)], "patience of early stopping"),
    "working_size": Param([Interval(_INT, 8, None), _NONE],
                          "longest side the network sees in predict (None for full size)"),
    "temperature": Param([Interval(_FLOAT, 0, 1, closed="right")],
                         "annealed-mean temperature (rebalanced_crossentropy)"),
    "vividness": Param([Interval(_FLOAT, 0, 1)],
                       "0 faithful and dull, 1 vivid with a cast (rebalanced_crossentropy)"),
    "neutral_threshold": Param([Interval(_FLOAT, 0, 1, closed="right"), _NONE],
                               "neutral probability that keeps a pixel neutral "
                               "(rebalanced_crossentropy; None: off)"),
    "rebalance": Param([Interval(_FLOAT, 0, 1, closed="right")],
                       "class rebalancing strength (rebalanced_crossentropy)"),
    "hints": Param([_BOOL], "take color hints as extra inputs (chroma color spaces)"),
    "encoder_trainable_stages": Param([Interval(_INT, 0, 9)],
                                      "pretrained encoder's last stages that train (lite0_unet)"),
    "random_state": Param([RandomState()], "seed of initialisation, split and shuffling"),
    "verbose": Param([Interval(_INT, 0, 2), _BOOL], "Keras progress: 0 silent, 1 bar, 2 a line per epoch"),
    "warm_start": Param([_BOOL], "continue training the fitted network"),
    "checkpoint_path": Param([FilePath(".keras"), _NONE], "file saved after every epoch"),
    "callbacks": Param([KerasCallbacks(), _NONE], "extra Keras callbacks (Python only)"),
}


#: The parameters that act in ``predict`` only, so they can be set after fitting.
PREDICT_PARAMS = ("working_size", "temperature", "vividness", "neutral_threshold")


def check_predict_params(colorizer):
    """Check the parameters ``predict`` reads: they may be set after ``fit``'s check.

    Raises
    ------
    TypeError, ValueError
        As :func:`check_colorizer_params`.
    """
    check_params(colorizer, {name: PARAM_TABLE[name] for name in PREDICT_PARAMS})


def check_colorizer_params(colorizer):
    """Check ``colorizer``'s parameters one by one, then together.

    What ``fit`` does first; the command line calls it before reading any data.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter, what it accepts and what it got.
    """
    check_params(colorizer, PARAM_TABLE)
    if colorizer.hints and not COLOR_SPACES[colorizer.color_space].keeps_luminance:
        raise ValueError(
            "hints=True gives the network the hints' chroma, so it needs a color space "
            "that keeps the luminance ('ycbcr' or 'lab'); got "
            f"color_space={colorizer.color_space!r}."
        )
    if (colorizer.loss == CLASSIFICATION_LOSS
            and not COLOR_SPACES[colorizer.color_space].keeps_luminance):
        raise ValueError(
            f"loss={CLASSIFICATION_LOSS!r} classifies chroma, so it needs a color space "
            "that keeps the luminance ('ycbcr' or 'lab'); got "
            f"color_space={colorizer.color_space!r}."
        )
