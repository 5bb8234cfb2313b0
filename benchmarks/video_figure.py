"""The figure of docs/video.md: one shared clip colorized frame by frame and with steady color.

Rows of frames (frame by frame, ours, the truth) and, below, each frame's chroma change
from the previous one, as ``flicker`` counts it, for both methods and for the truth.
Run by hand from the repository root::

    python benchmarks/video_figure.py     # writes docs/_static/video_steady.png
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from video import DATA, read_clip, write_gray_copy  # noqa: E402


def chroma_change(frames):
    """Mean |C(t) - C(t-1)| over the Cb, Cr planes (0-255), for t >= 1."""
    from skcolor.color import rgb_to_ycbcr

    chroma = rgb_to_ycbcr(frames)[..., 1:].astype(np.float64) * 255
    return np.abs(np.diff(chroma, axis=0)).mean(axis=(1, 2, 3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clip", default="again.mkv")
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1]
                        / "docs" / "_static" / "video_steady.png")
    args = parser.parse_args()

    import skcolor
    from skcolor.metrics import flicker
    from skcolor.video import colorize_video

    truth, fps = read_clip(DATA / "video" / args.clip, args.frames)
    colorizer = skcolor.load_pretrained()
    outputs = {}
    with tempfile.TemporaryDirectory() as folder:
        gray_path = Path(folder) / "gray.mp4"
        write_gray_copy(truth, fps, gray_path)
        for name, strength in (("frame by frame", 0.0), ("steady (default)", None)):
            options = {} if strength is None else {"strength": strength}
            result = colorize_video(gray_path, Path(folder) / "out.mp4", colorizer,
                                    overwrite=True, **options)
            outputs[name] = read_clip(result.path)[0]
    rows = [*outputs.items(), ("truth", truth)]
    shown = np.linspace(args.frames // 4, args.frames - 1, 5).astype(int)
    figure = Figure(figsize=(12, 8.2), layout="constrained")
    top, bottom = figure.subfigures(2, 1, height_ratios=[3, 1.3])
    axes = top.subplots(len(rows), len(shown))
    for (name, frames), row in zip(rows, axes):
        row[0].set_ylabel(name)
        for index, ax in zip(shown, row):
            ax.imshow(frames[index])
            ax.set_xticks([])
            ax.set_yticks([])
    for index, ax in zip(shown, axes[0]):
        ax.set_title(f"frame {index}")
    ax = bottom.subplots()
    for name, frames in rows:
        label = name
        if name != "truth":
            label += f" (flicker {flicker(frames, truth):.2f})"
        ax.plot(np.arange(1, len(frames)), chroma_change(frames), label=label)
    ax.set_xlabel("frame")
    ax.set_ylabel("chroma change from\nthe previous frame (levels)")
    ax.legend(loc="upper right")
    figure.suptitle(f"{args.clip}, gray copy colorized by the shipped photo model")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out, dpi=80)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
