"""
Colorize a video clip with steady color
=======================================

:func:`skcolor.video.colorize_video` colorizes a clip frame by frame at the
model's working size, then steadies the color over time: a memory of the output
chroma is carried along the motion by optical flow, and each frame's prediction
only seeps into it where the motion is confirmed (new pixels take the prediction
at once). Run frame by frame, a colorizer flickers; here we
see how much, on a real clip made gray, and how much less the stabilized output
does. Scene cuts restart the blending, and the output keeps the clip's frames,
size, timestamps and sound.

The command line does the same, for clips among photos::

    skcolor colorize film.mp4 -o colored/
"""

# %%
# A gray film with a known truth
# ------------------------------
# The 40-frame test clip of the repository (a person signing, 160×120, CC BY 4.0),
# made gray; the color original is the truth.
import tempfile
from pathlib import Path

import cv2
import numpy as np
from matplotlib.figure import Figure

from skcolor.color import rgb_to_gray
from skcolor.metrics import (
    clip_flow,
    color_distribution_consistency,
    dataset_psnr,
    flicker,
    still_flicker,
    warp_error,
)
from skcolor.video import colorize_video

try:
    REPO = Path(__file__).resolve().parents[1]
except NameError:  # run cell by cell from examples/
    REPO = Path.cwd().parent
CLIP = REPO / "tests" / "data" / "video" / "signing.mp4"


def read_clip(path):
    """RGB uint8 frames of a clip, and its frame rate."""
    capture = cv2.VideoCapture(str(path))
    frames = []
    while (read := capture.read())[0]:
        frames.append(cv2.cvtColor(read[1], cv2.COLOR_BGR2RGB))
    return np.stack(frames), capture.get(cv2.CAP_PROP_FPS)


truth, fps = read_clip(CLIP)
folder = Path(tempfile.mkdtemp())
writer = cv2.VideoWriter(str(folder / "gray.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                         truth.shape[2:0:-1])
for frame in rgb_to_gray(truth):
    writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
writer.release()
print(f"{len(truth)} frames of {truth.shape[2]}×{truth.shape[1]} at {fps:g} frames/s")

# %%
# Frame by frame, and stabilized
# ------------------------------
# ``strength=0`` colorizes each frame on its own; the default (0.9) stabilizes.
raw = colorize_video(folder / "gray.mp4", folder / "raw.mp4", strength=0)
steady = colorize_video(folder / "gray.mp4", folder / "steady.mp4")
print(steady)
gray, _ = read_clip(folder / "gray.mp4")
raw_frames, _ = read_clip(raw.path)
steady_frames, _ = read_clip(steady.path)

motion = list(clip_flow(gray))  # the input's motion, to measure both along it
for name, frames in [("frame by frame", raw_frames), ("stabilized", steady_frames)]:
    print(f"{name:>15}: flicker {flicker(frames, truth):.3f}, "
          f"still flicker {still_flicker(frames):.3f}, "
          f"warp error {warp_error(frames, flow=motion):.5f}, "
          f"CDC {color_distribution_consistency(frames):.4f}, "
          f"PSNR {dataset_psnr(truth, frames):.2f} dB")
print(f"{'gray copy':>15}: PSNR {dataset_psnr(truth, gray):.2f} dB")

# %%
# A strip of frames
# -----------------
# Rows: gray input, frame by frame, stabilized, truth. The differences between
# the two colorizations are small in any one frame; they show over time, below.
shown = np.linspace(0, len(truth) - 1, 6).astype(int)
rows = [("gray", gray), ("frame by frame", raw_frames), ("stabilized", steady_frames),
        ("truth", truth)]
fig = Figure(figsize=(12, 6.4), layout="tight")
axes = fig.subplots(len(rows), len(shown))
for (name, frames), row in zip(rows, axes):
    row[0].set_ylabel(name)
    for index, ax in zip(shown, row):
        ax.imshow(frames[index])
        ax.set_xticks([])
        ax.set_yticks([])
for index, ax in zip(shown, axes[0]):
    ax.set_title(f"frame {index}")
fig

# %%
# Color change from frame to frame
# --------------------------------
# The mean change of the chroma (Cr, Cb, 0-255) between consecutive frames, where
# the luminance barely moved (what :func:`~skcolor.metrics.still_flicker` averages).
# The truth's own change there is codec noise.


def chroma_change(frames):
    ycrcb = np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2YCrCb) for f in frames]).astype(float)
    still = np.abs(np.diff(ycrcb[..., 0], axis=0)) < 2
    change = np.abs(np.diff(ycrcb[..., 1:], axis=0)).mean(axis=-1)
    return [c[s].mean() for c, s in zip(change, still)]


fig = Figure(figsize=(7, 3), layout="tight")
ax = fig.subplots()
for name, frames in rows[1:]:
    ax.plot(range(1, len(frames)), chroma_change(frames), label=name)
ax.set_xlabel("frame")
ax.set_ylabel("chroma change where still")
ax.legend()
fig
