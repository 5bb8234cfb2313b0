"""Seed baseline: skcolor's ``"seed"`` autoencoder against the same model in plain Keras.

What it measures
----------------
In one process, on the same CIFAR-10 images, it trains

* **skcolor** -- ``AutoencoderColorizer(architecture="seed", color_space="rgb", random_state=0,
  validation_fraction=0.1)``, and
* **plain Keras** -- the seed report's script, written out inline below
  (:func:`build_plain_keras_seed`, :func:`fit_plain_keras`), which does not use any of
  skcolor's model-building or training code: it is the independent reference.

Both use the same epochs, batch size, optimizer (Adam, lr 1e-3), loss (MSE),
learning-rate schedule (``ReduceLROnPlateau(factor=sqrt(0.1), patience=5,
min_lr=5e-7)`` on ``val_loss``) and the same 90/10 train/validation split (the split
skcolor makes with ``random_state=0``, reproduced here with NumPy). It reports

* **training throughput**: training images (the 90 %) / the median wall time of an
  epoch, excluding epoch 1 (tracing and one-time start-up), measured by a Keras
  callback on both sides (which also records each epoch's process CPU time, a second
  opinion when other work shares the CPUs); also total ``fit`` wall time. The target
  is skcolor / plain Keras >= 0.95;
* **inference throughput** on the 32x32 test images: ``AutoencoderColorizer.predict``
  on uint8 gray (conversion to float and back to uint8 included) against plain
  ``model.predict(batch_size=256)`` on float32: after one untimed warm-up call of
  each on the same data, ``--predict-repeats`` timed calls taking turns, and the
  best (fastest) of them, which other work on the machine disturbs least;
* **quality on the test split** with :mod:`skcolor.metrics`: dataset
  PSNR, mean PSNR, SSIM over 2,000 test images (a seeded random 2,000),
  colorfulness
  and luminance kept, for skcolor's model, the plain-Keras model (its float output
  rounded to uint8, as skcolor's ``predict`` does for uint8 input), the gray input
  copied to R, G, B (the floor to beat), and colorfulness of the true images.

Before anything is timed, each side runs a tiny warm-up fit (64 images, 1 epoch),
so that neither pays TensorFlow's one-time start-up alone. The timing callback is
given to skcolor's ``fit`` through its public ``callbacks`` parameter (the
timings are read from ``callbacks_``, fit's copy); nothing in skcolor is patched.

Data: ``skcolor.datasets.load_cifar10(--data)``, gray via
``skcolor.RGBToGrayscale`` (BT.601). Images are taken in a seeded random order
(the image-folder tree is sorted by class, so its first images would all be
airplanes); smaller ``--n-train`` / ``--n-test`` take the first of that order.

How to run
----------
From the repository root (about 34 minutes per model for the default 10 epochs on
50,000 images on a 2-core CPU, where plain Keras trains the seed at 250-300 images/s)::

    python benchmarks/seed_baseline.py
    python benchmarks/seed_baseline.py --epochs 3 --n-train 3000 --n-test 1000  # quick check

It prints markdown tables and writes every figure, the per-epoch times, the
training histories and the machine (platform, CPU count, TensorFlow/Keras
versions, GPUs) to ``--out`` (default ``benchmarks/results/seed_baseline.json``).
Timings on a busy machine are noisy (wall time, not CPU time, swings by up to 2x
when other processes share the cores): compare the ratio from one run, look at
``load_average`` and the per-epoch CPU times in the JSON, and consider ``--threads 1``
(or ``--keras-first`` for a second run in the other order).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing skcolor
    sys.path.insert(0, str(REPO))

if str(Path(__file__).resolve().parent) not in sys.path:  # benchmarks/, for _common
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    DATA,
    load_average,
    machine_info,
    make_epoch_timer,
    make_logger,
)

from skcolor.metrics import colorization_scores  # noqa: E402

SEED = 0
VALIDATION_FRACTION = 0.1
PREDICT_BATCH_SIZE = 256
SSIM_IMAGES = 2000
TARGET_RATIO = 0.95
WARMUP_IMAGES = 64


log = make_logger("seed_baseline")


# ----------------------------------------------------------------------- data
def load_data(path, n_train, n_test):
    """uint8 RGB and gray train/test images: whole splits, or seeded random subsets."""
    from skcolor import RGBToGrayscale
    from skcolor.datasets import load_cifar10

    (x_train, _), (x_test, _) = load_cifar10(path)
    rng = np.random.default_rng(SEED)

    def take(images, n, name):
        if n > len(images):
            raise SystemExit(f"--n-{name}={n}, but the {name} split has {len(images)} images.")
        # Seeded random order even for a whole split: the folder copy is sorted by
        # class, so its first 2,000 (the SSIM subset) would be airplanes and cars.
        return images[rng.permutation(len(images))[:n]]

    rgb_train = take(x_train, n_train, "train")
    rgb_test = take(x_test, n_test, "test")
    to_gray = RGBToGrayscale()
    return to_gray.fit_transform(rgb_train), rgb_train, to_gray.transform(rgb_test), rgb_test


def split_indices(n):
    """The 90/10 split ``AutoencoderColorizer`` makes with ``random_state=SEED``."""
    order = np.random.default_rng(SEED).permutation(n)
    n_val = min(max(1, int(round(VALIDATION_FRACTION * n))), n - 1)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


# --------------------------------------------------------------------- timing
def epoch_summary(timer, n_images):
    """Median epoch time (excluding epoch 1 when there are others) and images/s."""
    skip = 1 if len(timer.seconds) > 1 else 0
    median = statistics.median(timer.seconds[skip:])
    median_cpu = statistics.median(timer.cpu_seconds[skip:])
    return {
        "epoch_seconds": timer.seconds,
        "epoch_cpu_seconds": timer.cpu_seconds,
        "median_epoch_seconds": median,
        "median_epoch_cpu_seconds": median_cpu,
        "first_epoch_excluded": bool(skip),
        "train_images_per_second": n_images / median,
        "train_images_per_cpu_second": n_images / median_cpu,
    }


def time_interleaved(functions, repeats):
    """Time ``functions`` (name → callable) in turns, after one untimed call of each.

    Taking turns spreads any load from other work over both sides. Returns, per name,
    the list of seconds of the timed calls and the result of the last call.
    """
    results = {name: function() for name, function in functions.items()}
    seconds = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            results[name] = function()
            seconds[name].append(time.perf_counter() - start)
    return seconds, results


# ------------------------------------------------------------------- skcolor
def make_skcolor_model(epochs, batch_size, verbose, callbacks=None):
    from skcolor import AutoencoderColorizer

    return AutoencoderColorizer(
        architecture="seed",
        color_space="rgb",  # the report's model; the library default is a U-Net on chroma
        epochs=epochs,
        batch_size=batch_size,
        random_state=SEED,
        validation_fraction=VALIDATION_FRACTION,
        verbose=verbose,
        callbacks=callbacks,
    )


def run_skcolor(gray_train, rgb_train, epochs, batch_size, verbose):
    model = make_skcolor_model(epochs, batch_size, verbose, callbacks=[make_epoch_timer()])
    start = time.perf_counter()
    model.fit(gray_train, rgb_train)
    total = time.perf_counter() - start
    return model, model.callbacks_[0], total, model.history_  # the timer: fit's copy


# --------------------------------------------------------------- plain Keras
def build_plain_keras_seed():
    """The seed report's autoencoder, as its script writes it (no skcolor code)."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(32, 32, 1))
    x = layers.Conv2D(64, (3, 3), strides=2, activation="relu", padding="same")(inputs)
    x = layers.Dropout(0.2)(x)
    x = layers.Conv2D(128, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Conv2D(256, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Flatten()(x)
    latent = layers.Dense(256, name="latent_vector")(x)
    x = layers.Dense(4 * 4 * 256)(latent)
    x = layers.Reshape((4, 4, 256))(x)
    x = layers.Conv2DTranspose(256, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(128, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(64, (3, 3), strides=2, activation="relu", padding="same")(x)
    outputs = layers.Conv2DTranspose(3, (3, 3), strides=1, activation="sigmoid",
                                     padding="same")(x)
    model = keras.Model(inputs, outputs, name="plain_keras_seed")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    return model


def fit_plain_keras(gray_train, rgb_train, epochs, batch_size, verbose, callbacks=()):
    """The report's training script on the same 90/10 split as skcolor."""
    import keras

    keras.utils.set_random_seed(SEED)
    x = gray_train.astype("float32") / 255.0
    y = rgb_train.astype("float32") / 255.0
    train_index, val_index = split_indices(len(x))
    x_train, y_train = x[train_index], y[train_index]
    x_val, y_val = x[val_index], y[val_index]
    model = build_plain_keras_seed()
    reduce_lr = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=np.sqrt(0.1), patience=5, min_lr=5e-7,
        verbose=int(verbose > 0),
    )
    history = model.fit(
        x_train, y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(x_val, y_val),
        shuffle=True,
        callbacks=[reduce_lr, *callbacks],
        verbose=verbose,
    )
    return model, history


def run_plain_keras(gray_train, rgb_train, epochs, batch_size, verbose):
    timer = make_epoch_timer()
    start = time.perf_counter()
    model, history = fit_plain_keras(gray_train, rgb_train, epochs, batch_size, verbose, [timer])
    total = time.perf_counter() - start
    hist = {key: [float(v) for v in values] for key, values in history.history.items()}
    return model, timer, total, hist


# -------------------------------------------------------------------- quality
# ---------------------------------------------------------------- machine info
# --------------------------------------------------------------------- output
def fmt_db(value, cap=100.0):
    return "∞" if value >= cap else f"{value:.2f} dB"


def markdown_tables(results):
    sk, pk = results["skcolor"], results["plain_keras"]
    ratio = results["ratios"]
    lines = [
        f"Seed architecture, {results['config']['epochs']} epochs, batch "
        f"{results['config']['batch_size']}, {results['data']['n_fit']} training + "
        f"{results['data']['n_val']} validation images, {results['data']['n_test']} test "
        f"images; {results['machine']['platform']}, {results['machine']['usable_cpus']} "
        f"usable CPUs, GPU: {'yes' if results['machine']['gpu'] else 'no'}, TF "
        f"{results['machine']['tensorflow']}, Keras {results['machine']['keras']}.",
        "",
        "| speed | skcolor | plain Keras | skcolor / plain |",
        "|---|---|---|---|",
        f"| training images/s (median epoch, epoch 1 excluded) | "
        f"{sk['train_images_per_second']:.1f} | {pk['train_images_per_second']:.1f} | "
        f"{ratio['train']:.3f} |",
        f"| median epoch time, wall (CPU) | {sk['median_epoch_seconds']:.2f} s "
        f"({sk['median_epoch_cpu_seconds']:.1f} s) | {pk['median_epoch_seconds']:.2f} s "
        f"({pk['median_epoch_cpu_seconds']:.1f} s) | {ratio['train_cpu']:.3f} (by CPU time) |",
        f"| total fit wall time | {sk['fit_seconds']:.1f} s | {pk['fit_seconds']:.1f} s | "
        f"{ratio['fit_wall']:.3f} (plain / skcolor) |",
        f"| inference images/s (32×32, best of {results['config']['predict_repeats']}) | "
        f"{sk['predict_images_per_second']:.1f} | "
        f"{pk['predict_images_per_second']:.1f} | {ratio['predict']:.3f} |",
        f"| final loss / val_loss | {sk['history']['loss'][-1]:.5f} / "
        f"{sk['history']['val_loss'][-1]:.5f} | {pk['history']['loss'][-1]:.5f} / "
        f"{pk['history']['val_loss'][-1]:.5f} | |",
        "",
        f"Training throughput target (skcolor / plain ≥ {TARGET_RATIO}): "
        f"{'MET' if results['target_met'] else 'NOT MET'} ({ratio['train']:.3f}).",
        "",
        f"| test split ({results['data']['n_test']} images) | dataset PSNR | mean PSNR | "
        f"SSIM (first {sk['quality']['ssim_images']}) | colorfulness | luminance kept |",
        "|---|---|---|---|---|---|",
    ]
    rows = [
        ("gray input copied to R, G, B", results["gray_baseline"]["quality"]),
        ("seed, skcolor", sk["quality"]),
        ("seed, plain Keras", pk["quality"]),
    ]
    for name, q in rows:
        lines.append(
            f"| {name} | {fmt_db(q['dataset_psnr'])} | {fmt_db(q['mean_psnr'])} | "
            f"{q['ssim']:.3f} | {q['colorfulness']:.1f} | {fmt_db(q['luminance_psnr'])} |"
        )
    lines.append(
        f"| true images | ∞ | ∞ | 1 | {results['true_images']['colorfulness']:.1f} | — |"
    )
    return "\n".join(lines)


# ----------------------------------------------------------------------- main
def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Train the seed autoencoder with skcolor and with plain Keras on the "
        "same CIFAR-10 data; compare speed and quality.",
    )
    parser.add_argument("--epochs", type=int, default=10, help="epochs for both (default 10)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    parser.add_argument("--n-train", type=int, default=50000,
                        help="training images, 10%% of them for validation (default 50000)")
    parser.add_argument("--n-test", type=int, default=10000, help="test images (default 10000)")
    parser.add_argument("--data", default=str(DATA / "cifar10"),
                        help="CIFAR-10 path for skcolor.datasets.load_cifar10 "
                        "(default $SKCOLOR_DATA/cifar10, else <repo>/../shared/data/cifar10)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" /
                                             "seed_baseline.json"),
                        help="JSON file to write (default benchmarks/results/seed_baseline.json)")
    parser.add_argument("--predict-repeats", type=int, default=3,
                        help="timed predict calls per side, taking turns, after one warm-up; "
                        "the best counts (default 3)")
    parser.add_argument("--keras-first", action="store_true",
                        help="train plain Keras before skcolor (default: skcolor first)")
    parser.add_argument("--threads", type=int, default=0,
                        help="TensorFlow intra- and inter-op threads; 0 keeps TensorFlow's "
                        "default (all cores). 1 makes timings steadier on a busy machine")
    parser.add_argument("--verbose", type=int, default=0, choices=(0, 1, 2),
                        help="Keras verbosity for both fits (default 0)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or args.n_train < 2 or args.n_test < 1:
        parser.error("--epochs, --batch-size and --n-test must be >= 1, --n-train >= 2")
    if args.predict_repeats < 1 or args.threads < 0:
        parser.error("--predict-repeats must be >= 1 and --threads >= 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    load_before = load_average()

    log(f"loading CIFAR-10 from {args.data}")
    start = time.perf_counter()
    gray_train, rgb_train, gray_test, rgb_test = load_data(args.data, args.n_train, args.n_test)
    load_seconds = time.perf_counter() - start
    train_index, val_index = split_indices(len(gray_train))
    n_fit, n_val = len(train_index), len(val_index)
    log(f"loaded in {load_seconds:.1f} s: {len(gray_train)} train ({n_fit} fit + {n_val} "
        f"validation), {len(gray_test)} test")

    import keras  # noqa: F401  (TensorFlow's import, outside every timing)
    import tensorflow as tf

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    machine = machine_info()

    # Warm-up: one tiny fit of each, so neither side pays the one-time start-up alone.
    log("warm-up fits")
    warm_gray, warm_rgb = gray_train[:WARMUP_IMAGES], rgb_train[:WARMUP_IMAGES]
    make_skcolor_model(1, args.batch_size, 0).fit(warm_gray, warm_rgb)
    fit_plain_keras(warm_gray, warm_rgb, 1, args.batch_size, 0)

    runs = {}
    order = ["plain_keras", "skcolor"] if args.keras_first else ["skcolor", "plain_keras"]
    runners = {"skcolor": run_skcolor, "plain_keras": run_plain_keras}
    for name in order:
        log(f"training {name}: {args.epochs} epochs, batch {args.batch_size}")
        runs[name] = runners[name](gray_train, rgb_train, args.epochs, args.batch_size,
                                   args.verbose)
        log(f"{name}: fit in {runs[name][2]:.1f} s, epochs "
            + ", ".join(f"{s:.1f}" for s in runs[name][1].seconds) + " s")

    sk_model, pk_model = runs["skcolor"][0], runs["plain_keras"][0]
    n_params = {"skcolor": int(sk_model.model_.count_params()),
                "plain_keras": int(pk_model.count_params())}
    if n_params["skcolor"] != n_params["plain_keras"]:
        # Not the same model: every comparison below would be meaningless.
        raise SystemExit(f"parameter counts differ: {n_params}")

    log("inference timing")
    x_test = gray_test.astype("float32") / 255.0
    predict_seconds, outputs = time_interleaved(
        {
            "skcolor": lambda: sk_model.predict(gray_test),
            "plain_keras": lambda: pk_model.predict(x_test, batch_size=PREDICT_BATCH_SIZE,
                                                    verbose=0),
        },
        args.predict_repeats,
    )
    predictions = {
        "skcolor": outputs["skcolor"],
        "plain_keras": np.rint(np.clip(outputs["plain_keras"], 0.0, 1.0) * 255.0).astype(np.uint8),
    }

    log("quality metrics")
    from skcolor import metrics
    from skcolor.color import gray_to_rgb

    results = {
        "benchmark": "seed_baseline",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "config": {
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "validation_fraction": VALIDATION_FRACTION,
            "random_state": SEED,
            "predict_batch_size": PREDICT_BATCH_SIZE,
            "predict_repeats": args.predict_repeats,
            "order": order,
            "threads": args.threads or "tensorflow default",
            "verbose": args.verbose,
        },
        "data": {
            "path": str(args.data),
            "n_train": len(gray_train),
            "n_fit": n_fit,
            "n_val": n_val,
            "n_test": len(gray_test),
            "selection": f"whole split in loader order, or a random subset (seed {SEED}) "
            "where --n-train/--n-test is smaller",
            "load_seconds": load_seconds,
        },
        "machine": machine,
        "load_average": {"before": load_before},
        "n_params": n_params,
        "psnr_cap_db": metrics.PSNR_CAP,
    }
    for name in ("skcolor", "plain_keras"):
        _, timer, fit_seconds, history = runs[name]
        best = min(predict_seconds[name])
        results[name] = {
            **epoch_summary(timer, n_fit),
            "fit_seconds": fit_seconds,
            "predict_seconds_all": predict_seconds[name],
            "predict_seconds_best": best,
            "predict_seconds_median": statistics.median(predict_seconds[name]),
            "predict_images_per_second": len(gray_test) / best,
            "history": history,
            "quality": colorization_scores(gray_test, rgb_test, predictions[name], ssim_images=SSIM_IMAGES),
        }
    results["gray_baseline"] = {"quality": colorization_scores(gray_test, rgb_test, gray_to_rgb(gray_test), ssim_images=SSIM_IMAGES)}
    results["true_images"] = {"colorfulness": metrics.colorfulness(rgb_test)}
    sk, pk = results["skcolor"], results["plain_keras"]
    results["ratios"] = {
        "train": sk["train_images_per_second"] / pk["train_images_per_second"],
        "train_cpu": sk["train_images_per_cpu_second"] / pk["train_images_per_cpu_second"],
        "fit_wall": pk["fit_seconds"] / sk["fit_seconds"],
        "predict": sk["predict_images_per_second"] / pk["predict_images_per_second"],
    }
    results["target_ratio"] = TARGET_RATIO
    results["target_met"] = results["ratios"]["train"] >= TARGET_RATIO
    results["load_average"]["after"] = load_average()

    print(markdown_tables(results))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
