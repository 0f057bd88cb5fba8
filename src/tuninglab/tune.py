"""Run one Optuna study from several processes or machines: shared, resumable, crash-safe.

The study lives in a relational database that every worker opens: by default a SQLite
file in the working directory (no set-up), or PostgreSQL/MySQL given as a URL so that
workers on several machines share it. A run::

    python -m tuninglab tune --model svc --dataset digits --n-trials 40 --workers 2

* ``--n-trials`` is the study's total of complete trials, not "N more": running the
  same command again after a crash finishes the job without overshooting;
* each running trial sends a heartbeat; a worker killed mid-trial leaves its trial
  ``RUNNING`` until the heartbeat is :data:`GRACE_SECONDS` old, then any worker marks
  it failed and :class:`optuna.storages.RetryHeartbeatStaleTrialCallback` (Optuna 5's
  name for ``RetryFailedTrialCallback``) queues the same configuration again;
* bad input (an unknown URL scheme, an unreachable server, a wrong password, a study
  name already used for another problem or direction) raises :class:`TuneError` with
  one line, which the command line prints with exit code 2.
"""

from __future__ import annotations

import multiprocessing
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from typing import Any

import optuna
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.trial import TrialState

from tuninglab.search import problems
from tuninglab.search.scoring import cv_score

DEFAULT_STORAGE = "sqlite:///tuninglab-studies.db"
"""A SQLite file in the working directory: nothing to install or start."""
HEARTBEAT_SECONDS = 1
GRACE_SECONDS = 5
"""A running trial whose last heartbeat is older than this is taken as dead."""
MAX_RETRY = 3
"""How often a trial lost with its worker is queued again."""
SUPPORTED = ("sqlite", "postgresql", "mysql")
# Heartbeats are marked experimental in Optuna 5; they are what makes a run crash-safe.
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning, module="optuna")
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning, module=__name__)
PROBLEM_ATTR = "tuninglab_problem"


class TuneError(Exception):
    """Bad input or an unusable storage; the message is one line for the reader."""


def redact(url: str) -> str:
    """The URL with its password replaced by ``***`` (safe to print)."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def open_storage(url: str) -> RDBStorage:
    """Open (and create the tables of) the study storage at ``url``, with heartbeats.

    Raises:
        TuneError: The URL's scheme is not supported, its driver is missing, or the
            database cannot be reached or refuses the credentials.
    """
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme not in SUPPORTED or "://" not in url:
        raise TuneError(
            f"--storage {redact(url)!r} is not a database URL; use sqlite:///FILE.db or "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
        )
    driver = url.split("://", 1)[0].partition("+")[2]
    if scheme == "postgresql" and driver in {"", "psycopg"} and not find_spec("psycopg"):
        raise TuneError(
            f"--storage {redact(url)!r} needs the PostgreSQL driver psycopg, which is not "
            'installed: pip install "tuninglab[postgres]"'
        )
    engine_kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if scheme == "sqlite":
        engine_kwargs["connect_args"] = {"timeout": 60}  # wait for another writer's lock
    elif scheme == "postgresql":
        engine_kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        return RDBStorage(
            url,
            engine_kwargs=engine_kwargs,
            heartbeat_interval=HEARTBEAT_SECONDS,
            grace_period=GRACE_SECONDS,
            heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=MAX_RETRY),
        )
    except Exception as error:  # sqlalchemy and driver errors, whatever their class
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise TuneError(
            f"cannot open the study storage {redact(url)}: {reason[0] if reason else error}"
        ) from None


def _problem_key(model: str, dataset: str) -> str:
    return f"{model}/{dataset}"


def open_study(storage: RDBStorage, name: str, model: str, dataset: str) -> optuna.Study:
    """Load the study ``name``, or create it for ``model`` on ``dataset`` (maximize).

    Raises:
        TuneError: A study of that name exists for another problem or direction.
    """
    key = _problem_key(model, dataset)
    study = optuna.create_study(
        storage=storage, study_name=name, direction="maximize", load_if_exists=True
    )
    if study.direction != optuna.study.StudyDirection.MAXIMIZE:
        raise TuneError(
            f"study {name!r} exists and minimizes; tuninglab tune maximizes the CV score: "
            "use another --study-name"
        )
    found = study.user_attrs.get(PROBLEM_ATTR)
    if found is None:
        study.set_user_attr(PROBLEM_ATTR, key)
    elif found != key:
        raise TuneError(
            f"study {name!r} exists for the problem {found}, not {key}: use another --study-name"
        )
    return study


def _counts(study: optuna.Study) -> dict[TrialState, int]:
    counts = dict.fromkeys(TrialState, 0)
    for trial in study.get_trials(deepcopy=False):
        counts[trial.state] += 1
    return counts


def _objective(model: str, dataset: str, n_trials: int) -> Callable[[optuna.Trial], float]:
    problem = problems.get(model, dataset)

    def objective(trial: optuna.Trial) -> float:
        ahead = [
            t
            for t in trial.study.get_trials(
                deepcopy=False, states=(TrialState.COMPLETE, TrialState.RUNNING)
            )
            if t.number < trial.number
        ]
        if len(ahead) >= n_trials:  # another worker took the last trial first
            trial.set_user_attr("skipped", f"the study already had its {n_trials} trials")
            raise optuna.TrialPruned
        return cv_score(problem, problem.space.suggest(trial))

    return objective


def work(
    url: str,
    name: str,
    model: str,
    dataset: str,
    n_trials: int,
    timeout: float | None,
    seed: int,
) -> None:
    """One worker: run trials until the study has ``n_trials`` complete ones.

    Args:
        url: Storage URL.
        name: Study name (the study must exist).
        model: Model name (see ``tuninglab.search.problems``).
        dataset: Bundled dataset name.
        n_trials: The study's total of complete trials.
        timeout: Stop starting trials after this many seconds (``None``: no limit).
        seed: Seed of this worker's TPE sampler.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = open_storage(url)
    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.load_study(study_name=name, storage=storage, sampler=sampler)
    objective = _objective(model, dataset, n_trials)
    deadline = None if timeout is None else time.monotonic() + timeout
    while deadline is None or time.monotonic() < deadline:
        optuna.storages.fail_stale_trials(study)  # a dead worker's trial goes back in line
        counts = _counts(study)
        if counts[TrialState.COMPLETE] >= n_trials:
            return
        if counts[TrialState.COMPLETE] + counts[TrialState.RUNNING] >= n_trials:
            time.sleep(HEARTBEAT_SECONDS)  # the last trials are running elsewhere
            continue
        study.optimize(objective, n_trials=1, catch=())


