"""Photos-val PSNR with color hints simulated from the truth: 0 to 50 points.

For each number of points, every photo of photos-val (full size) gets that many
5×5-pixel hints at random places (a fixed seed per photo), each carrying the true
mean color of its patch (:func:`skcolor.hints.simulate_hints`). The hint-aware
model takes them; the photo model, which takes none, is the flat reference line.
PSNR is the dataset PSNR (the MSE pooled over all photos), as in ``photos.py``.

    cd benchmarks && python hints.py --figure ../docs/_static/hints_curve.png

Data from ``$SKCOLOR_DATA`` or ``../shared/data`` (read-only).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from photos import load_set

from skcolor import load_pretrained
from skcolor.color import rgb_to_gray
from skcolor.hints import simulate_hints

POINTS = (0, 1, 2, 5, 10, 20, 50)
PATCH = 5
SEED = 0


def hint_curve(model, photos, points=POINTS, *, uses_hints=True):
    """``{n_points: dataset PSNR}`` of ``model`` on ``[(name, rgb)]`` with simulated hints."""
    grays = [rgb_to_gray(rgb[np.newaxis])[0] for _, rgb in photos]
    curve, seconds = {}, {}
    for n_points in points:
        hints = [simulate_hints(rgb[np.newaxis], n_points=n_points, max_patch=PATCH,
                                random_state=SEED + index)[0]
                 for index, (_, rgb) in enumerate(photos)]
        start = time.perf_counter()
        predicted = model.predict(grays, hints=hints) if uses_hints else model.predict(grays)
        seconds[n_points] = (time.perf_counter() - start) / len(photos)
        sse = sum(float(np.sum((pred.astype(np.float64) - rgb) ** 2))
                  for (_, rgb), pred in zip(photos, predicted))
        n_values = sum(rgb.size for _, rgb in photos)
        curve[n_points] = 10 * np.log10(255.0**2 / (sse / n_values))
    return curve, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="photos-hints",
                        help="a shipped model's name or a .keras file of a hint-aware model")
    parser.add_argument("--set", default="photos-val")
    parser.add_argument("--figure", type=Path, help="write the curves as a PNG")
    parser.add_argument("--out", type=Path, default=Path("records/hints.json"))
    args = parser.parse_args(argv)

    from skcolor import AutoencoderColorizer

    photos = load_set(args.set)
    model = (AutoencoderColorizer.load(args.model) if args.model.endswith(".keras")
             else load_pretrained(args.model))
    hinted, seconds = hint_curve(model, photos)
    reference, _ = hint_curve(load_pretrained("photos"), photos, points=(0,), uses_hints=False)
    record = {"set": args.set, "n_photos": len(photos), "patch": PATCH, "seed": SEED,
              "model": args.model, "hints_curve": hinted, "seconds_per_photo": seconds,
              "photo_model_no_hints": reference[0]}
    for n_points, value in hinted.items():
        print(f"{n_points:3d} points: {value:.2f} dB ({value - hinted[0]:+.2f} over no hints; "
              f"{seconds[n_points]:.3f} s per photo)")
    print(f"photo model, no hints: {reference[0]:.2f} dB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    if args.figure is not None:
        plot_curves(record, args.figure)


def plot_curves(record, path):
    """The hint-aware model's curve and the photo model's line of ``record``, as a PNG."""
    from matplotlib.figure import Figure

    hinted = {int(n_points): value for n_points, value in record["hints_curve"].items()}
    figure = Figure(figsize=(5, 3.2), layout="constrained")
    axes = figure.add_subplot()
    axes.plot(list(hinted), list(hinted.values()), "o-", label=f"{record['model']} (with hints)")
    axes.axhline(record["photo_model_no_hints"], color="gray", linestyle="--",
                 label="photos (takes no hints)")
    axes.set_xscale("symlog", linthresh=1)
    axes.set_xlim(-0.3, 70)
    axes.set_xticks(list(hinted), [str(n_points) for n_points in hinted])
    axes.set_xlabel("hinted points per photo (5×5 px, true color)")
    axes.set_ylabel(f"{record['set']} PSNR (dB)")
    axes.legend()
    figure.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
