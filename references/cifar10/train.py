"""Train candidate colorizers on CIFAR-10 and pick the one skcolor ships.

Each configuration in ``CONFIGS`` is an ``AutoencoderColorizer`` trained with a
fixed seed on the CIFAR-10 training split minus a held-out *selection* split
(5,000 images carved with a fixed seed; the test split is never looked at here).
On the selection split the script measures dataset PSNR, colorfulness and
luminance fidelity, for every annealing temperature of the classification
models, and writes the model (without optimizer state) and a JSON record.

The choice rule (applied by ``--choose``): among all (configuration, temperature)
pairs whose selection dataset PSNR is at least ``--min-psnr`` dB (default 23.5, the
quality target) and whose luminance fidelity is at least 35 dB, take the most
colorful; if none qualifies, the one with the highest dataset PSNR.

Run it from the repository root::

    python references/cifar10/train.py --config unet-ycbcr-classes --out runs/
    python references/cifar10/train.py --choose runs/ --install

``--install`` copies the chosen model to ``skcolor/models/cifar10.keras`` with the
chosen temperature and ``--working-size`` (64: best mean PSNR on scikit-image's
photos in ``benchmarks/quality.py``). Any Keras backend works (``KERAS_BACKEND=jax`` on a GPU);
the saved ``.keras`` file loads on any other.
"""

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "cifar10" / "train"

#: Candidate configurations: name → AutoencoderColorizer parameters.
CONFIGS = {
    "unet-ycbcr-mse": dict(architecture="unet", color_space="ycbcr", loss="mse"),
    "unet-ycbcr-classes": dict(
        architecture="unet", color_space="ycbcr", loss="rebalanced_crossentropy"
    ),
    "unet-ycbcr-classes-r0.8": dict(
        architecture="unet", color_space="ycbcr", loss="rebalanced_crossentropy", rebalance=0.8
    ),
    "unet-ycbcr-classes-unweighted": dict(
        architecture="unet", color_space="ycbcr", loss="rebalanced_crossentropy", rebalance=1.0
    ),
    "unet-lab-mse": dict(architecture="unet", color_space="lab", loss="mse"),
    "seed-rgb": dict(architecture="seed", color_space="rgb", loss="mse"),
}
TEMPERATURES = (1.0, 0.7, 0.5, 0.38)
SELECTION_SIZE = 5000
SEED = 0


def load_training_images(path):
    """All images of an image-folder tree (or a CIFAR-10 root), uint8 RGB."""
    from skcolor.datasets import load_cifar10, load_image_folder

    path = Path(path)
    if (path / "train").is_dir():
        (images, _), _ = load_cifar10(path)
        return images
    return load_image_folder(path).images


def split_selection(images):
    order = np.random.default_rng(SEED).permutation(len(images))
    return images[np.sort(order[SELECTION_SIZE:])], images[np.sort(order[:SELECTION_SIZE])]


def evaluate(model, gray, rgb):
    """Selection-split figures, for each temperature when the model classifies chroma."""
    from skcolor import metrics

    temperatures = TEMPERATURES if model.chroma_quantizer_ is not None else (model.temperature,)
    rows = []
    for temperature in temperatures:
        model.set_params(temperature=temperature)
        predicted = model.predict(gray)
        rows.append({
            "temperature": temperature,
            "dataset_psnr": metrics.dataset_psnr(rgb, predicted),
            "mean_psnr": metrics.psnr(rgb, predicted),
            "colorfulness": metrics.colorfulness(predicted),
            "luminance_psnr": metrics.luminance_psnr(gray, predicted),
        })
        print(json.dumps(rows[-1]), flush=True)
    return rows


def train(args):
    import keras

    from skcolor import AutoencoderColorizer
    from skcolor.color import rgb_to_gray

    images = load_training_images(args.data)
    if args.n_train:
        images = images[: args.n_train + SELECTION_SIZE]
    train_rgb, selection_rgb = split_selection(images)
    params = dict(CONFIGS[args.config], epochs=args.epochs, batch_size=args.batch_size,
                  random_state=SEED, verbose=2)
    model = AutoencoderColorizer(**params)
    start = time.perf_counter()
    model.fit(rgb_to_gray(train_rgb), train_rgb)
    seconds = time.perf_counter() - start
    rows = evaluate(model, rgb_to_gray(selection_rgb), selection_rgb)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / f"{args.config}.keras", include_optimizer=False)
    record = {
        "config": args.config,
        "params": {k: v for k, v in model.get_params().items()},
        "n_train": len(train_rgb),
        "n_selection": len(selection_rgb),
        "train_seconds": seconds,
        "history": model.history_,
        "selection": rows,
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "keras_backend": keras.backend.backend(),
            "keras": keras.__version__,
            "accelerator": os.environ.get("SKCOLOR_ACCELERATOR", "none"),
        },
    }
    (out / f"{args.config}.json").write_text(json.dumps(record, indent=1, default=str))
    print(f"{args.config}: {seconds:.0f} s, written to {out}", flush=True)


def choose(args):
    records = [json.loads(p.read_text()) for p in sorted(Path(args.choose).glob("*.json"))]
    candidates = [(r["config"], row) for r in records for row in r["selection"]]
    qualified = [c for c in candidates
                 if c[1]["dataset_psnr"] >= args.min_psnr and c[1]["luminance_psnr"] >= 35]
    if qualified:
        config, row = max(qualified, key=lambda c: c[1]["colorfulness"])
    else:
        config, row = max(candidates, key=lambda c: c[1]["dataset_psnr"])
    print(f"chosen: {config} at temperature {row['temperature']}: {json.dumps(row)}")
    if args.install:
        from skcolor import AutoencoderColorizer
        from skcolor._pretrained import PRETRAINED_MODELS

        model = AutoencoderColorizer.load(Path(args.choose) / f"{config}.keras")
        model.set_params(temperature=row["temperature"], verbose=0, working_size=args.working_size)
        PRETRAINED_MODELS["cifar10"].parent.mkdir(exist_ok=True)
        model.save(PRETRAINED_MODELS["cifar10"], include_optimizer=False)
        record = json.loads((Path(args.choose) / f"{config}.json").read_text())
        record["installed_params"] = model.get_params()  # training-time params stay in "params"
        PRETRAINED_MODELS["cifar10"].with_suffix(".json").write_text(json.dumps(record, indent=1, default=str))
        print(f"installed as {PRETRAINED_MODELS['cifar10']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=sorted(CONFIGS))
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "runs"))
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-train", type=int, default=0, help="0: all but the selection split")
    parser.add_argument("--choose", metavar="RUNS_DIR")
    parser.add_argument("--min-psnr", type=float, default=23.5)
    parser.add_argument("--install", action="store_true")
    parser.add_argument("--working-size", type=int, default=64,
                        help="working_size of the installed model (chosen on photos by quality.py)")
    args = parser.parse_args()
    if args.choose:
        choose(args)
    elif args.config:
        train(args)
    else:
        parser.error("give --config NAME to train or --choose RUNS_DIR to pick")


if __name__ == "__main__":
    main()
