"""`python -m tuninglab tune`: workers share a study, a killed worker loses nothing, bad
input gets one line and exit code 2 -- on SQLite always, and on a real PostgreSQL server
when ``TUNINGLAB_TEST_POSTGRES`` holds its URL (``.ci/run`` starts one on 127.0.0.1).

Also: workers started at the same moment on a fresh database all run; a trial whose
worker died before its first heartbeat is failed and run again; Ctrl-C and SIGTERM give
the trials in flight back; and a chaos run (random SIGKILLs and restarts) still ends
with exactly N complete trials.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import optuna
import pytest
import sqlalchemy
from optuna.trial import TrialState

from tuninglab import tune

pytestmark = pytest.mark.depends_on("src/tuninglab")
POSTGRES = os.environ.get("TUNINGLAB_TEST_POSTGRES")
COMMAND_TIMEOUT = 180


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request, tmp_path: Path) -> str:
    """A storage URL: a SQLite file in a temporary folder, or the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studies.db'}"
    if not POSTGRES:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but TUNINGLAB_TEST_POSTGRES is not set (see .ci/run)")
        pytest.skip("set TUNINGLAB_TEST_POSTGRES to a PostgreSQL URL (README: Tuning at scale)")
    return POSTGRES


@pytest.fixture
def fresh_storage(storage: str, tmp_path: Path):
    """A function that returns the URL of a new, empty database on ``storage``'s server."""
    made: list[str] = []

    def make() -> str:
        if storage.startswith("sqlite"):
            return f"sqlite:///{tmp_path / f'fresh-{len(made)}.db'}"
        name = f"fresh_{uuid.uuid4().hex[:12]}"
        admin(storage, f"CREATE DATABASE {name}")
        made.append(name)
        return f"{storage.rsplit('/', 1)[0]}/{name}"

    yield make
    for name in made:
        admin(storage, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def admin(url: str, statement: str) -> None:
    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text(statement))
    finally:
        engine.dispose()


def start_tune(cwd: Path, *args: str) -> subprocess.Popen[str]:
    """``tune`` in a process group of its own, so a signal can reach all its workers."""
    return subprocess.Popen(
        [sys.executable, "-m", "tuninglab", "tune", "--no-progress", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )


def assert_tidy(url: str, name: str, n: int) -> None:
    """The study has exactly ``n`` complete trials, unique numbers and none running."""
    found = trials(url, name)
    numbers = [t.number for t in found]
    assert len(numbers) == len(set(numbers)), "a trial number was used twice"
    assert len([t for t in found if t.state == TrialState.COMPLETE]) == n
    assert not [t.number for t in found if t.state == TrialState.RUNNING]


def svc_args(storage: str, dataset: str, n_trials: int, name: str | None = None) -> list[str]:
    """``tune`` options for an SVC study of ``n_trials`` on ``dataset`` (default name)."""
    named = [] if name is None else ["--study-name", name]
    return [
        "--storage",
        storage,
        *named,
        "--model",
        "svc",
        "--dataset",
        dataset,
        "--n-trials",
        str(n_trials),
    ]


def run_tune(cwd: Path, *args: str, **popen) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuninglab", "tune", "--no-progress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )


def trials(url: str, name: str) -> list[optuna.trial.FrozenTrial]:
    """The study's trials, read as a worker would (so a fresh database's tables are made
    with the same retry, not raced by the test)."""
    storage = tune.open_storage(url)
    try:
        return optuna.load_study(study_name=name, storage=storage).get_trials(deepcopy=True)
    finally:
        storage.engine.dispose()


def complete(url: str, name: str) -> list[optuna.trial.FrozenTrial]:
    return [t for t in trials(url, name) if t.state == TrialState.COMPLETE]


