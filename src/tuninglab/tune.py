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
* a trial whose worker died before its first heartbeat has no heartbeat to go stale: a
  worker that has seen it ``RUNNING`` without one for :data:`ORPHAN_GRACE_SECONDS`
  fails it and queues it again the same way (so trials that another program runs in the
  same study with ``ask()`` and ``tell()``, which send no heartbeat, are failed too);
* any number of workers may start at once on a fresh database: the one that loses the
  race to create the tables waits and tries again (:data:`SCHEMA_ATTEMPTS` times);
* Ctrl-C or SIGTERM marks the trials in flight failed, queues them again and raises
  :class:`TuneInterrupted`: the command line prints one line and exits 130 (or 143);
* a study that already has its ``--n-trials`` complete trials runs nothing;
* bad input (an unknown URL scheme, an unreachable server, a wrong password, a study
  name already used for another problem or direction) raises :class:`TuneError` with
  one line, which the command line prints with exit code 2.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from typing import Any

import optuna
import sqlalchemy
from optuna.exceptions import UpdateFinishedTrialError
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.trial import TrialState

from tuninglab.search import problems
from tuninglab.search.scoring import cv_score

DEFAULT_STORAGE = "sqlite:///tuninglab-studies.db"
"""A SQLite file in the working directory: nothing to install or start."""
HEARTBEAT_SECONDS = 1
GRACE_SECONDS = 5
"""A running trial whose last heartbeat is older than this is taken as dead."""
ORPHAN_GRACE_SECONDS = 10 * HEARTBEAT_SECONDS
"""A running trial seen this long with no heartbeat at all is taken as dead.

Optuna only fails trials whose heartbeat went stale; a worker killed between creating a
trial and sending its first heartbeat leaves a trial with none, which would stay
``RUNNING`` for ever. Each worker times such trials from the moment it first sees them,
by its own clock, so clocks that differ between machines do not matter."""
MAX_RETRY = 3
"""How often a trial lost with its worker is queued again."""
SCHEMA_ATTEMPTS = 8
"""How often a worker tries to create the tables when others create them at the same time."""
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
    for attempt in range(1, SCHEMA_ATTEMPTS + 1):
        try:
            storage = RDBStorage(
                url,
                engine_kwargs=engine_kwargs,
                heartbeat_interval=HEARTBEAT_SECONDS,
                grace_period=GRACE_SECONDS,
                heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(
                    max_retry=MAX_RETRY
                ),
            )
            if scheme == "sqlite":
                _begin_sqlite_transactions_with_the_write_lock(storage.engine)
            return storage
        except Exception as error:  # sqlalchemy and driver errors, whatever their class
            if attempt < SCHEMA_ATTEMPTS and lost_schema_race(error):
                time.sleep(random.uniform(0.1, 0.5) * attempt)  # let the winner finish
                continue
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            raise TuneError(
                f"cannot open the study storage {redact(url)}: {reason[0] if reason else error}"
            ) from None
    raise AssertionError("unreachable: the last attempt returns or raises")


