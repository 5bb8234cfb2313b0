"""Benchmark a colorizer on real photos at full size through ``predict``.

Sets: ``photos-val`` (175 held-out photos: choose models here), ``photos`` (14
USC-SIPI photos) and scikit-image's natural photos (astronaut, coffee, chelsea,
rocket, motorcycle): report on the last two, never choose on them. For each set and
model: dataset PSNR (MSE pooled over every pixel) of the model and of the gray copy,
the mean per-photo gain over the gray copy, the share of photos above it and the
worst photo, the cast on neutral pixels (``skcolor.metrics.neutral_cast``, pooled
over the set), colorfulness against the true photos', luminance kept, and seconds
per 768×512 photo.

    python benchmarks/photos.py                   # shipped models, writes records/photos.json
    python benchmarks/photos.py --model a.keras --vividness 0.5 --working-size 96

Data from ``$SKCOLOR_DATA`` or ``../shared/data`` (read-only).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_average, machine_info, markdown_table  # noqa: E402

from skcolor import metrics  # noqa: E402
from skcolor.color import gray_to_rgb, rgb_to_gray  # noqa: E402
from skcolor.datasets import sample_photo_crops  # noqa: E402,F401  (documented entry point)
from skcolor.io import read_image  # noqa: E402

DATA = Path(os.environ.get("SKCOLOR_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
SKIMAGE_PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "motorcycle")
#: The clips of people in ``video/``: each is a set of its own (``clip:NAME``), of every
#: ``CLIP_STEP``-th frame, the frames colorized one by one as photos.
PEOPLE_CLIPS = ("again.mkv", "book.mkv", "school.mkv", "sister.mkv",
                "one-by-one-person-detection.mp4")
CLIP_STEP = 5
RECORD = Path(__file__).resolve().parent / "records" / "photos.json"


def load_set(name):
    """``[(photo name, uint8 RGB array)]`` of one evaluation set."""
    from skcolor.datasets._photo_crops import list_photos

    if name.startswith("clip:"):
        return clip_frames(DATA / "video" / name[len("clip:"):])
    if name == "skimage":
        from skimage import data

        return [(photo, data.stereo_motorcycle()[0] if photo == "motorcycle" else getattr(data, photo)())
                for photo in SKIMAGE_PHOTOS]
    return [(file.name, read_image(file)) for file in list_photos(DATA / name)]


def clip_frames(path, step=CLIP_STEP):
    """``[(frame name, uint8 RGB frame)]`` of every ``step``-th frame of a video file."""
    import cv2

    capture = cv2.VideoCapture(os.fspath(path))
    frames, index = [], 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            if index % step == 0:
                frames.append((f"{path.name}#{index}", cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)))
            index += 1
    finally:
        capture.release()
    return frames


def evaluate(model, photos):
    """Per-set and per-photo figures of ``model`` on ``[(name, rgb)]``, full size."""
    grays = [rgb_to_gray(rgb[np.newaxis])[0] for _, rgb in photos]
    start = time.perf_counter()
    predicted = model.predict(grays)
    seconds = time.perf_counter() - start
    per_photo, sse_model, sse_gray, n_values = [], 0.0, 0.0, 0
    cast_sums, n_neutral = np.zeros(3), 0
    for (name, rgb), gray, pred in zip(photos, grays, predicted):
        cast = metrics.neutral_cast(rgb[np.newaxis], pred[np.newaxis])
        if cast.n_pixels:
            cast_sums += np.array(cast[:3]) * cast.n_pixels
            n_neutral += cast.n_pixels
        mse_model = metrics.mean_squared_error(rgb[np.newaxis], pred[np.newaxis])
        mse_gray = metrics.mean_squared_error(rgb[np.newaxis], gray_to_rgb(gray[np.newaxis]))
        sse_model += mse_model * rgb.size
        sse_gray += mse_gray * rgb.size
        n_values += rgb.size
        per_photo.append({
            "photo": name, "size": f"{rgb.shape[1]}x{rgb.shape[0]}",
            "psnr": _db(mse_model), "gray_psnr": _db(mse_gray),
            "gain": _db(mse_model) - _db(mse_gray) if mse_gray > 0 else 0.0,
            "colorfulness": metrics.colorfulness(pred[np.newaxis]),
            "true_colorfulness": metrics.colorfulness(rgb[np.newaxis]),
            "luminance": metrics.luminance_psnr(gray[np.newaxis], pred[np.newaxis]),
            "cast": cast.magnitude if cast.n_pixels else None,
        })
    gains = [photo["gain"] for photo in per_photo]
    worst = min(per_photo, key=lambda photo: photo["gain"])
    return {
        "n_photos": len(photos),
        "dataset_psnr": _db(sse_model / n_values),
        "gray_dataset_psnr": _db(sse_gray / n_values),
        "dataset_gain": _db(sse_model / n_values) - _db(sse_gray / n_values),
        "mean_gain": float(np.mean(gains)),
        "photos_above_gray": int(np.sum(np.asarray(gains) > 0)),
        "worst_photo": worst["photo"], "worst_gain": worst["gain"],
        "colorfulness": float(np.mean([photo["colorfulness"] for photo in per_photo])),
        "true_colorfulness": float(np.mean([photo["true_colorfulness"] for photo in per_photo])),
        "luminance": float(np.mean([photo["luminance"] for photo in per_photo])),
        # Pooled over every neutral pixel of the set, as dataset PSNR pools the errors.
        "cast": float(cast_sums[0] / n_neutral) if n_neutral else None,
        "cast_cb": float(cast_sums[1] / n_neutral) if n_neutral else None,
        "cast_cr": float(cast_sums[2] / n_neutral) if n_neutral else None,
        "neutral_share": n_neutral / (n_values / 3),
        "predict_seconds": seconds,
        "per_photo": per_photo,
    }


def seconds_per_photo(model, *, repeats=5):
    """Best-of-``repeats`` wall seconds of ``predict`` on one 768×512 gray photo."""
    from skimage import data, transform

    rgb = (transform.resize(data.astronaut(), (512, 768)) * 255).astype(np.uint8)
    gray = rgb_to_gray(rgb[np.newaxis])
    model.predict(gray)  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(gray)
        times.append(time.perf_counter() - start)
    return min(times)


#: photos-val photos in the docs figure: every 15th by name, fixed before any model was seen.
FIGURE_PHOTOS = slice(0, 180, 15)


def save_figure(model, photos, path, *, dpi=50):
    """gray | colorized | true for ``photos`` (``[(name, rgb)]``), as a PNG at ``path``."""
    from skcolor.plotting import plot_colorization_grid

    grays = [rgb_to_gray(rgb[np.newaxis])[0] for _, rgb in photos]
    figure = plot_colorization_grid(grays, model.predict(grays), [rgb for _, rgb in photos],
                                    titles=[name.rsplit(".", 1)[0][:22] for name, _ in photos],
                                    max_images=len(photos))
    figure.savefig(path, dpi=dpi)


def summary_line(name, result):
    return (f"{name}: {result['dataset_psnr']:.2f} dB vs gray {result['gray_dataset_psnr']:.2f} "
            f"({result['dataset_gain']:+.2f}); mean gain {result['mean_gain']:+.2f}, "
            f"{result['photos_above_gray']}/{result['n_photos']} above gray, worst "
            f"{result['worst_photo']} {result['worst_gain']:+.2f}; colorfulness "
            f"{result['colorfulness']:.1f} / true {result['true_colorfulness']:.1f}; "
            f"cast {result['cast']:.1f} (Cb {result['cast_cb']:+.1f}, Cr {result['cast_cr']:+.1f}); "
            f"luminance {result['luminance']:.1f} dB")


def set_table(record):
    """Markdown lines: one row per (set, model) of a record written by :func:`main`."""
    rows = []
    for model_name, entry in record["models"].items():
        for set_name, result in entry.items():
            if not isinstance(result, dict) or "dataset_gain" not in result:
                continue
            rows.append([
                f"{set_name} ({result['n_photos']})", model_name,
                f"{result['dataset_psnr']:.2f} dB", f"{result['gray_dataset_psnr']:.2f} dB",
                f"{result['dataset_gain']:+.2f} dB", f"{result['mean_gain']:+.2f} dB",
                f"{result['photos_above_gray']} of {result['n_photos']}",
                f"{result['worst_photo'].rsplit('.', 1)[0]} {result['worst_gain']:+.2f} dB",
                f"{result['cast']:.1f} ({result['cast_cb']:+.1f}, {result['cast_cr']:+.1f})",
                f"{result['colorfulness']:.1f} ({result['true_colorfulness']:.1f})",
                f"{result['luminance']:.1f} dB"])
    return markdown_table(["set", "model", "dataset PSNR", "gray copy", "gain", "mean per-photo gain",
                           "above gray", "worst photo", "cast (Cb, Cr)", "colorfulness (true)",
                           "luminance kept"], rows)


def _db(mse):
    return float(metrics._psnr_from_mse(mse))


# -- judging a photo model by its photos-val figures ---------------------------

#: The rule applied: the per-photo spread and the cast weigh as much as the dataset gain,
#: and colorfulness is a floor.
CHOICE_RULE = (
    "on photos-val, among the (vividness, working_size) whose colorfulness is at least 0.4 x "
    "the true photos', the highest dataset gain + 1 dB per 10 points of share of photos above "
    "their gray copy - 0.1 dB per unit of cast")
COLORFULNESS_FLOOR = 0.4


def targets_met(result):
    """How many of the five photos-val targets of the first photo model a result meets:
    dataset gain >= +1.8 dB, >= 80 % of photos above gray, worst photo >= -4 dB, cast <= 6
    with mean Cb and Cr within +-2, colorfulness >= 0.55 x the true photos'."""
    return sum([
        result["dataset_gain"] >= 1.8,
        result["photos_above_gray"] >= 0.8 * result["n_photos"],
        result["worst_gain"] >= -4.0,
        result["cast"] <= 6 and abs(result["cast_cb"]) <= 2 and abs(result["cast_cr"]) <= 2,
        result["colorfulness"] >= 0.55 * result["true_colorfulness"],
    ])


