"""`python -m tuninglab tune`: workers share a study, a killed worker loses nothing, bad
input gets one line and exit code 2 -- on SQLite always, and on a real PostgreSQL server
when ``TUNINGLAB_TEST_POSTGRES`` holds its URL (``.ci/run`` starts one on 127.0.0.1).
"""

from __future__ import annotations

import os
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
    return optuna.load_study(study_name=name, storage=url).get_trials(deepcopy=False)


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
