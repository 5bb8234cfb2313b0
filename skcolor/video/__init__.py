"""Colorize video clips frame by frame, with steady color over time.

:func:`colorize_video` reads a clip through FFmpeg (PyAV), colorizes its frames
in batches at the colorizer's working size, stabilizes their chroma over time
(:class:`ChromaStabilizer`: optical flow on the luminance, blending by agreement,
a reset at scene cuts), recombines it with each frame's full-size luminance and
writes the clip atomically. The output keeps the input's frame count, frame size,
timestamps and container metadata, and its luminance is the input's. Memory
stays flat in the clip's length: frames stream through in batches.

The clip is written as H.264 (VP9 in ``.webm``), which browsers play, and **the
sound is kept**: the input's audio streams are copied packet for packet.

The package holds this public module and two private ones: ``_io`` (opening,
reading and atomically writing clips, with their sound) and ``_stabilize``
(:class:`ChromaStabilizer`).
The flicker metrics are in :mod:`skcolor.metrics`.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from .._colorizer._estimator import AutoencoderColorizer
from .._colorizer._inference import (
    InferenceSettings,
    predict_color,
    recombine_bgr,
    working_size_for,
)
from .._image import as_float32, resize_batch
from .._params import Interval, Options, Param, validate_params
from ..color import COLOR_SPACES
from ._stabilize import STABILIZER_PARAMS, ChromaStabilizer, flow_luma
from ._io import (
    DEFAULT_CRF,
    VIDEO_SUFFIXES,
    WRITABLE_CONTAINERS,
    is_video,
    is_video_path,
    open_video,
    video_output_path,
    writing_video,
)

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
    "DEFAULT_CRF",
]

#: Default weight of the chroma memory carried along the motion (see ChromaStabilizer).
DEFAULT_STRENGTH = 0.9
# Pixels of full-size frames held at once: 16 frames of 640×480, one of 4K.
_BATCH_PIXELS = 8_300_000
# Working size for colorizers that do not declare one.
_FALLBACK_WORKING_SIZE = 256
#: How a clip is colorized and written: checked once, when a public function
#: (:func:`colorize_video`, :func:`colorize_clip`) is called.
_CLIP_OPTIONS = {
    **STABILIZER_PARAMS,
    "working_size": Param([Interval(int, 8, None), Options(None)]),
    "batch_size": Param([Interval(int, 1, None)]),
    "crf": Param([Interval(int, 0, 51)]),
    "overwrite": Param([Options(False, True)]),
}


@dataclass(frozen=True)
class _ClipOptions:
    """The options of one clip's colorization, with :func:`colorize_video`'s defaults."""

    strength: float = DEFAULT_STRENGTH
    motion: str = "dis"
    working_size: int = None
    batch_size: int = 16
    crf: int = DEFAULT_CRF


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
        Average frame rate, the input's (each frame keeps its own timestamp).
    cuts : list of int
        Frames at which a scene cut was detected and the smoothing restarted.
    """

    path: Path
    frames: int
    width: int
    height: int
    fps: float
    cuts: list = field(default_factory=list)