def choice_score(result):
    """CHOICE_RULE's score of a photos-val result, in dB."""
    share = result["photos_above_gray"] / result["n_photos"]
    return result["dataset_gain"] + 10 * share - 0.1 * result["cast"]


def choose(sweep):
    """The sweep entry that CHOICE_RULE picks (the highest score if none clears the floor)."""
    colorful = [entry for entry in sweep
                if entry["colorfulness"] >= COLORFULNESS_FLOOR * entry["true_colorfulness"]]
    return max(colorful or sweep, key=choice_score)


def sweep_settings(model, val, *, vividness_values, working_sizes):
    """photos-val figures of ``model`` at every (vividness, working_size) of the sweep."""
    sweep = []
    for working_size in working_sizes:
        for vividness in vividness_values:
            model.set_params(vividness=vividness, working_size=working_size)
            result = evaluate(model, val)
            result.pop("per_photo")
            sweep.append({"vividness": vividness, "working_size": working_size,
                          "targets_met": targets_met(result), **result})
            print(f"vividness={vividness} working_size={working_size}: "
                  + summary_line("photos-val", result), flush=True)
    return sweep



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append",
                        help="a .keras file (repeatable); default: the shipped models")
    parser.add_argument("--sets", default="photos-val,photos,skimage,people-clips",
                        help="comma-separated: photos-val, photos, skimage, people-clips (each "
                             "of PEOPLE_CLIPS as a set clip:NAME), clip:NAME")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--working-size", type=int)
    parser.add_argument("--vividness", type=float)
    parser.add_argument("--figure", type=Path,
                        help="save gray | colorized | true for 12 photos-val photos (first model)")
    parser.add_argument("--record", type=Path, help=f"JSON record (default with no --model: {RECORD})")
    args = parser.parse_args(argv)

    from skcolor import AutoencoderColorizer, load_pretrained

    if args.model:
        models = {Path(path).stem: AutoencoderColorizer.load(path) for path in args.model}
    else:
        models = {name: load_pretrained(name) for name in ("photos", "cifar10")}
    record_path = args.record or (None if args.model else RECORD)
    names = [name for given in args.sets.split(",")
             for name in ([f"clip:{clip}" for clip in PEOPLE_CLIPS] if given == "people-clips"
                          else [given])]
    sets = {name: load_set(name) for name in names}
    record = {"machine": machine_info(), "load_average_before": load_average(), "models": {}}
    for model_name, model in models.items():
        if args.temperature is not None:
            model.set_params(temperature=args.temperature)
        if args.working_size is not None:
            model.set_params(working_size=args.working_size)
        if args.vividness is not None:
            model.set_params(vividness=args.vividness)
        entry = {"params": {key: model.get_params()[key] for key in
                            ("architecture", "loss", "temperature", "vividness", "working_size",
                             "rebalance")},
                 "seconds_768x512": seconds_per_photo(model)}
        for set_name, photos in sets.items():
            entry[set_name] = evaluate(model, photos)
            print(summary_line(f"{model_name} on {set_name}", entry[set_name]), flush=True)
        print(f"{model_name}: {entry['seconds_768x512']:.3f} s per 768x512 photo", flush=True)
        record["models"][model_name] = entry
        if args.figure is not None and len(record["models"]) == 1:
            save_figure(model, load_set("photos-val")[FIGURE_PHOTOS], args.figure)
            print(f"wrote {args.figure}")
    record["load_average_after"] = load_average()
    print("\n".join(set_table(record)))
    if record_path is not None:
        record_path.parent.mkdir(parents=True, exist_ok=True)
        record_path.write_text(json.dumps(record, indent=1) + "\n")
        print(f"wrote {record_path}")


if __name__ == "__main__":
    main()
