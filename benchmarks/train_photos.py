"""Train skcolor's photo colorizer (``load_pretrained("photos")``) on ``photos-train``.

Training goes through the estimator API only: each *round* draws fresh random
crops (``skcolor.datasets.sample_photo_crops``: random scales from 20 % of the
shorter side to the whole of it, flips) from every photo of ``photos-train`` and
runs ``AutoencoderColorizer.fit`` for one epoch on them, continuing with
``warm_start=True``. ``--init cifar10`` starts every layer the two networks share
from the CIFAR-10 model (``load_pretrained("cifar10")``); the global-context branch
of ``unet_global`` starts as the identity (its 1×1 convolution) plus zero (its dense
layer), so round 0 predicts what the CIFAR-10 model predicts. After each round the
model is checkpointed (``--out``, resumable: rerun the same command) and scored on
``photos-val`` at full size through ``predict``.

Reproduce the shipped photo model (from the repository root; the wall time and the
machine are in docs/model_card.md)::

    python benchmarks/train_photos.py --out runs/photos.keras
    python benchmarks/photos.py --model runs/photos.keras

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
    parser.add_argument("--learning-rates", default="1.5e-4,5e-4,5e-4,5e-4,1.5e-4",
                        help="one learning rate per round, comma-separated (the shipped schedule)")
    parser.add_argument("--crops-per-photo", type=int, default=4)
    parser.add_argument("--crop-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--temperature", type=float, default=0.5)
    parser.add_argument("--working-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
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


if __name__ == "__main__":
    main()
