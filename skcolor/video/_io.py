"""Video files: recognize them by content, read their frames, write a clip atomically.

OpenCV's ``VideoCapture`` reads and ``VideoWriter`` writes; both go through the
FFmpeg that ships inside opencv-python-headless. Only pictures travel: OpenCV
neither reads nor writes sound, so a colorized clip has no audio track.
"""

import contextlib
import queue
import threading
import os
from dataclasses import dataclass
from pathlib import Path

import cv2

from ..io import replacing_atomically

#: File suffixes (lower case) that folder and pattern searches consider as clips;
#: whether a file is a clip is then decided by its content (:func:`is_video`).
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".wmv")

#: Containers OpenCV writes, by suffix, and the codec (FourCC) used in each. A clip
#: in any other container is written as ``.mp4``.
WRITABLE_CONTAINERS = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".mkv": "mp4v",
                       ".avi": "MJPG"}

# Leading bytes of the containers FFmpeg reads: (offset, bytes).
_SIGNATURES = (
    (4, b"ftyp"),                       # MP4, MOV, M4V, 3GP (ISO base media)
    (0, b"\x1a\x45\xdf\xa3"),           # Matroska, WebM (EBML)
    (0, b"\x00\x00\x01\xba"),           # MPEG program stream
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),  # ASF (WMV)
    (0, b"FLV"),
)
# A clip that ends before this share of the frames its header declares is damaged.
_MIN_SHARE_OF_DECLARED_FRAMES = 0.9


@dataclass(frozen=True)
class VideoInfo:
    """What a clip's header says: frame size, rate and (approximate) frame count."""

    width: int
    height: int
    fps: float
    declared_frames: int


def is_video(path):
    """Whether ``path`` is a video file, judged by its first bytes, not its name.

    Recognizes the ISO base media (MP4, MOV, M4V), Matroska/WebM, AVI, MPEG-PS,
    MPEG-TS, ASF (WMV) and FLV containers. Unreadable paths and folders are not
    videos.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    bool

    Examples
    --------
    >>> from pathlib import Path
    >>> import skcolor
    >>> clips = Path(skcolor.__file__).parents[1] / "tests" / "data" / "video"
    >>> is_video(clips / "signing.mp4"), is_video(clips / "SOURCES.md")
    (True, False)
    """
    try:
        with open(path, "rb") as file:
            head = file.read(189)
    except OSError:
        return False
    if any(head[offset:offset + len(magic)] == magic for offset, magic in _SIGNATURES):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return True
    return len(head) > 188 and head[0] == head[188] == 0x47  # MPEG transport stream


def is_video_path(path):
    """Whether to treat ``path`` as a clip: a video by content, or named like one.

    A file named like a clip (:data:`VIDEO_SUFFIXES`) whose content is not one
    is a damaged clip, to be reported as such rather than read as an image.
    """
    return is_video(path) or Path(path).suffix.lower() in VIDEO_SUFFIXES


def video_output_path(path):
    """``path``, or the same name with ``.mp4`` if OpenCV cannot write its container."""
    path = Path(path)
    return path if path.suffix.lower() in WRITABLE_CONTAINERS else path.with_suffix(".mp4")


def open_video(path):
    """An opened ``cv2.VideoCapture`` and the clip's :class:`VideoInfo`.

    Raises
    ------
    ValueError
        If OpenCV cannot open ``path`` as a clip, or it has no frame size or rate.
    """
    name = os.fspath(path)
    if not Path(path).is_file():
        raise ValueError(f"{name}: no such file")
    capture = cv2.VideoCapture(name)
    if not capture.isOpened():
        capture.release()
        raise ValueError(f"{name}: cannot be read as a video (damaged, or not a clip)")
    info = VideoInfo(
        width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
        height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        fps=float(capture.get(cv2.CAP_PROP_FPS)),
        declared_frames=max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT))),
    )
    if info.width < 1 or info.height < 1 or not info.fps > 0:
        capture.release()
        raise ValueError(f"{name}: cannot be read as a video (no frame size or frame rate)")
    return capture, info


def read_frames(capture, info, name):
    """Yield the clip's frames, BGR uint8 ``(H, W, 3)``, and release ``capture`` at the end.

    Raises
    ------
    ValueError
        If the clip holds no frame, a frame changes size, or the clip ends well
        before the frame count its header declares (a truncated file).
    """
    count = 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            if frame.shape[:2] != (info.height, info.width):
                raise ValueError(f"{name}: frame {count} is {frame.shape[1]}×{frame.shape[0]}, "
                                 f"not {info.width}×{info.height} like the clip; damaged")
            count += 1
            yield frame
    finally:
        capture.release()
    if count == 0:
        raise ValueError(f"{name}: holds no readable frame (damaged, or not a clip)")
    if count < _MIN_SHARE_OF_DECLARED_FRAMES * info.declared_frames - 1:
        raise ValueError(f"{name}: ends after {count} of the {info.declared_frames} frames its "
                         "header declares; the file is truncated or damaged")


@contextlib.contextmanager
def writing_video(path, info, *, overwrite=False):
    """A writer (``write(frame)``) whose clip becomes ``path`` only if the block succeeds.

    Frames are encoded by a ``cv2.VideoWriter`` on a thread of its own (see
    :class:`_EncodingThread`).

    The clip is written to a hidden temporary file beside ``path`` and renamed
    over it at the end; on any error the temporary file is removed and ``path``
    is left as it was.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is false (checked again at the rename).
    ValueError
        If OpenCV cannot write a clip with ``path``'s suffix.
    """
    path = Path(path)
    fourcc = WRITABLE_CONTAINERS.get(path.suffix.lower())
    if fourcc is None:
        raise ValueError(f"cannot write a clip named {os.fspath(path)}: use one of "
                         f"{', '.join(WRITABLE_CONTAINERS)}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{os.fspath(path)} exists; pass overwrite=True to replace it")
    with replacing_atomically(path) as temporary:
        writer = cv2.VideoWriter(os.fspath(temporary), cv2.VideoWriter_fourcc(*fourcc),
                                 info.fps, (info.width, info.height))
        try:
            if not writer.isOpened():
                raise ValueError(f"OpenCV cannot write a {fourcc} clip to {os.fspath(path)}")
            encoder = _EncodingThread(writer)
            try:
                yield encoder
            finally:
                encoder.close()
        finally:
            writer.release()
        if path.exists() and not overwrite:  # appeared while this clip was written
            raise FileExistsError(f"{os.fspath(path)} exists; pass overwrite=True to replace it")


class _EncodingThread:
    """Encodes frames on a thread of its own while the caller prepares the next ones.

    Encoding a 4K frame takes longer than decoding and colorizing it; OpenCV
    releases the GIL while it encodes, so the two overlap on two cores. At most
    ``depth`` frames wait, which bounds the memory. An encoding error is raised
    by the next ``write`` or by ``close``.
    """

    def __init__(self, writer, depth=2):
        self._writer = writer
        self._queue = queue.Queue(depth)
        self._error = None
        self._thread = threading.Thread(target=self._run, name="skcolor-encoder", daemon=True)
        self._thread.start()

    def _run(self):
        while (frame := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._writer.write(frame)
                except Exception as exc:  # handed to the caller's thread
                    self._error = exc

    def write(self, frame):
        if self._error is not None:
            raise self._error
        self._queue.put(frame)

    def close(self):
        """Encode what waits, stop the thread, and raise its error if it had one."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
