"""``skcolor colorize``: colorize image files, folders and globs into an output folder.

The work is the library's (:mod:`skcolor.batch`, :mod:`skcolor.parallel`); this
module parses, reports and turns errors into messages and exit codes.
"""

import argparse
import os
from pathlib import Path

from ..batch import BatchRun, describe_error, plan_jobs, with_predict_params
from ..video._io import DEFAULT_CRF
from ._common import (
    CommandError,
    Progress,
    UsageError,
    add_model_argument,
    check_model_path,
    fraction,
    int_at_least,
    load_colorizer,
    positive_int,
    report,
)

NAME = "colorize"
HELP = "colorize gray photos and video clips: files, folders and glob patterns"
DESCRIPTION = """\
Colorize gray (or color, read by their luminance) photos with skcolor's shipped
model or one of your own, and write each result into OUTDIR at the input's size,
with the input's file name and format.

INPUT may be an image file (PNG, JPEG, TIFF or BMP), a folder, searched
recursively, or a glob pattern (quote it so that the shell leaves '**' alone).
A file found in a folder keeps its subfolder under OUTDIR: `skcolor colorize
scans -o out` writes scans/1950/a.png to out/1950/a.png; for a pattern, paths are
relative to its fixed leading part (scans/ in 'scans/**/*.tif'). Folder and
pattern searches pass over hidden files and folders, files without an image
suffix, and OUTDIR itself.

Video clips (any container FFmpeg reads: MP4, MOV, Matroska, WebM, AVI, MPEG,
WMV, ..., recognized by their content) are colorized frame by frame at the
model's working size, with their color steadied over time (scene cuts restart
it). They keep their frame count, size, timestamps (variable frame rates too),
title and creation time, and come out upright if their metadata rotates them.
.mp4, .m4v, .mov and .mkv clips are written as H.264 (yuv420p), .webm as VP9,
both at --crf 17 (about visually lossless; .mp4 and .webm play in browsers);
other clips as .mp4. --crf 0 writes the frames losslessly (FFV1 in .mkv). The
SOUND IS KEPT: every audio stream is copied as it is, or re-encoded (AAC, or
Opus in .webm, with a warning) where the output container cannot hold it;
subtitles are copied where it can hold them.

Inputs are only read. An output that already exists is left alone and counted as
skipped unless --overwrite is given. Each output is written to a temporary file
and renamed, so an interrupted run never leaves a half-written image.

A file that cannot be read or colorized is named on stderr and skipped while the
others go on. Exit status: 0 when every image was colorized or skipped, 1 when
any input failed or none was found, 2 for a usage error or an unusable --model.

Color hints fix a color the model cannot know: --hints FILE takes an RGBA image
of the photo's size (paint it in any editor: transparent where there is no hint,
the color where there is one), --hint ROW,COL=COLOR a point (repeatable; COLOR as
#RRGGBB or a name such as red). Hints need one input photo and a model trained
with hints (by default the shipped photos-hints model).

With --scheduler, the images are colorized by the workers of a running Dask
cluster (pip install "skcolor[dask]"): each worker loads the model once and
colorizes its share. The inputs, OUTDIR and --model must be visible at the same
paths on every worker. Messages and exit status are those of a local run."""

# Images read and colorized per call to predict by default: a few, to keep memory
# bounded on large photos while the model stays loaded once.
_DEFAULT_BATCH_SIZE = 8
# Skipped outputs named one by one before the rest are only counted.
_SKIPPED_SHOWN = 10


