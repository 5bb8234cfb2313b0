"""Memory of colorizing: one 24-megapixel photo, and 1,000 photos in one process.

What it measures
----------------
1. **A 24-megapixel photo** (6000×4000, scikit-image's ``coffee`` in gray, enlarged)
   colorized by the shipped model (``skcolor.load_pretrained()``) in a fresh
   subprocess: the peak extra memory of ``predict`` (peak resident set size after
   it minus the resident set size just before it, the model loaded and warmed up)
   and its wall time (first call, then the best of the timed repeats). This reuses
   ``_common.py``'s worker, as ``quality.py`` does, so both report it the same way.
   Targets: under 1 GB and under 5 s on 2 CPU cores.
2. **1,000 photos in one process**, as ``skcolor colorize`` treats them: for each,
   a JPEG file is read with ``skcolor.io.read_image``, converted to gray, colorized
   and written as a JPEG with ``write_image``. The photos are crops of the USC-SIPI
   photographs in ``../shared/data/photos``, resized to sides of 256-1024 pixels
   (0.07-1 megapixel; seeded, so every run sees the same ones). The resident set
   size is read after a warm-up of ``--warm-up`` photos and every 50 photos after
   that; the growth from the warm-up to the end must stay under 100 MB.

How to run
----------
From the repository root, on a machine doing as little else as possible (about
3 minutes on 2 CPU cores)::

    python benchmarks/memory.py                    # writes benchmarks/records/memory.json
    python benchmarks/memory.py --photos 200 --out /tmp/memory.json   # a quick check

The JSON holds every figure, the resident-set-size samples, the machine and the load
average before and after (the machine may be shared). Linux only: the resident set
size is read from ``/proc``. Not run by pytest.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
for _path in (REPO, BENCHMARKS):  # skcolor from this checkout; helpers from benchmarks/
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from _common import (  # noqa: E402
    DATA,
    big_photo_in_subprocess,
    current_rss_mb,
    load_average,
    machine_info,
    make_logger,
    markdown_table,
    write_json,
)

#: Targets the figures are judged against (the table in docs/reliability.md).
PEAK_EXTRA_MB_TARGET = 1024
SECONDS_24MP_TARGET = 5.0
GROWTH_MB_TARGET = 100
#: Shortest and longest side of the photos of the long run.
SIDES = (256, 1024)
SAMPLE_EVERY = 50


log = make_logger("memory")


def source_photos(folder):
    """The RGB photos the long run crops from."""
    from skcolor.io import read_image

    paths = sorted(Path(folder).glob("*.png"))
    if not paths:
        raise SystemExit(f"no *.png photos in {folder}")
    return [read_image(path) for path in paths]


def make_photo(sources, rng):
    """A crop of a random source, resized so that its sides are within ``SIDES``."""
    import cv2

    source = sources[rng.integers(len(sources))]
    height, width = source.shape[:2]
    top, left = rng.integers(0, height // 4), rng.integers(0, width // 4)
    crop = source[top:top + rng.integers(height // 2, height - top + 1),
                  left:left + rng.integers(width // 2, width - left + 1)]
    new_height, new_width = (int(rng.integers(SIDES[0], SIDES[1] + 1)) for _ in range(2))
    return cv2.resize(crop, (new_width, new_height), interpolation=cv2.INTER_LINEAR)


def long_run(colorizer, sources, n_photos, warm_up, seed):
    """Read, colorize and write ``n_photos`` photos; resident set size along the way."""
    from skcolor.color import rgb_to_gray
    from skcolor.io import read_image, write_image

    rng = np.random.default_rng(seed)
    samples, pixels = [], 0
    rss_after_warm_up = None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.jpg", Path(folder) / "out.jpg"
        for i in range(1, n_photos + 1):
            # The file is made outside the measured work but inside the loop, so that
            # no list of 1,000 photos inflates the resident set.
            write_image(source, make_photo(sources, rng))
            gray = rgb_to_gray(read_image(source)[np.newaxis])[0]
            write_image(target, colorizer.predict([gray])[0])
            pixels += gray.shape[0] * gray.shape[1]
            if i == warm_up:
                rss_after_warm_up = current_rss_mb()
                warm_start = time.perf_counter()
            if i >= warm_up and (i - warm_up) % SAMPLE_EVERY == 0 or i == n_photos:
                samples.append({"photos": i, "rss_mb": current_rss_mb()})
    seconds = time.perf_counter() - start
    rss_end = samples[-1]["rss_mb"]
    return {
        "photos": n_photos,
        "warm_up_photos": warm_up,
        "megapixels_total": pixels / 1e6,
        "seconds": seconds,
        "seconds_per_photo_after_warm_up": (time.perf_counter() - warm_start) / (n_photos - warm_up),
        "rss_after_warm_up_mb": rss_after_warm_up,
        "rss_end_mb": rss_end,
        "rss_max_sampled_mb": max(sample["rss_mb"] for sample in samples),
        "growth_mb": rss_end - rss_after_warm_up,
        "samples": samples,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1000, help="photos of the long run")
    parser.add_argument("--warm-up", type=int, default=50, help="photos before the baseline")
    parser.add_argument("--data", type=Path, default=DATA / "photos")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "records" / "memory.json")
    args = parser.parse_args(argv)
    if not 0 < args.warm_up < args.photos:
        parser.error("--warm-up must be between 1 and --photos - 1")
    if current_rss_mb() is None:
        raise SystemExit("memory.py reads the resident set size from /proc: Linux only")

    record = {"benchmark": "memory", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "command": " ".join(["python", "benchmarks/memory.py", *(argv or sys.argv[1:])]),
              "load_average": {"before": load_average()}}
    # First, while this process is small: a child inherits its parent's peak RSS.
    log("24-megapixel photo in a fresh subprocess")
    big = big_photo_in_subprocess("default", None)
    big["meets_targets"] = (big["peak_extra_mb"] < PEAK_EXTRA_MB_TARGET
                            and big["seconds_best"] < SECONDS_24MP_TARGET)
    record["photo_24mp"] = big

    from skcolor import load_pretrained

    colorizer = load_pretrained()
    sources = source_photos(args.data)
    log(f"{args.photos} photos in this process")
    run = long_run(colorizer, sources, args.photos, args.warm_up, args.seed)
    run["meets_target"] = run["growth_mb"] < GROWTH_MB_TARGET
    record["long_run"] = run
    record["load_average"]["after"] = load_average()
    record["machine"] = machine_info()
    write_json(args.out, record)

    print("\n".join(markdown_table(
        [f"24-MP photo ({big['width']}×{big['height']})", "peak extra memory", "first call",
         "best of the repeats"],
        [["shipped model", f"{big['peak_extra_mb']:.0f} MB", f"{big['first_call_seconds']:.2f} s",
          f"{big['seconds_best']:.2f} s"]])))
    print()
    print("\n".join(markdown_table(
        ["photos", "megapixels", "s per photo", "RSS after warm-up", "RSS at the end", "growth"],
        [[f"{run['photos']:,}", f"{run['megapixels_total']:.0f}",
          f"{run['seconds_per_photo_after_warm_up']:.3f}", f"{run['rss_after_warm_up_mb']:.0f} MB",
          f"{run['rss_end_mb']:.0f} MB", f"{run['growth_mb']:+.1f} MB"]])))
    log(f"wrote {args.out}")
    return 0 if big["meets_targets"] and run["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