@dataclass
class TuneResult:
    """What a run left in the study."""

    study_name: str
    complete: int
    best_value: float | None
    best_params: dict[str, Any]
    seconds: float


def tune(
    model: str,
    dataset: str,
    *,
    storage: str = DEFAULT_STORAGE,
    study_name: str | None = None,
    n_trials: int = 30,
    timeout: float | None = None,
    workers: int = 1,
    seed: int = 0,
    progress: bool = False,
) -> TuneResult:
    """Run (or resume) a study of ``model`` on ``dataset`` with ``workers`` processes.

    Args:
        model: Model name, as for ``python -m tuninglab compare``.
        dataset: Bundled dataset name.
        storage: Database URL; the default is a SQLite file here.
        study_name: Defaults to ``MODEL-DATASET``.
        n_trials: Total of complete trials the study should have.
        timeout: Seconds after which workers stop starting trials.
        workers: Worker processes on this machine.
        seed: Base seed; worker ``i`` seeds its sampler with ``seed + i``.
        progress: Show a tqdm bar of complete trials on stderr.

    Raises:
        TuneError: Bad input or an unusable storage (one line).
    """
    if n_trials < 1 or workers < 1:
        raise TuneError("--n-trials and --workers must be at least 1")
    try:
        problems.get(model, dataset)
    except (KeyError, ValueError) as error:
        raise TuneError(str(error).strip("'\"")) from None
    name = study_name or f"{model}-{dataset}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    start = time.monotonic()
    study = open_study(open_storage(storage), name, model, dataset)
    args = (storage, name, model, dataset, n_trials, timeout)
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=work, args=(*args, seed + index), daemon=True)
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    _wait(study, processes, n_trials, progress)
    failed = [p.exitcode for p in processes if p.exitcode not in (0, None)]
    if failed:
        raise TuneError(f"{len(failed)} worker(s) stopped with an error (exit {failed[0]})")
    complete = [t for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))]
    best = max(complete, key=lambda t: t.value) if complete else None
    return TuneResult(
        name,
        len(complete),
        best.value if best else None,
        dict(best.params) if best else {},
        time.monotonic() - start,
    )


def _wait(study: optuna.Study, processes: list, n_trials: int, progress: bool) -> None:
    from tqdm import tqdm

    with tqdm(total=n_trials, desc=study.study_name, unit="trial", disable=not progress) as bar:
        while any(process.is_alive() for process in processes):
            done = _counts(study)[TrialState.COMPLETE]
            bar.update(min(done, n_trials) - bar.n)
            time.sleep(0.5)
        bar.update(min(_counts(study)[TrialState.COMPLETE], n_trials) - bar.n)
    for process in processes:
        process.join()