def add_arguments(parser):
    """Declare ``colorize``'s arguments on its subparser."""
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="image or video file, folder (searched recursively) or quoted glob pattern",
    )
    parser.add_argument(
        "-o", "--output", dest="outdir", type=Path, required=True, metavar="OUTDIR",
        help="folder for the colorized images; created if missing",
    )
    add_model_argument(parser)
    parser.add_argument(
        "--overwrite", action="store_true",
        help="replace outputs that already exist (default: keep them and skip the input)",
    )
    parser.add_argument(
        "--batch-size", type=positive_int, default=_DEFAULT_BATCH_SIZE, metavar="N",
        help="images held in memory and colorized together (default: %(default)s); "
             "lower it for very large photos",
    )
    parser.add_argument(
        "--working-size", type=int_at_least(8), metavar="N",
        help="longest side, in pixels, at which the network looks at each photo before "
             "its colors are enlarged onto the full-size luminance (default: the "
             "model's own working_size)",
    )
    parser.add_argument(
        "--vividness", type=fraction, metavar="V",
        help="how boldly to color, from 0 (faithful: the least-squares color, dull, the "
             "smallest cast) to 1 (vivid, as saturated as real photos, with a cast) "
             "(default: the model's own vividness)",
    )
    parser.add_argument(
        "--hints", type=Path, metavar="FILE",
        help="RGBA image of the photo's size: its opaque pixels give colors to keep "
             "(one input photo; a model trained with hints, photos-hints by default)",
    )
    parser.add_argument(
        "--hint", type=hint_point, action="append", default=[], metavar="ROW,COL=COLOR",
        help="a color hint at a pixel, such as 120,300=#cc2222 or 40,80=white; repeatable",
    )
    parser.add_argument(
        "--crf", type=int_at_least(0, 51), default=DEFAULT_CRF, metavar="N",
        help="video quality, the constant rate factor of H.264 and VP9: lower is better "
             "and larger, 0 is lossless (default: %(default)s, about visually lossless)",
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="colorize on the workers of the Dask cluster whose scheduler is at ADDRESS, "
             "such as tcp://host:8786 (default: in this process)",
    )


def run(args):
    """Colorize ``args.inputs`` into ``args.outdir``; return the exit status."""
    if args.outdir.exists() and not args.outdir.is_dir():
        raise UsageError(f"-o {os.fspath(args.outdir)}: exists and is not a folder")
    check_model_path(args.model)  # before anything slow, and before Keras starts
    hints = _read_hints(args)  # before anything is written
    _check_output_folder(args.outdir)

    try:
        found, todo, outcome = plan_jobs(args.inputs, args.outdir, overwrite=args.overwrite)
    except ValueError as exc:  # two inputs, one output
        raise UsageError(f"{exc} (-o)") from exc
    for name, reason in found.problems:
        report(NAME, f"{name}: {reason}")

    progress = Progress(len(todo), f"skcolor {NAME}", prefix=f"skcolor {NAME}: ")
    run = BatchRun(lambda: _load_colorizer(args, hinted=hints is not None), args.batch_size,
                   args.overwrite, progress, outcome, hints=hints,
                   clip_options={"crf": args.crf})
    if todo and args.scheduler is not None:
        from ..parallel import colorize_jobs_on_cluster

        with _connect(args.scheduler) as client:
            try:
                colorize_jobs_on_cluster(client, todo, run, model=args.model,
                                         predict_params=_predict_params(args))
            except (FileNotFoundError, ValueError) as exc:  # the workers' model
                raise CommandError(_model_problem(args.model, exc)) from exc
    elif todo:
        run.colorize(todo)
    _summarize(args, outcome)
    if not (found.jobs or found.problems):
        report(NAME, f"found no images to colorize in {' '.join(args.inputs)}")
        return 1
    return 1 if outcome.failed else 0


def _check_output_folder(outdir):
    """Create ``outdir`` and prove that it takes files, before any image is read.

    Trying is the only sound test: permissions (which root ignores), read-only
    file systems and full disks all show only when a file is created.
    """
    import tempfile

    try:
        outdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=outdir):
            pass
    except OSError as exc:
        raise UsageError(
            f"-o {os.fspath(outdir)}: cannot write there ({describe_error(exc)}); choose a folder "
            "you can write to"
        ) from exc


def _predict_params(args):
    return {"working_size": args.working_size, "vividness": args.vividness}


def _load_colorizer(args, *, hinted=False):
    try:
        colorizer = load_colorizer(args.model, pretrained="photos-hints" if hinted else "photos")
    except CommandError as exc:
        if hinted and args.model is None:
            raise CommandError("--hints and --hint need a model trained with hints=True: pass "
                               "--model PATH (this installation has no photos-hints model)"
                               ) from exc
        raise
    if hinted and not getattr(colorizer, "hints", False):
        raise CommandError(f"--model {os.fspath(args.model)}: this model was trained without "
                           "hints; --hints and --hint need one trained with hints=True "
                           "(train one with AutoencoderColorizer(hints=True))")
    return with_predict_params(colorizer, _predict_params(args))


