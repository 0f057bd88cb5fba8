"""Run each of a page's blocks as its own script, one after another, in one folder.

Run by the reader-path test with the reader's virtual environment's Python, in the
page's working folder: ``python run_as_separate_scripts.py BLOCKS.json``. Each block is
``{"syntax": "python" | "bash" | "sh", "code": "...", "script": "/path/block-N.py"}``;
what each printed, and its error (``None`` when it ran), is written to stdout as one JSON
list.

A Python block runs in a process of its own, with a fresh ``__main__`` namespace, as
``python block-N.py`` would run it: nothing an earlier block defined or set is there.
The process is forked from this one after it has imported the modules the page's blocks
import (each only if it imports). So a block still fails on a name or an import it does
not make itself, and the page does not pay a new interpreter's start and the same
library imports for every block (about 1.5 s each, several minutes a run). Output printed
while those modules import goes to stderr, as it would not be part of a block's own run.
Shell blocks run with ``/bin/sh -e`` or ``/bin/bash -e``. Uses only the standard
library: the reader's environment has none of this repository's code.
"""

from __future__ import annotations

import ast
import atexit
import builtins
import contextlib
import importlib
import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

TAIL = 2000
"""Characters of a failing block's stderr that are kept."""


def imported_names(code: str) -> list[str]:
    """The modules a block imports, in order (``import a.b`` gives ``a.b``)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


def preload(blocks: list[dict]) -> None:
    """Import what the page's Python blocks import, with this process's stdout on stderr."""
    python = [block["code"] for block in blocks if block["syntax"] == "python"]
    names = dict.fromkeys(name for code in python for name in imported_names(code))
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        for name in names:
            with contextlib.suppress(BaseException):  # the block itself will report it
                importlib.import_module(name)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _child(block: dict, out: Path, err: Path) -> None:
    """In the forked process: run the block as a script; never returns."""
    status = 0
    try:
        for fd, path in ((1, out), (2, err)):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        script = block["script"]
        sys.argv = [script]
        namespace = {"__name__": "__main__", "__file__": script, "__builtins__": builtins}
        exec(compile(block["code"], script, "exec"), namespace)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            status = stop.code if isinstance(stop.code, int) else 1
            if not isinstance(stop.code, int):
                print(stop.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 (reported as the block's error, as python would)
        traceback.print_exc()
        status = 1
    try:
        atexit._run_exitfuncs()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def run_python(block: dict) -> dict:
    """Run one Python block in a forked process; what it printed and its error."""
    script = Path(block["script"])
    script.write_text(block["code"], encoding="utf-8")  # for the traceback's source lines
    out, err = script.with_suffix(".out"), script.with_suffix(".err")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(block, out, err)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    output = out.read_text(encoding="utf-8", errors="replace")
    if not code:
        return {"output": output, "error": None}
    error = err.read_text(encoding="utf-8", errors="replace")[-TAIL:]
    return {"output": output, "error": f"exit code {code}\n{error}"}


def run_shell(block: dict) -> dict:
    shell = "/bin/bash" if block["syntax"] == "bash" else "/bin/sh"
    done = subprocess.run([shell, "-e", "-c", block["code"]], capture_output=True, text=True)
    if not done.returncode:
        return {"output": done.stdout, "error": None}
    return {"output": done.stdout, "error": f"exit code {done.returncode}\n{done.stderr[-TAIL:]}"}


def main(path: str) -> None:
    blocks = json.loads(Path(path).read_text(encoding="utf-8"))
    preload(blocks)
    results = [run_python(b) if b["syntax"] == "python" else run_shell(b) for b in blocks]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
