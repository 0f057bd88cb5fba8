"""`make serve` runs `mkdocs serve`; the preview answers at the root of its address."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.support import REPO

# What serving adds to a build: the config and the theme. A page the build would refuse
# fails `make build` (and this run's build) before this test could see it.
pytestmark = pytest.mark.depends_on("mkdocs.yml", "overrides", "docs/assets")

PAGES = ["/", "/guides/parameters-vs-hyperparameters/", "/tags/"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_mkdocs_serve_answers_on_the_preview_address() -> None:
    port = free_port()
    address = f"127.0.0.1:{port}"
    env = dict(os.environ, SITE_URL=f"http://{address}/", NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--no-livereload", "-a", address],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read()
            try:
                if status(f"http://{address}/") == 200:
                    break
            except OSError:
                time.sleep(0.5)
        assert {page: status(f"http://{address}{page}") for page in PAGES} == dict.fromkeys(
            PAGES, 200
        )
        assert status(f"http://{address}/no-such-page/") == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