def test_two_workers_share_a_study_and_finish_exactly_n(storage, tmp_path: Path) -> None:
    name = f"share-{uuid.uuid4().hex[:8]}"
    args = ("--storage", storage, "--study-name", name, "--model", "svc", "--dataset", "iris")
    done = run_tune(tmp_path, *args, "--n-trials", "10", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert f"study {name}: 10 complete trials" in done.stdout
    numbers = [t.number for t in trials(storage, name)]
    assert len(numbers) == len(set(numbers)), "a trial number was used twice"
    assert len(complete(storage, name)) == 10
    assert not [t for t in trials(storage, name) if t.state == TrialState.RUNNING]
    # Run again: --n-trials is the total, so a finished study does no more work.
    again = run_tune(tmp_path, *args, "--n-trials", "10", "--workers", "2")
    assert again.returncode == 0 and len(complete(storage, name)) == 10


def beating_running_trials(url: str, name: str) -> list[int]:
    """Numbers of the study's RUNNING trials that have sent a heartbeat.

    Only such a trial can be found dead later: Optuna never fails a RUNNING trial that
    has no heartbeat row, and a worker killed between creating a trial and its first
    heartbeat leaves one of those.
    """
    engine = sqlalchemy.create_engine(url)
    query = sqlalchemy.text(
        "SELECT t.number FROM trials t JOIN studies s ON s.study_id = t.study_id"
        " JOIN trial_heartbeats h ON h.trial_id = t.trial_id"
        " WHERE s.study_name = :name AND t.state = 'RUNNING'"
    )
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(query, {"name": name})]
    finally:
        engine.dispose()


def freeze_mid_trial(worker: subprocess.Popen, url: str, name: str) -> tuple[int, list[int]]:
    """Stop ``worker`` at a moment when it has finished two trials and is running another.

    The worker is frozen with SIGSTOP before the storage is read, so what is read is
    exactly what a kill leaves behind; if no trial is running at that instant (the
    worker is between two trials), it is let go and the check repeats.

    Returns:
        The number of complete trials and the numbers of the running ones.
    """
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.3)
        try:
            if len(complete(url, name)) < 2:
                continue
        except KeyError:  # the study is not created yet
            continue
        os.killpg(worker.pid, signal.SIGSTOP)
        try:
            running = beating_running_trials(url, name)
            finished = len(complete(url, name))
        except (sqlalchemy.exc.OperationalError, optuna.exceptions.StorageInternalError):
            running = []  # SQLite: the frozen worker holds the write lock
        if running:
            return finished, running
        os.killpg(worker.pid, signal.SIGCONT)
    pytest.fail("the worker did not finish two trials and start a third within 120 s")


def test_a_killed_worker_loses_no_finished_trial_and_the_study_completes(
    storage, tmp_path: Path
) -> None:
    name = f"kill-{uuid.uuid4().hex[:8]}"
    args = ["--storage", storage, "--study-name", name, "--model", "svc", "--dataset", "digits"]
    worker = subprocess.Popen(
        [sys.executable, "-m", "tuninglab", "tune", "--no-progress", *args, "--n-trials", "8"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the signals reach its worker process too
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )
    try:
        finished, killed = freeze_mid_trial(worker, storage, name)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    kept = {t.number: t.value for t in complete(storage, name)}
    assert len(kept) == finished >= 2
    resumed = run_tune(tmp_path, *args, "--n-trials", "8")
    assert resumed.returncode == 0, resumed.stderr
    after = {t.number: t.value for t in complete(storage, name)}
    assert len(after) == 8
    assert all(after[number] == value for number, value in kept.items())
    state = {t.number: t.state for t in trials(storage, name)}
    assert all(state[number] == TrialState.FAIL for number in killed), (
        "the killed trial should be marked failed by its stale heartbeat"
    )
    assert TrialState.RUNNING not in state.values()


def one_line_error(done: subprocess.CompletedProcess[str], text: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("tuninglab tune: error:"), done.stderr
    assert text in lines[0]


def test_a_study_name_used_by_another_problem_or_direction_is_refused(
    storage, tmp_path: Path
) -> None:
    name = f"taken-{uuid.uuid4().hex[:8]}"
    first = run_tune(
        tmp_path, "--storage", storage, "--study-name", name, "--dataset", "iris", "--n-trials", "1"
    )
    assert first.returncode == 0, first.stderr
    other = run_tune(tmp_path, "--storage", storage, "--study-name", name, "--dataset", "wine")
    one_line_error(other, f"study {name!r} exists for the problem svc/iris, not svc/wine")
    minimizing = f"min-{uuid.uuid4().hex[:8]}"
    optuna.create_study(storage=storage, study_name=minimizing, direction="minimize")
    refused = run_tune(tmp_path, "--storage", storage, "--study-name", minimizing)
    one_line_error(refused, "exists and minimizes")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("foo://nowhere", "is not a database URL; use sqlite:///FILE.db or postgresql://"),
        ("sqlite:////no/such/folder/x.db", "cannot open the study storage"),
        ("postgresql://someone:secret@127.0.0.1:9/db", "Connection refused"),
    ],
)
def test_a_bad_or_unreachable_storage_gets_one_line(tmp_path: Path, url, message) -> None:
    done = run_tune(tmp_path, "--storage", url)
    one_line_error(done, message)
    assert "secret" not in done.stderr


