"""Quality and speed of the trained colorizers: CIFAR-10 test split, real photos, timings.

What it measures
----------------
Every figure comes from :mod:`skcolor.metrics`, whose docstrings define them.

1. **CIFAR-10 test split** (``--n-test``, default all 10,000): one row for the gray
   input copied to R, G, B (the floor to beat), one per model in ``--runs`` (a
   ``.keras`` file written by ``references/cifar10/train.py``; classification models, trained
   with ``loss="rebalanced_crossentropy"``, get one row per annealing temperature in
   1.0 and 0.38: the PSNR-colorfulness trade-off), one for the shipped default
   (``skcolor.load_pretrained()``) and the colorfulness of the true images. Columns:
   dataset PSNR, mean PSNR, SSIM (over 2,000 test images drawn with a fixed seed),
   colorfulness, luminance kept (``metrics.luminance_psnr``) and
   inference images/s: one ``predict`` of all the test images, best of 2 timed calls
   after an untimed warm-up call on the same images. A classification model's
   rows share one timing: the warm-up runs at the first temperature and the two
   timed calls at the others (the cost does not depend on the temperature).
2. **Speed of the seed and the shipped default**: training images/s on this machine
   (``AutoencoderColorizer(**the model's parameters, epochs=2).fit`` on
   ``--n-train-speed`` training images; epoch 2 only, its validation pass included,
   divided by the 90 % of the images it trains on); seconds per 768×512 photo and per
   24-megapixel (6000×4000) photo, best of 2 after a warm-up; and the peak extra
   memory of the 24-MP ``predict``, measured in a fresh subprocess as ``ru_maxrss``
   after ``predict`` minus the resident set size just before it (after loading the
   model and a small warm-up ``predict``). The 24-MP subprocesses run first, while
   the main process is small, because a child inherits its parent's ``ru_maxrss``
   on Linux; the JSON says whether the peak came from ``predict`` itself. Both
   photos are scikit-image's ``coffee`` (3:2) converted to gray and enlarged; the
   24-MP timing runs in the same subprocess.
3. **Real photos**: every color photo scikit-image ships that loads without the
   network (downloads are disabled while loading; those that would need one are
   listed as skipped) and every ``*.png`` in ``--photos``. Each is converted to gray
   and colorized (a list, as the sizes differ) by the shipped default, the seed and
   the default-classes model (``--classes-run`` at ``--classes-temperature``);
   per-photo PSNR against the true photo, next to the gray-copy baseline, and
   colorfulness. The default model is also run on the photos at
   ``working_size`` 32, 64, 128, 256 and None (full size): the mean PSNR and
   colorfulness of each justify the default working size.
4. **Example grid** (``--grid``, a PNG of at most about 1 MB): 8 CIFAR-10 test images
   (one from each of 8 classes) and 2 photos; columns gray | seed | default |
   default-classes | true.

It prints markdown tables and writes every figure, per-photo values, the models'
training records and the machine (platform, CPU count, TensorFlow/Keras versions,
load average) to ``--out``.

How to run
----------
From the repository root, on a machine doing nothing else (30-60 minutes on 2 CPU
cores, most of it the classification models' 10,000-image predictions)::

    python benchmarks/quality.py

A quick check while developing (a few minutes)::

    python benchmarks/quality.py --n-test 500 --n-train-speed 300 --skip-24mp \\
        --out /tmp/quality.json --grid /tmp/examples.png

Smaller ``--n-test`` takes a seeded random subset of the test split (the image-folder
form of CIFAR-10 is sorted by class). ``--n-train-speed 0`` skips the training timing.
Not run by pytest.
"""

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
for _path in (REPO, BENCHMARKS):  # skcolor from this checkout; _common from benchmarks/
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from _common import (  # noqa: E402
    DATA,
    PHOTO_SIZES,
    PREDICT_REPEATS,
    best_of,
    big_photo_in_subprocess,
    fmt_db,
    load_average,
    load_skimage_photos,
    machine_info,
    make_logger,
    make_timing_photo,
    markdown_table,
    with_params,
    write_json,
)

