"""Video colorization: speed, flicker, quality and memory of ``skcolor.video.colorize_video``.

What it measures
----------------
On gray copies of the real color clips in ``../shared/data/video`` (or
``$SKCOLOR_DATA/video``; CC BY 4.0), colorized by the shipped model
(``skcolor.load_pretrained()``):

1. **Steadiness and quality** of three methods, on every clip (and two panned
   crops): frame by frame (``strength=0``), the plain running average (0.3 of the
   new prediction, 0.7 of the previous output, no motion), and ours (the default
   chroma memory along the motion). For each: flicker against the true clip
   (``skcolor.metrics.flicker``), the warp error (Lai et al. 2018, along the gray input's motion),
   CDC (Liu et al. 2021), the truth-free ``still_flicker``, the dataset PSNR
   against the true clip, and their ratios (differences for PSNR) to frame by
   frame. Long clips are cut to ``--max-frames`` frames.
2. **Speed**: frames/s of the whole ``colorize_video`` (decode, colorize,
   stabilize, encode) on the 640×480 clips, default settings (target ≥ 15 on 2
   CPU cores), and of frame by frame.
3. **The floor**: the flicker of a perfectly steady output as written (the
   truth's luminance with its mean chroma, through the same writer as every
   output), which no method can go below, and its ratio to frame by frame.
4. **Clips at the edges**: a 40-frame 4K clip in a fresh process (frames/s,
   resident memory) and an 8×6 clip.
5. **Memory against clip length**: the resident set size of a fresh process,
   sampled after every batch while it colorizes the first N frames of the longest
   clip, for several N (target: flat). Not ``ru_maxrss``: on Linux a child
   inherits its parent's peak, and loading the model sets the process's peak.
6. **Frames, size and rate kept** on every clip (all frames, not cut).

The codec
---------
Every clip is read and written as ``skcolor.video.colorize_video`` reads and
writes it, through ``skcolor.video._io`` (FFmpeg by PyAV): H.264 ``yuv420p`` at
the default constant rate factor (CRF 17, ``DEFAULT_CRF``), each frame at its
source timestamp, so that what is measured is what a user gets. That holds for
the gray copies fed in, every method's output (the running average included),
the steady floor and the edge clips. The gray copies are written at the default
CRF too, not losslessly: the gray film a user has is compressed already, and
every method sees the same copy. The record's ``"codec"`` says which writer ran.

How to run
----------
From the repository root (about 15 minutes without the memory part on 2 CPU cores
at load 5, most of it the quality part)::

    python benchmarks/video.py                  # writes benchmarks/records/video.json
    python benchmarks/video.py --max-frames 30 --skip memory,kept --out /tmp/v.json  # quick

Not run by pytest; the machine may be shared, so the load average is recorded.
"""

