"""Train skcolor's photo colorizer on the ImageNet-trained EfficientNet-Lite0 encoder.

The recipe of ``load_pretrained("photos")`` (``architecture="lite0_unet"``): the
encoder stays frozen, and only the decoder and the hint branch learn, through
``AutoencoderColorizer.fit`` (which trains the half-resolution head directly).
Each *round* draws fresh data and runs one epoch on each part, continuing with
``warm_start=True`` at that round's learning rate:

* **whole small scenes** (``--scenes``: CIFAR-10's training split and Tiny
  ImageNet's 200 classes, 32×32, enlarged to 64): the global color of many
  different scenes and objects, which a few thousand photos cannot give;
* **photo crops** (``--photo-folders``, ``--crop-size``): random crops at random
  scales of ``photos-train``, ``photos-people`` and ``photos-streets``: detail,
  people and everyday streets, what users bring most. Each round ends on them, so
  the decoder's batch normalisation statistics are the photos'.

Hints are simulated on three quarters of the images (:func:`skcolor.hints.simulate_hints`),
so one network colorizes alone and with hints.

After every round the whole estimator is saved to ``--out`` (resumable: rerun the
same command), the trained layers alone (a few MB: the frozen encoder is the
ImageNet weights) to ``--checkpoint`` (``.npz`` and ``.json``, committed so that a
run goes on in a later session with ``--resume-checkpoint``), and the round is
scored on photos-val at two vividness settings and on the USC-SIPI photos; the
log is ``--out`` with ``.json``.

Data from ``$SKCOLOR_DATA`` or ``../shared/data`` (read-only). Run from the
repository root::

    python references/photos/train.py --out runs/lite0.keras \
        --checkpoint references/photos/checkpoint
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "references")]

from photos import (DATA, PEOPLE_CLIPS, choice_score, choose, evaluate,  # noqa: E402
                    load_set, summary_line, sweep_settings)
from training_utils import average_weights, parse_learning_rates  # noqa: E402
from training_utils import load_scenes as load_small_scenes  # noqa: E402

from skcolor import AutoencoderColorizer  # noqa: E402
from skcolor.color import ChromaQuantizer, rgb_to_ycbcr, ycbcr_to_rgb  # noqa: E402
from skcolor.datasets import sample_photo_crops  # noqa: E402

#: How each round's checkpoint is judged, written before the run.
CHOICE_RULE = (
    "the round to ship is the one with the highest mean choice_score on photos-val over "
    "itself and its two neighbours (round-to-round swings are +-0.2 dB), each at the "
    "vividness of {0.25, 0.5} that choose() picks; it must also have a USC-SIPI dataset gain "
    "above the shipped model's (-0.07 dB) and no worse than the best round's by 0.3 dB")


def load_scenes(names, cache, size):
    """Whole small scenes of the ``--scenes`` folders (cached as .npy) at ``size``."""
    from skcolor._image import resize_batch

    scenes = load_small_scenes(names, cache)
    return scenes if scenes.shape[1] == size else resize_batch(scenes, (size, size))


def white_balanced(images, strength=1.0, *, chroma_limit=0.06, min_share=0.05):
    """``images`` (uint8 RGB) with their near-neutral pixels shifted to neutral on average.

    Many photos were taken in warm light, and their white walls are peach in the
    truth; a network trained on them paints every wall it is unsure of peach.
    Each image's pixels with ``|Cb|`` and ``|Cr|`` under ``chroma_limit`` (BT.601,
    in [-0.5, 0.5]) at mid luminance are taken as meant to be neutral: their mean
    chroma, times ``strength``, is taken off the whole image at constant
    luminance. Images with under ``min_share`` such pixels keep their colors.
    """
    ycbcr = rgb_to_ycbcr(images)
    luma, chroma = ycbcr[..., :1], ycbcr[..., 1:] - np.float32(0.5)
    neutral = ((np.abs(chroma) < chroma_limit).all(axis=-1)
               & (luma[..., 0] > 0.15) & (luma[..., 0] < 0.95))
    count = neutral.sum(axis=(1, 2))
    enough = (count >= min_share * neutral[0].size)[:, None]
    mean = (chroma * neutral[..., None]).sum(axis=(1, 2)) / np.maximum(count, 1)[:, None]
    shift = np.where(enough, -mean * strength, 0).astype(np.float32)[:, None, None, :]
    rgb = ycbcr_to_rgb(luma, chroma + np.float32(0.5) + shift)
    return np.round(rgb * 255).astype(np.uint8)


def trained_weights(model):
    """The network's weights outside the frozen encoder, by variable path."""
    encoder = {id(weight) for weight in model.model_.get_layer("encoder").weights}
    return {weight.path: weight.numpy() for weight in model.model_.weights
            if id(weight) not in encoder}