from skcolor.metrics import colorization_scores  # noqa: E402

SEED = 0
SSIM_IMAGES = 2000
TEMPERATURES = (1.0, 0.38)
WORKING_SIZES = (32, 64, 128, 256, None)
SPEED_EPOCHS = 2
#: Color photographs shipped by scikit-image (gray, synthetic, multispectral and 3-D
#: data sets are left out). Those not in the installed package need a download and
#: are skipped.
SKIMAGE_PHOTOS = (
    "astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field",
    "immunohistochemistry", "retina", "motorcycle_left", "skin",
)
#: Grid rows: one CIFAR-10 test image of each of these classes (the GRID_OFFSET-th of
#: its class in loader order), then the photos GRID_PHOTOS (or the first two found).
GRID_CLASSES = (0, 1, 2, 3, 4, 6, 7, 8)
GRID_OFFSET = 7
GRID_PHOTOS = ("astronaut", "4.2.07")
GRID_MAX_BYTES = 1_000_000
log = make_logger("quality")


# ----------------------------------------------------------------------- data
def load_cifar(path, n_test, n_train_speed):
    """Test images (whole split or a seeded subset), the full test split, training subset."""
    from skcolor.datasets import load_cifar10

    (x_train, _), (x_test, y_test) = load_cifar10(path)
    rng = np.random.default_rng(SEED)
    if n_test > len(x_test) or n_train_speed > len(x_train):
        raise SystemExit(f"--n-test is at most {len(x_test)} and --n-train-speed at most "
                         f"{len(x_train)}.")
    # Seeded random order, also for the whole split: the folder copy is sorted by
    # class, so "the first SSIM_IMAGES" would otherwise be airplanes and automobiles.
    test_index = rng.permutation(len(x_test))[:n_test]
    train_rgb = x_train[np.sort(rng.permutation(len(x_train))[:n_train_speed])]
    return x_test[test_index], (x_test, y_test.ravel()), train_rgb


def load_folder_photos(folder):
    from skcolor.io import read_image

    return [(path.stem, str(path), read_image(path)) for path in sorted(Path(folder).glob("*.png"))]


# --------------------------------------------------------------------- models
def load_models(runs_dir):
    """``name → (model, record)`` for each ``.keras`` in ``runs_dir`` and the shipped default."""
    from skcolor import AutoencoderColorizer, load_pretrained
    from skcolor._pretrained import PRETRAINED_MODELS

    models = {}
    for path in sorted(Path(runs_dir).glob("*.keras")):
        record_path = path.with_suffix(".json")
        record = json.loads(record_path.read_text()) if record_path.is_file() else {}
        record.pop("history", None)
        model = AutoencoderColorizer.load(path)
        record.update(path=str(path), sha256=sha256(path), loaded_params=model.get_params())
        models[path.stem] = (model, record)
    # The default's .json is the training record of the run it was chosen from; the
    # parameters it predicts with (e.g. working_size) are those of loaded_params.
    record_path = PRETRAINED_MODELS["cifar10"].with_suffix(".json")
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    record.pop("history", None)
    default = load_pretrained()
    record.update(path=str(PRETRAINED_MODELS["cifar10"]), sha256=sha256(PRETRAINED_MODELS["cifar10"]),
                  loaded_params=default.get_params(),
                  same_weights_as=[name for name, (model, _) in models.items()
                                   if same_weights(model, default)])
    models["default"] = (default, record)
    return models


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def same_weights(a, b):
    wa, wb = a.model_.get_weights(), b.model_.get_weights()
    return len(wa) == len(wb) and all(x.shape == y.shape and np.array_equal(x, y)
                                      for x, y in zip(wa, wb))