@validate_params(_CLIP_OPTIONS)
def colorize_video(src, dst, colorizer=None, *, strength=DEFAULT_STRENGTH, motion="dis",
                   working_size=None, batch_size=16, crf=DEFAULT_CRF, overwrite=False,
                   progress=None):
    """Colorize a gray (or color, read by its luminance) video clip into ``dst``.

    Parameters
    ----------
    src : str or path-like
        The clip, in any container and codec FFmpeg reads (MP4, MOV, Matroska,
        WebM, AVI, MPEG, WMV, ...). A clip whose metadata rotates it is read upright.
    dst : str or path-like
        The output clip. ``.mp4``, ``.m4v``, ``.mov`` and ``.mkv`` are written as
        H.264 (``yuv420p``), ``.webm`` as VP9; any other suffix is replaced by
        ``.mp4`` (the result's ``path`` says so). Its folder must exist.
    colorizer : fitted estimator, default=None
        A fitted :class:`~skcolor.AutoencoderColorizer` (None uses
        :func:`skcolor.load_pretrained`): its network runs as in ``predict``, so
        with ``strength=0`` each frame is what ``predict`` makes of it, whatever
        the model's ``color_space``; the stabilization blends the network's own
        channels. Anything else whose ``predict`` colorizes a batch of gray images
        ``(n, h, w, 1)`` float in [0, 1] into RGB ``(n, h, w, 3)`` works too: its
        colors are kept as YCbCr chroma on the frame's full-size luminance.
    strength : float in [0, 1), default=0.9
        Temporal stabilization: the weight of the chroma memory, carried along
        the motion, where the motion is confirmed; the output is a running
        average over about ``1 / (1 - strength)`` frames. 0 colorizes each frame
        on its own.
    motion : {"dis", "farneback", "none"}, default="dis"
        How the previous output follows the motion (see :class:`ChromaStabilizer`).
    working_size : int, default=None
        Longest side at which frames are colorized and stabilized; the chroma is
        then enlarged onto the full-size luminance. None takes the colorizer's
        ``working_size`` parameter (256 if it has none); never above the frame size.
    batch_size : int, default=16
        Frames held in memory and colorized together; fewer for large frames
        (one at a time from 4K up).
    crf : int in [0, 51], default=17
        Quality: the constant rate factor of the H.264 or VP9 encoder. Lower is
        better and larger; 17 is about visually lossless. 0 writes the frames
        losslessly, in RGB: FFV1 in ``.mkv``, lossless VP9 in ``.webm``, x264 at
        qp 0 otherwise (which decodes exactly to the colorized frames, though
        browsers do not play it).
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
        a parameter has a wrong value. Nothing is written then.
    TypeError
        If a parameter has a wrong type.
    FileExistsError
        If the output exists and ``overwrite`` is false.

    Warns
    -----
    UserWarning
        If an audio stream is re-encoded, because the output container cannot
        hold its codec (AAC, or Opus in ``.webm``); or if the frame size is odd
        and H.264 is written as 4:4:4, which browsers do not play.

    Notes
    -----
    The sound is kept: each audio stream of ``src`` is copied packet for packet,
    without re-encoding. Each frame keeps its timestamp, and the
    container's metadata (title, creation time, ...) is copied. The clip is
    written to a temporary file beside ``dst`` and renamed, so a failure leaves
    no partial clip.

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
    options = _ClipOptions(strength, motion, working_size, batch_size, crf)
    return _colorize_clip(src, dst, lambda: colorizer, options, overwrite=overwrite,
                          progress=progress)


@validate_params(_CLIP_OPTIONS)
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
        Replace ``target`` if it exists.
    progress : callable, default=None
        As in :func:`colorize_video`.
    **options
        ``strength``, ``motion``, ``working_size``, ``batch_size``, ``crf`` of
        :func:`colorize_video`, checked as it checks them; those left out take
        its defaults.

    Returns
    -------
    result : VideoResult

    Raises
    ------
    ValueError, OSError
        With a message naming the clip; nothing is written. A ValueError also
        names an option of the wrong value.
    TypeError
        If an option has a wrong type, or is not one of ``**options``.
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
    return _colorize_clip(source, target, load, _ClipOptions(**options), overwrite=overwrite,
                          progress=progress)


def _colorize_clip(source, target, load, options, *, overwrite, progress):
    """Open ``source``, then load the colorizer, then colorize the clip into ``target``."""
    with open_video(source) as reader:
        info = reader.info
        colorizer = load()
        if colorizer is None:
            from .._pretrained import load_pretrained

            colorizer = load_pretrained()
        frame_colorizer = _FrameColorizer.of(colorizer, options.working_size)
        stabilizer = ChromaStabilizer(options.strength, motion=options.motion)
        frames = iter(reader)
        target = video_output_path(target)
        # Large frames go a few at a time: memory stays bounded, and the network,
        # which sees them at working size, loses nothing.
        batch_size = max(1, min(options.batch_size, _BATCH_PIXELS // (info.width * info.height)))
        done = 0
        with writing_video(target, info, copy_from=source, crf=options.crf,
                           overwrite=overwrite) as writer:
            while batch := _next_batch(frames, batch_size):
                times, images = zip(*batch)
                for pts, frame in zip(times, frame_colorizer.colorize(images, stabilizer)):
                    writer.write(frame, pts)
                done += len(batch)
                if progress is not None:
                    progress(done, max(done, info.declared_frames))
    return VideoResult(path=target, frames=done, width=info.width, height=info.height,
                       fps=info.fps, cuts=list(stabilizer.cuts))


@dataclass(frozen=True)
class _FrameColorizer:
    """Colorizes frames as ``predict`` colorizes images, with a stabilizer in between.

    ``predict_channels`` maps a gray batch at working size to the color space's
    channels in [0, 1]; the stabilizer blends those, and ``_inference.recombine_bgr``
    puts them back on each frame's full-size luminance, within one level of what
    ``predict`` gives.
    """

    predict_channels: object
    settings: InferenceSettings

    @classmethod
    def of(cls, colorizer, working_size):
        """The network of a fitted AutoencoderColorizer, or any colorizer's ``predict``."""
        if isinstance(colorizer, AutoencoderColorizer):
            settings = colorizer._inference_settings(working_size)
            model = colorizer.model_
            return cls(lambda gray: predict_color(model, gray, settings), settings)
        get_params = getattr(colorizer, "get_params", None)
        declared = get_params().get("working_size") if get_params is not None else None
        side = working_size or declared or _FALLBACK_WORKING_SIZE
        ycbcr = COLOR_SPACES["ycbcr"]
        return cls(lambda gray: ycbcr.encode(np.asarray(colorizer.predict(as_float32(gray)))),
                   InferenceSettings("ycbcr", fixed_size=None, working_size=side, size_multiple=1))

    def colorize(self, batch, stabilizer):
        """Yield the BGR uint8 colorization of each frame of ``batch`` (BGR uint8 frames)."""
        gray = np.stack([cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) for frame in batch])[..., None]
        small = resize_batch(gray, working_size_for(*gray.shape[1:3], self.settings))
        channels = self.predict_channels(small)
        for luma, small_luma, frame_channels in zip(gray, small, channels):
            steady = stabilizer.update(small_luma[..., 0], frame_channels,
                                       flow_luma(luma, small_luma.shape[:2]))
            yield recombine_bgr(steady, luma, self.settings.color_space)


def _next_batch(frames, batch_size):
    batch = []
    for frame in frames:
        batch.append(frame)
        if len(batch) == batch_size:
            break
    return batch
