"""Make the small video clips under ``tests/data/video/`` from the shared data.

Run from the repository root (needs ``../shared/data/video`` or ``SKCOLOR_DATA``)::

    python tests/data/make_video_fixture.py

Each clip is cut from a real CC BY 4.0 clip (see ``tests/data/video/SOURCES.md``),
centre-cropped to 4:3, shrunk to 160×120 with area averaging and written with
OpenCV's mp4v codec, so that the test suite reads it back with
opencv-python-headless alone. The clips keep their colors: tests make gray copies
and use the originals as the truth.
"""

import os
from pathlib import Path

import cv2

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("SKCOLOR_DATA", HERE.parents[2] / "shared" / "data"))
SIZE = (160, 120)  # width, height

# name: (source clip, first frame, number of frames, keep every k-th frame)
CLIPS = {
    "signing.mp4": ("again.mkv", 0, 40, 1),
    "hallway.mp4": ("one-by-one-person-detection.mp4", 900, 12, 2),
}


def _crop_to_4_3(frame):
    height, width = frame.shape[:2]
    target = min(width, height * 4 // 3)
    left = (width - target) // 2
    return frame[:, left:left + target]


def make_clip(source, target, first, count, step):
    capture = cv2.VideoCapture(os.fspath(source))
    if not capture.isOpened():
        raise SystemExit(f"cannot read {source}")
    fps = capture.get(cv2.CAP_PROP_FPS) / step
    writer = cv2.VideoWriter(os.fspath(target), cv2.VideoWriter_fourcc(*"mp4v"), fps, SIZE)
    index = written = 0
    while written < count:
        ok, frame = capture.read()
        if not ok:
            raise SystemExit(f"{source} ended after {index} frames")
        if index >= first and (index - first) % step == 0:
            frame = cv2.resize(_crop_to_4_3(frame), SIZE, interpolation=cv2.INTER_AREA)
            writer.write(frame)
            written += 1
        index += 1
    writer.release()
    capture.release()
    print(f"{target.name}: {written} frames at {fps:g} frame/s, {target.stat().st_size} bytes")


def main():
    out = HERE / "video"
    out.mkdir(exist_ok=True)
    for name, (source, first, count, step) in CLIPS.items():
        make_clip(DATA / "video" / source, out / name, first, count, step)


if __name__ == "__main__":
    main()
