"""``skcolor train``: train an AutoencoderColorizer on CIFAR-10 or an image folder."""

import argparse
import inspect
import os
import sys
import time
from pathlib import Path

from ._common import (
    CommandError,
    UsageError,
    check_model_path,
    check_output_file,
    load_colorizer,
    positive_int,
    render_figure,
    report,
)
from ._data import DATA_FORMS_HELP, add_data_arguments, load_split

NAME = "train"
HELP = "train a colorizer on CIFAR-10, a folder of images or a folder of photos"
DESCRIPTION = f"""\
Train skcolor's AutoencoderColorizer on the training images of --data (their
gray versions in, their colors out) and save it to MODEL, a .keras file that
'skcolor colorize --model MODEL' and AutoencoderColorizer.load read. Keras shows
its progress and the validation loss of each epoch; the loss curves are saved as
a PNG next to the model (MODEL_loss.png, or --plot PATH).

{DATA_FORMS_HELP}

Every parameter of AutoencoderColorizer is an option, written --name VALUE
(underscores or dashes), e.g. --epochs 20 --filters 32,64,128 --dropout 0.1
--loss huber --early-stopping true. VALUE is read as None ('none'), a bool
('true', 'false'), an integer, a number, a comma-separated tuple, or else a
string; the estimator checks it before any data is read. The options not given
keep the estimator's defaults, except --verbose, which defaults to 2 (one line
per epoch; 1 on a terminal).

--resume CHECKPOINT continues training a saved model (for instance the file
that --checkpoint-path writes after every epoch, or an earlier MODEL) for
--epochs more epochs, with its optimizer state, instead of starting afresh;
options given with it change the loaded model's parameters (network-shaping
ones such as --filters cannot change, and are refused).

MODEL and the plot are never replaced without --overwrite: the command stops
before training if either exists. The model is written to a temporary file and
renamed, so an interrupted run never leaves a partial model."""

# args attributes that hold estimator parameters: "estimator_<name>".
_PARAM_PREFIX = "estimator_"


def add_arguments(parser):
    """Declare ``train``'s arguments on its subparser."""
    # The full list of estimator options is for --help, not for every usage error.
    parser.usage = ("%(prog)s --data PATH --out MODEL.keras [--resume CHECKPOINT] [--limit N] "
                    "[--plot PATH] [--overwrite] [--image-size N|HxW] [--PARAMETER VALUE ...]")
    add_data_arguments(parser)
    parser.add_argument(
        "--out", type=Path, required=True, metavar="MODEL.keras",
        help="where to save the trained model (a .keras file)",
    )
    parser.add_argument(
        "--plot", type=Path, metavar="PATH",
        help="where to save the loss curves (default: MODEL_loss.png next to the model)",
    )
    parser.add_argument(
        "--resume", type=Path, metavar="CHECKPOINT",
        help="continue training this saved model (a .keras file from AutoencoderColorizer.save "
             "or --checkpoint-path) instead of a new one",
    )
    parser.add_argument(
        "--limit", type=positive_int, metavar="N",
        help="train on N training images picked at random, the same on every run "
             "(default: all), e.g. for a quick first try",
    )
    parser.add_argument(
        "--overwrite", action="store_true",
        help="replace MODEL and the plot if they exist (default: refuse, before training)",
    )
    parser.add_argument("--crop-size", type=positive_int, default=64, metavar="N",
                        help="for a flat folder of photos: side of the random crops (default: 64)")
    parser.add_argument("--crops-per-photo", type=positive_int, default=8, metavar="N",
                        help="for a flat folder of photos: crops drawn from each (default: 8)")
    _add_estimator_arguments(parser)


def _add_estimator_arguments(parser):
    """One ``--name VALUE`` option per AutoencoderColorizer parameter, from its table."""
    from .._colorizer._estimator import AutoencoderColorizer
    from .._colorizer._param_table import PARAM_TABLE
    from .._params import KerasCallbacks

    group = parser.add_argument_group(
        "AutoencoderColorizer parameters",
        "See help(skcolor.AutoencoderColorizer) for what each one does.",
    )
    defaults = AutoencoderColorizer().get_params()
    for name in inspect.signature(AutoencoderColorizer).parameters:  # the documented order
        param = PARAM_TABLE[name]
        if any(isinstance(c, KerasCallbacks) for c in param.constraints):
            continue  # Python objects: no command-line form
        text = f"{param.help}. Accepts {param}; default: {defaults[name]!r}"
        if name == "verbose":
            text += " (here: 1 on a terminal, else 2)"
        group.add_argument(
            f"--{name.replace('_', '-')}", dest=_PARAM_PREFIX + name, metavar="VALUE",
            default=argparse.SUPPRESS, help=text.replace("%", "%%"),  # argparse formats help
        )
        if "_" in name:  # accepted as written in Python too, without cluttering --help
            group.add_argument(f"--{name}", dest=_PARAM_PREFIX + name, default=argparse.SUPPRESS,
                               help=argparse.SUPPRESS)


