"""Training and prediction speed of this checkout against a reference commit, side by side.

Speed is judged by ratios, not absolute times: the reference (by default commit
8f97ea1, the last before the speed work) is checked out in a temporary
``git worktree``, and the same workloads
run in fresh subprocesses, alternating between the two trees, ``--rounds`` times
each; each figure keeps its best round, so that a burst of other work on a shared
machine does not decide the ratio. Both trees are driven through the public API
that both releases share (``AutoencoderColorizer`` with the default U-Net), so the
workload is the same code path a user runs.

Each worker measures, in one process:

- the machine's fp32 peak, as a large matmul (``2 n³`` flops per product);
- training images/s of the default U-Net (``epochs=2``, ``batch_size=32``,
  ``random_state=0``) on CIFAR-10 at 32×32 and on 64×64 photo crops, as images ×
  epochs over the whole ``fit`` (tracing included, as a user sees it; Keras is
  imported before, since skcolor imports it lazily in the first ``fit``), and
  the validation loss after the 2 epochs;
- prediction images/s at 32×32 and 64×64 (best of 2 after a warm-up);
- seconds per 768×512 photo (scikit-image's coffee), best of 30 after a warm-up,
  with the default estimator so trained and with each tree's shipped default model;
- the fraction of the fp32 peak the training step reaches, from the forward
  flops of the network's convolutions (training ≈ 3× forward).

Run it from the repository root (about 15 minutes on 2 cores with the defaults)::

    python benchmarks/speed.py
    python benchmarks/speed.py --rounds 3 --out benchmarks/records/speed.json
    python benchmarks/speed.py --shipped-only --rounds 5   # the shipped models' photo time only

Results and their machine go in ``docs/benchmarks.md``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, REPO, best_of, make_logger, markdown_table, write_json  # noqa: E402

log = make_logger("speed")
REFERENCE = "8f97ea1"
MARK = "SPEED_WORKER_RESULT "
#: The workload; the same in both trees.
FIT_PARAMS = dict(epochs=2, batch_size=32, random_state=0, verbose=0)
PEAK_N = 2048
PHOTO_REPEATS = 30


def matmul_peak_gflops(repeats=10):
    """fp32 GFLOP/s of a ``PEAK_N``² matmul, the best the machine's BLAS reaches."""
    import tensorflow as tf

    a, b = tf.random.normal((PEAK_N, PEAK_N)), tf.random.normal((PEAK_N, PEAK_N))
    product = tf.function(lambda a, b: tf.matmul(a, b))
    product(a, b).numpy()
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeats):
            result = product(a, b)
        result.numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * PEAK_N**3 * repeats / best / 1e9


def forward_gflop(model, height, width):
    """GFLOP of one image's forward pass through the network's convolutions."""
    import keras

    convolutions = [layer for layer in model.layers
                    if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))]
    # One probe gives every convolution's input size (the U-Net's levels).
    probe = keras.Model(model.inputs, [layer.input for layer in convolutions])
    input_shapes = probe.compute_output_shape((1, height, width, 1))
    total = 0
    for layer, shape in zip(convolutions, input_shapes):
        pixels = shape[1] * shape[2]
        # A Conv2DTranspose works per input pixel, a strided Conv2D per output pixel.
        if not isinstance(layer, keras.layers.Conv2DTranspose):
            pixels /= layer.strides[0] * layer.strides[1]
        total += 2 * int(np.prod(layer.kernel_size)) * shape[-1] * layer.filters * pixels
    return total / 1e9


def worker(data_path, shipped_only=False):
    """Run every measurement with the skcolor on ``sys.path``; print one JSON line.

    ``shipped_only`` times only the shipped default model on the 768×512 photo.
    """
    import keras  # noqa: F401  importing Keras takes seconds; it is not training
    import skcolor
    from skcolor import AutoencoderColorizer

    data = np.load(data_path)
    record = {"skcolor_file": skcolor.__file__, "peak_gflops": matmul_peak_gflops()}
    if shipped_only:
        record["shipped_768x512_s"] = shipped_photo_seconds(data["photo_768x512"])
        print(MARK + json.dumps(record), flush=True)
        return
    for size, key in ((32, "cifar"), (64, "crops")):
        rgb = data[f"{key}_train"]
        estimator = AutoencoderColorizer(**FIT_PARAMS)
        start = time.perf_counter()
        estimator.fit(rgb)
        seconds = time.perf_counter() - start
        n_fit = len(rgb) - max(1, round(estimator.validation_fraction * len(rgb)))
        train_ips = n_fit * FIT_PARAMS["epochs"] / seconds
        gray = data[f"{key}_gray"]
        predict_seconds = min(best_of(lambda: estimator.predict(gray)))
        gflop = forward_gflop(estimator.model_, size, size)
        record[f"train_ips_{size}"] = train_ips
        record[f"train_peak_fraction_{size}"] = 3 * gflop * train_ips / record["peak_gflops"]
        record[f"val_loss_{size}"] = float(estimator.history_["val_loss"][-1])
        record[f"predict_ips_{size}"] = len(gray) / predict_seconds
        if size == 32:
            photo = data["photo_768x512"]
            # One photo takes tens of milliseconds, where the machine's jitter is of the
            # same order: the best of many calls.
            record["photo_768x512_s"] = min(best_of(lambda: estimator.predict(photo),
                                                    repeats=PHOTO_REPEATS))
            record["shipped_768x512_s"] = shipped_photo_seconds(photo)
    print(MARK + json.dumps(record), flush=True)


