"""GridSearchCV over the report's hyperparameters, scored with skcolor's scorers.

Beyond the search's bookkeeping, every fitted candidate is inspected while the search runs
(a second scorer looks inside it): the optimizer, dropout and loss it was given must be the
ones its Keras model trained with.
"""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skcolor import AutoencoderColorizer
from skcolor.color import COLOR_SPACES, rgb_to_gray
from skcolor.metrics import psnr_scorer

GRID = {"optimizer": ["adam", "rmsprop"], "dropout": [0.0, 0.2], "loss": ["mse", "huber"]}


def _inspect(estimator, X, y, seen):
    """Record what ``estimator``'s Keras model was built and compiled with, on held-out data."""
    import keras

    model = estimator.model_
    gray = np.asarray(X, np.float32) / 255
    targets = COLOR_SPACES[estimator.color_space].encode(np.asarray(y) / 255.0)
    error = targets - model.predict(gray, verbose=0)
    seen.append({
        "params": {name: estimator.get_params()[name] for name in GRID},
        "optimizer": type(model.optimizer),
        "dropout": [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)],
        # The compiled loss, evaluated by Keras on the same images, against hand-computed values.
        "loss": model.evaluate(gray, targets, batch_size=len(gray), verbose=0),
        "mse": float(np.mean(np.square(error, dtype=np.float64))),
        "max_error": float(np.abs(error).max()),
    })
    return 0.0


def test_grid_search_over_optimizer_dropout_and_loss(cifar_train):
    import keras

    rgb = cifar_train[::2][:160]  # all ten classes
    gray = rgb_to_gray(rgb)
    seen = []
    search = GridSearchCV(
        AutoencoderColorizer(filters=(8, 16), epochs=1, random_state=0),
        GRID,
        scoring={"psnr": psnr_scorer, "inspect": lambda e, X, y: _inspect(e, X, y, seen)},
        refit="psnr",
        cv=2,
    )
    search.fit(gray, rgb)
    results = search.cv_results_
    assert len(results["params"]) == 8
    assert np.all(np.isfinite(results["mean_test_psnr"]))
    assert 5 < search.best_score_ < 40  # PSNR in dB of a colorization, not an error code
    assert search.best_params_ == results["params"][np.argmax(results["mean_test_psnr"])]
    assert search.best_estimator_.predict(gray[:4]).shape == (4, 32, 32, 3)

    # Every candidate of every split was looked at, and each got what the grid gave it.
    def key(params):
        return sorted(params.items())

    assert sorted(key(s["params"]) for s in seen) == sorted(key(p) for p in results["params"] * 2)
    optimizers = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop}
    for record in seen:
        params = record["params"]
        assert record["optimizer"] is optimizers[params["optimizer"]], record
        # The U-Net has one Dropout per downsampling level: one here; none at rate 0.
        assert record["dropout"] == ([params["dropout"]] if params["dropout"] else []), record
        # Keras' compiled loss on these images: MSE, or Huber (delta 1), which is MSE / 2
        # while every error is under 1.
        assert record["max_error"] < 1
        factor = {"mse": 1.0, "huber": 0.5}[params["loss"]]
        assert record["loss"] == pytest.approx(factor * record["mse"], rel=1e-4), record
