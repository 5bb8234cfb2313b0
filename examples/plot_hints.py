"""
Fix a color with a hint
=======================

The gray image cannot tell the model what color a wall or a coat was: it
guesses a likely color, often a dull one. A hint says it.
``load_pretrained("photos-hints")`` is the photo model trained to take hints: an
RGBA image the size of the photo, opaque where a hint is, whose color it carries
across the region the hint falls in (:doc:`/user_guide/hints`).

The command line takes the same hints::

    skcolor colorize astronaut.png -o colored/ --hint 400,100=#c64e2a --hint 263,14=#891117
"""

# %%
# A photo, its gray copy, and the colorizer on its own
# ----------------------------------------------------
import numpy as np
import skimage.data

from skcolor import RGBToGrayscale, load_pretrained

photo = skimage.data.astronaut()  # 512×512
gray = RGBToGrayscale().transform(photo[None])
model = load_pretrained("photos-hints")
automatic = model.predict(gray)

# %%
# Three hints
# -----------
# Three points, each with the color the true photo has there: the orange suit, a
# red stripe of the flag and the dark blue of its corner.
# :func:`~skcolor.hints.from_points` paints a small disc at each.
from skcolor.hints import from_points

places = [(400, 100), (263, 14), (87, 49)]
points = [(row, col, "#%02x%02x%02x" % tuple(photo[row, col])) for row, col in places]
hints = from_points(photo.shape, points, radius=4)
hinted = model.predict(gray, hints=hints[None])

# %%
# Before and after
# ----------------
# The hints' colors reach beyond their discs: the flag's stripes turn red and
# most of the suit orange, and the photo comes closer to the truth. They also
# reach beyond their regions: some warmth spreads to the face and to the wall
# beside the flag, where no hint asked for it (the model card's limits).
from skcolor.metrics import psnr
from skcolor.plotting import plot_colorization_grid

print(f"PSNR against the true photo: automatic {psnr(photo[None], automatic):.2f} dB, "
      f"with 3 hints {psnr(photo[None], hinted):.2f} dB")
shown_hints = np.where(hints[..., 3:] > 0, hints[..., :3], np.repeat(gray[0], 3, axis=-1))
figure = plot_colorization_grid(
    gray, {"automatic": automatic, "hints": shown_hints[None], "with hints": hinted},
    true=photo[None])
