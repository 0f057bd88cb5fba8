"""The generator check: a plugin or hook the named generator would skip fails the build."""

from __future__ import annotations

import subprocess

import pytest

from sitebuild import generators
from tests.support import REPO

pytestmark = pytest.mark.depends_on()  # the code and mkdocs.yml only (every key holds them)
CONFIG = (REPO / "mkdocs.yml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_mkdocs_runs_everything_the_config_names() -> None:
    assert generators.ignored(CONFIG, "mkdocs.yml", generators.GENERATORS["mkdocs"]) == []


def test_zensical_would_skip_the_labs_plugin_and_the_hook_and_says_where() -> None:
    found = generators.ignored(CONFIG, "mkdocs.yml", generators.GENERATORS["zensical"])
    assert [(f.line, f.message.split(" (")[0]) for f in found] == [
        (
            line_of(CONFIG, "- mkdocs-jupyter:"),
            "zensical does not run the plugin 'mkdocs-jupyter' and says nothing",
        ),
        (line_of(CONFIG, "- sitebuild/hooks.py"), "zensical does not run hooks"),
    ]
    assert str(found[0]).startswith(f"mkdocs.yml:{found[0].line}: ")


def test_plugins_with_and_without_settings_and_env_tags_are_read() -> None:
    text = (
        "site_url: !ENV [SITE_URL, 'x']\n"
        "plugins:\n  - search\n  - unknown-one\n  - another:\n      option: 1\n"
        "hooks:\n  - a.py\n  - b.py\n"
    )
    found = generators.ignored(text, "m.yml", generators.GENERATORS["zensical"])
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (4, "zensical does not run the plugin 'unknown-one' and says nothing (https"),
        (5, "zensical does not run the plugin 'another' and says nothing (https"),
        (8, "zensical does not run hooks (https"),
        (9, "zensical does not run hooks (https"),
    ]


def test_an_unknown_generator_is_refused_and_the_makefile_checks_before_it_builds() -> None:
    assert generators.main(["hugo"]) == 2
    dry = subprocess.run(
        ["make", "-n", "build", "GENERATOR=zensical"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    check = dry.index("-m sitebuild.generators zensical mkdocs.yml &&")
    assert check < dry.index("zensical build --strict")
