"""GridSearchCV over the report's hyperparameters, scored with skcolor's scorers.

Every point of the report's grid (optimizer × dropout × loss) is built and compiled
the way ``fit`` builds and compiles it, and its Keras model is inspected: the
optimizer, dropout and loss it was given must be the ones it has. A real search
over one of them then shows the search's bookkeeping, with a second scorer that
looks inside every fitted candidate.
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, ParameterGrid

from skcolor import AutoencoderColorizer
from skcolor.color import COLOR_SPACES, rgb_to_gray
from skcolor.metrics import psnr, psnr_scorer

GRID = {"optimizer": ["adam", "rmsprop"], "dropout": [0.0, 0.2], "loss": ["mse", "huber"]}
BASE = AutoencoderColorizer(filters=(8, 16), epochs=1, random_state=0)


def _inspect(estimator, X, y):
    """What ``estimator``'s Keras model was built and compiled with, on ``X`` and ``y``."""
    import keras

    model = estimator.model_
    gray = np.asarray(X, np.float32) / 255
    targets = COLOR_SPACES[estimator.color_space].encode(np.asarray(y) / 255.0)
    predicted = model(gray, training=False)
    error = targets - keras.ops.convert_to_numpy(predicted)
    return {
        "params": {name: estimator.get_params()[name] for name in GRID},
        "optimizer": type(model.optimizer),
        "dropout": [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)],
        # The compiled loss on the same images, against hand-computed values.
        "loss": float(model.compute_loss(y=targets, y_pred=predicted)),
        "mse": float(np.mean(np.square(error, dtype=np.float64))),
        "max_error": float(np.abs(error).max()),
    }


def _check(record):
    import keras

    params = record["params"]
    optimizers = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop}
    assert record["optimizer"] is optimizers[params["optimizer"]], record
    # The U-Net has one Dropout per downsampling level: one here; none at rate 0.
    assert record["dropout"] == ([params["dropout"]] if params["dropout"] else []), record
    # Keras' compiled loss: MSE, or Huber (delta 1), which is MSE / 2 while every
    # error is under 1.
    assert record["max_error"] < 1
    factor = {"mse": 1.0, "huber": 0.5}[params["loss"]]
    assert record["loss"] == pytest.approx(factor * record["mse"], rel=1e-4), record


@pytest.mark.parametrize("params", list(ParameterGrid(GRID)), ids=str)
def test_every_grid_point_reaches_the_keras_model(cifar_train, params):
    """Built and compiled as fit does (its own steps), without training."""
    rgb = cifar_train[::35][:10]  # one image per class
    gray = rgb_to_gray(rgb)
    estimator = clone(BASE).set_params(**params)
    estimator._initialize((None, None, 1), None, seed=0)  # the grid's losses are regressions
    _check(_inspect(estimator, gray, rgb))


@pytest.mark.slow
def test_grid_search_over_the_loss(cifar_train):
    rgb = cifar_train[::2][:160]  # all ten classes
    gray = rgb_to_gray(rgb)
    seen = []

    def inspect(estimator, X, y):
        seen.append(_inspect(estimator, X, y))
        return 0.0

    search = GridSearchCV(BASE, {"loss": ["mse", "huber"]},
                          scoring={"psnr": psnr_scorer, "inspect": inspect}, refit="psnr", cv=2)
    search.fit(gray, rgb)
    results = search.cv_results_
    assert [params["loss"] for params in results["params"]] == ["mse", "huber"]
    assert search.best_params_ == results["params"][np.argmax(results["mean_test_psnr"])]
    # A luminance-keeping model trained for one epoch is within a few dB of the gray
    # copy (measured: 2 dB below); black or noise scores 10 dB and more below it.
    gray_copy = psnr(rgb, np.repeat(gray, 3, axis=-1))
    assert gray_copy - 4.0 < search.best_score_ < gray_copy + 4.0
    assert search.best_estimator_.predict(gray[:4]).shape == (4, 32, 32, 3)
    # Every candidate of every split was looked at, and each got what the grid gave it.
    assert sorted(record["params"]["loss"] for record in seen) == ["huber", "huber", "mse", "mse"]
    for record in seen:
        _check(record)
