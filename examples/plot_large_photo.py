"""
Colorize a large photo at its own size
======================================

The shipped model looks at a photo at most 96 pixels on its longer side
(``working_size=96``), predicts the chroma there, enlarges the chroma to the full
size and recombines it with the photo's own full-resolution luminance. So any photo
comes back at exactly its size, with all of its detail, in about a second for tens
of megapixels on a CPU (:doc:`/benchmarks`).

The command line does the same for files and folders::

    skcolor colorize big_scan.tif -o colored/
"""

# %%
# A 6.6-megapixel photo
# ---------------------
# scikit-image's ``chelsea`` (451×300) enlarged seven times, to 3157×2100 pixels,
# then made gray.
import time

import cv2
import skimage.data

from skcolor import RGBToGrayscale, load_pretrained

photo = cv2.resize(skimage.data.chelsea(), None, fx=7, fy=7, interpolation=cv2.INTER_CUBIC)
gray = RGBToGrayscale().transform(photo[None])  # a batch of one: (1, 2100, 3157, 1)
print(f"gray input: {gray.shape}, {gray.shape[1] * gray.shape[2] / 1e6:.1f} megapixels")

# %%
# Colorize it
# -----------
colorizer = load_pretrained()
start = time.perf_counter()
colored = colorizer.predict(gray)
print(f"colorized: {colored.shape}, {colored.dtype}, in {time.perf_counter() - start:.1f} s")
assert colored.shape[1:3] == gray.shape[1:3]  # the input's own size

# %%
# The output's luminance is the input
# -----------------------------------
# The colorizer only adds chroma, so converting its output back to gray gives the
# input again (up to 8-bit rounding and colors clipped to the RGB gamut).
from skcolor.color import gray_to_rgb
from skcolor.metrics import colorfulness, luminance_psnr, psnr

print(f"luminance kept: {luminance_psnr(gray, colored):.1f} dB")
print(f"PSNR against the true photo: colorized {psnr(photo[None], colored):.2f} dB, "
      f"gray copy {psnr(photo[None], gray_to_rgb(gray)):.2f} dB")
print(f"colorfulness: colorized {colorfulness(colored):.1f}, true {colorfulness(photo[None]):.1f}")

# %%
# Whole photo and a detail at full resolution
# -------------------------------------------
# :func:`~skcolor.plotting.plot_colorization_grid` takes lists of images of any
# size: the whole photo, and a 400×600 crop around an eye, at full resolution.
from skcolor.plotting import plot_colorization_grid

crop = (slice(600, 1000), slice(900, 1500))
fig = plot_colorization_grid(
    [gray[0], gray[0][crop]], [colored[0], colored[0][crop]], [photo, photo[crop]],
    titles=["whole photo", "detail"],
)
fig

# %%
# A smaller ``working_size`` gives broader, calmer color regions, a larger one more
# local colors (the model learned from 32×32 scenes and 64×64 crops, so the objects
# it knows are small at 96 pixels). ``skcolor colorize --working-size N`` changes
# it, and so does ``colorizer.set_params(working_size=N)``: each
# ``load_pretrained()`` call returns an independent copy. The model card compares
# working sizes 64, 96 and 128 on the 175 photos of photos-val.