import argparse
import dataclasses
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
for _path in (REPO, BENCHMARKS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

DATA = Path(os.environ.get("SKCOLOR_DATA", REPO.parent / "shared" / "data"))

from skcolor.video._io import DEFAULT_CRF, VideoInfo, open_video, writing_video  # noqa: E402

#: How every clip here is written: colorize_video's writer at its default quality.
CODEC = f"libx264 crf {DEFAULT_CRF} yuv420p"

# The three methods compared: name -> colorize_video keyword arguments, or None for
# the plain running average below.
METHODS = {
    "frame by frame": {"strength": 0.0},
    "running average": None,
    "ours (default)": {},
}
DEFAULT = "ours (default)"
# The plain running average: per pixel, 0.3 of the new prediction and 0.7 of the
# previous output, with no motion and no reset.
_RUNNING_NEW = 0.3


class RunningAverage:
    """The plain running average of the chroma, as a stabilizer (the baseline to beat)."""

    def __init__(self):
        self.cuts, self._memory = [], None

    def update(self, luma, chroma, flow_luma=None):
        if self._memory is not None:
            chroma = _RUNNING_NEW * chroma + (1 - _RUNNING_NEW) * self._memory
        self._memory = chroma
        return chroma


def colorize_method(name, source, target, colorizer):
    """Colorize ``source`` into ``target`` by the method ``name``; frames written.

    All three go through ``colorize_video``'s reader and writer; the running
    average only swaps the stabilizer.
    """
    from skcolor.video import colorize_video

    if METHODS[name] is not None:
        return colorize_video(source, target, colorizer, overwrite=True, **METHODS[name]).frames
    from skcolor.video import _FrameColorizer, _next_batch

    stabilizer = RunningAverage()
    frame_colorizer = _FrameColorizer.of(colorizer, None)
    done = 0
    with open_video(source) as reader:
        frames = iter(reader)
        with writing_video(target, reader.info, overwrite=True) as writer:
            while batch := _next_batch(frames, 16):
                times, images = zip(*batch)
                for pts, frame in zip(times, frame_colorizer.colorize(images, stabilizer)):
                    writer.write(frame, pts)
                done += len(batch)
    return done


@dataclasses.dataclass
class Clip:
    """RGB uint8 frames ``(n, H, W, 3)``, the reader's ``VideoInfo`` and each frame's
    timestamp (in ``info.time_base``), as ``skcolor.video._io`` reads them."""

    frames: np.ndarray
    info: object
    pts: list


def read_timed_clip(path, max_frames=None):
    """The first ``max_frames`` frames (all for None) of a clip, read as colorize_video
    reads them (FFmpeg, BGR, upright), as a :class:`Clip` of RGB frames."""
    frames, pts = [], []
    with open_video(path) as reader:
        info = reader.info
        for stamp, frame in itertools.islice(reader, max_frames):
            pts.append(stamp)
            frames.append(frame[..., ::-1])
    return Clip(np.stack(frames), info, pts)


def read_clip(path, max_frames=None):
    """RGB uint8 frames of a clip (read as colorize_video reads them), and its rate."""
    clip = read_timed_clip(path, max_frames)
    return clip.frames, clip.info.fps


def write_clip(path, frames, timing, *, crf=DEFAULT_CRF):
    """RGB uint8 ``frames`` (an array, or any iterable: 4K frames stream) written
    through colorize_video's writer at its default quality.

    ``timing`` is a :class:`Clip`, whose rate and timestamps the frames keep, or a
    frame rate (evenly spaced timestamps).
    """
    if isinstance(timing, Clip):
        info, pts = timing.info, timing.pts
    else:
        info = VideoInfo(0, 0, float(timing), time_base=Fraction(1, 90000))
        pts = (round(n * 90000 / timing) for n in itertools.count())
    frames = iter(frames)
    first = next(frames)
    height, width = first.shape[:2]
    info = dataclasses.replace(info, width=width, height=height, metadata=None)
    with writing_video(path, info, crf=crf, overwrite=True) as writer:
        for stamp, frame in zip(pts, itertools.chain([first], frames)):
            writer.write(np.ascontiguousarray(frame[..., ::-1]), stamp)


def gray_frames(frames):
    """The BT.601 gray of each RGB frame, as three equal channels (a generator)."""
    for frame in frames:
        yield cv2.cvtColor(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)


def write_gray_copy(frames, timing, path):
    """The BT.601 gray of RGB ``frames``, written as every clip here (see the codec);
    ``timing`` as in :func:`write_clip`."""
    write_clip(path, gray_frames(frames), timing)


def test_clips(clips, max_frames):
    """``(name, Clip)`` of each clip cut to ``max_frames``, and two panned ones.

    The shared clips are shot from a still camera. The panned ones crop a 3/4-size
    window that slides sideways by 2 or 3 pixels a frame over a clip (60 frames),
    to see the camera move.
    """
    for clip in clips:
        yield clip.name, read_timed_clip(clip, max_frames)
    for name, step in (("sister.mkv", 2), ("one-by-one-person-detection.mp4", 3)):
        clip = read_timed_clip(DATA / "video" / name, 60)
        height, width = clip.frames.shape[1:3]
        crop_h, crop_w = height * 3 // 4, width * 3 // 4
        top = (height - crop_h) // 2
        panned = np.stack([frame[top:top + crop_h, i * step:i * step + crop_w]
                           for i, frame in enumerate(clip.frames)])
        yield f"{name} panned {step} px/frame", dataclasses.replace(clip, frames=panned)


def quality(clips, max_frames, folder, colorizer):
    from skcolor.metrics import (
        clip_flow,
        color_distribution_consistency,
        dataset_psnr,
        flicker,
        still_flicker,
        warp_error,
    )

    rows = []
    for clip_name, clip in test_clips(clips, max_frames):
        truth = clip.frames
        gray_path = Path(folder) / "gray.mp4"
        write_gray_copy(truth, clip, gray_path)
        gray, _ = read_clip(gray_path)
        # Every output is measured along one motion: the gray input's.
        flows = list(clip_flow(gray))
        row = {"clip": clip_name, "frames": len(truth), "size": list(truth.shape[2:0:-1]),
               "gray_psnr": dataset_psnr(truth, gray),
               # What a perfectly steady output (constant chroma) scores before any
               # writer: the truth's own chroma change (its source codec's noise
               # included), which no colorization of gray frames can know. The floor
               # as written is codec_floor's.
               "steady_floor_flicker": flicker(np.full_like(truth, 128), truth),
               "methods": {}}
        for name in METHODS:
            out = Path(folder) / f"out-{len(row['methods'])}.mp4"
            start = time.perf_counter()
            frames = colorize_method(name, gray_path, out, colorizer)
            seconds = time.perf_counter() - start
            video, _ = read_clip(out)
            row["methods"][name] = {
                "flicker": flicker(video, truth), "still_flicker": still_flicker(video),
                "warp_error": warp_error(video, flow=flows),
                "cdc": color_distribution_consistency(video),
                "psnr": dataset_psnr(truth, video), "frames_per_s": frames / seconds,
            }
            out.unlink()
        base = row["methods"]["frame by frame"]
        row["steady_floor_ratio"] = row["steady_floor_flicker"] / base["flicker"]
        for values in row["methods"].values():
            for key in ("flicker", "warp_error", "cdc"):
                values[f"{key}_ratio"] = values[key] / base[key]
            values["psnr_minus_frame_by_frame"] = values["psnr"] - base["psnr"]
        rows.append(row)
        print(json.dumps(_short(row)), flush=True)
    return rows


def codec_floor(clips, max_frames, folder, quality_rows=None):
    """Per clip, the flicker of a perfectly steady output *as written*: the truth's
    luminance with its mean chroma, through the same writer as every output. No
    method can go below it. ``"flicker_unwritten"`` is the same frames' before the
    writer: the difference is what the codec adds. With the quality rows of the same
    clips, each row also has ``"ratio"`` and ``"ratio_unwritten"``: those flickers
    over frame by frame's."""
    from skcolor.color import rgb_to_ycbcr, ycbcr_to_rgb
    from skcolor.metrics import flicker

    base = {row["clip"]: row["methods"]["frame by frame"]["flicker"]
            for row in quality_rows or ()}
    rows = []
    for clip_name, clip in test_clips(clips, max_frames):
        truth = clip.frames
        ycbcr = rgb_to_ycbcr(truth)
        steady = ycbcr_to_rgb(ycbcr[..., :1], np.broadcast_to(
            ycbcr[..., 1:].mean(axis=(0, 1, 2)), ycbcr[..., 1:].shape).astype(np.float32))
        steady = np.rint(steady * 255).astype(np.uint8)
        path = Path(folder) / "steady.mp4"
        write_clip(path, steady, clip)
        rows.append({"clip": clip_name, "flicker": flicker(read_clip(path)[0], truth),
                     "flicker_unwritten": flicker(steady, truth)})
        if clip_name in base:
            rows[-1]["ratio"] = rows[-1]["flicker"] / base[clip_name]
            rows[-1]["ratio_unwritten"] = rows[-1]["flicker_unwritten"] / base[clip_name]
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _short(row):
    return {"clip": row["clip"], "steady_floor_ratio": round(row["steady_floor_ratio"], 3), **{
        name: {key: round(value, 3) for key, value in values.items()
               if key.endswith("ratio") or key in ("psnr_minus_frame_by_frame", "frames_per_s")}
        for name, values in row["methods"].items()}}


def speed(clips, folder, colorizer, repeats=2):
    """Best-of-``repeats`` frames/s of default and frame-by-frame runs on 640×480 clips."""
    from skcolor.video import colorize_video

    figures = {}
    for name in ("frame by frame", DEFAULT):
        frames = seconds = cpu_seconds = 0
        for clip in clips:
            gray_path = Path(folder) / f"{clip.stem}-gray.mp4"
            timed = read_timed_clip(clip)
            write_gray_copy(timed.frames, timed, gray_path)
            best = best_cpu = np.inf
            for _ in range(repeats):
                start, start_cpu = time.perf_counter(), time.process_time()
                result = colorize_video(gray_path, Path(folder) / "speed.mp4", colorizer,
                                        overwrite=True, **METHODS[name])
                best = min(best, time.perf_counter() - start)
                best_cpu = min(best_cpu, time.process_time() - start_cpu)
            frames += result.frames
            seconds += best
            cpu_seconds += best_cpu
        # CPU time is a second opinion on a shared machine: on 2 cores, 2 CPU-seconds
        # are at most 1 wall-second.
        figures[name] = {"frames": frames, "seconds": seconds, "frames_per_s": frames / seconds,
                         "cpu_seconds": cpu_seconds, "frames_per_cpu_s": frames / cpu_seconds}
        print(f"speed {name}: {frames / seconds:.1f} frames/s, "
              f"{frames / cpu_seconds:.1f} frames per CPU-second", flush=True)
    return figures


def memory(clip, lengths, folder):
    """Peak RSS (MB) of a fresh process colorizing the first N frames, per N."""
    figures = []
    for length in lengths:
        gray_path = Path(folder) / f"memory-{length}.mp4"
        timed = read_timed_clip(clip, length)
        write_gray_copy(timed.frames, timed, gray_path)
        del timed
        output = subprocess.run(
            [sys.executable, __file__, "--memory-worker", os.fspath(gray_path)],
            check=True, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        ).stdout
        figure = json.loads(output.strip().splitlines()[-1])
        figures.append({"frames": length, **figure})
        print(f"memory {length} frames: {figure}", flush=True)
    return figures


def _memory_worker(path):
    import skcolor
    from skcolor.video import colorize_video

    colorizer = skcolor.load_pretrained()
    colorizer.predict(np.zeros((16, 48, 64, 1), np.float32))  # warm up Keras
    before = _rss_mb()
    samples = []  # resident set size after each batch of frames

    def sample(done, total):
        samples.append(_rss_mb())

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = colorize_video(path, Path(folder) / "out.mp4", colorizer, progress=sample)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "seconds": seconds, "frames_per_s": result.frames / seconds,
        "rss_before_mb": before, "max_rss_during_mb": max(samples),
        "rss_after_first_batch_mb": samples[0], "rss_at_end_mb": samples[-1],
        "growth_after_first_batch_mb": max(samples) - samples[0],
        "process_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "frames_written": result.frames,
    }))


