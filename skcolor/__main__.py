"""``python -m skcolor``: the same as the ``skcolor`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
