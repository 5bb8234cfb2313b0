"""Train skcolor's photo colorizer (``load_pretrained("photos")``) on ``photos-train``.

Training goes through the estimator API only: each *round* draws fresh random
crops (``skcolor.datasets.sample_photo_crops``: random scales from 20 % of the
shorter side to the whole of it, flips) from every photo of ``photos-train`` and
runs ``AutoencoderColorizer.fit`` for one epoch on them, continuing with
``warm_start=True``, at that round's learning rate (``--learning-rates``).

``--init cifar10`` starts the network from the CIFAR-10 model
(``load_pretrained("cifar10")``), so that what it learned in 25 epochs of CIFAR-10
is not relearned on two CPU cores: every layer the two networks share is copied;
the global-context branch of ``unet_global`` starts as a no-op (its 1×1
convolution the identity, its dense layer zero); and the chroma-class head of
``loss="rebalanced_crossentropy"`` starts as the CIFAR-10 model's regression head
turned into classes (a Gaussian over the classes centred on its prediction, see
``_class_head_from_regression``). Before any training the network thus colors as
the CIFAR-10 model does (photos-val: +0.81 dB over the gray copy, colorfulness
25.8, against +0.80 and 26.3); training then moves it to photos. A class head
started at random instead (the first pilot) learned a sepia tint first.

After each round the model is checkpointed (``--out``, resumable: rerun the same
command; ``--keep-rounds`` also keeps every round's checkpoint) and scored on
``photos-val`` at full size through ``predict``; the log is ``--out`` with ``.json``.
``--average-last K`` then gives the model the mean of the last K rounds' weights.

Reproduce the shipped photo model with the command in docs/model_card.md (the
wall time and the machine are there too), then score it::

    python references/photos/train_unet_global.py --out runs/photos.keras ...
    python benchmarks/photos.py --model runs/photos.keras

Data from ``$SKCOLOR_DATA`` or ``../shared/data`` (read-only).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "references")]

from photos import (CHOICE_RULE, DATA, choose, evaluate, load_set,  # noqa: E402
                    summary_line, sweep_settings)
from training_utils import (average_weights, load_scenes, parse_learning_rates,  # noqa: E402
                            round_path, with_policy)

from skcolor import AutoencoderColorizer, load_pretrained  # noqa: E402
from skcolor.datasets import sample_photo_crops  # noqa: E402


#: Spread, in logit-chroma units, of the class distribution that starts a class head
#: from a regression head (about 1.5 chroma classes near neutral).
HEAD_SPREAD = 0.25


def _class_head_from_regression(weights, centers, spread=HEAD_SPREAD):
    """Weights of a softmax class head equivalent to a sigmoid regression head.

    The regression head predicts chroma ``sigmoid(z)`` with ``z = h @ W + b``. The
    class head gets logits ``-|logit(c_k) - z|² / (2 spread²)`` up to a term equal
    for every class, which is linear in ``h``: a Gaussian over the classes centred
    on the regression's prediction, so the annealed mean starts where the
    regression model is, and training sharpens it from there.
    """
    kernel, bias = weights  # (1, 1, features, 2), (2,)
    centers_z = np.log(centers) - np.log1p(-centers)  # (n_classes, 2)
    scale = 1.0 / spread**2
    class_kernel = np.einsum("abfc,kc->abfk", kernel, centers_z) * scale
    class_bias = (centers_z @ bias - 0.5 * np.sum(centers_z**2, axis=1)) * scale
    return [class_kernel.astype(np.float32), class_bias.astype(np.float32)]


def _warm_started(init):
    """AutoencoderColorizer whose freshly built network starts from ``init``'s weights."""

    class WarmStarted(AutoencoderColorizer):
        def _build_model(self, input_shape):
            model = super()._build_model(input_shape)
            source = {layer.name: layer for layer in init.model_.layers}
            copied = 0
            for layer in model.layers:
                old = source.get(layer.name)
                if old is not None and [w.shape for w in old.get_weights()] == \
                        [w.shape for w in layer.get_weights()] and layer.get_weights():
                    layer.set_weights(old.get_weights())
                    copied += 1
            names = {layer.name for layer in model.layers}
            if "global_local" in names:  # start the global branch as a no-op
                kernel, bias = model.get_layer("global_local").get_weights()
                model.get_layer("global_local").set_weights(
                    [np.eye(kernel.shape[-1], dtype=kernel.dtype).reshape(kernel.shape),
                     np.zeros_like(bias)])
                model.get_layer("global_dense").set_weights(
                    [np.zeros_like(w) for w in model.get_layer("global_dense").get_weights()])
            if self.chroma_quantizer_ is not None and "color" in source:
                model.get_layer("color").set_weights(_class_head_from_regression(
                    source["color"].get_weights(), self.chroma_quantizer_.centers_))
                copied += 1
            print(f"initialized {copied} layers from the CIFAR-10 model", flush=True)
            return model

    return WarmStarted