def test_a_wrong_password_gets_one_line(tmp_path: Path) -> None:
    if not POSTGRES:
        pytest.skip("needs TUNINGLAB_TEST_POSTGRES")
    user, rest = POSTGRES.split("://", 1)[1].split(":", 1)
    wrong = f"postgresql://{user}:not-the-password@{rest.split('@', 1)[1]}"
    one_line_error(run_tune(tmp_path, "--storage", wrong), "password authentication failed")


def test_redact_hides_the_password() -> None:
    assert tune.redact("postgresql://u:pw@h:1/d") == "postgresql://u:***@h:1/d"
    assert tune.redact("sqlite:///x.db") == "sqlite:///x.db"


def test_postgresql_without_its_driver_names_the_extra(monkeypatch) -> None:
    monkeypatch.setattr(tune, "find_spec", lambda name: None)
    with pytest.raises(tune.TuneError, match=r'pip install "tuninglab\[postgres\]"') as caught:
        tune.open_storage("postgresql://someone:secret@127.0.0.1:9/db")
    assert "secret" not in str(caught.value)


ROUNDS, TOGETHER = 3, 4


def test_workers_started_together_on_a_fresh_database_all_run(
    fresh_storage, tmp_path: Path
) -> None:
    """Each round, four invocations start at once on a new database and race to create
    its tables: every one exits 0 and the study has exactly N trials."""
    for round_ in range(ROUNDS):
        url = fresh_storage()
        args = svc_args(url, "iris", 6)
        started = [start_tune(tmp_path, *args, "--seed", str(i)) for i in range(TOGETHER)]
        for worker in started:
            _, stderr = worker.communicate(timeout=COMMAND_TIMEOUT)
            assert worker.returncode == 0, f"round {round_}: {stderr}"
        assert_tidy(url, "svc-iris", 6)


