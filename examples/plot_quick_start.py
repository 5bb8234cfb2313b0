"""
Quick start: train, colorize, score
===================================

Train a small :class:`~skcolor.AutoencoderColorizer` on a few hundred CIFAR-10
images, colorize the gray versions of test images, score them and look at them
next to the model that ships with skcolor.

This example trains for 2 epochs on 500 images with a small U-Net, so that it runs
in seconds on a laptop's CPU; such a model is far from good. The shipped model was
trained on 45,000 images for 25 epochs (see :doc:`/model_card`); to train a model
like it yourself::

    skcolor train --data path/to/cifar10 --out my_colorizer.keras --epochs 25
"""

# %%
# Load a subset of CIFAR-10
# -------------------------
# ``load_image_folder`` reads the first images of each class from a local copy;
# ``load_cifar10()`` downloads the whole dataset through Keras otherwise.
import os
from pathlib import Path

from skcolor.datasets import load_cifar10, load_image_folder

data = os.environ.get("SKCOLOR_DATA")
if data:
    X_train = load_image_folder(Path(data, "cifar10", "train"), max_per_class=50).images
    X_test = load_image_folder(Path(data, "cifar10", "test"), max_per_class=10).images
else:
    (X_train, _), (X_test, _) = load_cifar10()
    X_train, X_test = X_train[:500], X_test[:100]
print(f"{len(X_train)} training and {len(X_test)} test images of {X_train.shape[1:]}")

# %%
# Make gray inputs
# ----------------
# :class:`~skcolor.RGBToGrayscale` applies the ITU-R BT.601 weights, the luminance
# that the colorizers keep.
from skcolor import RGBToGrayscale

to_gray = RGBToGrayscale()
gray_train = to_gray.fit_transform(X_train)  # (500, 32, 32, 1) uint8
gray_test = to_gray.transform(X_test)

# %%
# Train a colorizer
# -----------------
# The default configuration: a U-Net predicts the chroma (Cb, Cr) and keeps the
# input as luminance. ``filters`` makes it small for this example.
from skcolor import AutoencoderColorizer

model = AutoencoderColorizer(filters=(16, 32, 64), epochs=2, random_state=0)
model.fit(gray_train, X_train)
print("per-epoch loss:", [round(value, 4) for value in model.history_["loss"]])

# %%
# Colorize and score
# ------------------
# ``predict`` returns RGB images of the input's size and dtype family; ``score``
# is the mean PSNR against the true images. Copying the gray input into R, G and B
# is the floor to beat, and colorfulness (0 for gray) says how vivid the colors are.
from skcolor import load_pretrained
from skcolor.color import gray_to_rgb
from skcolor.metrics import colorfulness, dataset_psnr

colored = model.predict(gray_test)
shipped = load_pretrained().predict(gray_test)
for name, images in [("gray copy", gray_to_rgb(gray_test)), ("2-epoch model", colored),
                     ("shipped model", shipped)]:
    print(f"{name:>14}: dataset PSNR {dataset_psnr(X_test, images):.2f} dB, "
          f"colorfulness {colorfulness(images):.1f}")
print(f"score (mean PSNR) of the 2-epoch model: {model.score(gray_test, X_test):.2f} dB")

# %%
# Look at them
# ------------
# :func:`~skcolor.plotting.plot_colorization_grid` returns a matplotlib figure
# (gray | colorized | true); here the shipped model's colorizations, one image of
# each class.
from skcolor.plotting import plot_colorization_grid

one_per_class = slice(0, len(X_test), len(X_test) // 10) if data else slice(0, 8)
fig = plot_colorization_grid(gray_test[one_per_class], shipped[one_per_class],
                             X_test[one_per_class], max_images=6)
fig

# %%
# The fitted colorizer saves to a ``.keras`` file, read back with
# :meth:`AutoencoderColorizer.load <skcolor.AutoencoderColorizer.load>`, or used
# by the command line: ``skcolor colorize photos/ -o colored/ --model my_colorizer.keras``.