def hint_point(text):
    """An argparse ``type`` for ``ROW,COL=COLOR``: ``(row, col, color)``."""
    from matplotlib.colors import is_color_like

    where, _, color = text.partition("=")
    try:
        row, col = (int(part) for part in where.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected ROW,COL=COLOR, such as 120,300=#cc2222; got {text!r}") from None
    if row < 0 or col < 0:
        raise argparse.ArgumentTypeError(f"row and column must be 0 or more; got {text!r}")
    if not is_color_like(color) or color.strip() != color or not color:
        raise argparse.ArgumentTypeError(
            f"{color!r} is not a color; use #RRGGBB or a name such as red")
    return row, col, color


def _read_hints(args):
    """``{input path: RGBA hints}`` for ``--hints``/``--hint``, or None without them.

    Raises
    ------
    UsageError
        If hints come with several inputs, a folder, a clip or --scheduler, or the
        hint file is unreadable, has no alpha channel or is not the photo's size.
    """
    if args.hints is None and not args.hint:
        return None
    import numpy as np

    from ..hints import from_points
    from ..io import read_image
    from ..video._io import is_video

    source = Path(args.inputs[0])
    if len(args.inputs) != 1 or not source.is_file() or is_video(source):
        raise UsageError("--hints and --hint need exactly one input photo (a file, not a "
                         "folder, pattern or clip)")
    if args.scheduler is not None:
        raise UsageError("--hints and --hint colorize one photo here; leave out --scheduler")
    try:
        photo = read_image(source, mode="gray")
    except (OSError, ValueError) as exc:
        raise UsageError(f"{os.fspath(source)}: {describe_error(exc)}") from exc
    height, width = photo.shape[:2]
    if args.hints is not None:
        try:
            hints = read_image(args.hints, mode="rgba")
        except (OSError, ValueError) as exc:
            raise UsageError(f"--hints {os.fspath(args.hints)}: {describe_error(exc)}") from exc
        if hints.shape[:2] != (height, width):
            raise UsageError(f"--hints {os.fspath(args.hints)} is {hints.shape[1]}×{hints.shape[0]}"
                             f"; it must be the photo's size, {width}×{height}")
    else:
        hints = np.zeros((height, width, 4), np.uint8)
    outside = [f"{row},{col}" for row, col, _ in args.hint if row >= height or col >= width]
    if outside:
        raise UsageError(f"--hint {outside[0]} is outside the {width}×{height} photo "
                         "(ROW from the top, COL from the left)")
    points = from_points((height, width), args.hint)
    painted = points[..., 3] > 0
    hints[painted] = points[painted]  # points are painted over the file's hints
    return {source: hints}


def _connect(address, *, timeout=30):
    """A Dask client connected to the scheduler at ``address``.

    Parameters
    ----------
    address : str
        The scheduler's address, such as ``"tcp://host:8786"``.
    timeout : float, default=30
        Seconds to wait for the scheduler.

    Returns
    -------
    client : distributed.Client
        Use it as a context manager to close it.

    Raises
    ------
    ImportError
        If Dask is not installed.
    CommandError
        If no scheduler answers at ``address``.
    """
    from ..parallel import distributed_module

    distributed = distributed_module()
    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise CommandError(
            f"--scheduler {address}: cannot connect to a Dask scheduler there "
            f"({type(exc).__name__}: {exc}); start one with 'dask scheduler' and give "
            "its address, such as tcp://host:8786."
        ) from exc


def _model_problem(model, exc):
    """The message for a model the Dask workers could not load."""
    option = "--model" if model is None else f"--model {os.fspath(model)}"
    return f"{option}: on a Dask worker: {exc}"


def _summarize(args, outcome):
    shown = outcome.skipped[:_SKIPPED_SHOWN]
    for job in shown:
        report(NAME, f"skipped {os.fspath(job.source)}: {os.fspath(job.target)} exists "
                     "(--overwrite replaces it)")
    if len(outcome.skipped) > len(shown):
        report(NAME, f"... and {len(outcome.skipped) - len(shown)} more skipped")
    parts = [f"{outcome.written} colorized into {os.fspath(args.outdir)}"]
    if outcome.skipped:
        parts.append(f"{len(outcome.skipped)} skipped (output exists)")
    if outcome.failed:
        parts.append(f"{len(outcome.failed)} failed")
    if outcome.ignored:
        parts.append(f"{outcome.ignored} other file(s) ignored")
    report(NAME, ", ".join(parts))
