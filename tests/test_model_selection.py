"""GridSearchCV over the report's hyperparameters, scored with skcolor's scorers."""

import numpy as np
from sklearn.model_selection import GridSearchCV

from skcolor import AutoencoderColorizer
from skcolor.color import rgb_to_gray
from skcolor.metrics import psnr_scorer


def test_grid_search_over_optimizer_dropout_and_loss(cifar_train):
    rgb = cifar_train[:160]
    gray = rgb_to_gray(rgb)
    grid = {"optimizer": ["adam", "rmsprop"], "dropout": [0.0, 0.2], "loss": ["mse", "huber"]}
    search = GridSearchCV(
        AutoencoderColorizer(filters=(8, 16), epochs=1, random_state=0),
        grid,
        scoring=psnr_scorer,
        cv=2,
    )
    search.fit(gray, rgb)
    results = search.cv_results_
    assert len(results["params"]) == 8
    assert np.all(np.isfinite(results["mean_test_score"]))
    assert 5 < search.best_score_ < 40  # PSNR in dB of a colorization, not an error code
    assert search.best_params_ == results["params"][np.argmax(results["mean_test_score"])]
    assert search.best_estimator_.predict(gray[:4]).shape == (4, 32, 32, 3)
