"""``python -m perfaudit``: the same command line as ``perfaudit``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
