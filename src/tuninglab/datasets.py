"""Offline datasets: scikit-learn's bundled data under short names.

Only ``load_*`` loaders are used; they read files shipped inside scikit-learn, so
nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn import datasets as _sk

_LOADERS: dict[str, tuple[Callable, str]] = {
    "breast_cancer": (_sk.load_breast_cancer, "classification"),
    "diabetes": (_sk.load_diabetes, "regression"),
    "digits": (_sk.load_digits, "classification"),
    "iris": (_sk.load_iris, "classification"),
    "wine": (_sk.load_wine, "classification"),
}

DATASETS: tuple[str, ...] = tuple(sorted(_LOADERS))


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(X, y)`` for a bundled dataset by name (see ``DATASETS``).

    Raises:
        ValueError: if ``name`` is not one of ``DATASETS``.
    """
    try:
        loader, _task = _LOADERS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        raise ValueError(f"unknown dataset {name!r}; choose one of: {known}") from None
    X, y = loader(return_X_y=True)
    return X, y


def task(name: str) -> str:
    """Return ``"classification"`` or ``"regression"`` for a dataset name."""
    load_check = _LOADERS.get(name)
    if load_check is None:
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    return load_check[1]
