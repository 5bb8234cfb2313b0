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
command) and scored on ``photos-val`` at full size through ``predict``; the log is
``--out`` with ``.json``.

Reproduce the shipped photo model (from the repository root; the wall time and the
machine are in docs/model_card.md)::

    cd benchmarks && python train_photos.py --out runs/photos.keras
    python photos.py --model runs/photos.keras

Data from ``$SKCOLOR_DATA`` or ``../shared/data`` (read-only).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from photos import DATA, evaluate, load_set, summary_line

from skcolor import AutoencoderColorizer, load_pretrained
from skcolor.datasets import sample_photo_crops


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="checkpoint .keras file")
    parser.add_argument("--architecture", default="unet_global")
    parser.add_argument("--loss", default="rebalanced_crossentropy")
    parser.add_argument("--rebalance", type=float, default=0.8)
    parser.add_argument("--init", choices=("cifar10", "none"), default="cifar10")
    parser.add_argument("--learning-rates", default="3e-4,1e-4,1e-4,1e-4,5e-5",
                        help="one learning rate per round, comma-separated (the shipped schedule)")
    parser.add_argument("--crops-per-photo", type=int, default=3)
    parser.add_argument("--crop-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--temperature", type=float, default=0.5)
    parser.add_argument("--working-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--install", action="store_true",
                        help="then choose temperature and working size on photos-val (CHOICE_RULE) "
                             "and install the model as skcolor/models/photos.keras")
    args = parser.parse_args(argv)
    learning_rates = [float(rate) for rate in args.learning_rates.split(",")]

    val = load_set("photos-val")
    log_path = args.out.with_suffix(".json")
    log = json.loads(log_path.read_text()) if log_path.exists() else {"args": vars(args) | {
        "out": str(args.out)}, "rounds": []}
    if args.out.exists():
        model = AutoencoderColorizer.load(args.out)
        print(f"resuming {args.out} after round {len(log['rounds'])}", flush=True)
    else:
        init = load_pretrained("cifar10") if args.init == "cifar10" else None
        cls = AutoencoderColorizer if init is None else _warm_started(init)
        model = cls(
            architecture=args.architecture, loss=args.loss, rebalance=args.rebalance,
            dropout=args.dropout, learning_rate=learning_rates[0], batch_size=args.batch_size,
            epochs=1, validation_fraction=0.0, lr_patience=None, temperature=args.temperature,
            working_size=args.working_size, random_state=args.seed, verbose=2,
        )
    for round_ in range(len(log["rounds"]), len(learning_rates)):
        crops = sample_photo_crops(DATA / "photos-train", crop_size=args.crop_size,
                                   crops_per_photo=args.crops_per_photo,
                                   random_state=args.seed * 1000 + round_)
        model.set_params(warm_start=True, checkpoint_path=args.out,
                         random_state=args.seed * 1000 + round_, learning_rate=learning_rates[round_])
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(crops)
        seconds = time.perf_counter() - start
        result = evaluate(model, val)
        result.pop("per_photo")
        log["rounds"].append({"round": round_, "learning_rate": learning_rates[round_],
                              "n_crops": len(crops), "fit_seconds": seconds,
                              "fit_cpu_seconds": time.process_time() - cpu,
                              "images_per_second": len(crops) / seconds, "photos_val": result})
        log_path.write_text(json.dumps(log, indent=1) + "\n")
        print(f"round {round_}: {len(crops)} crops in {seconds:.0f} s "
              f"({len(crops) / seconds:.1f}/s); " + summary_line("photos-val", result), flush=True)
    if args.install:
        install(model, val, log)


#: Settings tried after training (free: they act in predict only).
TEMPERATURES = (0.38, 0.5, 0.7, 1.0)
WORKING_SIZES = (64, 96)
CHOICE_RULE = ("on photos-val, the most colorful (temperature, working_size) whose dataset PSNR "
               "is at least 1.0 dB above the gray copy's; if none is, the highest dataset PSNR")


def install(model, val, log):
    """Apply CHOICE_RULE, then save the model without optimizer and its record."""
    from _common import machine_info

    from skcolor._pretrained import PRETRAINED_MODELS

    sweep = []
    for working_size in WORKING_SIZES:
        for temperature in TEMPERATURES:
            model.set_params(temperature=temperature, working_size=working_size)
            result = evaluate(model, val)
            result.pop("per_photo")
            sweep.append({"temperature": temperature, "working_size": working_size, **result})
            print(f"T={temperature} working_size={working_size}: "
                  + summary_line("photos-val", result), flush=True)
    passing = [entry for entry in sweep if entry["dataset_gain"] >= 1.0]
    chosen = (max(passing, key=lambda entry: entry["colorfulness"]) if passing
              else max(sweep, key=lambda entry: entry["dataset_psnr"]))
    model.set_params(temperature=chosen["temperature"], working_size=chosen["working_size"],
                     checkpoint_path=None, warm_start=False, verbose=0)
    path = PRETRAINED_MODELS["photos"]
    model.save(path, include_optimizer=False)
    record = {**log, "choice_rule": CHOICE_RULE, "sweep": sweep,
              "chosen": {"temperature": chosen["temperature"],
                         "working_size": chosen["working_size"]},
              "train_seconds": sum(entry["fit_seconds"] for entry in log["rounds"]),
              "machine": machine_info()}
    path.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"installed {path} (T={chosen['temperature']}, working_size={chosen['working_size']})")


if __name__ == "__main__":
    main()
