"""
Colorize as a Pipeline step before a classifier
===============================================

A classifier trained on color images loses accuracy when it is given gray ones: the
colors it learned to rely on are gone. :class:`~skcolor.GrayscaleToRGB` puts a
colorizer in front of it as an ordinary Pipeline step. This example measures what
that gives back, against the usual workaround of copying the gray image into the
three channels.

The classifier is deliberately simple (8×8 color thumbnails and a logistic
regression, trained on 2,000 CIFAR-10 images) so that it trains in a few seconds;
the colorizer is the model that ships with skcolor, trained on CIFAR-10's own
training split (:doc:`/model_card`). Neither is fitted inside the pipelines below:
the classifier is wrapped in :class:`~sklearn.frozen.FrozenEstimator`, which also
keeps it fitted when a pipeline is cloned by cross-validation.
"""

# %%
# Data: color images for training, gray images at test time
# ---------------------------------------------------------
import os
from pathlib import Path

from skcolor import RGBToGrayscale
from skcolor.datasets import CIFAR10_CLASSES, load_cifar10, load_image_folder

data = os.environ.get("SKCOLOR_DATA")
if data:
    train = load_image_folder(Path(data, "cifar10", "train"), max_per_class=200)
    test = load_image_folder(Path(data, "cifar10", "test"), max_per_class=50)
    X_train, y_train, X_test, y_test = train.images, train.target, test.images, test.target
else:
    (X_train, y_train), (X_test, y_test) = load_cifar10()
    X_train, y_train, X_test, y_test = X_train[:2000], y_train[:2000, 0], X_test[:500], y_test[:500, 0]
gray_test = RGBToGrayscale().transform(X_test)
print(f"{len(X_train)} color training images, {len(X_test)} gray test images, "
      f"{len(CIFAR10_CLASSES)} classes")

# %%
# A classifier of color images
# ----------------------------
# Each image becomes its 8×8 thumbnail in R, G and B (192 numbers): coarse layout
# and color, which is what a linear model can use on CIFAR-10. Strong
# regularization (``C=0.01``) suits 2,000 images and converges in a few
# iterations.
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler


def color_thumbnails(images):
    """8×8 RGB thumbnails of 32×32 images, flattened: (n, 192) floats in [0, 1]."""
    images = np.asarray(images, dtype=np.float32) / 255.0
    n, height, width, channels = images.shape
    blocks = images.reshape(n, 8, height // 8, 8, width // 8, channels)
    return blocks.mean(axis=(2, 4)).reshape(n, -1)


classifier = make_pipeline(
    FunctionTransformer(color_thumbnails), StandardScaler(), LogisticRegression(C=0.01)
)
classifier.fit(X_train, y_train)
print(f"accuracy on the color test images: {classifier.score(X_test, y_test):.3f}")

# %%
# Gray images, two ways into the same classifier
# ----------------------------------------------
# Both pipelines take gray ``(n, 32, 32, 1)`` images: one copies them into R, G and
# B, the other colorizes them with ``GrayscaleToRGB()`` (no argument: the shipped
# model). Neither needs ``fit``: ``GrayscaleToRGB`` learns nothing and the
# classifier is frozen.
from sklearn.frozen import FrozenEstimator

from skcolor import GrayscaleToRGB
from skcolor.color import gray_to_rgb

gray_copy_then_classify = make_pipeline(FunctionTransformer(gray_to_rgb), FrozenEstimator(classifier))
colorize_then_classify = make_pipeline(GrayscaleToRGB(), FrozenEstimator(classifier))

predictions = {
    "color images": classifier.predict(X_test),
    "gray copied to R, G, B": gray_copy_then_classify.predict(gray_test),
    "colorized by skcolor": colorize_then_classify.predict(gray_test),
}
accuracy = {name: np.mean(predicted == y_test) for name, predicted in predictions.items()}
for name, value in accuracy.items():
    print(f"{name:>22}: accuracy {value:.3f}")
gain = accuracy["colorized by skcolor"] - accuracy["gray copied to R, G, B"]
lost = accuracy["color images"] - accuracy["gray copied to R, G, B"]
print(f"gain from colorizing: {gain:+.3f} (of the {lost:.3f} lost to gray)")

# %%
# Accuracy per class
# ------------------
# Where does colorizing help, and where not?
from matplotlib.figure import Figure
from sklearn.metrics import recall_score

fig = Figure(figsize=(8, 3.5), layout="constrained")
ax = fig.subplots()
width = 0.8 / len(predictions)
for i, (name, predicted) in enumerate(predictions.items()):
    per_class = recall_score(y_test, predicted, average=None)
    ax.bar(np.arange(len(CIFAR10_CLASSES)) + (i - 1) * width, per_class, width, label=name)
ax.set_xticks(np.arange(len(CIFAR10_CLASSES)), CIFAR10_CLASSES, rotation=30)
ax.set_ylabel("accuracy (recall) per class")
ax.legend(fontsize="small")
fig

# %%
# The shipped colorizer never saw these test images (it was trained on CIFAR-10's
# training split). The gain depends on the classifier: one that was trained on color leans on color,
# and a colorizer trained on the same kind of images supplies plausible colors
# for it. A classifier trained on gray images (or with gray augmentation) would
# not need the colorizer, and a colorizer never recovers colors that the gray
# image does not imply.
