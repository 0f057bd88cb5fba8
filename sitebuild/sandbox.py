"""The one sandbox that page code runs in: blocks (tests and figures) and labs alike.

* :func:`no_network` blocks the network for the duration of a ``with`` (a block run in
  this process); :func:`block_network` blocks it for the rest of a process (a lab's
  kernel, through :data:`LAB_GUARD_CELL`). Both use one audit hook and one list of
  events, so a block and a lab are kept offline the same way. A Unix-domain socket is
  not the network and stays allowed.
* :func:`time_limit` stops a block that runs over its CPU time, with wall time as a
  backstop.
* :func:`folder` runs code in a folder of its own, with ``HOME`` and scikit-learn's data
  folder inside it.
* :func:`child_env` is the environment of every child process that runs page code: one
  BLAS thread, a fixed hash seed, and this repository on ``PYTHONPATH`` so that the
  child imports ``sitebuild`` (the only way a child does).
* What page code made (figures, executed labs) is cached under one rule: a result is
  reused when its page's code and :func:`code_fingerprint` (everything else it depends
  on) are the same. There is no exception for CI: a clean checkout has no cache, so CI
  draws every figure and runs every lab once per run, and reuses them within the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NETWORK_HINT = "use scikit-learn's bundled data (load_*, make_*) or tuninglab.datasets"
NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.bind",
        "socket.sendto",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "urllib.Request",
        "http.client.connect",
    }
)
"""Audit events (PEP 578) that reach, or look up, a host."""


class BlockTimeout(BaseException):
    """Raised inside a block that ran over its time limit (not an Exception on purpose)."""


class NetworkBlocked(RuntimeError):
    """Raised when page code tries to reach the network."""


class _Guard(threading.local):
    attempts: list[str] | None = None
    """Set while :func:`no_network` is active in this thread: what was tried."""


_guard = _Guard()
_for_good: list[str] = []
"""The reason given to :func:`block_network`, once it has been called in this process."""
_hook_installed = False


def _target(event: str, args: tuple) -> object | None:
    """The host an event reaches, or ``None`` when it does not reach the network."""
    if event in {"socket.connect", "socket.bind", "socket.sendto"}:
        address = args[-1]
        return None if isinstance(address, str | bytes) else address  # Unix socket: local
    if event == "http.client.connect":
        return args[1:]
    return args[0]  # urllib.Request and the socket.get* lookups


def _audit(event: str, args: tuple) -> None:
    if event not in NETWORK_EVENTS or (_guard.attempts is None and not _for_good):
        return
    target = _target(event, args)
    if target is None:
        return
    tried = f"{event} {target!r}"
    if _guard.attempts is not None:
        _guard.attempts.append(tried)
        raise NetworkBlocked(f"network access is blocked in code blocks ({tried})")
    raise NetworkBlocked(f"{_for_good[0]} ({tried}): {NETWORK_HINT}")


def _install_hook() -> None:
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True


@contextlib.contextmanager
def no_network() -> Iterator[list[str]]:
    """Within the ``with``, any attempt to reach the network raises and is recorded."""
    _install_hook()
    _guard.attempts = attempts = []
    try:
        yield attempts
    finally:
        _guard.attempts = None


def block_network(reason: str) -> None:
    """Block the network for the rest of this process; ``reason`` opens the error."""
    _install_hook()
    _for_good[:] = [reason]


LAB_GUARD_CELL = """\
import sitebuild.sandbox as _sandbox

_sandbox.block_network("labs run offline")
del _sandbox
"""
"""The cell the build runs first in a lab's kernel (and leaves out of the page)."""


@contextlib.contextmanager
def time_limit(seconds: float, wall_factor: float) -> Iterator[None]:
    """Raise :class:`BlockTimeout` in the block when it runs over its limit.

    The limit is ``seconds`` of CPU time or ``wall_factor * seconds`` of wall time,
    whichever comes first; it applies in the main thread only. The error's argument
    says which limit tripped (``"CPU"`` or ``"wall"``).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _ring(signum, _frame):
        raise BlockTimeout("CPU" if signum == signal.SIGPROF else "wall")

    previous = {sig: signal.signal(sig, _ring) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * wall_factor)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def folder(workdir: Path) -> Iterator[None]:
    """Run in ``workdir`` with ``HOME`` and scikit-learn's data folder inside it."""
    saved = {name: os.environ.get(name) for name in ("HOME", "SCIKIT_LEARN_DATA")}
    (workdir / "home").mkdir(exist_ok=True)
    os.environ["HOME"] = str(workdir / "home")
    os.environ["SCIKIT_LEARN_DATA"] = str(workdir / "scikit_learn_data")
    try:
        with contextlib.chdir(workdir):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a process that runs page code (figures, labs).

    One BLAS/OpenMP thread, a fixed hash seed, matplotlib's font cache kept in
    ``.cache/matplotlib`` (so a fresh ``HOME`` does not rebuild it) and this repository
    first on ``PYTHONPATH`` (so ``python -m sitebuild.…`` works from any folder), plus
    ``overrides``.
    """
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return dict(
        os.environ,
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONHASHSEED="0",
        MPLCONFIGDIR=str(REPO / ".cache" / "matplotlib"),
        PYTHONPATH=path,
        **overrides,
    )


def reset_matplotlib() -> None:
    """Close figures and undo style changes (Optuna's plots call ``plt.style.use``)."""
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        matplotlib.rcdefaults()


RUNS_PAGE_CODE = ("blocks.py", "figures.py", "labs.py", "page_model.py", "runner.py", "sandbox.py")
"""The build's modules that read or run page code: a change to one may change a result."""


def code_fingerprint() -> str:
    """Hash of what a figure or a lab depends on besides its own code.

    The Python version, the ``tuninglab`` package (its code and data), the lock file,
    and the modules of :data:`RUNS_PAGE_CODE`.
    """
    digest = hashlib.sha256(sys.version.encode())
    package = REPO / "src" / "tuninglab"
    files = sorted([*package.rglob("*.py"), *package.rglob("*.json")])
    files += [REPO / "requirements.lock", *(REPO / "sitebuild" / n for n in RUNS_PAGE_CODE)]
    for path in files:
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
