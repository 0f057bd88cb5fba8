"""``python -m tuninglab``: the command-line interface (see :mod:`tuninglab.cli`)."""

import sys

if __name__ == "__main__":
    try:
        from tuninglab.cli import run
    except KeyboardInterrupt:  # Ctrl-C while the libraries load: no traceback
        sys.exit(130)
    run()
