"""Train the hint-aware photo model ("photos-hints") from the shipped photo model.

The network is the photo model's, with three more input channels (the hints'
chroma and their mask) whose first-layer weights start at zero: with no hints it
begins exactly where the photo model is. Each round fine-tunes it on fresh whole
32×32 scenes (``--scenes``), then fresh crops of the photo folders, with hints
simulated from the truth (``AutoencoderColorizer(hints=True).fit`` draws them:
none for a quarter of the images, else a geometric number with mean 8, patches of
1-5 px carrying their mean true color), and scores photos-val with 0 and 10
hinted points. On small scenes a hint covers more of the picture, and the
network learns to carry it across a region far sooner than on crops alone
(docs/model_card.md).

The shipped model's run: four rounds on crops alone, then five with scenes::

    python references/photos-hints/train.py --out runs/hints.keras --learning-rates 3e-4,2e-4,1e-4,5e-5
    python references/photos-hints/train.py --out runs/hints.keras --scenes cifar10,tinyimagenet32 \
        --learning-rates 3e-4,2e-4,1e-4,5e-5,3e-4,2e-4,2e-4,1e-4,5e-5 --install

Resumable: rerun the same command; the checkpoint is saved without optimizer
after every round. Data from ``$SKCOLOR_DATA`` or ``../shared/data``.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "references")]

from hints import hint_curve  # noqa: E402
from photos import DATA, load_set  # noqa: E402
from training_utils import load_scenes, with_policy  # noqa: E402

from skcolor import AutoencoderColorizer, load_pretrained  # noqa: E402
from skcolor.datasets import sample_photo_crops  # noqa: E402


def hint_aware(photo):
    """``photo`` (a fitted photo model) widened to take hints, with the hint weights at zero.

    Every layer keeps its weights; the first convolution's kernel gets zero
    weights for the three hint channels, so its output, and the model's, are
    unchanged until training moves them.
    """
    model = AutoencoderColorizer(**{**photo.get_params(), "hints": True})
    model._initialize((*photo.input_shape_[:2], 4), photo.chroma_quantizer_,
                      history=photo.history_)
    for layer in model.model_.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        old = photo.model_.get_layer(layer.name).get_weights()
        if old[0].shape != weights[0].shape:  # the first convolution: (3, 3, 1, F) → (3, 3, 4, F)
            widened = np.zeros_like(weights[0])
            widened[:, :, :old[0].shape[2], :] = old[0]
            old = [widened, *old[1:]]
        layer.set_weights(old)
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--learning-rates", default="1e-4,1e-4,5e-5")
    parser.add_argument("--photo-folders", default="photos-train:3,photos-people:1,photos-streets:2")
    parser.add_argument("--crop-size", type=int, default=64)
    parser.add_argument("--scenes", default="",
                        help="folders of 32×32 whole scenes (cifar10, tinyimagenet32), comma-"
                             "separated: each round first trains on --scenes-per-round of them")
    parser.add_argument("--scenes-per-round", type=int, default=40000)
    parser.add_argument("--cache", type=Path, default=Path("runs/cache"))
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--precision", choices=("float32", "mixed_bfloat16"), default="mixed_bfloat16")
    parser.add_argument("--install", action="store_true",
                        help="save the float32 model as skcolor/models/photos-hints.keras")
    args = parser.parse_args(argv)
    learning_rates = [float(rate) for rate in args.learning_rates.split(",")]

    import keras

    from skcolor.datasets._photo_crops import list_photos

    keras.mixed_precision.set_global_policy(args.precision)
    folders = [(name, int(count or 1)) for name, _, count in
               (entry.partition(":") for entry in args.photo_folders.split(","))]
    photo_files = {name: list_photos(DATA / name) for name, _ in folders}
    scenes = load_scenes([name for name in args.scenes.split(",") if name], args.cache)
    val = load_set("photos-val")
    log_path = args.out.with_suffix(".json")
    log = json.loads(log_path.read_text()) if log_path.exists() else {
        "args": {**vars(args), "out": str(args.out)}, "rounds": []}
    if args.out.exists():
        model = with_policy(AutoencoderColorizer.load(args.out), args.precision)
        print(f"resuming {args.out} after round {len(log['rounds'])}", flush=True)
    else:
        model = with_policy(hint_aware(load_pretrained("photos")), args.precision)
        if not log["rounds"]:
            start, _ = hint_curve(with_policy(model, "float32"), val, points=(0, 10))
            log["start"] = start
            print(f"start: no hints {start[0]:.2f} dB, 10 points {start[10]:.2f} dB", flush=True)
            with_policy(model, args.precision)
    model.set_params(epochs=1, validation_fraction=0.0, lr_patience=None, verbose=2,
                     batch_size=args.batch_size, checkpoint_path=None)
    for round_ in range(len(log["rounds"]), len(learning_rates)):
        seed = args.seed * 1000 + round_
        model.set_params(warm_start=True, random_state=seed, learning_rate=learning_rates[round_])
        began = time.perf_counter()
        n_scenes = 0
        if len(scenes):
            # Whole scenes keep the colors of the photo model's training; crops end
            # the round, so batch normalisation's statistics are those of photos.
            chosen = np.random.default_rng(seed).choice(
                len(scenes), min(args.scenes_per_round, len(scenes)), replace=False)
            model.fit(scenes[chosen])
            n_scenes = len(chosen)
        crops = np.concatenate([
            sample_photo_crops(photo_files[name], crop_size=args.crop_size, crops_per_photo=count,
                               random_state=seed) for name, count in folders])
        model.fit(crops)
        seconds = time.perf_counter() - began
        model.save(args.out, include_optimizer=False)
        curve, _ = hint_curve(with_policy(model, "float32"), val, points=(0, 10))
        with_policy(model, args.precision)
        log["rounds"].append({"round": round_, "learning_rate": learning_rates[round_],
                              "n_scenes": n_scenes, "n_crops": len(crops), "fit_seconds": seconds,
                              "photos_val": curve})
        log_path.write_text(json.dumps(log, indent=1) + "\n")
        print(f"round {round_}: {n_scenes} scenes, {len(crops)} crops in {seconds:.0f} s; "
              f"photos-val no hints "
              f"{curve[0]:.2f} dB, 10 points {curve[10]:.2f} dB", flush=True)
    if args.install:
        from skcolor._pretrained import PRETRAINED_MODELS

        with_policy(model, "float32")
        model.set_params(warm_start=False, verbose=0, random_state=None)
        target = PRETRAINED_MODELS["photos-hints"]
        model.save(target, include_optimizer=False)
        target.with_suffix(".json").write_text(json.dumps(log, indent=1) + "\n")  # the record
        print(f"installed as {target}")


if __name__ == "__main__":
    main()
