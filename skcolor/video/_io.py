"""Video files: recognize them by content, read their frames, write a clip atomically.

Clips are read and written through FFmpeg's libraries, which PyAV binds and
ships in its wheels. Any container and codec FFmpeg decodes can be read; each
frame keeps its timestamp, so that clips of variable frame rate keep their
timing, and frames whose metadata asks for a rotation come out upright. Clips
are written as browser-playable H.264 (``yuv420p``) or VP9, or losslessly, and
the input's sound (and subtitles) copied packet for packet (see
:func:`writing_video`).
"""

import contextlib
import io
import os
import queue
import threading
import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..io import replacing_atomically

#: File suffixes (lower case) that folder and pattern searches consider as clips;
#: whether a file is a clip is then decided by its content (:func:`is_video`).
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".wmv")

#: Containers written, by suffix, and the video codec written in each. A clip in
#: any other container is written as ``.mp4``.
WRITABLE_CONTAINERS = {".mp4": "h264", ".m4v": "h264", ".mov": "h264", ".mkv": "h264",
                       ".webm": "vp9"}

#: Default constant rate factor: about visually lossless for H.264 and VP9.
DEFAULT_CRF = 17

# FFmpeg's muxer for each written suffix: the temporary file's name hides it.
_MUXERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska", ".webm": "webm"}

# Leading bytes of the containers FFmpeg reads: (offset, bytes).
_SIGNATURES = (
    (4, b"ftyp"),                       # MP4, MOV, M4V, 3GP (ISO base media)
    (0, b"\x1a\x45\xdf\xa3"),           # Matroska, WebM (EBML)
    (0, b"\x00\x00\x01\xba"),           # MPEG program stream
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),  # ASF (WMV)
    (0, b"FLV"),
)
# A clip that ends before this share of the frames (or the duration) its header
# declares is damaged.
_MIN_SHARE_OF_DECLARED_FRAMES = 0.9
# Container metadata that describes the file FFmpeg wrote, not the clip: not copied.
_FILE_METADATA = {"major_brand", "minor_version", "compatible_brands", "encoder"}
# VP9 at cpu-used 4 with row threading encodes a 640×480 frame in about 20 ms on
# two busy cores, at about x264's size for the same crf.
_VP9_SPEED = {"row-mt": "1", "deadline": "good", "cpu-used": "4"}
# Encoder settings by video codec: (encoder, options, pixel format).
_ENCODERS = {
    "h264": ("libx264", {}, "yuv420p"),
    "vp9": ("libvpx-vp9", {"b": "0", **_VP9_SPEED}, "yuv420p"),
}
# Lossless encoders by suffix: RGB in, so that the frames decode exactly.
_LOSSLESS_ENCODERS = {
    ".mkv": ("ffv1", {}, "bgr0"),
    ".webm": ("libvpx-vp9", {"lossless": "1", **_VP9_SPEED}, "gbrp"),
}
_LOSSLESS_DEFAULT = ("libx264rgb", {"qp": "0"}, "bgr24")
# Above full HD, x264's default preset encodes a 4K frame in about 0.4 s on two
# busy cores and holds about 1.2 GB of frames in flight (look-ahead, B-frames, frame
# threads). "veryfast" without look-ahead or B-frames ("zerolatency") encodes about
# four times faster and holds about 0.3 GB, for a file about 1.6 times as large at
# the same crf (the same quality): at 4K the time and the memory weigh more.
_LARGE_FRAME_PIXELS = 1920 * 1088
_LARGE_FRAME_X264 = {"preset": "veryfast", "tune": "zerolatency"}


