"""One sandbox for all page code: the blocks' guard and the labs' kernels share it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sitebuild import sandbox
from tests.support import REPO

LOOKUPS = [
    "socket.gethostbyname('localhost')",
    "socket.gethostbyaddr('127.0.0.1')",
    "socket.getaddrinfo('localhost', 80)",
    "socket.getnameinfo(('127.0.0.1', 80), 0)",
    "socket.create_connection(('127.0.0.1', 9), timeout=1)",
    "urllib.request.urlopen('http://127.0.0.1:9/', timeout=1)",
]


@pytest.mark.parametrize("call", LOOKUPS)
def test_a_lab_kernels_guard_blocks_what_a_blocks_guard_blocks(call: str) -> None:
    with sandbox.no_network() as attempts, pytest.raises(sandbox.NetworkBlocked):
        exec(f"import socket, urllib.request\n{call}")
    assert attempts
    code = sandbox.LAB_GUARD_CELL + f"import socket, urllib.request\n{call}\n"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=sandbox.child_env(),
        cwd=sandbox.REPO.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("sitebuild.sandbox.NetworkBlocked: labs run offline ("), last
    assert last.endswith(sandbox.NETWORK_HINT), last


def test_a_unix_socket_is_not_the_network(tmp_path) -> None:
    import socket

    with sandbox.no_network() as attempts:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(tmp_path / "s"))
        server.close()
    assert attempts == []


def test_no_other_network_guard_exists() -> None:
    hooks = [
        path.relative_to(REPO).as_posix()
        for folder in ("sitebuild", "src", "tests", "tools")
        for path in (REPO / folder).rglob("*.py")
        if re.search(r"\baddaudithook\(", path.read_text(encoding="utf-8"))
    ]
    assert hooks == ["sitebuild/sandbox.py"]


def test_children_import_sitebuild_from_any_folder(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sitebuild.sandbox as s; print(s.REPO)"],
        env=sandbox.child_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == str(REPO)
