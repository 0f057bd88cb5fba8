"""The GitHub workflows: the test job runs the one CI definition (``.ci/run``) with all
that ``CI=true make test`` needs, and every action is pinned to a commit (actionlint and
zizmor check the workflows in ``make lint``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.support import REPO

pytestmark = pytest.mark.depends_on(".github", ".ci", "tests", "Makefile")
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ENV_NAME = re.compile(r"""environ(?:\.get\(|\[)\s*["'](TUNINGLAB_[A-Z_]+)["']""")
SET_BY_THE_SUITE = {
    "TUNINGLAB_SITE_DIR": "the Makefile points the tests at the site it has just built",
}
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def site_test_job() -> dict:
    return load(REPO / ".github" / "workflows" / "site.yml")["jobs"]["test"]


def variables_the_tests_read() -> set[str]:
    """Every ``TUNINGLAB_*`` variable the test suite looks up."""
    found: set[str] = set()
    for path in (REPO / "tests").rglob("*.py"):
        found |= set(ENV_NAME.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_scan_finds_the_variables_it_must() -> None:
    # The scan is what guards the job's environment: it must see the two it needs.
    assert {"TUNINGLAB_TEST_POSTGRES", "TUNINGLAB_CHROMIUM"} <= variables_the_tests_read()


def test_the_test_job_runs_the_ci_definition_under_ci() -> None:
    job = site_test_job()
    runs = [step.get("run", "") for step in job["steps"]]
    assert "bash .ci/run" in runs, "the test job must run .ci/run, as CI here does"
    assert job["env"]["CI"] == "true"


def test_the_test_job_provides_what_the_tests_need() -> None:
    env = site_test_job()["env"]
    missing = variables_the_tests_read() - set(env) - set(SET_BY_THE_SUITE)
    assert not missing, (
        f".github/workflows/site.yml: the test job's env lacks {sorted(missing)}, which "
        "the tests read; under CI=true a missing one fails them"
    )


def test_the_test_database_is_the_service_container() -> None:
    job = site_test_job()
    service = job["services"]["postgres"]
    url = urlsplit(job["env"]["TUNINGLAB_TEST_POSTGRES"])
    assert url.scheme == "postgresql" and url.hostname == "127.0.0.1"
    assert f"{url.port}:5432" in service["ports"]
    assert url.username == service["env"]["POSTGRES_USER"]
    assert url.password == service["env"]["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == service["env"]["POSTGRES_DB"]


def test_the_job_python_meets_the_package_floor() -> None:
    import tomllib

    floor = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    versions = [
        step["with"]["python-version"]
        for path in WORKFLOWS
        for job in load(path)["jobs"].values()
        for step in job.get("steps", [])
        if "setup-python" in step.get("uses", "")
    ]
    assert versions and all(floor == f">={v}" for v in versions), (floor, versions)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    uses = [(n, line) for n, line in enumerate(lines, 1) if re.match(r"\s*(- )?uses:", line)]
    assert uses
    for number, line in uses:
        reference, _, comment = line.split("uses:", 1)[1].partition("#")
        assert PINNED.match(reference.strip()), f"{path.name}:{number}: pin to a commit"
        assert re.fullmatch(r"\s*v\d+(\.\d+)*\s*", comment), f"{path.name}:{number}: # vX.Y.Z"


def test_the_site_job_publishes_the_site_the_tests_built() -> None:
    workflow = load(REPO / ".github" / "workflows" / "site.yml")
    upload = next(
        s for s in workflow["jobs"]["test"]["steps"] if "upload-pages" in s.get("uses", "")
    )
    assert upload["with"]["path"] == "site"
    assert "TUNINGLAB_SITE_DIR=site" in (REPO / "Makefile").read_text()
    assert workflow["jobs"]["deploy"]["needs"] == "test"
