"""Search spaces written once and translated for each search strategy.

A :class:`SearchSpace` holds a few parameters (:class:`FloatParam`, :class:`IntParam`,
:class:`CategoricalParam`) and translates them into

* a grid for ``GridSearchCV`` (:meth:`SearchSpace.to_grid`),
* scipy distributions for ``RandomizedSearchCV`` (:meth:`SearchSpace.to_distributions`),
* Optuna suggestions (:meth:`SearchSpace.suggest`).

Parameter names are the estimator's own parameter names, e.g. ``"svc__C"`` for the
``C`` of an ``SVC`` step called ``svc`` inside a pipeline.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

MAX_GRID_SIZE = 10_000
"""Default cap on the number of grid points :meth:`SearchSpace.to_grid` will build."""

_CATEGORY_TYPES = (str, bool, int, float, type(None))


def _clean(value: float) -> float:
    """Round a float to 12 significant digits, so ``np.geomspace`` gives ``0.01``."""
    return float(f"{value:.12g}")


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"a parameter name must be a non-empty string, got {name!r}")


def _check_range(name: str, low: float, high: float, log: bool) -> None:
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"{name}: low and high must be finite, got low={low}, high={high}")
    if low >= high:
        raise ValueError(f"{name}: low must be smaller than high, got low={low}, high={high}")
    if log and low <= 0:
        raise ValueError(
            f"{name}: a log-scaled range needs positive bounds, got low={low}, high={high}"
        )


def _check_grid_points(name: str, grid_points: int) -> None:
    if not isinstance(grid_points, int) or grid_points < 2:
        raise ValueError(f"{name}: grid_points must be an integer >= 2, got {grid_points!r}")


@dataclass(frozen=True)
class FloatParam:
    """A real-valued hyperparameter in ``[low, high]``.

    Args:
        name: The estimator parameter name (``"svc__C"``).
        low: Smallest value.
        high: Largest value.
        log: Sample and grid on a log scale (for scale parameters such as ``C``).
        grid_points: How many values the grid takes, evenly spaced on the chosen scale.

    Raises:
        ValueError: If ``low >= high``, a bound is not finite, ``log`` is set with
            ``low <= 0``, or ``grid_points < 2``.
    """

    name: str
    low: float
    high: float
    log: bool = False
    grid_points: int = 5

    def __post_init__(self) -> None:
        _check_name(self.name)
        _check_range(self.name, self.low, self.high, self.log)
        _check_grid_points(self.name, self.grid_points)

    def grid(self) -> list[float]:
        """Return ``grid_points`` values from ``low`` to ``high`` (both included)."""
        spacing = np.geomspace if self.log else np.linspace
        return [_clean(v) for v in spacing(self.low, self.high, self.grid_points)]

    def distribution(self) -> Any:
        """Return a scipy distribution: ``loguniform`` if ``log`` else ``uniform``."""
        if self.log:
            return stats.loguniform(self.low, self.high)
        return stats.uniform(self.low, self.high - self.low)

    def suggest(self, trial: Any) -> float:
        """Ask an Optuna trial for a value with ``trial.suggest_float``."""
        return trial.suggest_float(self.name, self.low, self.high, log=self.log)


@dataclass(frozen=True)
class LogUniformInt:
    """Integers in ``[low, high]`` drawn log-uniformly (scipy has no discrete one).

    Only ``rvs`` is provided, which is all ``RandomizedSearchCV`` needs.

    Args:
        low: Smallest integer, at least 1.
        high: Largest integer.
    """

    low: int
    high: int

    def rvs(self, size: int | None = None, random_state: Any = None) -> Any:
        """Draw integers: ``floor`` of a log-uniform draw on ``[low, high + 1)``.

        Args:
            size: Number of draws, or ``None`` for a single integer.
            random_state: Seed or ``numpy.random.RandomState``.

        Returns:
            An ``int`` or an array of ints.
        """
        draws = stats.loguniform(self.low, self.high + 1).rvs(size=size, random_state=random_state)
        values = np.minimum(np.floor(draws).astype(int), self.high)
        return int(values) if size is None else values


@dataclass(frozen=True)
class IntParam:
    """An integer hyperparameter in ``[low, high]``.

    Args:
        name: The estimator parameter name.
        low: Smallest value.
        high: Largest value.
        log: Sample and grid on a log scale.
        grid_points: How many values the grid takes at most (rounding may merge some).

    Raises:
        ValueError: If ``low >= high``, ``log`` is set with ``low <= 0``, or
            ``grid_points < 2``.
    """

    name: str
    low: int
    high: int
    log: bool = False
    grid_points: int = 5

    def __post_init__(self) -> None:
        _check_name(self.name)
        if not all(isinstance(v, int | np.integer) for v in (self.low, self.high)):
            raise ValueError(f"{self.name}: low and high must be integers")
        _check_range(self.name, self.low, self.high, self.log)
        _check_grid_points(self.name, self.grid_points)

    def grid(self) -> list[int]:
        """Return up to ``grid_points`` distinct integers from ``low`` to ``high``."""
        spacing = np.geomspace if self.log else np.linspace
        values = np.unique(np.round(spacing(self.low, self.high, self.grid_points)))
        return [int(v) for v in values]

    def distribution(self) -> Any:
        """Return ``randint(low, high + 1)``, or :class:`LogUniformInt` if ``log``."""
        if self.log:
            return LogUniformInt(int(self.low), int(self.high))
        return stats.randint(self.low, self.high + 1)

    def suggest(self, trial: Any) -> int:
        """Ask an Optuna trial for a value with ``trial.suggest_int``."""
        return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)


@dataclass(frozen=True)
class CategoricalParam:
    """A hyperparameter that takes one of a few values.

    Args:
        name: The estimator parameter name.
        choices: The values; each must be ``None``, a bool, int, float or str (what
            Optuna can store), with no repeats.

    Raises:
        ValueError: If ``choices`` is empty, repeats a value or holds another type.
    """

    name: str
    choices: tuple[Any, ...]

    def __post_init__(self) -> None:
        _check_name(self.name)
        choices = tuple(self.choices)
        object.__setattr__(self, "choices", choices)
        if not choices:
            raise ValueError(f"{self.name}: choices must not be empty")
        bad = [c for c in choices if not isinstance(c, _CATEGORY_TYPES)]
        if bad:
            raise ValueError(
                f"{self.name}: choices must be None, bool, int, float or str, got {bad!r}"
            )
        if len(set(map(repr, choices))) != len(choices):
            raise ValueError(f"{self.name}: choices must not repeat, got {choices!r}")

    def grid(self) -> list[Any]:
        """Return every choice."""
        return list(self.choices)

    def distribution(self) -> list[Any]:
        """Return the choices as a list (``RandomizedSearchCV`` draws uniformly)."""
        return list(self.choices)

    def suggest(self, trial: Any) -> Any:
        """Ask an Optuna trial for a value with ``trial.suggest_categorical``."""
        return trial.suggest_categorical(self.name, list(self.choices))


Param = FloatParam | IntParam | CategoricalParam


@dataclass(frozen=True)
class SearchSpace:
    """The hyperparameters to tune, written once for every strategy.

    Args:
        params: One or more parameters with distinct names.

    Raises:
        ValueError: If ``params`` is empty, names repeat, or an item is not a parameter.
    """

    params: tuple[Param, ...]

    def __post_init__(self) -> None:
        params = tuple(self.params)
        object.__setattr__(self, "params", params)
        if not params:
            raise ValueError("the search space is empty; give at least one parameter")
        for param in params:
            if not isinstance(param, FloatParam | IntParam | CategoricalParam):
                raise ValueError(f"not a search-space parameter: {param!r}")
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise ValueError(f"parameter names must be distinct, got {names}")

    @property
    def names(self) -> list[str]:
        """The parameter names, in order."""
        return [p.name for p in self.params]

    def grid_size(self) -> int:
        """Return how many configurations :meth:`to_grid` spans."""
        return math.prod(len(p.grid()) for p in self.params)

    def to_grid(self, max_size: int = MAX_GRID_SIZE) -> dict[str, list[Any]]:
        """Return a ``param_grid`` for ``GridSearchCV``.

        Args:
            max_size: Largest number of configurations allowed.

        Returns:
            A dict from parameter name to the list of its grid values.

        Raises:
            ValueError: If the grid has more than ``max_size`` configurations.
        """
        size = self.grid_size()
        if size > max_size:
            raise ValueError(
                f"the grid has {size} configurations, more than max_grid_size={max_size}; "
                "lower grid_points or raise the cap"
            )
        return {p.name: p.grid() for p in self.params}

    def to_distributions(self) -> dict[str, Any]:
        """Return ``param_distributions`` for ``RandomizedSearchCV``.

        Returns:
            ``loguniform``/``uniform`` for floats, ``randint`` (or :class:`LogUniformInt`)
            for integers and plain lists for categoricals.
        """
        return {p.name: p.distribution() for p in self.params}

    def suggest(self, trial: Any) -> dict[str, Any]:
        """Ask an Optuna trial for one value of every parameter.

        Args:
            trial: An ``optuna.Trial``.

        Returns:
            A dict from parameter name to the suggested value.
        """
        return {p.name: p.suggest(trial) for p in self.params}

    def coarsened(self, max_size: int) -> SearchSpace:
        """Return a copy whose grid has at most ``max_size`` configurations.

        Numeric parameters lose grid points one at a time, always from the one with the
        most points (the first of them on ties), down to 2 each; categorical parameters
        keep every choice. A space that already fits is returned unchanged.

        Args:
            max_size: Largest number of configurations wanted.

        Returns:
            A :class:`SearchSpace` with the same ranges and fewer grid points.

        Raises:
            ValueError: If even 2 points per numeric parameter do not fit.
        """
        params = list(self.params)
        while SearchSpace(tuple(params)).grid_size() > max_size:
            numeric = [i for i, p in enumerate(params) if not isinstance(p, CategoricalParam)]
            shrinkable = [i for i in numeric if params[i].grid_points > 2]
            if not shrinkable:
                smallest = SearchSpace(tuple(params)).grid_size()
                raise ValueError(
                    f"even the coarsest grid has {smallest} configurations, "
                    f"more than the {max_size} that fit"
                )
            widest = max(shrinkable, key=lambda i: (params[i].grid_points, -i))
            params[widest] = dataclasses.replace(
                params[widest], grid_points=params[widest].grid_points - 1
            )
        return SearchSpace(tuple(params))

    def describe(self) -> list[dict[str, Any]]:
        """Return the parameters as plain dicts (for JSON and tables)."""
        rows = []
        for p in self.params:
            row = {"name": p.name, "type": type(p).__name__}
            row.update({k: v for k, v in dataclasses.asdict(p).items() if k != "name"})
            if "choices" in row:
                row["choices"] = list(row["choices"])
            rows.append(row)
        return rows
