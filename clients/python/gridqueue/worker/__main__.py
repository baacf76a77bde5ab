"""``python3 -m gridqueue.worker``: serve @gridqueue.app handlers to a grid (see ``--help``)."""
import sys

from .cli import main

if __name__ == "__main__":  # not when a --processes child imports this module
    sys.exit(main())