def is_classifier(model):
    return model.chroma_quantizer_ is not None


# -------------------------------------------------------------------- quality
def predict_at_temperatures(model, gray, temperatures):
    """Predictions at each temperature, and the seconds of the timed ``predict`` calls.

    The first call (at the first temperature) is the untimed warm-up; the calls at
    the other temperatures are timed, then more at the last one until there are
    PREDICT_REPEATS timed calls.
    """
    predictions, seconds = {}, []
    for i, temperature in enumerate(temperatures):
        with with_params(model, temperature=temperature):
            start = time.perf_counter()
            predictions[temperature] = model.predict(gray)
            if i:
                seconds.append(time.perf_counter() - start)
            while i == len(temperatures) - 1 and len(seconds) < PREDICT_REPEATS:
                start = time.perf_counter()
                predictions[temperature] = model.predict(gray)
                seconds.append(time.perf_counter() - start)
    return predictions, seconds


def cifar_table(models, gray, rgb):
    from skcolor import metrics
    from skcolor.color import gray_to_rgb

    rows = [{"name": "gray input copied to R, G, B", "model": None, "temperature": None,
             **colorization_scores(gray, rgb, gray_to_rgb(gray), ssim_images=SSIM_IMAGES), "predict_images_per_second": None}]
    for name, (model, _) in models.items():
        temperatures = TEMPERATURES if is_classifier(model) else (model.temperature,)
        log(f"CIFAR-10: {name}, temperatures {temperatures if is_classifier(model) else '-'}")
        predictions, seconds = predict_at_temperatures(model, gray, temperatures)
        for temperature, predicted in predictions.items():
            label = "shipped default (load_pretrained)" if name == "default" else name
            rows.append({
                "name": label + (f" @ T={temperature}" if is_classifier(model) else ""),
                "model": name,
                "temperature": temperature if is_classifier(model) else None,
                **colorization_scores(gray, rgb, predicted, ssim_images=SSIM_IMAGES),
                "predict_seconds": seconds,
                "predict_images_per_second": len(gray) / min(seconds),
            })
    rows.append({"name": "true images", "model": None, "temperature": None,
                 "dataset_psnr": None, "mean_psnr": None, "ssim": 1.0,  # ∞
                 "colorfulness": metrics.colorfulness(rgb), "luminance_psnr": None,
                 "predict_images_per_second": None})
    return rows


# --------------------------------------------------------------------- photos
def photo_table(photos, colorizers):
    """Per-photo PSNR (vs the true photo) and colorfulness of each colorizer and the gray copy.

    ``colorizers`` maps a column name to ``(model, temperature or None)``.
    """
    from skcolor import metrics
    from skcolor.color import gray_to_rgb, rgb_to_gray

    grays = [rgb_to_gray(rgb[np.newaxis])[0] for _, _, rgb in photos]
    outputs = {"gray": [gray_to_rgb(g[np.newaxis])[0] for g in grays]}
    for column, (model, temperature) in colorizers.items():
        log(f"photos: {column}")
        outputs[column] = predict_list(model, grays, temperature)
    rows = []
    for i, (name, source, rgb) in enumerate(photos):
        row = {"photo": name, "source": source, "height": rgb.shape[0], "width": rgb.shape[1],
               "true_colorfulness": metrics.colorfulness(rgb[np.newaxis])}
        for column, images in outputs.items():
            row[f"{column}_psnr"] = metrics.psnr(rgb[np.newaxis], images[i][np.newaxis])
            row[f"{column}_colorfulness"] = metrics.colorfulness(images[i][np.newaxis])
        rows.append(row)
    columns = ["true_colorfulness"]
    columns += [f"{c}_{m}" for c in outputs for m in ("psnr", "colorfulness")]
    mean = {column: float(np.mean([row[column] for row in rows])) for column in columns}
    mean["default_wins"] = sum(row["default_psnr"] > row["gray_psnr"] for row in rows)
    return rows, mean, outputs