def _input_channel_map(layer, old_layer):
    """New input channel of each of ``old_layer``'s input channels, in ``layer``.

    A layer fed by a concatenation (a U-Net's decoder: upsampled features, then the
    skip connection's) keeps each part's channels first within that part's slice.
    """
    producer = layer.input._keras_history.operation
    old_producer = old_layer.input._keras_history.operation
    if type(producer).__name__ != "Concatenate":
        return np.arange(old_layer.input.shape[-1])
    new_sizes = [tensor.shape[-1] for tensor in producer.input]
    old_sizes = [tensor.shape[-1] for tensor in old_producer.input]
    starts = np.cumsum([0] + new_sizes[:-1])
    return np.concatenate([start + np.arange(size) for start, size in zip(starts, old_sizes)])


def widen_network(network, source):
    """Give ``network`` (wider, same layer names) the function of ``source``.

    Each old weight goes to the leading channels of its layer (Net2Net's random
    padding, Chen et al. 2016): the new channels keep their random initial
    weights, but every kernel's weights *from* new input channels are zero, so
    the new channels do not change any output until training moves those
    weights; batch normalisation's new channels start at its defaults. The
    widened network predicts what ``source`` predicts, and trains from there.
    """
    old_layers = {layer.name: layer for layer in source.layers}
    for layer in network.layers:
        old_layer = old_layers.get(layer.name)
        if old_layer is None or not layer.weights:
            continue
        weights = []
        for new, old in zip(layer.get_weights(), old_layer.get_weights()):
            new = new.copy()
            if new.ndim == 1:  # biases and batch normalisation's vectors
                new[:len(old)] = old
            else:  # kernels: (..., inputs, outputs); Conv2DTranspose's are (..., outputs, inputs)
                transposed = type(layer).__name__ == "Conv2DTranspose"
                if transposed:
                    new, old = np.swapaxes(new, -1, -2), np.swapaxes(old, -1, -2)
                inputs = _input_channel_map(layer, old_layer)
                new = np.where(np.isin(np.arange(new.shape[-2]), inputs)[:, None], new, 0)
                new[..., inputs, :old.shape[-1]] = old
                if transposed:
                    new = np.swapaxes(new, -1, -2)
            weights.append(new)
        layer.set_weights(weights)
    return network


