"""Entry point of ``python -m tuninglab``; see :mod:`tuninglab.cli`."""

from tuninglab.cli import main

raise SystemExit(main())
