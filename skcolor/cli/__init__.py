"""The ``skcolor`` command line: ``skcolor COMMAND [options]``.

Each subcommand lives in its own module, which provides ``NAME``, ``HELP``,
``DESCRIPTION``, ``add_arguments(parser)`` and ``run(args)`` (returning the exit
status), and is registered in :data:`COMMANDS`. Modules import Keras and the
rest inside ``run``, so that ``skcolor --help`` never starts TensorFlow; ``train``
builds its options from the estimator's parameter table, which costs
scikit-learn's import (about a second), not TensorFlow's.

Exit status: 0 on success; 1 when some inputs failed (the command says which);
2 for usage errors and for conditions that stop a command before it starts, such
as an unusable ``--model``; 130 when interrupted.
"""

import argparse
import contextlib
import os
import sys

from .. import __version__
from . import _colorize, _compare, _demo, _evaluate, _serve, _train
from ._common import CommandError, UsageError
from ._native_logs import native_logs_filtered

__all__ = ["COMMANDS", "build_parser", "main"]

#: The subcommand modules, in the order ``skcolor --help`` lists them.
COMMANDS = (_colorize, _serve, _train, _evaluate, _compare, _demo)


def build_parser():
    """The argument parser of ``skcolor`` and all its subcommands."""
    parser = argparse.ArgumentParser(
        prog="skcolor",
        description="Colorize gray photos with convolutional autoencoders (scikit-learn style).",
        epilog="Run 'skcolor COMMAND --help' for a command's options. "
               "First time? Try 'skcolor demo'.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--verbose", dest="native_logs", action="store_true",
        help="also show TensorFlow's own log lines (hidden by default: they are start-up "
             "notes, such as that this machine has no GPU, not errors)",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for command in COMMANDS:
        subparser = subparsers.add_parser(
            command.NAME,
            help=command.HELP,
            description=command.DESCRIPTION,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(subparser)
        subparser.set_defaults(command=command, parser=subparser)
    return parser


def main(argv=None):
    """Run ``skcolor`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments after the program name.

    Returns
    -------
    status : int
        0 on success, 1 when some inputs failed, 2 for a usage error or an
        unusable model, 130 when interrupted. Usage errors found by argparse exit
        with status 2 directly (``SystemExit``), as argparse does.
    """
    args = build_parser().parse_args(argv)
    if args.native_logs:
        quiet = contextlib.nullcontext()
    else:
        # TensorFlow's start-up notes are noise on a command line: the level hides
        # those of its Python side, the filter the native ones.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        quiet = native_logs_filtered()
    with quiet:
        try:
            return args.command.run(args)
        except UsageError as exc:
            args.parser.error(str(exc))  # prints the usage; exits with status 2
        except CommandError as exc:
            print(f"skcolor {args.command.NAME}: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"\nskcolor {args.command.NAME}: interrupted", file=sys.stderr)
            return 130