def _begin_sqlite_transactions_with_the_write_lock(engine: sqlalchemy.engine.Engine) -> None:
    """Make every transaction on this SQLite engine begin with ``BEGIN IMMEDIATE``.

    Python's sqlite3 driver opens a transaction only at the first write, and the row
    locks Optuna asks for (``SELECT ... FOR UPDATE``) do nothing on SQLite. So two
    workers can both read a trial as ``RUNNING`` (or ``WAITING``) and both claim it: fail
    it twice and queue it twice, or run it twice. Taking SQLite's write lock when a
    transaction begins makes each read-then-write one step; the others wait their turn
    (up to the connection's timeout). This is SQLAlchemy's recipe for pysqlite's
    transactions. PostgreSQL needs none of it: its row locks work.
    """

    @sqlalchemy.event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @sqlalchemy.event.listens_for(engine, "begin")
    def _begin_immediate(connection: sqlalchemy.engine.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    engine.dispose()  # the connections that created the tables lack the hooks


RACE_MESSAGES = ("already exists", "duplicate key value", "unique constraint", "deadlock")


def lost_schema_race(error: BaseException) -> bool:
    """Whether ``error`` says another worker created the same tables at the same moment.

    Two workers that find an empty database both create the tables and stamp the schema
    version; the slower one then fails with "table ... already exists" (SQLite), a
    duplicate key in PostgreSQL's catalogue, or a unique-constraint error on the version
    row. Trying again finds the tables made. Any other error is not a race and is not
    retried.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, sqlalchemy.exc.IntegrityError):
            return True
        if any(text in str(seen).lower() for text in RACE_MESSAGES):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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


class Stop:
    """Where a SIGINT or SIGTERM is turned into ``KeyboardInterrupt``, and where not.

    A signal that lands inside a database call can leave the storage's session broken,
    and then the trial cannot be given back. So the first signal is recorded, and raised
    at once only while :attr:`raise_now` is set (a worker sets it while the model is
    being fitted); anywhere else it is raised at the next :meth:`check`, which the
    worker calls between storage calls.
    Later signals are ignored: the first one decides the exit code.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.raise_now = False

    def handler(self, signum: int, frame: object) -> None:
        """The signal handler (install it for SIGINT and SIGTERM)."""
        if self.signum is not None:
            return
        self.signum = signum
        optuna.logging.set_verbosity(optuna.logging.ERROR)  # no "Trial N failed" traceback
        if self.raise_now:
            self.raise_now = False
            raise KeyboardInterrupt

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if a signal has arrived."""
        if self.signum is not None:
            raise KeyboardInterrupt


@dataclass
class _Flight:
    """The trial this worker is running, and whether its score was computed."""

    trial_id: int | None = None
    scored: bool = False


def _objective(
    model: str, dataset: str, n_trials: int, flight: _Flight, stop: Stop
) -> Callable[[optuna.Trial], float]:
    problem = problems.get(model, dataset)

    def objective(trial: optuna.Trial) -> float:
        flight.trial_id, flight.scored = trial._trial_id, False
        stop.check()
        ahead = [  # queued trials count: each ask() runs the oldest one before a new one
            t
            for t in trial.study.get_trials(
                deepcopy=False,
                states=(TrialState.COMPLETE, TrialState.RUNNING, TrialState.WAITING),
            )
            if t.number < trial.number
        ]
        if len(ahead) >= n_trials:  # another worker took the last trial first
            trial.set_user_attr("skipped", f"the study already had its {n_trials} trials")
            raise optuna.TrialPruned
        params = problem.space.suggest(trial)
        stop.raise_now = True
        try:
            stop.check()
            score = cv_score(problem, params)
        finally:
            stop.raise_now = False
        flight.scored = True
        return score

    return objective


_RUNNING_WITHOUT_HEARTBEAT = sqlalchemy.text(
    "SELECT t.trial_id FROM trials t LEFT JOIN trial_heartbeats h ON h.trial_id = t.trial_id"
    " WHERE t.study_id = :study_id AND t.state = 'RUNNING' AND h.trial_id IS NULL"
)


def _requeue(storage: RDBStorage, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
    """Queue a failed trial's configuration again, with the callback :func:`open_storage` set."""
    callback = storage.get_heartbeat_stale_trial_callback()
    assert callback is not None, "open_storage always sets one"
    callback(study, trial)


def _fail_and_requeue(storage: RDBStorage, study: optuna.Study, trial_id: int) -> bool:
    """Fail the running trial ``trial_id`` and queue its configuration again.

    Returns:
        Whether this call failed it (``False``: another worker finished it first).
    """
    try:
        if not storage.set_trial_state_values(trial_id, state=TrialState.FAIL):
            return False
    except UpdateFinishedTrialError:
        return False
    _requeue(storage, study, storage.get_trial(trial_id))
    return True


class OrphanWatch:
    """One worker's watch for running trials that never sent a heartbeat.

    :meth:`sweep` fails and re-queues those this worker has seen so for
    :data:`ORPHAN_GRACE_SECONDS`, timed by its own clock.
    """

    def __init__(self, storage: RDBStorage, study: optuna.Study) -> None:
        self.storage = storage
        self.study = study
        self.study_id = storage.get_study_id_from_name(study.study_name)
        self.first_seen: dict[int, float] = {}
        """Trial id -> when this worker first saw it without a heartbeat (monotonic)."""

    def sweep(self) -> list[int]:
        """Fail and re-queue the expired ones; return the ids this call failed."""
        with self.storage.engine.connect() as connection:
            rows = connection.execute(_RUNNING_WITHOUT_HEARTBEAT, {"study_id": self.study_id})
            found = {row[0] for row in rows}
        now = time.monotonic()
        for trial_id in set(self.first_seen) - found:
            del self.first_seen[trial_id]
        for trial_id in found:
            self.first_seen.setdefault(trial_id, now)
        expired = [t for t in sorted(found) if now - self.first_seen[t] >= ORPHAN_GRACE_SECONDS]
        return [t for t in expired if _fail_and_requeue(self.storage, self.study, t)]


def _requeued(study: optuna.Study, number: int) -> bool:
    """Whether some trial is already the retry of trial ``number``."""
    return any(
        t.system_attrs.get("retry_history", [None])[-1] == number
        for t in study.get_trials(deepcopy=False)
    )


def _give_back(storage: RDBStorage, study: optuna.Study, trial_id: int) -> None:
    """After an interruption: fail the worker's trial if it still runs, and queue it again.

    A trial Optuna already failed (the interruption came while it was being scored) is
    queued unless another worker, which took it for dead meanwhile, queued it first.
    """
    trial = storage.get_trial(trial_id)
    if trial.state == TrialState.RUNNING:
        _fail_and_requeue(storage, study, trial_id)
    elif trial.state == TrialState.FAIL and not _requeued(study, trial.number):
        _requeue(storage, study, trial)


def _lost_to_another_worker(storage: RDBStorage, flight: _Flight) -> bool:
    """Whether the trial was scored but another worker had failed it first.

    That happens when this worker stalled longer than the grace period (a frozen
    process, a database that kept it waiting): the others took it for dead, failed it
    and queued it again, so saving the score fails. The retry will run it.
    """
    if flight.trial_id is None or not flight.scored:
        return False
    return storage.get_trial(flight.trial_id).state == TrialState.FAIL


def work(
    url: str,
    name: str,
    model: str,
    dataset: str,
    n_trials: int,
    timeout: float | None,
    seed: int,
    stop: Stop | None = None,
) -> None:
    """One worker: run trials until the study has ``n_trials`` complete ones.

    Between trials the worker fails dead workers' trials (stale heartbeat, or none at
    all) and so queues them again. Once the study is complete it waits, at most
    :data:`ORPHAN_GRACE_SECONDS` + :data:`GRACE_SECONDS`, for trials still marked
    running, so that a finished study holds no dead worker's trial. Interrupted
    (``KeyboardInterrupt``), it gives its trial back, failed and queued again (up to
    :data:`MAX_RETRY` times per configuration), and re-raises.

    Args:
        url: Storage URL.
        name: Study name (the study must exist).
        model: Model name (see ``tuninglab.search.problems``).
        dataset: Bundled dataset name.
        n_trials: The study's total of complete trials.
        timeout: Stop starting trials after this many seconds (``None``: no limit).
        seed: Seed of this worker's TPE sampler.
        stop: Where signals are turned into ``KeyboardInterrupt`` (see :class:`Stop`).
    """
    stop = stop or Stop()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = open_storage(url)
    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.load_study(study_name=name, storage=storage, sampler=sampler)
    flight = _Flight()
    objective = _objective(model, dataset, n_trials, flight, stop)
    deadline = None if timeout is None else time.monotonic() + timeout
    orphans = OrphanWatch(storage, study)
    tidy_until: float | None = None
    try:
        while deadline is None or time.monotonic() < deadline:
            stop.check()
            optuna.storages.fail_stale_trials(study)  # a dead worker's trial goes back in line
            orphans.sweep()
            counts = _counts(study)
            if counts[TrialState.COMPLETE] >= n_trials:
                if not counts[TrialState.RUNNING]:
                    return
                tidy_until = tidy_until or time.monotonic() + ORPHAN_GRACE_SECONDS + GRACE_SECONDS
                if time.monotonic() > tidy_until:
                    return  # a live worker elsewhere still holds a trial
                time.sleep(HEARTBEAT_SECONDS)
                continue
            if counts[TrialState.COMPLETE] + counts[TrialState.RUNNING] >= n_trials:
                time.sleep(HEARTBEAT_SECONDS)  # the last trials are running elsewhere
                continue
            try:
                study.optimize(objective, n_trials=1, catch=())
            except Exception:
                if not _lost_to_another_worker(storage, flight):
                    raise
            flight.trial_id = None
            stop.check()
    except KeyboardInterrupt:
        if flight.trial_id is not None:
            _give_back(storage, study, flight.trial_id)
        raise
    finally:
        storage.engine.dispose()


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _worker_main(*args: Any) -> None:
    """A worker process: :func:`work`, ended cleanly by SIGINT or SIGTERM (see :class:`Stop`).

    It exits with 128 + the signal's number, as a shell reports a process a signal stopped.
    """
    stop = Stop()
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, stop.handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked by _start
    try:
        work(*args, stop=stop)
    except KeyboardInterrupt:
        sys.exit(128 + (stop.signum or signal.SIGINT))


@dataclass
class TuneResult:
    """What a run left in the study."""

    study_name: str
    complete: int
    best_value: float | None
    best_params: dict[str, Any]
    seconds: float
    already_complete: bool = False
    """The study had its trials before this run, which ran none."""


class TuneInterrupted(Exception):
    """Ctrl-C or SIGTERM stopped the run.

    The trials in flight were failed and queued again, each configuration up to
    :data:`MAX_RETRY` times; a worker that could not give its trial back within
    :func:`_stop`'s 30 s leaves it to the next run's stale-heartbeat check.
    """

    def __init__(self, complete: int | None, n_trials: int, signum: int) -> None:
        done = "" if complete is None else f" after {min(complete, n_trials)} of {n_trials} trials"
        super().__init__(f"interrupted{done}; run the same command to resume")
        self.complete = complete
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM."""
        return 128 + self.signum


@contextmanager
def _signals_to(stop: Stop) -> Iterator[None]:
    """SIGINT and SIGTERM go to ``stop`` while inside (in the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {each: signal.signal(each, stop.handler) for each in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for each, handler in before.items():
            signal.signal(each, handler)


def _result(study: optuna.Study, start: float, already_complete: bool = False) -> TuneResult:
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    best = max(complete, key=lambda t: t.value) if complete else None
    return TuneResult(
        study.study_name,
        len(complete),
        best.value if best else None,
        dict(best.params) if best else {},
        time.monotonic() - start,
        already_complete,
    )


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
        TuneInterrupted: SIGINT or SIGTERM arrived (in the main thread); the trials in
            flight were given back and the same call resumes the study.
    """
    if n_trials < 1 or workers < 1:
        raise TuneError("--n-trials and --workers must be at least 1")
    try:
        problems.get(model, dataset)
    except (KeyError, ValueError) as error:
        raise TuneError(str(error).strip("'\"")) from None
    name = study_name or f"{model}-{dataset}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    opened: list[RDBStorage] = []
    try:
        return _run(
            model, dataset, storage, name, n_trials, timeout, workers, seed, progress, opened
        )
    finally:
        for each in opened:  # a caller may run many studies in one process
            each.engine.dispose()


def _run(
    model: str,
    dataset: str,
    url: str,
    name: str,
    n_trials: int,
    timeout: float | None,
    workers: int,
    seed: int,
    progress: bool,
    opened: list[RDBStorage],
) -> TuneResult:
    """The body of :func:`tune`; the storage it opens is appended to ``opened``."""
    start = time.monotonic()
    processes: list[Any] = []
    study: optuna.Study | None = None
    stop = Stop()
    stop.raise_now = True  # until the workers start, nothing needs giving back: stop at once
    with _signals_to(stop):
        try:
            opened.append(open_storage(url))
            study = open_study(opened[0], name, model, dataset)
            if _counts(study)[TrialState.COMPLETE] >= n_trials:
                return _result(study, start, already_complete=True)
            stop.check()
            stop.raise_now = False  # from here on, _wait polls stop.signum
            processes = _start((url, name, model, dataset, n_trials, timeout), seed, workers)
            _wait(study, processes, n_trials, progress, stop)
        except KeyboardInterrupt:
            if stop.signum is None:
                raise  # not ours (the caller's own handler)
        finally:
            if stop.signum is not None:
                _stop(processes)
    if stop.signum is not None and not _all_finished(processes):
        raise TuneInterrupted(_complete_or_none(study), n_trials, stop.signum)
    failed = [p.exitcode for p in processes if p.exitcode not in (0, None)]
    if failed:
        raise TuneError(f"{len(failed)} worker(s) stopped with an error (exit {failed[0]})")
    assert study is not None
    return _result(study, start)


def _all_finished(processes: list[Any]) -> bool:
    """Whether every worker had ended on its own, with success (a late signal)."""
    return bool(processes) and all(p.exitcode == 0 for p in processes)


def _complete_or_none(study: optuna.Study | None) -> int | None:
    """Complete trials after an interruption, or ``None`` if they cannot be read.

    Before the workers start, a signal may have cut one of the parent's storage calls
    short; the count is then not tried again.
    """
    if study is None:
        return None
    try:
        return _counts(study)[TrialState.COMPLETE]
    except Exception:
        return None


def _start(work_args: tuple[Any, ...], seed: int, workers: int) -> list[Any]:
    """Start ``workers`` processes running :func:`work` on ``work_args`` and their seeds.

    SIGINT and SIGTERM stay blocked until each worker has its handlers.
    """
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker_main, args=(*work_args, seed + index), daemon=True)
        for index in range(workers)
    ]
    # Blocked, not lost: a signal that comes while a worker starts waits until the worker
    # has its handlers (a spawned Python keeps the blocked set), and until now here.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        for process in processes:
            process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return processes


def _stop(processes: list[Any], seconds: float = 30) -> None:
    """Ask the workers to stop (SIGTERM), wait for them to give their trials back."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + seconds
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def _wait(study: optuna.Study, processes: list, n_trials: int, progress: bool, stop: Stop) -> None:
    from tqdm import tqdm

    with tqdm(total=n_trials, desc=study.study_name, unit="trial", disable=not progress) as bar:
        while stop.signum is None and any(process.is_alive() for process in processes):
            done = _counts(study)[TrialState.COMPLETE]
            bar.update(min(done, n_trials) - bar.n)
            time.sleep(0.5)
        if stop.signum is None:
            bar.update(min(_counts(study)[TrialState.COMPLETE], n_trials) - bar.n)
    if stop.signum is None:  # else _stop ends them
        for process in processes:
            process.join()