@dataclass(frozen=True)
class VideoInfo:
    """What a clip's first frame and header say.

    Attributes
    ----------
    width, height : int
        Frame size, upright (after the rotation its metadata asks for).
    fps : float
        Average frame rate.
    declared_frames : int
        Frame count from the header; approximate, 0 where unknown.
    time_base : fractions.Fraction
        Unit of the frames' timestamps, in seconds.
    metadata : dict
        The container's metadata (title, creation time, ...).
    """

    width: int
    height: int
    fps: float
    declared_frames: int = 0
    time_base: Fraction = Fraction(1, 90000)
    metadata: dict = None


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

    Parameters
    ----------
    path : str or path-like
        An input file.

    Returns
    -------
    is_clip : bool
    """
    return is_video(path) or Path(path).suffix.lower() in VIDEO_SUFFIXES


def video_output_path(path):
    """``path``, or the same name with ``.mp4`` if its container is not written.

    Parameters
    ----------
    path : str or path-like
        The output a user asked for.

    Returns
    -------
    path : pathlib.Path
        ``path`` if its suffix is one of :data:`WRITABLE_CONTAINERS` (in any
        case), else ``path`` with the suffix ``.mp4``.

    Examples
    --------
    >>> video_output_path("clip.MKV").name, video_output_path("clip.avi").name
    ('clip.MKV', 'clip.mp4')
    """
    path = Path(path)
    return path if path.suffix.lower() in WRITABLE_CONTAINERS else path.with_suffix(".mp4")


class VideoReader:
    """The frames of a clip, decoded by FFmpeg, with their timestamps.

    Opening decodes the first frame, so that a file that is no clip fails here,
    before any model is loaded. Iterating yields ``(pts, frame)``: the frame's
    timestamp in units of ``info.time_base`` and the frame, BGR uint8
    ``(H, W, 3)``, upright. Use it as a context manager, or call :meth:`close`.

    Parameters
    ----------
    path : str or path-like

    Attributes
    ----------
    info : VideoInfo

    Raises
    ------
    ValueError
        If ``path`` is missing, holds no video stream or no decodable frame.
    """

    def __init__(self, path):
        import av

        self.name = os.fspath(path)
        if not Path(path).is_file():
            raise ValueError(f"{self.name}: no such file")
        try:
            self._container = av.open(self.name, metadata_errors="replace")
        except av.FFmpegError as exc:
            raise ValueError(f"{self.name}: cannot be read as a video (damaged, or not a clip: "
                             f"{exc})") from exc
        try:
            self._open_stream()
        except BaseException:
            self._container.close()
            raise

    def _open_stream(self):
        if not self._container.streams.video:
            raise ValueError(f"{self.name}: cannot be read as a video (it holds no video stream)")
        stream = self._container.streams.video[0]
        stream.thread_type = "AUTO"  # FFmpeg decodes on threads of its own
        self._frames = self._decoded(stream)
        self._decoder = None
        self._first = next(self._frames, None)
        if self._first is None:
            raise ValueError(f"{self.name}: holds no readable frame (damaged, or not a clip)")
        height, width = self._first[1].shape[:2]
        rate = stream.average_rate or stream.guessed_rate or 0
        time_base = stream.time_base or Fraction(1, 90000)
        # The header's frame count where it has one (MP4, MOV), else its duration
        # (Matroska, WebM): a clip that ends well before either is truncated.
        self._counted = stream.frames > 0
        self._duration = (float(stream.duration * time_base) if stream.duration
                          else (self._container.duration or 0) / 1_000_000)
        declared = stream.frames or int(self._duration * rate)
        self.info = VideoInfo(width, height, float(rate), max(0, declared), time_base,
                              dict(self._container.metadata))
        self._start = self._first[0]
        if not self.info.fps > 0:
            raise ValueError(f"{self.name}: cannot be read as a video (no frame rate)")

    def _decoded(self, stream):
        """``(pts, BGR frame)`` in order, timestamps made strictly increasing."""
        import av

        last, index = None, 0
        try:
            for index, frame in enumerate(self._container.decode(stream)):
                pts = frame.pts if frame.pts is not None else frame.best_effort_timestamp
                if pts is None or (last is not None and pts <= last):
                    # No timestamp, or one out of order: the next tick keeps the order
                    # the encoder needs.
                    pts = 0 if last is None else last + 1
                last = pts
                image = frame.to_ndarray(format="bgr24")
                # The display matrix's angle is counter-clockwise, as np.rot90 turns.
                turns = round((frame.rotation or 0) / 90) % 4
                yield pts, np.ascontiguousarray(np.rot90(image, turns)) if turns else image
        except av.FFmpegError as exc:
            raise ValueError(f"{self.name}: frame {index} cannot be decoded (damaged: "
                             f"{exc})") from exc

    def __iter__(self):
        """Yield ``(pts, frame)``; raise ValueError for a damaged or truncated clip."""
        info, count, pts = self.info, 0, self._start
        try:
            if self._first is not None:
                first, self._first = self._first, None
                yield first
                count += 1
            self._decoder = _DecodingThread(self._frames)
            for pts, frame in self._decoder:
                if frame.shape[:2] != (info.height, info.width):
                    raise ValueError(f"{self.name}: frame {count} is {frame.shape[1]}×"
                                     f"{frame.shape[0]}, not {info.width}×{info.height} like "
                                     "the clip; damaged")
                count += 1
                yield pts, frame
        finally:
            self.close()
        seconds = float((pts - self._start) * info.time_base) + 1 / info.fps
        if (count < _MIN_SHARE_OF_DECLARED_FRAMES * info.declared_frames - 1 if self._counted
                else seconds < _MIN_SHARE_OF_DECLARED_FRAMES * self._duration - 1 / info.fps):
            raise ValueError(f"{self.name}: ends after {count} frames ({seconds:.2f} s) of the "
                             f"{info.declared_frames} ({self._duration:.2f} s) its header "
                             "declares; the file is truncated or damaged")

    def close(self):
        """Close the file (reading stops)."""
        if self._decoder is not None:
            self._decoder.close()  # before the file it reads is closed
        self._container.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def open_video(path):
    """A :class:`VideoReader` of ``path`` (which see)."""
    return VideoReader(path)


def _video_encoder(suffix, crf, width, height):
    """``(encoder, options, pixel format)`` for a clip named ``*suffix``."""
    if crf == 0:
        return _LOSSLESS_ENCODERS.get(suffix, _LOSSLESS_DEFAULT)
    encoder, options, pixel_format = _ENCODERS[WRITABLE_CONTAINERS[suffix]]
    if encoder == "libx264" and (width % 2 or height % 2):
        # 4:2:0 chroma needs an even size; 4:4:4 keeps the size, though browsers
        # play only 4:2:0 H.264.
        warnings.warn(f"a {width}×{height} clip has an odd side: written as 4:4:4 H.264, "
                      "which browsers do not play; an even size plays everywhere",
                      UserWarning, stacklevel=4)
        pixel_format = "yuv444p"
    if encoder == "libx264" and width * height > _LARGE_FRAME_PIXELS:
        options = {**options, **_LARGE_FRAME_X264}
    return encoder, {**options, "crf": str(crf)}, pixel_format


@contextlib.contextmanager
def writing_video(path, info, *, copy_from=None, crf=DEFAULT_CRF, overwrite=False):
    """A writer (``write(frame, pts)``) whose clip becomes ``path`` only if the block succeeds.

    Frames (BGR uint8 ``(H, W, 3)``) are encoded on a thread of its own (see
    :class:`_EncodingThread`), each at its timestamp ``pts`` in units of
    ``info.time_base``. ``.mp4``, ``.m4v``, ``.mov`` and ``.mkv`` clips are written
    as H.264 ``yuv420p``, ``.webm`` as VP9, at the constant rate factor ``crf``;
    ``crf=0`` writes the frames losslessly in RGB (FFV1 in ``.mkv``, lossless VP9
    in ``.webm``, x264 at qp 0 otherwise). ``info.metadata`` is copied.

    The audio streams of ``copy_from`` (a clip) are copied packet for packet
    where the container can hold their codec, and re-encoded (AAC, or Opus in
    ``.webm``) with a warning where it cannot; its subtitle streams are copied
    where the container can hold them, and left out with a warning otherwise.

    The clip is written to a hidden temporary file beside ``path`` and renamed
    over it at the end; on any error the temporary file is removed and ``path``
    is left as it was.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is false (checked again at the rename).
    ValueError
        If no clip is written with ``path``'s suffix, or the sound cannot be read.
    """
    import av

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITABLE_CONTAINERS:
        raise ValueError(f"cannot write a clip named {os.fspath(path)}: use one of "
                         f"{', '.join(WRITABLE_CONTAINERS)}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{os.fspath(path)} exists; pass overwrite=True to replace it")
    encoder, options, pixel_format = _video_encoder(suffix, crf, info.width, info.height)
    with replacing_atomically(path) as temporary:
        output = av.open(os.fspath(temporary), "w", format=_MUXERS[suffix])
        copies = None
        try:
            output.metadata.update({key: value for key, value in (info.metadata or {}).items()
                                    if key.lower() not in _FILE_METADATA})
            stream = output.add_stream(encoder, rate=Fraction(info.fps).limit_denominator(1001000),
                                       options=options)
            stream.width, stream.height, stream.pix_fmt = info.width, info.height, pixel_format
            stream.time_base = stream.codec_context.time_base = info.time_base
            if copy_from is not None:
                copies = _StreamCopy(copy_from, output, path.name)
            encoder_thread = _EncodingThread(_FrameMuxer(output, stream, info.time_base, copies))
            try:
                yield encoder_thread
            except BaseException:
                encoder_thread.close(finish=False)  # the clip is discarded
                raise
            encoder_thread.close()
        except av.FFmpegError as exc:
            raise ValueError(f"cannot write {os.fspath(path)}: {exc}") from exc
        finally:
            if copies is not None:
                copies.close()
            output.close()
        if path.exists() and not overwrite:  # appeared while this clip was written
            raise FileExistsError(f"{os.fspath(path)} exists; pass overwrite=True to replace it")


class _FrameMuxer:
    """Encodes frames into ``stream`` and interleaves the copied streams with them."""

    def __init__(self, output, stream, time_base, copies):
        self._output, self._stream, self._time_base = output, stream, time_base
        self._copies = copies

    def write(self, frame, pts):
        import av

        picture = av.VideoFrame.from_ndarray(frame, format="bgr24")
        picture.pts, picture.time_base = pts, self._time_base
        self._mux(self._stream.encode(picture))

    def finish(self):
        """Flush the encoder, then the rest of the copied streams."""
        self._mux(self._stream.encode(None))
        if self._copies is not None:
            self._copies.copy_until(None)

    def _mux(self, packets):
        for packet in packets:
            if self._copies is not None and packet.dts is not None:
                # The sound up to this picture goes first: the file interleaves
                # as a player reads it.
                self._copies.copy_until(packet.dts * packet.time_base)
            self._output.mux(packet)


class _StreamCopy:
    """The audio and subtitle streams of ``source``, copied into ``output``.

    Audio the output container cannot hold is re-encoded, subtitles it cannot
    hold are left out, each with a warning. Streams are added to ``output`` at
    once, before its header is written; :meth:`copy_until` then muxes the
    packets up to a time, so that they interleave with the pictures.
    """

    def __init__(self, source, output, name):
        import av

        self._name = os.fspath(source)
        try:
            self._input = av.open(self._name, metadata_errors="replace")
        except av.FFmpegError as exc:
            raise ValueError(f"{self._name}: cannot copy its sound ({exc})") from exc
        self._output = output
        self._streams = {}  # input stream index → (output stream, re-encoded)
        try:
            self._add_streams(name)
        except BaseException:
            self._input.close()
            raise
        copied = [self._input.streams[index] for index in self._streams]
        self._packets = self._input.demux(*copied) if copied else iter(())
        self._waiting = None

    def _add_streams(self, name):
        output = self._output
        for subtitles in self._input.streams.subtitles:
            if _holds(output.format.name, subtitles):
                self._streams[subtitles.index] = (output.add_stream_from_template(subtitles),
                                                  False)
                self._streams[subtitles.index][0].metadata.update(subtitles.metadata)
            else:
                warnings.warn(f"{name}: its container cannot hold the subtitles of "
                              f"{self._name} (stream {subtitles.index}); they are left out",
                              UserWarning, stacklevel=5)
        for audio in self._input.streams.audio:
            if audio.codec_context is None or audio.codec_context.name is None:
                continue
            if _holds(output.format.name, audio):
                copy = output.add_stream_from_template(audio)
                self._streams[audio.index] = (copy, False)
            else:
                codec = "libopus" if output.format.name == "webm" else "aac"
                rate = 48000 if codec == "libopus" else audio.rate
                layout = audio.layout.name if audio.layout.nb_channels <= 2 else "stereo"
                encoded = output.add_stream(codec, rate=rate, layout=layout)
                self._streams[audio.index] = (encoded, True)
                warnings.warn(f"{name}: its container cannot hold the "
                              f"{audio.codec_context.name} sound of {self._name}; "
                              f"re-encoded as {codec.removeprefix('lib')}",
                              UserWarning, stacklevel=5)
            self._streams[audio.index][0].metadata.update(audio.metadata)

    def copy_until(self, seconds):
        """Mux the packets that start before ``seconds`` (all of them for None)."""
        import av

        try:
            while (packet := self._next_packet()) is not None:
                if (seconds is not None and packet.dts is not None
                        and packet.dts * packet.time_base > seconds):
                    self._waiting = packet  # the next call starts with it
                    return
                self._copy(packet)
            if seconds is None:
                for stream, reencoded in self._streams.values():
                    if reencoded:
                        self._output.mux(stream.encode(None))
        except av.FFmpegError as exc:
            raise ValueError(f"{self._name}: cannot copy its sound ({exc})") from exc

    def _next_packet(self):
        packet, self._waiting = self._waiting, None
        return packet if packet is not None else next(self._packets, None)

    def _copy(self, packet):
        stream, reencoded = self._streams[packet.stream.index]
        if not reencoded:
            if packet.size == 0:  # the demuxer's end-of-stream marker
                return
            packet.stream = stream
            self._output.mux(packet)
            return
        for frame in packet.decode():
            frame.pts = None  # the encoder numbers its own samples
            self._output.mux(stream.encode(frame))

    def close(self):
        self._input.close()


def _holds(container_format, stream):
    """Whether FFmpeg writes ``stream``'s packets, as they are, into ``container_format``.

    A trial header, written in memory, asks the muxer itself: the codec lists
    containers declare are wider than what their muxers accept (Opus in MOV).
    """
    import av

    trial = av.open(io.BytesIO(), "w", format=container_format)
    try:
        trial.add_stream_from_template(stream)
        trial.start_encoding()
        return True
    except (av.FFmpegError, ValueError):
        return False
    finally:
        with contextlib.suppress(av.FFmpegError, ValueError):
            trial.close()


class _DecodingThread:
    """Decodes frames on a thread of its own, up to ``depth`` ahead of the caller.

    FFmpeg decodes and converts to BGR without the GIL, so reading overlaps with
    colorizing. Iterating yields the items of ``frames`` in order and raises the
    error that ended them; :meth:`close` stops the thread early.
    """

    _END = object()

    def __init__(self, frames, depth=2):
        self._queue = queue.Queue(depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(frames,),
                                        name="skcolor-decoder", daemon=True)
        self._thread.start()

    def _run(self, frames):
        try:
            for item in frames:
                if not self._put(item):
                    return
            self._put((self._END, None))
        except Exception as exc:  # handed to the caller's thread
            self._put((self._END, exc))

    def _put(self, item):
        """Queue ``item`` unless the caller has stopped reading; whether it was queued."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        while (item := self._queue.get())[0] is not self._END:
            yield item
        if item[1] is not None:
            raise item[1]

    def close(self):
        """Stop decoding and wait for the thread."""
        self._stop.set()
        self._thread.join()


class _EncodingThread:
    """Encodes frames on a thread of its own while the caller prepares the next ones.

    Encoding a 4K frame takes longer than decoding and colorizing it; FFmpeg
    releases the GIL while it encodes, so the two overlap. At most ``depth``
    frames wait, which bounds the memory. An encoding error is raised by the
    next ``write`` or by ``close``.
    """

    def __init__(self, muxer, depth=2):
        self._muxer = muxer
        self._queue = queue.Queue(depth)
        self._error = None
        self._thread = threading.Thread(target=self._run, name="skcolor-encoder", daemon=True)
        self._thread.start()

    def _run(self):
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._muxer.write(*item)
                except Exception as exc:  # handed to the caller's thread
                    self._error = exc

    def write(self, frame, pts):
        """Queue ``frame`` (BGR uint8) for encoding at timestamp ``pts``."""
        if self._error is not None:
            raise self._error
        self._queue.put((frame, pts))

    def close(self, *, finish=True):
        """Encode what waits, stop the thread, and raise its error if it had one.

        With ``finish``, the encoder is then flushed and the clip completed.
        """
        self._queue.put(None)
        self._thread.join()
        if not finish:
            return
        if self._error is not None:
            raise self._error
        self._muxer.finish()
