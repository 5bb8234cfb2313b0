"""Colorize video clips frame by frame, with steady color over time.

:func:`colorize_video` reads a clip with OpenCV, colorizes its frames in
batches at the colorizer's working size, stabilizes their chroma over time
(:class:`ChromaStabilizer`: optical flow on the luminance, blending by agreement,
a reset at scene cuts), recombines it with each frame's full-size luminance and
writes the clip atomically. The output keeps the input's frame count, frame size
and frame rate, and its luminance is the input's. Memory stays flat in the
clip's length: frames stream through in batches.

OpenCV neither reads nor writes sound: **the output has no audio track.** Copy
the sound back with a tool such as FFmpeg if you need it.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ._image import as_float32, restore_dtype
from ._temporal import ChromaStabilizer
from ._video_io import (
    VIDEO_SUFFIXES,
    WRITABLE_CONTAINERS,
    is_video,
    is_video_path,
    open_video,
    read_frames,
    video_output_path,
    writing_video,
)
from .color import rgb_to_ycbcr

__all__ = [
    "colorize_video",
    "colorize_clip",
    "VideoResult",
    "ChromaStabilizer",
    "is_video",
    "is_video_path",
    "video_output_path",
    "VIDEO_SUFFIXES",
    "WRITABLE_CONTAINERS",
    "DEFAULT_STRENGTH",
]

#: Default weight of the motion-compensated previous output (see ChromaStabilizer).
DEFAULT_STRENGTH = 0.8
# Working size for colorizers that do not declare one.
_FALLBACK_WORKING_SIZE = 256


@dataclass
class VideoResult:
    """What :func:`colorize_video` wrote.

    Attributes
    ----------
    path : pathlib.Path
        The output clip.
    frames : int
        Frames written (as many as the input holds).
    width, height : int
        Frame size, the input's.
    fps : float
        Frame rate, the input's.
    cuts : list of int
        Frames at which a scene cut was detected and the smoothing restarted.
    """

    path: Path
    frames: int
    width: int
    height: int
    fps: float
    cuts: list = field(default_factory=list)


def colorize_video(src, dst, colorizer=None, *, strength=DEFAULT_STRENGTH, motion="dis",
                   working_size=None, batch_size=16, overwrite=False, progress=None):
    """Colorize a gray (or color, read by its luminance) video clip into ``dst``.

    Parameters
    ----------
    src : str or path-like
        The clip, in any container OpenCV's FFmpeg reads (MP4, MOV, Matroska,
        AVI, ...).
    dst : str or path-like
        The output clip. ``.mp4``, ``.m4v``, ``.mov`` and ``.mkv`` are written with
        the mp4v codec, ``.avi`` with MJPG; any other suffix is replaced by
        ``.mp4`` (the result's ``path`` says so). Its folder must exist.
    colorizer : fitted estimator, default=None
        Anything whose ``predict`` colorizes a batch of gray images
        ``(n, h, w, 1)`` float in [0, 1] into RGB ``(n, h, w, 3)``, such as an
        :class:`~skcolor.AutoencoderColorizer`; None uses
        :func:`skcolor.load_pretrained`.
    strength : float in [0, 1), default=0.8
        Temporal stabilization: the weight of the previous frame's output,
        carried along the motion, where the luminance agrees. 0 colorizes each
        frame on its own.
    motion : {"dis", "farneback", "none"}, default="dis"
        How the previous output follows the motion (see :class:`ChromaStabilizer`).
    working_size : int, default=None
        Longest side at which frames are colorized and stabilized; the chroma is
        then enlarged onto the full-size luminance. None takes the colorizer's
        ``working_size`` parameter (256 if it has none); never above the frame size.
    batch_size : int, default=16
        Frames held in memory and colorized together.
    overwrite : bool, default=False
        Replace ``dst`` if it exists; by default a FileExistsError keeps it.
    progress : callable, default=None
        Called as ``progress(frames_done, frames_declared)`` after each batch
        (the declared count comes from the clip's header and can be approximate).

    Returns
    -------
    result : VideoResult
        Where the clip went, its frame count, size, rate and the scene cuts.

    Raises
    ------
    ValueError
        If ``src`` cannot be read as a clip (damaged, truncated, not a video) or
        a parameter is invalid. Nothing is written then.
    FileExistsError
        If the output exists and ``overwrite`` is false.

    Notes
    -----
    The output has no sound: OpenCV drops audio. It is written to a temporary
    file beside ``dst`` and renamed, so a failure leaves no partial clip.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import skcolor
    >>> from skcolor.video import colorize_video
    >>> clip = Path(skcolor.__file__).parents[1] / "tests" / "data" / "video" / "hallway.mp4"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = colorize_video(clip, Path(folder) / "color.mp4")
    >>> result.frames, (result.width, result.height), result.fps
    (12, (160, 120), 5.0)
    """
    _check_options(strength, motion, working_size, batch_size)
    capture, info = open_video(src)
    try:
        return _colorize_opened(capture, info, os.fspath(src), dst, colorizer, strength=strength,
                                motion=motion, working_size=working_size,
                                batch_size=batch_size, overwrite=overwrite, progress=progress)
    finally:
        capture.release()


def colorize_clip(source, target, load, *, overwrite=False, progress=None, **options):
    """Colorize one clip for a batch of files: check it first, load the model only then.

    The job function of ``skcolor colorize`` for video files: ``load()`` returns
    the colorizer and is called only once ``source`` has opened as a clip, so
    that a run whose inputs are all unreadable never starts Keras.

    Parameters
    ----------
    source, target : path-like
        The clip and its output (see :func:`video_output_path`).
    load : callable
        Returns the colorizer.
    overwrite : bool, default=False
    progress : callable, default=None
        As in :func:`colorize_video`.
    **options
        ``strength``, ``motion``, ``working_size``, ``batch_size`` of :func:`colorize_video`.

    Returns
    -------
    result : VideoResult

    Raises
    ------
    ValueError, OSError
        With a message naming the clip; nothing is written.
    FileExistsError
        If ``target`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import skcolor
    >>> clip = Path(skcolor.__file__).parents[1] / "tests" / "data" / "video" / "hallway.mp4"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     colorize_clip(clip, Path(folder) / "out.mp4", skcolor.load_pretrained).frames
    12
    """
    options = {"strength": DEFAULT_STRENGTH, "motion": "dis", "working_size": None,
               "batch_size": 16, **options}
    _check_options(**options)
    capture, info = open_video(source)
    try:
        colorizer = load()
        return _colorize_opened(capture, info, os.fspath(source), target, colorizer,
                                overwrite=overwrite, progress=progress, **options)
    finally:
        capture.release()


def _check_options(strength, motion, working_size, batch_size):
    ChromaStabilizer(strength, motion=motion)  # validates both
    for name, value, low in (("working_size", working_size, 8), ("batch_size", batch_size, 1)):
        if value is None and name == "working_size":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int of at least {low}; got {value!r}.")


def _colorize_opened(capture, info, name, dst, colorizer, *, strength, motion, working_size,
                     batch_size, overwrite, progress):
    if colorizer is None:
        from ._pretrained import load_pretrained

        colorizer = load_pretrained()
    dst = video_output_path(dst)
    size = _working_shape(info, _working_side(colorizer, working_size))
    stabilizer = ChromaStabilizer(strength, motion=motion)
    frames = read_frames(capture, info, name)
    done = 0
    with writing_video(dst, info, overwrite=overwrite) as writer:
        while batch := _next_batch(frames, batch_size):
            for frame in _colorize_batch(batch, colorizer, size, stabilizer):
                writer.write(frame)
            done += len(batch)
            if progress is not None:
                progress(done, max(done, info.declared_frames))
    return VideoResult(path=dst, frames=done, width=info.width, height=info.height,
                       fps=info.fps, cuts=list(stabilizer.cuts))


def _working_side(colorizer, working_size):
    if working_size is not None:
        return working_size
    get_params = getattr(colorizer, "get_params", None)
    declared = get_params().get("working_size") if get_params is not None else None
    return declared if declared is not None else _FALLBACK_WORKING_SIZE


def _working_shape(info, side):
    """(height, width) of the frames at working size: the longest side ``side`` at most."""
    scale = min(1.0, side / max(info.width, info.height))
    return max(1, round(info.height * scale)), max(1, round(info.width * scale))


def _next_batch(frames, batch_size):
    batch = []
    for frame in frames:
        batch.append(frame)
        if len(batch) == batch_size:
            break
    return batch


def _colorize_batch(batch, colorizer, size, stabilizer):
    """Yield the BGR uint8 colorization of each frame of ``batch`` (BGR uint8 frames)."""
    height, width = size
    lumas = [cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) for frame in batch]  # BT.601, as rgb_to_gray
    small = np.stack([cv2.resize(luma, (width, height), interpolation=cv2.INTER_AREA)
                      for luma in lumas])
    rgb = np.asarray(colorizer.predict(as_float32(small[..., np.newaxis])), dtype=np.float32)
    chroma = rgb_to_ycbcr(rgb)[..., 1:]
    for luma, small_luma, frame_chroma in zip(lumas, small, chroma):
        steady = restore_dtype(stabilizer.update(small_luma, frame_chroma), np.uint8)
        full = cv2.resize(steady, (luma.shape[1], luma.shape[0]), interpolation=cv2.INTER_LINEAR)
        # OpenCV's YCrCb is the full-range BT.601 YCbCr of skcolor.color (Cr first);
        # on uint8 planes it recombines a 640×480 frame 4× faster than ycbcr_to_rgb.
        yield cv2.cvtColor(cv2.merge([luma, full[..., 1], full[..., 0]]), cv2.COLOR_YCrCb2BGR)