def test_a_trial_that_never_sent_a_heartbeat_is_failed_and_run_again(
    storage, tmp_path: Path
) -> None:
    """A worker killed between creating a trial and its first heartbeat leaves a RUNNING
    trial with no heartbeat row, which Optuna never finds stale. The child below is that
    worker, stopped deterministically at that point: it creates the trial and SIGKILLs
    itself."""
    name = f"orphan-{uuid.uuid4().hex[:8]}"
    orphan = (
        "import os, signal\n"
        "from tuninglab import tune\n"
        f"storage = tune.open_storage({storage!r})\n"
        f"study = tune.open_study(storage, {name!r}, 'svc', 'iris')\n"
        "storage.create_new_trial(storage.get_study_id_from_name(study.study_name))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", orphan], cwd=tmp_path, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert [t.state for t in trials(storage, name)] == [TrialState.RUNNING]
    assert not beating_running_trials(storage, name)
    started = time.monotonic()
    done = run_tune(tmp_path, *svc_args(storage, "iris", 3, name))
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= tune.ORPHAN_GRACE_SECONDS
    assert_tidy(storage, name, 3)
    found = trials(storage, name)
    assert found[0].state == TrialState.FAIL
    assert [t.system_attrs.get("failed_trial") for t in found].count(0) == 1, (
        "the orphan's configuration should be queued again once"
    )


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c-to-the-group", "sigterm-to-the-parent"],
)
def test_an_interrupted_run_gives_its_trials_back_and_resumes(
    storage, tmp_path: Path, signum: int, to_group: bool
) -> None:
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) or SIGTERM to the
    command: each trial in flight is failed and queued again (or, if it was already being
    saved, completes), one line is printed, the exit code is 128 + the signal, and the
    same command then finishes the study."""
    name = f"stop-{uuid.uuid4().hex[:8]}"
    args = svc_args(storage, "digits", 8, name)
    worker = start_tune(tmp_path, *args, "--workers", "2")
    try:
        _, in_flight = freeze_mid_trial(worker, storage, name)
        if to_group:
            os.killpg(worker.pid, signum)
        else:
            os.kill(worker.pid, signum)
        os.killpg(worker.pid, signal.SIGCONT)  # the signal is delivered on waking
        _, stderr = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert worker.returncode == 128 + signum, stderr
    assert stderr.splitlines() == [
        f"tuninglab tune: interrupted after {len(complete(storage, name))} of 8 trials; "
        "run the same command to resume"
    ], stderr
    state = {t.number: t for t in trials(storage, name)}
    assert TrialState.RUNNING not in {t.state for t in state.values()}
    retried = [t.system_attrs.get("failed_trial") for t in state.values()]
    for number in in_flight:  # stopped (failed, and queued again once), or it got to finish
        assert state[number].state in (TrialState.FAIL, TrialState.COMPLETE)
    for number in [n for n, t in state.items() if t.state == TrialState.FAIL]:
        assert retried.count(number) == 1, f"failed trial {number} was not queued again once"
    resumed = run_tune(tmp_path, *args)
    assert resumed.returncode == 0, resumed.stderr
    assert_tidy(storage, name, 8)
    count = len(trials(storage, name))
    again = run_tune(tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert f"study {name} already has 8 complete trials (--n-trials 8): nothing to run" in (
        again.stdout
    )
    assert len(trials(storage, name)) == count, "a complete study must run nothing"


CHAOS_SLOTS, CHAOS_KILLS, CHAOS_TRIALS = 3, 8, 30


def complete_count(url: str, name: str) -> int:
    """Complete trials so far; 0 while the study does not exist or the file is locked."""
    try:
        return len(complete(url, name))
    except (KeyError, sqlalchemy.exc.OperationalError, optuna.exceptions.StorageInternalError):
        return 0


def test_chaos_random_kills_and_restarts_end_with_exactly_n_trials(
    fresh_storage, tmp_path: Path
) -> None:
    """Three invocations share a fresh study. Eight times, one of them is SIGKILLed with
    its whole process group and started again: at seeded random points of the study's
    progress (so the kills land on any machine, fast or slow), on a seeded random
    invocation, after a seeded random extra delay. Once the kills stop, every invocation
    that was left alone exits 0 and the study has exactly N complete trials, unique
    numbers and none running."""
    url = fresh_storage()
    rng = random.Random(20261202)
    at = sorted(rng.randrange(0, CHAOS_TRIALS - 4) for _ in range(CHAOS_KILLS))
    args = svc_args(url, "digits", CHAOS_TRIALS)
    slots = [start_tune(tmp_path, *args, "--seed", str(i)) for i in range(CHAOS_SLOTS)]
    starts, kills = CHAOS_SLOTS, 0
    deadline = time.monotonic() + COMMAND_TIMEOUT
    try:
        for threshold in at:
            while complete_count(url, "svc-digits") < threshold:
                assert time.monotonic() < deadline, f"stuck before {threshold} trials"
                time.sleep(0.2)
            time.sleep(rng.uniform(0, 1.0))
            index = rng.randrange(CHAOS_SLOTS)
            assert slots[index].poll() is None, "an invocation ended before the study did"
            os.killpg(slots[index].pid, signal.SIGKILL)
            slots[index].wait(timeout=30)
            kills += 1
            slots[index] = start_tune(tmp_path, *args, "--seed", str(starts))
            starts += 1
        for slot in slots:
            _, stderr = slot.communicate(timeout=COMMAND_TIMEOUT)
            assert slot.returncode == 0, stderr
    finally:
        for slot in slots:
            if slot.poll() is None:
                os.killpg(slot.pid, signal.SIGKILL)
    assert kills == CHAOS_KILLS
    assert_tidy(url, "svc-digits", CHAOS_TRIALS)
    print(f"chaos on {url.split(':')[0]}: {kills} kills at {at} complete trials, {starts} starts")


@pytest.mark.depends_on("docs/guides/tuning-at-scale.md")
def test_the_scale_guide_quotes_the_heartbeat_settings_of_the_code() -> None:
    """The guide's numbers for the heartbeat, its grace period and the orphan grace."""
    page = (Path(__file__).parents[2] / "docs/guides/tuning-at-scale.md").read_text()
    text = " ".join(page.split())
    assert (
        f"sets a {tune.HEARTBEAT_SECONDS} s heartbeat and a {tune.GRACE_SECONDS} s grace period"
    ) in text
    orphan = tune.ORPHAN_GRACE_SECONDS
    assert f"sees such a trial for {orphan} s" in text
    assert f"({orphan // tune.HEARTBEAT_SECONDS} heartbeat intervals" in text.replace("ten", "10")