def predict_list(model, grays, temperature=None):
    with with_params(model, temperature=model.temperature if temperature is None else temperature):
        return model.predict(list(grays))


def working_size_table(model, photos):
    from skcolor import metrics
    from skcolor.color import gray_to_rgb, rgb_to_gray

    grays = [rgb_to_gray(rgb[np.newaxis])[0] for _, _, rgb in photos]
    rows = []
    for size in WORKING_SIZES:
        log(f"photos: default at working_size={size}")
        with with_params(model, working_size=size):
            start = time.perf_counter()
            outputs = model.predict(grays)
            seconds = time.perf_counter() - start
            psnrs = [metrics.psnr(rgb[np.newaxis], out[np.newaxis])
                     for (_, _, rgb), out in zip(photos, outputs)]
            colorfulness = [metrics.colorfulness(out[np.newaxis]) for out in outputs]
            wins = sum(p > metrics.psnr(rgb[np.newaxis], gray_to_rgb(g[np.newaxis]))
                       for p, (_, _, rgb), g in zip(psnrs, photos, grays))
            rows.append({"working_size": size, "mean_psnr": float(np.mean(psnrs)),
                         "photos_above_gray": int(wins),
                         "mean_colorfulness": float(np.mean(colorfulness)),
                         "seconds_all_photos": seconds, "psnr": psnrs,
                         "colorfulness": colorfulness})
    return rows


# ---------------------------------------------------------------------- speed
def training_speed(model, gray, rgb):
    """Training images/s of a 2-epoch fit with ``model``'s parameters, from epoch 2's time."""
    from _common import make_epoch_timer

    from skcolor import AutoencoderColorizer

    params = dict(model.get_params(), epochs=SPEED_EPOCHS, verbose=0, random_state=SEED,
                  callbacks=[make_epoch_timer()])
    timer = AutoencoderColorizer(**params).fit(gray, rgb).callbacks_[0]  # fit's copy
    n_val = (min(max(1, int(round(params["validation_fraction"] * len(gray)))), len(gray) - 1)
             if params["validation_fraction"] > 0 else 0)
    n_fit = len(gray) - n_val
    return {
        "n_images": len(gray), "n_fit": n_fit, "n_val": n_val,
        "batch_size": params["batch_size"],
        "epoch_seconds": timer.seconds, "epoch_cpu_seconds": timer.cpu_seconds,
        "train_images_per_second": n_fit / timer.seconds[-1],
        "train_images_per_cpu_second": n_fit / timer.cpu_seconds[-1],
    }


def speed_table(models, names, train_gray, train_rgb, big_photo):
    """Training and photo timings of the models ``names``; ``big_photo`` holds the 24-MP ones."""
    results = {}
    small = make_timing_photo(*PHOTO_SIZES["768x512"])
    for name in names:
        model, record = models[name]
        entry = {}
        if len(train_gray) >= 2:
            log(f"speed: training {name}, {SPEED_EPOCHS} epochs on {len(train_gray)} images")
            entry["training"] = training_speed(model, train_gray, train_rgb)
        log(f"speed: {name} on a 768×512 photo")
        seconds = best_of(lambda: model.predict(small[np.newaxis]))
        entry["photo_768x512"] = {"seconds": seconds, "seconds_best": min(seconds)}
        if name in big_photo:
            entry["photo_6000x4000"] = big_photo[name]
        results[name] = entry
    return results


