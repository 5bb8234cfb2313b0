"""``skcolor compare``: a picture of gray | colorized | true test images."""

import os
from pathlib import Path

from ._common import (
    add_model_argument,
    check_model_path,
    check_output_file,
    int_at_least,
    load_colorizer,
    positive_int,
    render_figure,
)
from ._data import DATA_FORMS_HELP, add_data_arguments, load_split

NAME = "compare"
HELP = "draw gray | colorized | true test images side by side into one picture"
DESCRIPTION = f"""\
Pick test images of --data at random (--n-images of them; --seed picks others),
colorize their gray versions with skcolor's shipped model (or --model PATH), and
draw one row per image: gray | colorized | true. The picture is written to the
-o file (PNG, JPEG, TIFF or BMP, by its suffix) through a temporary file and a
rename; an existing file is not replaced without --overwrite.

{DATA_FORMS_HELP}"""

_DEFAULT_N_IMAGES = 8


def add_arguments(parser):
    """Declare ``compare``'s arguments on its subparser."""
    add_data_arguments(parser)
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE",
        help="the picture to write, e.g. grid.png",
    )
    add_model_argument(parser)
    parser.add_argument(
        "--n-images", type=positive_int, default=_DEFAULT_N_IMAGES, metavar="N",
        help="rows of the picture: test images drawn (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int_at_least(0), default=0, metavar="S",
        help="seed of the random pick of test images (default: %(default)s)",
    )
    parser.add_argument(
        "--overwrite", action="store_true",
        help="replace the -o file if it exists (default: refuse)",
    )


def run(args):
    """Draw the comparison of ``args.n_images`` test images; return the exit status."""
    from ..color import rgb_to_gray
    from ..io import IMAGE_SUFFIXES, write_image
    from ..plotting import plot_colorization_grid

    check_output_file("-o", args.output, suffixes=IMAGE_SUFFIXES, overwrite=args.overwrite)
    check_model_path(args.model)  # before reading any data, and before Keras starts
    true, source = load_split(args.data, "test", limit=args.n_images, seed=args.seed,
                              size=args.image_size)
    gray = rgb_to_gray(true)
    colorized = load_colorizer(args.model).predict(gray)
    figure = plot_colorization_grid(gray, colorized, true, max_images=len(true))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_image(args.output, render_figure(figure))
    print(f"gray | colorized | true, {len(true)} test images from {source}: "
          f"{os.fspath(args.output)}")
    return 0