def save_checkpoint(model, folder, log):
    """The trained layers (``.npz``), and what rebuilds the estimator around them (``.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    # float16 halves what each session commits; resuming from it changes the
    # weights by less than one training step does.
    np.savez_compressed(folder / "decoder.npz", **{
        path.replace("/", "|"): value.astype(np.float16) if value.dtype == np.float32 else value
        for path, value in trained_weights(model).items()})
    record = {"params": {name: value for name, value in model.get_params().items()
                         if name not in ("callbacks", "checkpoint_path")},
              "input_shape": list(model.input_shape_),
              "chroma_quantizer": model.chroma_quantizer_.get_state(),
              "history": model.history_, "log": log}
    (folder / "checkpoint.json").write_text(json.dumps(record, indent=1) + "\n")


def resume_checkpoint(folder):
    """The estimator of a :func:`save_checkpoint` folder.

    The network is built with the ImageNet encoder (the checkpoint holds only what
    trained) around the saved chroma classes, through the estimator's
    ``_initialize``; then the trained layers' weights are put back.
    """
    record = json.loads((folder / "checkpoint.json").read_text())
    model = AutoencoderColorizer(**record["params"])
    # Checkpoints before the input shape was recorded are of fully convolutional
    # networks taking the gray channel and, with hints, three hint channels.
    input_shape = record.get("input_shape", (None, None, 4 if model.hints else 1))
    model._initialize(input_shape, ChromaQuantizer.from_state(record["chroma_quantizer"]),
                      history=record["history"])
    saved = np.load(folder / "decoder.npz")
    by_path = {path.replace("|", "/"): saved[path] for path in saved.files}
    for weight in model.model_.weights:
        if weight.path in by_path:
            weight.assign(by_path[weight.path].astype(weight.dtype))
    return model, record["log"]


def score(model, sets, vividness_values):
    """photos-val at each vividness, and the other sets at the first, without per-photo rows."""
    results = {}
    for vividness in vividness_values:
        model.set_params(vividness=vividness)
        for name, photos in sets.items():
            if name != "photos-val" and vividness != vividness_values[0]:
                continue
            result = evaluate(model, photos)
            result.pop("per_photo")
            results[f"{name}@{vividness}"] = result
            print(f"  {summary_line(f'{name} v={vividness}', result)}", flush=True)
    return results


#: When the mean of the last rounds' weights replaces the chosen round, written before
#: those rounds ran.
AVERAGE_RULE = (
    "the mean of the weights of the chosen round and its two predecessors is installed "
    "instead of the chosen round if its photos-val choice_score is higher by >= 0.1 and its "
    "USC-SIPI dataset gain lower by no more than 0.1 dB")

#: Settings tried at installation (they act in predict only, so they are free to sweep).
VIVIDNESS = (0.25, 0.5, 0.75)
WORKING_SIZES = (128, 160, 192, 224)
SETTINGS_RULE = (
    "on photos-val, among the (vividness, working_size) whose colorfulness is at least 0.4 x "
    "the true photos', the highest dataset gain + 1 dB per 10 points of share of photos "
    "above their gray copy - 0.1 dB per unit of cast (references/photos/train_unet_global.py's "
    "choice_score)")


#: What a candidate must pass to replace the shipped photo model, written before the
#: first lite0_unet round was judged on the people clips
#: (benchmarks/records/photos_lite0_ship_rule.md).
SHIP_RULE = (
    "every people clip at least gray + 0.5 dB, photos-val choice_score at least 8.0, "
    "USC-SIPI and scikit-image dataset gains above the previous photo model's")
PREVIOUS_GAINS = {"photos": -0.07, "skimage": 1.65}
CLIP_FLOOR = 0.5
SCORE_FLOOR = 8.0


def averaged(paths):
    """The estimator of ``paths[0]`` with the mean of the weights of all ``paths``.

    Stochastic weight averaging (Izmailov et al. 2018), batch normalisation's
    statistics included.
    """
    model = AutoencoderColorizer.load(paths[0])
    if len(paths) > 1:
        average_weights(model, paths)
    return model


def judge(paths, record_path):
    """Sweep the predict settings by SETTINGS_RULE, then hold the candidate to SHIP_RULE.

    The record (sweep, chosen settings, every set's figures, whether it passes)
    is written to ``record_path``; nothing is installed.
    """
    model = averaged(paths)
    sweep = sweep_settings(model, load_set("photos-val"), vividness_values=VIVIDNESS,
                           working_sizes=WORKING_SIZES)
    chosen = choose(sweep)
    model.set_params(vividness=chosen["vividness"], working_size=chosen["working_size"])
    results = {}
    for name in ("photos", "skimage", *(f"clip:{clip}" for clip in PEOPLE_CLIPS)):
        results[name] = evaluate(model, load_set(name))
        results[name].pop("per_photo")
        print(f"  {summary_line(name, results[name])}", flush=True)
    checks = {
        "clips": all(results[f"clip:{clip}"]["dataset_gain"] >= CLIP_FLOOR
                     for clip in PEOPLE_CLIPS),
        "photos-val": choice_score(chosen) >= SCORE_FLOOR,
        **{name: results[name]["dataset_gain"] > gain for name, gain in PREVIOUS_GAINS.items()}}
    record = {"candidate": [str(path) for path in paths], "settings_rule": SETTINGS_RULE,
              "ship_rule": SHIP_RULE, "sweep": sweep,
              "chosen": {"vividness": chosen["vividness"],
                         "working_size": chosen["working_size"],
                         "choice_score": choice_score(chosen)},
              "results": results, "checks": checks, "passes": all(checks.values())}
    record_path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"choice_score {choice_score(chosen):.2f} at vividness {chosen['vividness']}, "
          f"working size {chosen['working_size']}; passes {record['passes']} {checks}",
          flush=True)
    return record


def install(paths, log_path):
    """Sweep the predict settings on photos-val, apply SETTINGS_RULE, install the model.

    The model is :func:`averaged` ``paths``. It is saved as
    ``skcolor/models/photos.keras`` without optimizer, and its record (the
    training log, the sweep, the choice, the machine) beside it.
    """
    from _common import machine_info

    from skcolor._pretrained import PRETRAINED_MODELS

    model = averaged(paths)
    sweep = sweep_settings(model, load_set("photos-val"), vividness_values=VIVIDNESS,
                           working_sizes=WORKING_SIZES)
    chosen = choose(sweep)
    model.set_params(vividness=chosen["vividness"], working_size=chosen["working_size"],
                     warm_start=False, verbose=0, random_state=None)
    target = PRETRAINED_MODELS["photos"]
    model.save(target, include_optimizer=False)
    log = json.loads(log_path.read_text()) if log_path.exists() else {}
    record = {**log, "installed_from": [str(path) for path in paths],
              "settings_rule": SETTINGS_RULE, "average_rule": AVERAGE_RULE, "sweep": sweep,
              "chosen": {"vividness": chosen["vividness"],
                         "working_size": chosen["working_size"],
                         "temperature": model.temperature},
              "train_seconds": sum(part["fit_seconds"] for entry in log.get("rounds", ())
                                   for part in entry["parts"]),
              "machine": machine_info()}
    target.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"installed {target} (vividness={chosen['vividness']}, "
          f"working_size={chosen['working_size']})", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the whole estimator, each round")
    parser.add_argument("--checkpoint", type=Path, required=True,
                        help="folder of the trained layers and the record, each round")
    parser.add_argument("--resume-checkpoint", action="store_true",
                        help="start from --checkpoint (a run of an earlier session)")
    parser.add_argument("--learning-rates", default="1e-3*4,5e-4*4,2e-4*4,1e-4*4,5e-5*4")
    parser.add_argument("--photo-folders",
                        default="photos-train:2,photos-people:1,photos-streets:1",
                        help="NAME:CROPS_PER_PHOTO, comma-separated")
    parser.add_argument("--crop-size", type=int, default=128)
    parser.add_argument("--scenes", default="cifar10,tinyimagenet32")
    parser.add_argument("--scenes-per-round", type=int, default=6000)
    parser.add_argument("--scene-size", type=int, default=64)
    parser.add_argument("--cache", type=Path, default=Path("runs/cache"))
    parser.add_argument("--rebalance", type=float, default=0.5)
    parser.add_argument("--temperature", type=float, default=0.5)
    parser.add_argument("--working-size", type=int, default=160)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vividness", default="0.25,0.5")
    parser.add_argument("--white-balance", type=float, default=0.0,
                        help="strength of white_balanced() on every training image (0: off)")
    parser.add_argument("--keep-rounds", action="store_true",
                        help="also keep each round's estimator, as OUT.roundN.keras")
    parser.add_argument("--install", type=Path, nargs="+", default=None, metavar="KERAS",
                        help="instead of training: sweep the predict settings of this "
                             "estimator file (or of the mean of these files' weights) on "
                             "photos-val, choose by SETTINGS_RULE and install it as the shipped "
                             "photo model")
    parser.add_argument("--judge", type=Path, nargs="+", default=None, metavar="KERAS",
                        help="instead of training: sweep the predict settings of this "
                             "estimator file (or of the mean of these files' weights) as "
                             "--install does, then hold it to SHIP_RULE and write the record "
                             "to --out with .json; nothing is installed")
    args = parser.parse_args(argv)
    if args.judge is not None:
        return judge(args.judge, args.out.with_suffix(".json"))
    if args.install is not None:
        return install(args.install, args.out.with_suffix(".json"))
    learning_rates = parse_learning_rates(args.learning_rates)
    vividness_values = [float(v) for v in args.vividness.split(",")]

    from skcolor.datasets._photo_crops import list_photos

    folders = [(name, int(count)) for name, _, count in
               (entry.partition(":") for entry in args.photo_folders.split(","))]
    photo_files = {name: list_photos(DATA / name) for name, _ in folders}
    scenes = load_scenes([n for n in args.scenes.split(",") if n], args.cache, args.scene_size)
    print(", ".join(f"{len(photo_files[n])} photos x {c} from {n}" for n, c in folders)
          + f"; {len(scenes)} scenes at {args.scene_size}px", flush=True)
    # The people clips are judged every round too: photos-val alone flatters a model
    # trained on the same sources, and the first run lost to gray on them.
    sets = {"photos-val": load_set("photos-val"), "usc-sipi": load_set("photos"),
            **{f"clip:{clip}": load_set(f"clip:{clip}") for clip in PEOPLE_CLIPS}}

    def crops(seed):
        return np.concatenate([
            sample_photo_crops(photo_files[name], crop_size=args.crop_size,
                               crops_per_photo=count, random_state=seed)
            for name, count in folders])

    log_path = args.out.with_suffix(".json")
    if args.out.exists():
        model = AutoencoderColorizer.load(args.out)
        log = json.loads(log_path.read_text())
    elif args.resume_checkpoint:
        model, log = resume_checkpoint(args.checkpoint)
        # A resumed run may change its schedule or its data mix: each resumption is recorded.
        log.setdefault("resumed", []).append({
            "at_round": len(log["rounds"]),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}})
    else:
        model = AutoencoderColorizer(
            architecture="lite0_unet", loss="rebalanced_crossentropy", rebalance=args.rebalance,
            hints=True, dropout=0.0, learning_rate=learning_rates[0], batch_size=args.batch_size,
            epochs=1, validation_fraction=0.0, lr_patience=None, temperature=args.temperature,
            working_size=args.working_size, random_state=args.seed, verbose=2)
        log = {"args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
               "choice_rule": CHOICE_RULE, "rounds": []}
    for round_ in range(len(log["rounds"]), len(learning_rates)):
        seed = args.seed * 1000 + round_
        entry = {"round": round_, "learning_rate": learning_rates[round_], "parts": []}
        # Round 0 trains on photos alone, so the chroma classes are those of real photos.
        parts = [("photo crops", lambda seed=seed: crops(seed))]
        if round_ > 0 and len(scenes):
            chosen = np.random.default_rng(seed).choice(
                len(scenes), min(args.scenes_per_round, len(scenes)), replace=False)
            parts.insert(0, ("scenes", lambda chosen=chosen: scenes[chosen]))
        for name, make in parts:
            images = make()
            if args.white_balance:
                images = white_balanced(images, args.white_balance)
            model.set_params(warm_start=True, random_state=seed,
                             learning_rate=learning_rates[round_])
            start = time.perf_counter()
            model.fit(images)
            seconds = time.perf_counter() - start
            entry["parts"].append({"part": name, "n_images": len(images),
                                   "size": images.shape[1], "fit_seconds": seconds,
                                   "images_per_second": len(images) / seconds})
            print(f"round {round_} {name}: {len(images)} at {images.shape[1]}px in {seconds:.0f} s "
                  f"({len(images) / seconds:.1f}/s)", flush=True)
            del images
        model.set_params(working_size=args.working_size)
        entry["scores"] = score(model, sets, vividness_values)
        log["rounds"].append(entry)
        model.save(args.out, include_optimizer=False)
        if args.keep_rounds:
            model.save(args.out.with_name(f"{args.out.stem}.round{round_}.keras"),
                       include_optimizer=False)
        log_path.write_text(json.dumps(log, indent=1) + "\n")
        save_checkpoint(model, args.checkpoint, log)


if __name__ == "__main__":
    main()