# ----------------------------------------------------------------------- grid
def make_grid(path, cifar, photos, columns):
    """Save the example grid; ``columns`` maps a title to ``(model, temperature or None)``."""
    import cv2

    from skcolor.color import rgb_to_gray
    from skcolor.datasets import CIFAR10_CLASSES
    from skcolor.plotting import plot_colorization_grid

    x_test, y_test = cifar
    index = [int(np.flatnonzero(y_test == c)[GRID_OFFSET]) for c in GRID_CLASSES]
    by_name = {name: rgb for name, _, rgb in photos}
    chosen = [n for n in GRID_PHOTOS if n in by_name] or [n for n, _, _ in photos]
    chosen = (chosen + [n for n, _, _ in photos if n not in chosen])[:2]

    def shrink(image, side=256):  # keeps the PNG small; CIFAR-10 images stay as they are
        scale = side / max(image.shape[:2])
        if scale >= 1:
            return image
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA)

    true_rows = list(x_test[index]) + [by_name[n] for n in chosen]
    grays = [rgb_to_gray(rgb[np.newaxis])[0] for rgb in true_rows]
    predicted = {}
    for title, (model, temperature) in columns.items():
        cifar_out = list(predict_list(model, np.stack(grays[:len(index)]), temperature))
        predicted[title] = [shrink(image) for image in
                            cifar_out + predict_list(model, grays[len(index):], temperature)]
    labels = [f"{CIFAR10_CLASSES[c]} (test #{i})" for c, i in zip(GRID_CLASSES, index)]
    fig = plot_colorization_grid([shrink(g) for g in grays], predicted,
                                 [shrink(rgb) for rgb in true_rows],
                                 titles=labels + list(chosen), max_images=len(true_rows))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dpi = 100
    while True:
        fig.savefig(path, dpi=dpi)
        if path.stat().st_size <= GRID_MAX_BYTES or dpi <= 50:
            break
        dpi = int(dpi * 0.85)
    return {"path": str(path), "bytes": path.stat().st_size, "dpi": dpi,
            "cifar_test_indices": index, "photos": chosen,
            "columns": ["gray", *predicted, "true"]}


# --------------------------------------------------------------------- output
def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def peak_cell(big):
    if not big or big["peak_extra_mb"] is None:
        return "—"
    bound = "" if big["peak_is_from_predict"] else " (lower bound)"
    return f"{big['peak_extra_mb']:.0f} MB{bound}"