def shipped_photo_seconds(photo):
    """Best of ``PHOTO_REPEATS`` seconds of the tree's shipped default model on ``photo``:
    the model users get."""
    import skcolor

    shipped = skcolor.load_pretrained()
    return min(best_of(lambda: shipped.predict(photo), repeats=PHOTO_REPEATS))


def prepare_data(path, *, n_cifar, n_crops, n_predict):
    """CIFAR-10 images, 64×64 photo crops and the timing photo, in one .npz for the workers."""
    import cv2
    import skimage.data

    from skcolor.color import rgb_to_gray
    from skcolor.datasets import load_cifar10, sample_photo_crops

    (cifar, _), (cifar_test, _) = load_cifar10(DATA / "cifar10")
    rng = np.random.default_rng(0)
    crops = sample_photo_crops(DATA / "photos-train", crop_size=64, crops_per_photo=1,
                               random_state=0)
    crops = crops[rng.permutation(len(crops))[: n_crops + n_predict // 4]]
    coffee = rgb_to_gray(skimage.data.coffee()[np.newaxis])[0]
    np.savez(
        path,
        cifar_train=cifar[rng.permutation(len(cifar))[:n_cifar]],
        cifar_gray=rgb_to_gray(cifar_test[:n_predict]),
        crops_train=crops[:n_crops],
        crops_gray=rgb_to_gray(crops[len(crops) - n_predict // 4:]),
        photo_768x512=cv2.resize(coffee, (768, 512), interpolation=cv2.INTER_LINEAR)[np.newaxis],
    )


def run_worker(tree, data_path, shipped_only=False):
    env = {**os.environ, "PYTHONPATH": str(tree), "TF_CPP_MIN_LOG_LEVEL": "2"}
    command = [sys.executable, __file__, "--worker", str(data_path)]
    done = subprocess.run(command + ["--shipped-only"] * shipped_only, env=env,
                          capture_output=True, text=True, cwd=tree)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    raise RuntimeError(f"worker in {tree} failed:\n{done.stderr[-3000:]}")


ROWS = [  # (label, key, higher is better)
    ("training images/s, 32×32", "train_ips_32", True),
    ("training images/s, 64×64", "train_ips_64", True),
    ("fraction of fp32 peak, training 32×32", "train_peak_fraction_32", True),
    ("validation loss after 2 epochs, 32×32", "val_loss_32", False),
    ("validation loss after 2 epochs, 64×64", "val_loss_64", False),
    ("prediction images/s, 32×32", "predict_ips_32", True),
    ("prediction images/s, 64×64", "predict_ips_64", True),
    ("seconds per 768×512 photo", "photo_768x512_s", False),
    ("seconds per 768×512 photo, shipped default model", "shipped_768x512_s", False),
    ("fp32 matmul peak, GFLOP/s", "peak_gflops", True),
]


def best_of_rounds(records):
    """Each measured figure's best value over the rounds of one tree."""
    return {key: (max if higher else min)(record[key] for record in records)
            for _, key, higher in ROWS if key in records[0]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--reference", default=REFERENCE, help="commit to compare with")
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each tree")
    parser.add_argument("--n-cifar", type=int, default=2048, help="CIFAR-10 training images")
    parser.add_argument("--n-crops", type=int, default=512, help="64×64 photo crops to train on")
    parser.add_argument("--n-predict", type=int, default=1024, help="images per predict timing")
    parser.add_argument("--shipped-only", action="store_true",
                        help="time only each tree's shipped default model on the 768×512 photo "
                             "(about a minute a round instead of 15)")
    parser.add_argument("--out", type=Path, help="JSON record to write")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, shipped_only=args.shipped_only)

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        data_path = scratch / "speed_data.npz"
        log("preparing the data")
        prepare_data(data_path, n_cifar=args.n_cifar, n_crops=args.n_crops, n_predict=args.n_predict)
        reference_tree = scratch / "reference"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(reference_tree),
                        args.reference], check=True, capture_output=True)
        try:
            records = {"reference": [], "current": []}
            for round_ in range(args.rounds):
                for name, tree in (("reference", reference_tree), ("current", REPO)):
                    log(f"round {round_ + 1}: {name}")
                    records[name].append(run_worker(tree, data_path, args.shipped_only))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                            str(reference_tree)], capture_output=True)
    reference, current = best_of_rounds(records["reference"]), best_of_rounds(records["current"])
    rows = []
    for label, key, higher in ROWS:
        if key not in current:
            continue
        ratio = current[key] / reference[key]
        rows.append([label, f"{reference[key]:.4g}", f"{current[key]:.4g}",
                     f"{ratio:.2f}×" + ("" if higher else " (lower is better)")])
    print("\n".join(markdown_table(["what", args.reference, "this checkout", "ratio"], rows)))
    if args.out:
        from _common import load_average, machine_info

        write_json(args.out, {"reference": args.reference, "rounds": records,
                              "machine": machine_info(), "load_average": load_average(),
                              "cpu_flags": _cpu_flags()})


def _cpu_flags():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return sorted(set(line.split(":", 1)[1].split()) & {
                    "avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"})
    except OSError:
        pass
    return None


if __name__ == "__main__":
    main()
