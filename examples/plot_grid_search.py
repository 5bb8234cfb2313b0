"""
Tune optimizer, dropout and loss with GridSearchCV
==================================================

:class:`~skcolor.AutoencoderColorizer` is a scikit-learn estimator, so
:class:`~sklearn.model_selection.GridSearchCV` tunes it like any other: every
parameter of its constructor can be searched, and the scorers of
:mod:`skcolor.metrics` pick what "best" means.

The search here is tiny so that it runs in the documentation build: 300 images,
one epoch per fit, a two-level U-Net with few filters, and a single validation
split instead of k folds, so 8 fits. Its ranking says little about a real run,
which uses thousands of images, 10 or more epochs per fit and ``cv=3`` or more
(each candidate is then scored by its mean over the folds, with a spread), and, on
several machines, a Dask or Ray backend for joblib (see :doc:`/scaling_out`).
"""

# %%
# Data: gray inputs, color targets
# --------------------------------
import os
from pathlib import Path

from skcolor import RGBToGrayscale
from skcolor.datasets import load_cifar10, load_image_folder

data = os.environ.get("SKCOLOR_DATA")
if data:
    X_rgb = load_image_folder(Path(data, "cifar10", "train"), max_per_class=30).images
else:
    (X_rgb, _), _ = load_cifar10()
    X_rgb = X_rgb[:300]
X_gray = RGBToGrayscale().fit_transform(X_rgb)

# %%
# The search
# ----------
# :data:`~skcolor.metrics.psnr_scorer` scores each held-out fold by mean PSNR (the
# same figure as the estimator's own ``score``); ``ssim_scorer`` and
# ``neg_mse_scorer`` are the alternatives. GridSearchCV splits along the first
# axis, so 4-D image batches work as they are. ``ShuffleSplit`` holds out a random
# quarter of the images (the local copy of CIFAR-10 is sorted by class, so
# unshuffled folds would hold out whole classes); a real search passes
# ``cv=KFold(5, shuffle=True)``. ``refit=False`` saves this example a ninth fit;
# with the default ``refit=True``, ``search.best_estimator_`` is the best candidate
# trained on all the images, an ordinary fitted colorizer.
from sklearn.model_selection import GridSearchCV, ShuffleSplit

from skcolor import AutoencoderColorizer
from skcolor.metrics import psnr_scorer

small_colorizer = AutoencoderColorizer(filters=(8, 16), epochs=1, batch_size=64,
                                       validation_fraction=0.0, random_state=0)
param_grid = {
    "optimizer": ["adam", "rmsprop"],
    "dropout": [0.0, 0.2],
    "loss": ["mse", "huber"],
}
search = GridSearchCV(small_colorizer, param_grid, scoring=psnr_scorer,
                      cv=ShuffleSplit(n_splits=1, test_size=0.25, random_state=0),
                      refit=False)
search.fit(X_gray, X_rgb)
print("best parameters:", search.best_params_)
print(f"its mean PSNR on the held-out images: {search.best_score_:.2f} dB")

# %%
# Plot the cross-validation results
# ---------------------------------
# ``cv_results_`` holds one entry per candidate: its score on each split
# (``split0_test_score``, ...), their mean and standard deviation, its rank and
# its fit time.
import numpy as np
from matplotlib.figure import Figure

results = search.cv_results_
labels = [f"{p['optimizer']}, dropout {p['dropout']}, {p['loss']}" for p in results["params"]]
order = np.argsort(results["mean_test_score"])
fig = Figure(figsize=(7, 3.5), layout="constrained")
ax = fig.subplots()
ax.barh(np.array(labels)[order], results["mean_test_score"][order], color="tab:blue", alpha=0.8)
ax.set_xlim(np.min(results["mean_test_score"]) - 1, np.max(results["mean_test_score"]) + 0.5)
ax.set_xlabel("mean PSNR on the held-out images (dB)")
ax.set_title("GridSearchCV over optimizer, dropout and loss")
fig