def markdown(results):
    m = results["machine"]
    lines = [
        f"{results['data']['n_test']} CIFAR-10 test images; {m['platform']}, "
        f"{m['usable_cpus']} usable CPUs, TF {m['tensorflow']}, Keras {m['keras']} "
        f"({m['keras_backend']}).",
        "",
        f"| CIFAR-10 test | dataset PSNR | mean PSNR | SSIM (first "
        f"{results['cifar'][0]['ssim_images']}) | colorfulness | luminance kept | "
        "inference images/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in results["cifar"]:
        true = row["name"] == "true images"
        psnrs = ("∞", "∞") if true else (fmt_db(row["dataset_psnr"]), fmt_db(row["mean_psnr"]))
        ssim = "1" if true else f"{row['ssim']:.3f}"
        lines.append(
            f"| {row['name']} | {psnrs[0]} | {psnrs[1]} | {ssim} | "
            f"{row['colorfulness']:.1f} | {fmt_db(row['luminance_psnr'])} | "
            f"{fmt(row['predict_images_per_second'], '.0f')} |")

    if results["speed"]:
        rows = []
        for name, entry in results["speed"].items():
            train, big = entry.get("training"), entry.get("photo_6000x4000")
            rows.append([name, fmt(train and train["train_images_per_second"], ".0f"),
                         f"{entry['photo_768x512']['seconds_best']:.3f}",
                         fmt(big and big["seconds_best"], ".2f"), peak_cell(big)])
        lines += ["", *markdown_table(
            ["speed on this machine", "training images/s (epoch 2)", "s per 768×512 photo",
             "s per 6000×4000 photo", "peak extra memory, 6000×4000"], rows)]

    photos = results["photos"]
    columns = ["gray", *photos["colorizers"]]
    lines += ["", "Real photos: PSNR vs the true photo (colorfulness); ✗ marks the default "
              "below the gray copy.", "",
              "| photo | size | " + " | ".join(columns) + " | true colorfulness |",
              "|---|---|" + "---|" * len(columns) + "---|"]
    for row in photos["rows"] + [dict(photos["mean"], photo="**mean**", height=None)]:
        size = "" if row["height"] is None else f"{row['width']}×{row['height']}"
        cells = []
        for column in columns:
            mark = " ✗" if column == "default" and row["default_psnr"] <= row["gray_psnr"] else ""
            cells.append(f"{row[f'{column}_psnr']:.2f} dB ({row[f'{column}_colorfulness']:.1f})"
                         + mark)
        lines.append(f"| {row['photo']} | {size} | " + " | ".join(cells)
                     + f" | {row['true_colorfulness']:.1f} |")
    mean = photos["mean"]
    lines.append(f"\nDefault beats the gray copy on {mean['default_wins']} of "
                 f"{len(photos['rows'])} photos (mean {mean['default_psnr']:.2f} dB vs "
                 f"{mean['gray_psnr']:.2f} dB).")
    if photos["skipped"]:
        lines.append("Skipped scikit-image photos: " + "; ".join(
            f"{k} ({v.split(':')[0]})" for k, v in photos["skipped"].items()) + ".")

    n_photos = len(photos["rows"])
    lines += ["", f"| default on the {n_photos} photos, working_size | mean PSNR (gray copy: "
              f"{photos['mean']['gray_psnr']:.2f} dB) | photos above the gray copy | "
              "mean colorfulness | s for all photos |", "|---|---|---|---|---|"]
    current = results["models"]["default"]["loaded_params"]["working_size"]
    for row in results["working_size"]:
        size = row["working_size"] or "None (full size)"
        lines.append(f"| {size}{' (shipped)' if row['working_size'] == current else ''} | "
                     f"{row['mean_psnr']:.2f} dB | {row['photos_above_gray']} of {n_photos} | "
                     f"{row['mean_colorfulness']:.1f} | {row['seconds_all_photos']:.1f} |")
    if results.get("grid"):
        g = results["grid"]
        lines.append(f"\nExample grid: {g['path']} ({g['bytes'] / 1e3:.0f} kB).")
    return "\n".join(lines)


# ----------------------------------------------------------------------- main
def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Quality and speed of the trained colorizers on CIFAR-10 and real photos.")
    parser.add_argument("--data", type=Path, default=DATA / "cifar10",
                        help="CIFAR-10 for skcolor.datasets.load_cifar10 "
                        "(default $SKCOLOR_DATA/cifar10, else <repo>/../shared/data/cifar10)")
    parser.add_argument("--photos", type=Path, default=DATA / "photos",
                        help="folder of color *.png photos (default $SKCOLOR_DATA/photos)")
    parser.add_argument("--runs", type=Path, default=BENCHMARKS / "results" / "runs",
                        help="folder of trained .keras models with their .json records "
                        "(default benchmarks/results/runs)")
    parser.add_argument("--n-test", type=int, default=10000,
                        help="test images (default 10000; fewer: a seeded random subset)")
    parser.add_argument("--n-train-speed", type=int, default=2000,
                        help="training images for the training-speed fits (default 2000; "
                        "0 skips them)")
    parser.add_argument("--seed-run", default="seed-rgb",
                        help="run (file stem in --runs) used as the seed model (default seed-rgb)")
    parser.add_argument("--classes-run", default="unet-ycbcr-classes-r0.8",
                        help="classification run shown as 'default-classes' "
                        "(default unet-ycbcr-classes-r0.8)")
    parser.add_argument("--classes-temperature", type=float, default=0.7,
                        help="its temperature (default 0.7)")
    parser.add_argument("--skip-24mp", action="store_true",
                        help="skip the 6000×4000 photo (time and memory)")
    parser.add_argument("--grid", type=Path, default=REPO / "docs" / "_static" / "examples.png",
                        help="example grid PNG (default docs/_static/examples.png)")
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "results" / "quality.json",
                        help="JSON file to write (default benchmarks/results/quality.json)")
    args = parser.parse_args(argv)
    if args.n_test < 1 or args.n_train_speed < 0 or args.n_train_speed == 1:
        parser.error("--n-test must be >= 1 and --n-train-speed 0 or >= 2")
    if args.classes_temperature <= 0:
        parser.error("--classes-temperature must be > 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    load_before = load_average()
    seed_path = args.runs / f"{args.seed_run}.keras"
    if not seed_path.is_file():
        raise SystemExit(f"no {seed_path}")
    big_photo = {}
    if not args.skip_24mp:
        # First, while this process is small: a child inherits the parent's peak RSS
        # (ru_maxrss survives fork and exec on Linux).
        for name, path in ((args.seed_run, seed_path), ("default", None)):
            log(f"speed: {name} on a 6000×4000 photo, in a subprocess")
            big_photo[name] = big_photo_in_subprocess(name, path)
            if not big_photo[name]["peak_is_from_predict"]:
                log(f"WARNING: the peak RSS of {name}'s worker predates its predict; its "
                    "peak extra memory is a lower bound")
    log(f"loading CIFAR-10 from {args.data}")
    rgb_test, cifar_full, train_rgb = load_cifar(args.data, args.n_test, args.n_train_speed)
    from skcolor.color import rgb_to_gray

    gray_test, train_gray = rgb_to_gray(rgb_test), rgb_to_gray(train_rgb)

    log("loading photos")
    photos, skipped = load_skimage_photos(SKIMAGE_PHOTOS)
    photos += load_folder_photos(args.photos)
    if not photos:
        raise SystemExit("no photos: scikit-image's and --photos' are all missing")

    log(f"loading models from {args.runs}")
    models = load_models(args.runs)
    for name in (args.seed_run, args.classes_run):
        if name not in models:
            raise SystemExit(f"no {name}.keras in {args.runs}; found {sorted(models)}")
    if not is_classifier(models[args.classes_run][0]):
        raise SystemExit(f"--classes-run {args.classes_run} is not a classification model")

    results = {
        "benchmark": "quality",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "machine": machine_info(),
        "load_average": {"before": load_before},
        "data": {"path": str(args.data), "n_test": len(rgb_test),
                 "selection": f"whole test split in loader order, or a random subset (seed "
                 f"{SEED}) where --n-test is smaller", "n_train_speed": len(train_rgb)},
        "config": {"temperatures": TEMPERATURES, "predict_repeats": PREDICT_REPEATS,
                   "ssim_images": SSIM_IMAGES, "working_sizes": WORKING_SIZES,
                   "seed_run": args.seed_run, "classes_run": args.classes_run,
                   "classes_temperature": args.classes_temperature},
        "models": {name: record for name, (_, record) in models.items()},
    }

    results["cifar"] = cifar_table(models, gray_test, rgb_test)

    colorizers = {
        "seed": (models[args.seed_run][0], None),
        "default": (models["default"][0], None),
        "default-classes": (models[args.classes_run][0], args.classes_temperature),
    }
    rows, mean, _ = photo_table(photos, colorizers)
    results["photos"] = {"colorizers": list(colorizers), "rows": rows, "mean": mean,
                         "skipped": skipped}
    results["working_size"] = working_size_table(models["default"][0], photos)

    results["speed"] = speed_table(models, [args.seed_run, "default"], train_gray, train_rgb,
                                   big_photo)

    log(f"example grid to {args.grid}")
    results["grid"] = make_grid(args.grid, cifar_full, photos, colorizers)
    results["load_average"]["after"] = load_average()
    results["total_seconds"] = time.perf_counter() - started

    print(markdown(results))
    write_json(args.out, results)
    log(f"wrote {args.out} in {results['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
