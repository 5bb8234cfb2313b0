"""``skcolor demo``: colorize scikit-image's own photos, offline, and show the result."""

import os
from pathlib import Path

from ._common import CommandError, UsageError, load_colorizer, render_figure, report

NAME = "demo"
HELP = "colorize the photos that scikit-image ships, as a first try (no network)"
DESCRIPTION = """\
Turn the color photos that come with scikit-image (astronaut, coffee, chelsea,
rocket) gray, colorize them with the model shipped with skcolor, and write into
DIR, for each photo, NAME_gray.png and NAME_colorized.png, and comparison.png,
a grid of gray | colorized | true. Prints the files written and the PSNR
against the true photo of the colorization and of the gray copy (higher is
better). Needs no network: a photo that this scikit-image would have to
download is skipped. The demo's own files in DIR are replaced on each run."""

#: scikit-image's color photos used by the demo, in the order shown.
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket")


def add_arguments(parser):
    """Declare ``demo``'s arguments on its subparser."""
    parser.add_argument(
        "-o", "--output", dest="outdir", type=Path, default=Path("skcolor-demo"), metavar="DIR",
        help="folder for the demo's images; created if missing (default: ./skcolor-demo)",
    )


def run(args):
    """Colorize scikit-image's photos into ``args.outdir``; return the exit status."""
    import numpy as np

    from ..color import gray_to_rgb, rgb_to_gray
    from ..io import write_image
    from ..metrics import psnr
    from ..plotting import plot_colorization_grid

    outdir = args.outdir
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"-o {os.fspath(outdir)}: exists and is not a folder")
    photos = load_photos()
    if not photos:
        raise CommandError("none of scikit-image's demo photos can be read without a download.")
    colorizer = load_colorizer()

    names = list(photos)
    true = [photos[name] for name in names]
    gray = [rgb_to_gray(photo[np.newaxis])[0] for photo in true]
    colorized = colorizer.predict(gray)

    outdir.mkdir(parents=True, exist_ok=True)
    print(f"Colorized {len(names)} photos from scikit-image with skcolor's shipped model:")
    print(f"{'photo':<10} {'size':>9}  {'PSNR gray copy':>14}  {'PSNR colorized':>14}  files")
    for name, rgb, luminance, color in zip(names, true, gray, colorized):
        gray_path = outdir / f"{name}_gray.png"
        colorized_path = outdir / f"{name}_colorized.png"
        write_image(gray_path, luminance)
        write_image(colorized_path, color)
        gray_psnr = psnr(rgb[np.newaxis], gray_to_rgb(luminance[np.newaxis]))
        color_psnr = psnr(rgb[np.newaxis], color[np.newaxis])
        size = f"{rgb.shape[1]}x{rgb.shape[0]}"
        print(f"{name:<10} {size:>9}  {gray_psnr:>11.2f} dB  {color_psnr:>11.2f} dB  "
              f"{os.fspath(gray_path)}, {os.fspath(colorized_path)}")

    comparison_path = outdir / "comparison.png"
    figure = plot_colorization_grid(gray, colorized, true, titles=names)
    write_image(comparison_path, render_figure(figure))
    print(f"Comparison (gray | colorized | true): {os.fspath(comparison_path)}")
    return 0


def load_photos():
    """scikit-image's demo photos that load offline, as ``{name: uint8 (H, W, 3)}``.

    A photo is loaded only if its file is in scikit-image's own data folder, so no
    download is ever attempted; the others are reported on stderr and left out.
    """
    import numpy as np
    import skimage.data

    try:
        shipped = {path.stem for path in Path(skimage.data.data_dir).iterdir()}
    except OSError:  # no data folder at all: every photo would need a download
        shipped = set()
    photos = {}
    for name in PHOTOS:
        if name not in shipped:
            report(NAME, f"skipped {name}: not shipped with this scikit-image (needs a download)")
            continue
        try:
            photo = np.asarray(getattr(skimage.data, name)())
        except Exception as exc:  # a missing optional dependency, a damaged file, ...
            report(NAME, f"skipped {name}: {type(exc).__name__}: {exc}")
            continue
        if photo.dtype != np.uint8 or photo.ndim != 3 or photo.shape[-1] not in (3, 4):
            report(NAME, f"skipped {name}: not an 8-bit color photo (shape {photo.shape})")
            continue
        photos[name] = np.ascontiguousarray(photo[..., :3])
    return photos