def widened(model, filters):
    """``model`` (a fitted estimator) with its network widened to ``filters``."""
    network = model.model_
    model.set_params(filters=filters)
    model._initialize(model.input_shape_, model.chroma_quantizer_, history=model.history_)
    widen_network(model.model_, network)
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True,
                        help="checkpoint .keras file, saved without optimizer after every round")
    parser.add_argument("--architecture", default="unet_global")
    parser.add_argument("--filters", default=None,
                        help="filters per level, comma-separated (default: the architecture's); "
                             "a width other than the CIFAR-10 model's needs --init photos or none")
    parser.add_argument("--loss", default="rebalanced_crossentropy")
    parser.add_argument("--rebalance", type=float, default=0.8)
    parser.add_argument("--init", choices=("cifar10", "photos", "none"), default="cifar10",
                        help="start from the CIFAR-10 model, from the shipped photo model "
                             "(widened to --filters if given: see widen_network), or at random")
    parser.add_argument("--learning-rates", default="3e-4,1e-4,1e-4,1e-4,5e-5",
                        help="one learning rate per round, comma-separated (the shipped schedule); "
                             "RATE*N stands for N rounds at RATE")
    parser.add_argument("--photo-folders", default="photos-train",
                        help="folders of photos under the data folder to draw crops from, "
                             "comma-separated, each as NAME or NAME:CROPS_PER_PHOTO")
    parser.add_argument("--crops-per-photo", type=int, default=3)
    parser.add_argument("--crop-size", type=int, default=64)
    parser.add_argument("--scenes", default="",
                        help="folders of 32×32 whole scenes (cifar10, tinyimagenet32), comma-separated: "
                             "from round 1 on, each round first trains on --scenes-per-round of them")
    parser.add_argument("--scenes-per-round", type=int, default=35000)
    parser.add_argument("--cache", type=Path, default=Path("runs/cache"),
                        help="where the scenes are kept as .npy between runs")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--temperature", type=float, default=0.5)
    parser.add_argument("--working-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--precision", choices=("float32", "mixed_bfloat16"), default="float32",
                        help="Keras dtype policy of training: mixed_bfloat16 trains about twice as "
                             "fast on CPUs with AMX or AVX512-BF16; the installed model is float32")
    parser.add_argument("--keep-rounds", action="store_true",
                        help="also keep each round's checkpoint, as OUT.roundN.keras")
    parser.add_argument("--average-last", type=int, default=1, metavar="K",
                        help="with --install, install the average of the weights of the last K "
                             "rounds' kept checkpoints (needs --keep-rounds) instead of the last "
                             "round alone")
    parser.add_argument("--validation", choices=("photos-val", "none"), default="photos-val",
                        help="score every round on photos-val, or not (a run on a machine that "
                             "photos-val does not travel to; score its checkpoint afterwards)")
    parser.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                        help="start no round that the previous round's wall time says would end "
                             "after this many seconds from the start (a lent machine's limit)")
    parser.add_argument("--install", action="store_true",
                        help="then choose vividness and working size on photos-val (CHOICE_RULE) "
                             "and install the model as skcolor/models/photos.keras")
    args = parser.parse_args(argv)
    learning_rates = parse_learning_rates(args.learning_rates)
    filters = tuple(int(n) for n in args.filters.split(",")) if args.filters else None
    if filters is not None and args.init == "cifar10" and not args.out.exists():
        parser.error("--filters needs --init photos (widened) or none: the CIFAR-10 model's "
                     "layers have their own widths and cannot start a network of other widths")
    if args.validation == "none" and args.install:
        parser.error("--install chooses its settings on photos-val; it needs --validation photos-val")
    started = time.perf_counter()

    import keras

    from skcolor.datasets._photo_crops import list_photos

    keras.mixed_precision.set_global_policy(args.precision)  # before any layer is built

    # "folder" or "folder:crops per photo" (default --crops-per-photo): the mix of scenes.
    photo_folders = [(name, int(count) if count else args.crops_per_photo)
                     for name, _, count in (entry.partition(":")
                                            for entry in args.photo_folders.split(","))]
    photo_files = {name: list_photos(DATA / name) for name, _ in photo_folders}
    scenes = load_scenes([name for name in args.scenes.split(",") if name], args.cache)
    print(", ".join(f"{len(photo_files[name])} photos x {count} from {name}"
                    for name, count in photo_folders) + f"; {len(scenes)} scenes", flush=True)
    val = load_set("photos-val") if args.validation == "photos-val" else None
    log_path = args.out.with_suffix(".json")
    log = json.loads(log_path.read_text()) if log_path.exists() else {"args": vars(args) | {
        "out": str(args.out), "cache": str(args.cache)}, "rounds": []}
    if args.out.exists():
        # Resumable from the installed model too: copy photos.keras and photos.json
        # (its record holds the rounds) to --out and extend --learning-rates.
        model = with_policy(AutoencoderColorizer.load(args.out), args.precision)
        print(f"resuming {args.out} after round {len(log['rounds'])}", flush=True)
    elif args.init == "photos":  # the shipped model, widened if --filters asks
        model = load_pretrained("photos").set_params(
            learning_rate=learning_rates[0], batch_size=args.batch_size, epochs=1,
            validation_fraction=0.0, lr_patience=None, random_state=args.seed, verbose=2)
        if filters is not None:
            model = widened(model, filters)
        model = with_policy(model, args.precision)
        print(f"starting from the shipped photo model, filters {model._filters()}", flush=True)
    else:
        init = load_pretrained("cifar10") if args.init == "cifar10" else None
        cls = AutoencoderColorizer if init is None else _warm_started(init)
        model = cls(
            architecture=args.architecture, filters=filters, loss=args.loss, rebalance=args.rebalance,
            dropout=args.dropout, learning_rate=learning_rates[0], batch_size=args.batch_size,
            epochs=1, validation_fraction=0.0, lr_patience=None, temperature=args.temperature,
            working_size=args.working_size, random_state=args.seed, verbose=2,
        )
    round_seconds = 0.0
    for round_ in range(len(log["rounds"]), len(learning_rates)):
        if args.time_budget is not None and \
                time.perf_counter() - started + round_seconds > args.time_budget:
            print(f"stopping before round {round_}: the time budget would run out", flush=True)
            break
        round_started = time.perf_counter()
        seed = args.seed * 1000 + round_
        entry = {"round": round_, "learning_rate": learning_rates[round_], "parts": []}
        parts = []
        # Round 0 trains on photos alone, so the chroma classes are those of real photos;
        # later rounds end on photos, so batch normalisation's statistics are theirs.
        if round_ > 0 and len(scenes):
            chosen = np.random.default_rng(seed).choice(
                len(scenes), min(args.scenes_per_round, len(scenes)), replace=False)
            parts.append(("scenes", lambda chosen=chosen: scenes[chosen]))
        parts.append(("photo crops", lambda: np.concatenate([
            sample_photo_crops(photo_files[name], crop_size=args.crop_size, crops_per_photo=count,
                               random_state=seed) for name, count in photo_folders])))
        for name, make in parts:
            images = make()
            model.set_params(warm_start=True, checkpoint_path=None, random_state=seed,
                             learning_rate=learning_rates[round_], batch_size=args.batch_size)
            start, cpu = time.perf_counter(), time.process_time()
            model.fit(images)
            seconds = time.perf_counter() - start
            entry["parts"].append({"part": name, "n_images": len(images),
                                   "size": images.shape[1], "fit_seconds": seconds,
                                   "fit_cpu_seconds": time.process_time() - cpu,
                                   "images_per_second": len(images) / seconds})
            print(f"round {round_} {name}: {len(images)} at {images.shape[1]}px in {seconds:.0f} s "
                  f"({len(images) / seconds:.1f}/s)", flush=True)
            del images
        model.save(args.out, include_optimizer=False)
        if args.keep_rounds:
            model.save(round_path(args.out, round_), include_optimizer=False)
        entry.update(n_crops=sum(part["n_images"] for part in entry["parts"]),
                     fit_seconds=sum(part["fit_seconds"] for part in entry["parts"]))
        if val is not None:
            result = evaluate(model, val)
            result.pop("per_photo")
            entry["photos_val"] = result
            print(f"round {round_}: " + summary_line("photos-val", result), flush=True)
        log["rounds"].append(entry)
        log_path.write_text(json.dumps(log, indent=1) + "\n")
        round_seconds = time.perf_counter() - round_started
    if args.install:
        if args.average_last > 1:
            rounds = range(len(learning_rates) - args.average_last, len(learning_rates))
            kept = [round_path(args.out, round_) for round_ in rounds]
            if missing := [str(path) for path in kept if not path.exists()]:
                parser.error(f"--average-last {args.average_last} needs the rounds kept by "
                             f"--keep-rounds; missing: {', '.join(missing)}")
            average_weights(model, kept)
            log["averaged_rounds"] = list(rounds)
        install(model, val, log)