def parse_parameter(text, *, sequence=False):
    """An estimator parameter from its command-line text.

    Parameters
    ----------
    text : str
        ``none`` (any case) gives None; text with a comma gives a tuple of its
        comma-separated items; else ``true`` or ``false`` (any case) a bool, or an
        int, a float, or the text itself.
    sequence : bool, default=False
        Whether the parameter takes a tuple, so that a single item (``16``) gives
        a 1-tuple.

    Returns
    -------
    value : None, bool, int, float, str or tuple

    Examples
    --------
    >>> parse_parameter("32,64,128"), parse_parameter("1e-3"), parse_parameter("None")
    ((32, 64, 128), 0.001, None)
    >>> parse_parameter("16", sequence=True), parse_parameter("adam")
    ((16,), 'adam')
    """
    if text.strip().lower() == "none":
        return None
    if sequence or "," in text:
        return tuple(_parse_scalar(item) for item in text.split(",") if item.strip())
    return _parse_scalar(text)


def _parse_scalar(text):
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _make_colorizer(args):
    """The estimator the options describe, with its parameters validated."""
    from .._colorizer._estimator import AutoencoderColorizer
    from .._colorizer._param_table import PARAM_TABLE, check_colorizer_params
    from .._params import IntTuple
    params = {
        name[len(_PARAM_PREFIX):]: value
        for name, value in vars(args).items() if name.startswith(_PARAM_PREFIX)
    }
    for name, text in params.items():
        takes_tuple = any(isinstance(c, IntTuple) for c in PARAM_TABLE[name].constraints)
        params[name] = parse_parameter(text, sequence=takes_tuple)
    # Keras' progress bar only suits a terminal; in a log one line per epoch reads best.
    params.setdefault("verbose", 1 if sys.stdout.isatty() else 2)
    if args.resume is None:
        colorizer = AutoencoderColorizer(**params)
    else:  # fit then continues from the saved weights and optimizer state
        colorizer = load_colorizer(args.resume, option="--resume")
        colorizer.set_params(**{**params, "warm_start": True})
    try:
        check_colorizer_params(colorizer)  # now, rather than after reading the data
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    return colorizer


def run(args):
    """Train on ``args.data`` and save to ``args.out``; return the exit status."""
    from .._colorizer._training import TrainingDivergedError
    from ..io import IMAGE_SUFFIXES, write_image
    from ..plotting import plot_history

    plot = args.plot or args.out.with_name(f"{args.out.stem}_loss.png")
    check_output_file("--out", args.out, suffixes=(".keras",), overwrite=args.overwrite)
    check_output_file("--plot", plot, suffixes=IMAGE_SUFFIXES, overwrite=args.overwrite)
    check_model_path(args.resume, option="--resume")  # before TensorFlow starts
    colorizer = _make_colorizer(args)
    images, source = load_split(args.data, "train", limit=args.limit, size=args.image_size,
                                crops=dict(crop_size=args.crop_size,
                                           crops_per_photo=args.crops_per_photo))
    height, width = images.shape[1:3]
    print(f"Training on {len(images)} images of {height}x{width} from {source}, "
          f"{colorizer.epochs} epoch(s) at most.", flush=True)

    epochs_before = len(colorizer.history_["loss"]) if args.resume is not None else 0
    start = time.perf_counter()
    try:
        colorizer.fit(images)
    except TrainingDivergedError as exc:
        report(NAME, f"{exc} Nothing was written.")
        return 1
    except (TypeError, ValueError) as exc:  # what fit checks against the data, before training
        raise CommandError(str(exc)) from exc
    elapsed = time.perf_counter() - start
    last = {name: values[-1] for name, values in colorizer.history_.items() if values}
    summary = ", ".join(f"{name} {last[name]:.5g}" for name in ("loss", "val_loss") if name in last)
    trained = len(colorizer.history_["loss"]) - epochs_before
    resumed = f" after the {epochs_before} of {os.fspath(args.resume)}" if args.resume else ""
    print(f"Trained {trained} epoch(s){resumed} in {elapsed:.0f} s; last epoch: {summary}.")

    for path in (args.out, plot):
        path.parent.mkdir(parents=True, exist_ok=True)
    colorizer.save(args.out)
    print(f"Model: {os.fspath(args.out)}")
    write_image(plot, render_figure(plot_history(colorizer)))
    print(f"Loss curves: {os.fspath(plot)}")
    return 0
