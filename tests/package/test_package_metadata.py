"""The package declares what it imports, and the theme overrides match the locked Material."""

from __future__ import annotations

import re
import tomllib

import pytest

from sitebuild import install_lines
from tests.support import REPO

pytestmark = pytest.mark.depends_on(
    "src/tuninglab", "pyproject.toml", "overrides", "requirements.lock", "README.md"
)


def imported_distributions() -> set[str]:
    """The distributions the package's own imports belong to (as the build maps them)."""
    found = set()
    for path in (REPO / "src" / "tuninglab").rglob("*.py"):
        for module in install_lines.imported_modules(path.read_text(encoding="utf-8")):
            name = install_lines.distribution_of(module)
            if name not in (None, install_lines.PACKAGE):
                found.add(name)
    return found


IMPORTED_ELSEWHERE = {
    "threadpoolctl": "imported by the script tuninglab.scale runs in a subprocess"
}
"""Declared dependencies that no ``import`` statement of the package names, and why."""


def declared(extras: bool = True) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = list(project["dependencies"])
    if extras:
        names += [d for extra in project.get("optional-dependencies", {}).values() for d in extra]
    return {re.split(r"[\[<>=!~ ]", name, maxsplit=1)[0].lower() for name in names}


def test_every_third_party_import_is_a_declared_dependency():
    missing = imported_distributions() - declared()
    assert missing == set(), f"pyproject.toml does not declare: {sorted(missing)}"


def test_every_declared_dependency_is_imported():
    used = imported_distributions()
    unused = declared(extras=False) - used - set(IMPORTED_ELSEWHERE)
    assert unused == set(), f"pyproject.toml declares packages the code never imports: {unused}"


def test_theme_overrides_were_copied_from_the_locked_material_version():
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    locked = re.search(r"^mkdocs-material==([\d.]+)", lock, re.M).group(1)
    copies = 0
    for path in sorted((REPO / "overrides").rglob("*.html")):
        named = re.findall(r"Material (?:for MkDocs )?(\d+\.\d+\.\d+)", path.read_text())
        if named:
            copies += 1
            assert set(named) == {locked}, (
                f"{path.relative_to(REPO)} was copied from Material {named[0]}, but "
                f"requirements.lock pins {locked}: compare the two and update the override"
            )
    assert copies, "no override names the Material version it was copied from"


def test_the_readme_names_the_wheel_of_this_version():
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"/downloads/tuninglab-{version}-py3-none-any.whl" in readme