#: Settings tried after training (free: they act in predict only).
VIVIDNESS = (0.0, 0.25, 0.5, 0.75, 1.0)
WORKING_SIZES = (64, 96, 128)
#: The rule written before the first sweep on a model trained this way. On that sweep
#: no setting met any target but colorfulness, so the count made it choose by
#: colorfulness alone: vividness 0.75, with a cast of 11.0 (Cb -8.9). Kept for the record.
FIRST_CHOICE_RULE = (
    "on photos-val, the (vividness, working_size) that meets the most of five targets: "
    "dataset gain >= +1.8 dB; >= 80% of photos above their gray copy; worst photo >= -4 dB; "
    "cast <= 6 with mean Cb and Cr within +-2; colorfulness >= 0.55 x the true photos'. "
    "Ties: the highest dataset gain + 1 dB per 10 points of share above gray - 0.1 dB per "
    "unit of cast.")



def install(model, val, log):
    """Sweep the predict-time settings, apply CHOICE_RULE, save the model without
    optimizer (as float32) and its record."""
    from _common import machine_info

    from skcolor._pretrained import PRETRAINED_MODELS

    with_policy(model, "float32")
    sweep = sweep_settings(model, val, vividness_values=VIVIDNESS, working_sizes=WORKING_SIZES)
    chosen = choose(sweep)
    model.set_params(vividness=chosen["vividness"], working_size=chosen["working_size"],
                     checkpoint_path=None, warm_start=False, verbose=0)
    path = PRETRAINED_MODELS["photos"]
    model.save(path, include_optimizer=False)
    record = {**log, "choice_rule": CHOICE_RULE, "sweep": sweep,
              "chosen": {"vividness": chosen["vividness"], "working_size": chosen["working_size"],
                         "temperature": model.temperature},
              "train_seconds": sum(entry["fit_seconds"] for entry in log["rounds"]),
              "machine": machine_info()}
    path.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"installed {path} (vividness={chosen['vividness']}, "
          f"working_size={chosen['working_size']})")


if __name__ == "__main__":
    main()