def _rss_mb():
    """This process's resident set size now, in MB (Linux)."""
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def kept(clips, folder, colorizer):
    """Whether every clip's frame count, size and rate survive colorize_video."""
    from skcolor.video import colorize_video

    rows = []
    for clip in clips:
        result = colorize_video(clip, Path(folder) / f"kept{clip.suffix}", colorizer,
                                overwrite=True)
        (frames_in, size_in, fps_in), (frames_out, size_out, fps_out) = (
            _count(clip), _count(result.path))
        row = {"clip": clip.name, "output": result.path.name, "frames": [frames_in, frames_out],
               "size": [size_in, size_out], "fps": [fps_in, fps_out]}
        row["all_kept"] = (frames_in == frames_out and size_in == size_out
                           and abs(fps_in - fps_out) < 1e-3)
        rows.append(row)
        print(row, flush=True)
        result.path.unlink()
    return rows


def _count(path):
    """Frames (decoded), ``[width, height]`` and rate of a clip, read by ``_io``."""
    with open_video(path) as reader:
        return sum(1 for _ in reader), [reader.info.width, reader.info.height], reader.info.fps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-frames", type=int, default=150)
    parser.add_argument("--memory-lengths", default="60,300,1189")
    parser.add_argument("--skip", default="",
                        help="comma-separated: quality,speed,floor,edges,memory,kept")
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "records" / "video.json")
    parser.add_argument("--repeats", type=int, default=2, help="speed runs per clip (best kept)")
    parser.add_argument("--memory-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_worker:
        return _memory_worker(args.memory_worker)

    import skcolor
    from _common import load_average, machine_info

    clips = sorted((DATA / "video").glob("*.m[pk][4v]"))
    small = [clip for clip in clips if clip.suffix == ".mkv"]  # the 640×480 clips
    skip = set(filter(None, args.skip.split(",")))
    colorizer = skcolor.load_pretrained()
    record = {"machine": machine_info(), "load_average_before": load_average(),
              "max_frames": args.max_frames, "codec": CODEC, "gray_input_codec": CODEC}
    def save():  # after every part, so that an interrupted run keeps what it measured
        record["load_average_after"] = load_average()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(record, indent=1) + "\n")

    with tempfile.TemporaryDirectory() as folder:
        if "quality" not in skip:
            record["quality"] = quality(clips, args.max_frames, folder, colorizer)
            record["summary"] = _summary(record["quality"])
            print(json.dumps(record["summary"], indent=1), flush=True)
            save()
        if "speed" not in skip:
            record["speed_640x480"] = speed(small, folder, colorizer, args.repeats)
            save()
        if "floor" not in skip:
            record["codec_floor"] = codec_floor(clips, args.max_frames, folder,
                                                record.get("quality"))
            rows = [row for row in record["codec_floor"] if "ratio" in row]
            if rows:
                floor = {
                    "mean_codec_floor_ratio": float(np.mean([row["ratio"] for row in rows])),
                    "worst_codec_floor_ratio": max(row["ratio"] for row in rows),
                    "mean_unwritten_floor_ratio": float(np.mean(
                        [row["ratio_unwritten"] for row in rows])),
                    "worst_unwritten_floor_ratio": max(row["ratio_unwritten"] for row in rows),
                }
                record.setdefault("summary", {}).update(floor)
                print(json.dumps(floor), flush=True)
            save()
        if "edges" not in skip:
            record["edge_clips"] = edge_clips(folder, colorizer)
            save()
        if "memory" not in skip:
            longest = max(clips, key=lambda clip: clip.stat().st_size)
            lengths = [int(n) for n in args.memory_lengths.split(",")]
            record["memory"] = {"clip": longest.name, "runs": memory(longest, lengths, folder)}
            save()
        if "kept" not in skip:
            record["kept"] = kept(clips, folder, colorizer)
    save()
    print(f"wrote {args.out}")


