"""``python -m tuninglab``: the command-line interface (see :mod:`tuninglab.cli`)."""

from tuninglab.cli import run

if __name__ == "__main__":
    run()
