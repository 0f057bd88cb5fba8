"""Tuning Lab: runnable companions to the guides on parameters, hyperparameters and tuning.

The package backs the examples on the site: offline datasets, search-strategy
comparisons, learning and validation curves, plots and a small command-line tool
(``python -m tuninglab --help``).
"""

__version__ = "0.1.0"