def _summary(rows):
    """Per method: mean and worst ratios to frame by frame, and the PSNR difference."""
    summary = {}
    for name in rows[0]["methods"]:
        values = [row["methods"][name] for row in rows]
        summary[name] = {
            **{f"mean_{key}_ratio": float(np.mean([v[f"{key}_ratio"] for v in values]))
               for key in ("flicker", "warp_error", "cdc")},
            **{f"worst_{key}_ratio": max(v[f"{key}_ratio"] for v in values)
               for key in ("flicker", "warp_error", "cdc")},
            "mean_psnr_minus_frame_by_frame": float(np.mean(
                [v["psnr_minus_frame_by_frame"] for v in values])),
            "worst_psnr_minus_frame_by_frame": min(v["psnr_minus_frame_by_frame"] for v in values),
        }
    summary["mean_steady_floor_ratio"] = float(np.mean([row["steady_floor_ratio"] for row in rows]))
    return summary


def edge_clips(folder, colorizer):
    """A 40-frame 4K clip (the sister clip enlarged) in a fresh process: frames/s and
    memory; and an 8×6 clip: colorized or not."""
    from skcolor.video import colorize_video

    clip = read_timed_clip(DATA / "video" / "sister.mkv", 40)
    big = Path(folder) / "4k.mp4"
    write_clip(big, (cv2.resize(frame, (3840, 2160), interpolation=cv2.INTER_CUBIC)
                     for frame in gray_frames(clip.frames)), clip)
    output = subprocess.run([sys.executable, __file__, "--memory-worker", os.fspath(big)],
                            check=True, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    record = {"4k": json.loads(output.strip().splitlines()[-1])}
    tiny = Path(folder) / "tiny.mp4"
    short = dataclasses.replace(clip, pts=clip.pts[:10])
    write_clip(tiny, (cv2.resize(frame, (8, 6), interpolation=cv2.INTER_AREA)
                      for frame in clip.frames[:10]), short)
    result = colorize_video(tiny, Path(folder) / "tiny-out.mp4", colorizer, overwrite=True)
    record["8x6"] = {"frames": result.frames, "size": [result.width, result.height]}
    print(json.dumps(record), flush=True)
    return record


if __name__ == "__main__":
    main()
