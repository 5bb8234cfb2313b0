"""What every subcommand shares: errors, argument types, model loading, progress.

Imports nothing heavy at module level, so that ``skcolor --help`` stays quick and
never starts TensorFlow.
"""

import argparse
import os
import sys
import time
from pathlib import Path


class UsageError(Exception):
    """Arguments that parse but cannot work together; shown with the usage, exit 2."""


class CommandError(Exception):
    """A condition that stops the command before it starts (e.g. no usable model), exit 2."""


def int_at_least(minimum, maximum=None):
    """An argparse ``type`` accepting integers ``>= minimum`` (and ``<= maximum``, if given)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer; got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}; got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}; got {value}")
        return value

    # argparse names the type in some messages.
    parse.__name__ = f"integer >= {minimum}" + ("" if maximum is None else f" and <= {maximum}")
    return parse


positive_int = int_at_least(1)


def fraction(text):
    """An argparse ``type`` accepting a number in [0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1; got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1; got {text}")
    return value


fraction.__name__ = "number from 0 to 1"


def add_model_argument(parser):
    """Declare ``--model PATH`` (default: the shipped model) on a subparser."""
    parser.add_argument(
        "--model", type=Path, metavar="PATH",
        help="a .keras file written by AutoencoderColorizer.save "
             "(default: the model shipped with skcolor)",
    )


def check_model_path(path, *, option="--model"):
    """Fail fast, before Keras starts, if ``option`` (``--model``) names no model file."""
    from .._colorizer._model_file import check_model_file

    if path is None:
        return
    try:
        check_model_file(path)
    except (FileNotFoundError, ValueError) as exc:
        hint = " Leave --model out to use the shipped model." if option == "--model" else ""
        raise CommandError(f"{option} {exc}{hint}") from exc


def check_output_file(option, path, *, suffixes, overwrite):
    """Refuse, before any work, an output file that cannot or may not be written.

    Parameters
    ----------
    option : str
        The option that named ``path``, for the message (e.g. ``"--out"``).
    path : pathlib.Path
    suffixes : sequence of str
        Accepted suffixes, lower case with the dot; any case is accepted.
    overwrite : bool
        Whether an existing file may be replaced.

    Raises
    ------
    UsageError
        If the suffix is not one of ``suffixes`` or ``path`` is a folder.
    CommandError
        If the file exists and ``overwrite`` is false.
    """
    where = f"{option} {os.fspath(path)}"
    if path.suffix.lower() not in suffixes:
        expected = suffixes[0] if len(suffixes) == 1 else f"one of {', '.join(suffixes)}"
        raise UsageError(f"{where}: expected a file name ending in {expected}")
    if path.is_dir():
        raise UsageError(f"{where}: is a folder; expected a file name")
    if path.exists() and not overwrite:
        raise CommandError(f"{where} exists; pass --overwrite to replace it.")


def load_colorizer(path=None, *, option="--model", pretrained="photos"):
    """The fitted colorizer in ``path``, or the shipped model ``pretrained`` for None.

    ``option`` names the command-line option that gave ``path``, for messages.

    Raises
    ------
    CommandError
        If the file is missing or is not a model skcolor can load; the message says
        which and why.
    """
    from .. import batch as _batch

    try:
        return _batch.load_colorizer(path, pretrained=pretrained)
    except FileNotFoundError as exc:
        # The message starts with the missing file: the one given, or the shipped
        # model that is the option's default.
        raise CommandError(f"{option} {exc}") from exc
    except ValueError as exc:
        given = f"the shipped {pretrained!r} model" if path is None else os.fspath(path)
        raise CommandError(f"{option} {given}: {exc}") from exc


def render_figure(figure, dpi=150):
    """A matplotlib figure as a uint8 RGB array, to be saved with the atomic write_image."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure.set_dpi(dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def report(command, message):
    """Print one diagnostic line on stderr, prefixed by the command's name."""
    print(f"skcolor {command}: {message}", file=sys.stderr, flush=True)


class Progress:
    """A one-line progress report on stderr: count, rate and time left.

    On a terminal the line is redrawn in place; otherwise (logs, pipes, tests) a
    line is printed at most every ``interval`` seconds, and at the end.

    Parameters
    ----------
    total : int
        Number of items to process.
    label : str
        Word printed before the count.
    stream : file, default=sys.stderr
    interval : float, default=5.0
        Seconds between lines when ``stream`` is not a terminal.
    prefix : str, default=""
        Put before each :meth:`message`, e.g. ``"skcolor colorize: "``.
    unit : str, default="images"
        What is counted ("frames" for a clip).
    """

    def __init__(self, total, label, *, stream=None, interval=5.0, prefix="", unit="images"):
        self.prefix = prefix
        self.total = total
        self.label = label
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self.done = 0
        self._start = time.perf_counter()
        self._done_at_start = 0
        self._last_print = None
        isatty = getattr(self.stream, "isatty", None)
        self._live = bool(isatty and isatty())
        self._drawn = False

    def restart_clock(self):
        """Measure the rate from now on, over the items still to come."""
        self._start = time.perf_counter()
        self._done_at_start = self.done

    def advance(self, n=1):
        """Count ``n`` more items processed, successfully or not."""
        self.done += n
        now = time.perf_counter()
        if self._live or self.done == self.total or (
            self._last_print is None or now - self._last_print >= self.interval
        ):
            self._draw(now)

    def frames(self, job):
        """A ``(done, total)`` callback that draws one clip's frame progress line."""
        frames = Progress(0, f"{self.label} {os.fspath(job.source)}", stream=self.stream,
                          unit="frames")

        def show(done, total):
            frames.total = total
            frames.advance(done - frames.done)

        show.close = frames.close
        return show

    def message(self, text):
        """Print ``text`` on its own line without garbling the progress line."""
        self._clear()
        print(f"{self.prefix}{text}", file=self.stream, flush=True)
        if self._live and self.done:
            self._draw(time.perf_counter())

    def close(self):
        """End the progress line."""
        if self._live and self._drawn:
            print(file=self.stream, flush=True)
            self._drawn = False

    def _line(self, now):
        elapsed = max(now - self._start, 1e-9)
        rate = (self.done - self._done_at_start) / elapsed
        line = f"{self.label}: {self.done}/{self.total} {self.unit}, {rate:.2f} {self.unit}/s"
        if 0 < self.done < self.total and rate > 0:
            line += f", {(self.total - self.done) / rate:.0f} s left"
        return line

    def _draw(self, now):
        self._last_print = now
        if self._live:
            self.stream.write(f"\r\x1b[K{self._line(now)}")
            self.stream.flush()
            self._drawn = True
        else:
            print(self._line(now), file=self.stream, flush=True)

    def _clear(self):
        if self._live and self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False
