"""``skcolor evaluate``: score a colorizer on test images against the gray-input baseline."""

import json
import os

from ._common import (
    Progress,
    add_model_argument,
    check_model_path,
    load_colorizer,
    positive_int,
)
from ._data import DATA_FORMS_HELP, add_data_arguments, load_split

NAME = "evaluate"
HELP = "score a colorizer on test images, next to the gray-input baseline"
DESCRIPTION = f"""\
Colorize the gray versions of the test images of --data with skcolor's shipped
model (or --model PATH) and score the result against the true colors, next to
the baseline that every colorizer must beat: the gray input copied to R, G and B.

Scores (skcolor.metrics.colorization_scores; higher is better): dataset PSNR
(over all pixels of all images, the headline figure), mean PSNR (per image,
capped at 100 dB), SSIM (over the first 2,000 images), colorfulness (Hasler and
Suesstrunk; the true CIFAR-10 images score about 31, gray images 0) and
luminance PSNR (how well the output keeps the input's gray; 100 dB is exact).
Printed as a table, or as JSON with --json.

{DATA_FORMS_HELP}"""

#: Table columns: (score key, header, format).
COLUMNS = (
    ("dataset_psnr", "dataset PSNR", "{:.2f} dB"),
    ("mean_psnr", "mean PSNR", "{:.2f} dB"),
    ("ssim", "SSIM", "{:.3f}"),
    ("colorfulness", "colorfulness", "{:.1f}"),
    ("luminance_psnr", "luminance PSNR", "{:.1f} dB"),
)

# Images colorized per step of the progress line.
_PROGRESS_STEP = 512


def add_arguments(parser):
    """Declare ``evaluate``'s arguments on its subparser."""
    add_data_arguments(parser)
    add_model_argument(parser)
    parser.add_argument(
        "--limit", type=positive_int, metavar="N",
        help="score N test images picked at random, the same on every run (default: all)",
    )
    parser.add_argument(
        "--json", action="store_true",
        help="print the scores as JSON instead of a table",
    )


def run(args):
    """Score the model on the test images of ``args.data``; return the exit status."""
    from ..color import gray_to_rgb, rgb_to_gray
    from ..metrics import colorization_scores

    check_model_path(args.model)  # before reading any data, and before Keras starts
    images, source = load_split(args.data, "test", limit=args.limit, size=args.image_size)
    colorizer = load_colorizer(args.model)
    gray = rgb_to_gray(images)
    colorized = _colorize(colorizer, gray)
    scores = {
        "model": colorization_scores(gray, images, colorized),
        "baseline": colorization_scores(gray, images, gray_to_rgb(gray)),
    }
    model = "shipped" if args.model is None else os.fspath(args.model)
    if args.json:
        print(json.dumps({"data": source, "n_images": len(images), "model": model,
                          "scores": scores}, indent=2))
        return 0
    n_ssim = scores["model"]["ssim_images"]
    print(f"{len(images)} test images from {source}"
          + (f" (SSIM over the first {n_ssim})" if n_ssim < len(images) else "") + ":")
    print(format_table({f"model ({model})": scores["model"],
                        "baseline (gray copied to RGB)": scores["baseline"]}))
    return 0


def _colorize(colorizer, gray):
    """``colorizer.predict(gray)`` in steps, with a progress line on stderr."""
    import numpy as np

    progress = Progress(len(gray), f"skcolor {NAME}")
    colorized = []
    try:
        for start in range(0, len(gray), _PROGRESS_STEP):
            colorized.append(colorizer.predict(gray[start:start + _PROGRESS_STEP]))
            progress.advance(len(colorized[-1]))
    finally:
        progress.close()
    return np.concatenate(colorized)


def format_table(rows):
    """The rows ``{label: scores}`` as an aligned text table of :data:`COLUMNS`."""
    cells = [[""] + [header for _, header, _ in COLUMNS]]
    cells += [[label] + [form.format(scores[key]) for key, _, form in COLUMNS]
              for label, scores in rows.items()]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join(
        "  ".join([row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])])
        for row in cells
    )
