"""Video colorization: speed, flicker, quality and memory of ``skcolor.video.colorize_video``.

What it measures
----------------
On gray copies of the real color clips in ``../shared/data/video`` (or
``$SKCOLOR_DATA/video``; CC BY 4.0), colorized by the shipped model
(``skcolor.load_pretrained()``):

1. **Quality and flicker** of each stabilization variant against the same model
   run frame by frame (``strength=0``): flicker against the true clip (DESIGN §6)
   and its ratio to frame by frame (target ≤ 0.7), the truth-free
   ``still_flicker``, and the dataset PSNR against the true clip of the output,
   of frame by frame (target: no more than 0.1 dB lower) and of the gray copy.
   Every output goes through the same codec (mp4v) and is read back, so codec
   loss is shared. Long clips are cut to ``--max-frames`` frames.
2. **Speed**: frames/s of the whole ``colorize_video`` (decode, colorize,
   stabilize, encode) on the 640×480 clips, default settings (target ≥ 15 on 2
   CPU cores), and of frame by frame.
3. **Memory against clip length**: the resident set size of a fresh process,
   sampled after every batch while it colorizes the first N frames of the longest
   clip, for several N (target: flat). Not ``ru_maxrss``: on Linux a child
   inherits its parent's peak, and loading the model sets the process's peak.
4. **Frames, size and rate kept** on every clip (all frames, not cut).

How to run
----------
From the repository root (about 40 minutes on 2 busy CPU cores)::

    python benchmarks/video.py                  # writes benchmarks/records/video.json
    python benchmarks/video.py --max-frames 30 --variants default --out /tmp/v.json  # quick

Not run by pytest; the machine may be shared, so the load average is recorded.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
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

# name: colorize_video keyword arguments
VARIANTS = {
    "frame by frame": {"strength": 0.0},
    "dis 0.8 (default)": {"strength": 0.8, "motion": "dis"},
    "dis 0.6": {"strength": 0.6, "motion": "dis"},
    "dis 0.9": {"strength": 0.9, "motion": "dis"},
    "farneback 0.8": {"strength": 0.8, "motion": "farneback"},
    "luminance-guided 0.8 (no flow)": {"strength": 0.8, "motion": "none"},
}
DEFAULT = "dis 0.8 (default)"


def read_clip(path, max_frames=None):
    """RGB uint8 frames of a clip, and its rate."""
    capture = cv2.VideoCapture(os.fspath(path))
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames = []
    while max_frames is None or len(frames) < max_frames:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    capture.release()
    return np.stack(frames), fps


def write_gray_copy(frames, fps, path):
    """The BT.601 gray of RGB ``frames`` written as a three-equal-channel mp4v clip."""
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(os.fspath(path), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                             (width, height))
    for frame in frames:
        writer.write(cv2.cvtColor(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2BGR))
    writer.release()


def test_clips(clips, max_frames):
    """``(name, RGB frames, fps)`` of each clip cut to ``max_frames``, and two panned ones.

    The shared clips are shot from a still camera. The panned ones crop a 3/4-size
    window that slides sideways by 2 or 3 pixels a frame over a clip (60 frames),
    to see the camera move.
    """
    for clip in clips:
        yield (clip.name, *read_clip(clip, max_frames))
    for name, step in (("sister.mkv", 2), ("one-by-one-person-detection.mp4", 3)):
        frames, fps = read_clip(DATA / "video" / name, 60)
        height, width = frames.shape[1:3]
        crop_h, crop_w = height * 3 // 4, width * 3 // 4
        top = (height - crop_h) // 2
        panned = np.stack([frame[top:top + crop_h, i * step:i * step + crop_w]
                           for i, frame in enumerate(frames)])
        yield f"{name} panned {step} px/frame", panned, fps


def quality(clips, variants, max_frames, folder, colorizer):
    from skcolor.color import rgb_to_gray
    from skcolor.metrics import dataset_psnr, flicker, still_flicker
    from skcolor.video import colorize_video

    rows = []
    for clip_name, truth, fps in test_clips(clips, max_frames):
        gray_path = Path(folder) / "gray.mp4"
        write_gray_copy(truth, fps, gray_path)
        gray, _ = read_clip(gray_path)
        row = {"clip": clip_name, "frames": len(truth), "size": list(truth.shape[2:0:-1]),
               "gray_psnr": dataset_psnr(truth, gray),
               # What a perfectly steady output (constant chroma) scores: the truth's own
               # chroma change, codec noise included, which no colorization of gray
               # frames can know.
               "steady_floor_flicker": flicker(np.full_like(truth, 128), truth),
               # The video pipeline at strength 0 against predict() on full-size frames.
               "frame_by_frame_vs_predict_psnr": None, "variants": {}}
        for name in variants:
            out = Path(folder) / f"out-{len(row['variants'])}.mp4"
            start = time.perf_counter()
            result = colorize_video(gray_path, out, colorizer, overwrite=True, **VARIANTS[name])
            seconds = time.perf_counter() - start
            video, _ = read_clip(out)
            row["variants"][name] = {
                "flicker": flicker(video, truth), "still_flicker": still_flicker(video),
                "psnr": dataset_psnr(truth, video), "frames_per_s": result.frames / seconds,
                "cuts": result.cuts,
            }
            if name == "frame by frame":
                predicted = np.concatenate([colorizer.predict(rgb_to_gray(gray[i:i + 16]))
                                            for i in range(0, len(gray), 16)])
                row["frame_by_frame_vs_predict_psnr"] = dataset_psnr(predicted, video)
            out.unlink()
        base = row["variants"]["frame by frame"]
        row["steady_floor_ratio"] = row["steady_floor_flicker"] / base["flicker"]
        for values in row["variants"].values():
            values["flicker_ratio"] = values["flicker"] / base["flicker"]
            values["psnr_minus_frame_by_frame"] = values["psnr"] - base["psnr"]
        rows.append(row)
        print(json.dumps(_short(row)), flush=True)
    return rows


def _short(row):
    return {"clip": row["clip"], "gray_psnr": round(row["gray_psnr"], 2),
            "steady_floor_ratio": round(row["steady_floor_ratio"], 3),
            "vs_predict_psnr": round(row["frame_by_frame_vs_predict_psnr"], 2), **{
        name: {key: round(value, 3) if isinstance(value, float) else value
               for key, value in values.items()}
        for name, values in row["variants"].items()}}


def speed(clips, folder, colorizer, repeats=2):
    """Best-of-``repeats`` frames/s of default and frame-by-frame runs on 640×480 clips."""
    from skcolor.video import colorize_video

    figures = {}
    for name in ("frame by frame", DEFAULT):
        frames = seconds = cpu_seconds = 0
        for clip in clips:
            truth, fps = read_clip(clip)
            gray_path = Path(folder) / f"{clip.stem}-gray.mp4"
            write_gray_copy(truth, fps, gray_path)
            best = best_cpu = np.inf
            for _ in range(repeats):
                start, start_cpu = time.perf_counter(), time.process_time()
                result = colorize_video(gray_path, Path(folder) / "speed.mp4", colorizer,
                                        overwrite=True, **VARIANTS[name])
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
        truth, fps = read_clip(clip, length)
        gray_path = Path(folder) / f"memory-{length}.mp4"
        write_gray_copy(truth, fps, gray_path)
        del truth
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
        result = colorize_video(path, Path(folder) / "out.mp4", colorizer, progress=sample)
    print(json.dumps({
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
        capture = cv2.VideoCapture(os.fspath(clip))
        frames_in = 0
        while capture.grab():
            frames_in += 1
        size_in = (int(capture.get(3)), int(capture.get(4)))
        fps_in = capture.get(cv2.CAP_PROP_FPS)
        out = cv2.VideoCapture(os.fspath(result.path))
        frames_out = 0
        while out.grab():
            frames_out += 1
        row = {"clip": clip.name, "output": result.path.name, "frames": [frames_in, frames_out],
               "size": [size_in, (int(out.get(3)), int(out.get(4)))],
               "fps": [fps_in, out.get(cv2.CAP_PROP_FPS)]}
        row["all_kept"] = (frames_in == frames_out and row["size"][0] == row["size"][1]
                           and abs(fps_in - row["fps"][1]) < 1e-3)
        rows.append(row)
        print(row, flush=True)
        result.path.unlink()
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-frames", type=int, default=150)
    parser.add_argument("--variants", default="all", help="'all' or 'default'")
    parser.add_argument("--memory-lengths", default="60,300,1189")
    parser.add_argument("--skip", default="", help="comma-separated: quality,speed,memory,kept")
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
    variants = list(VARIANTS) if args.variants == "all" else ["frame by frame", DEFAULT]
    skip = set(filter(None, args.skip.split(",")))
    colorizer = skcolor.load_pretrained()
    record = {"machine": machine_info(), "load_average_before": load_average(),
              "max_frames": args.max_frames}
    def save():  # after every part, so that an interrupted run keeps what it measured
        record["load_average_after"] = load_average()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(record, indent=1) + "\n")

    with tempfile.TemporaryDirectory() as folder:
        if "quality" not in skip:
            record["quality"] = quality(clips, variants, args.max_frames, folder, colorizer)
            record["summary"] = _summary(record["quality"])
            print(json.dumps(record["summary"], indent=1), flush=True)
            save()
        if "speed" not in skip:
            record["speed_640x480"] = speed(small, folder, colorizer, args.repeats)
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
    """Per variant: mean flicker ratio, worst ratio, mean and worst PSNR difference."""
    summary = {}
    for name in rows[0]["variants"]:
        ratios = [row["variants"][name]["flicker_ratio"] for row in rows]
        gains = [row["variants"][name]["psnr_minus_frame_by_frame"] for row in rows]
        summary[name] = {
            "mean_flicker_ratio": float(np.mean(ratios)), "worst_flicker_ratio": max(ratios),
            "mean_psnr_minus_frame_by_frame": float(np.mean(gains)),
            "worst_psnr_minus_frame_by_frame": min(gains),
            "mean_still_flicker": float(np.mean(
                [row["variants"][name]["still_flicker"] for row in rows])),
        }
    return summary


if __name__ == "__main__":
    main()
