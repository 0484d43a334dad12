"""
Starting a mockgate for a test run, or connecting to one that runs already.

Started: the command (``npx mockgate`` unless configured) gets ``--host 127.0.0.1 --port <free port>``, and the
server counts as up once ``GET /__admin/health`` answers 200 while the process still runs. Readiness is read from
the admin API, not from what the CLI prints, so the plugin does not depend on the wording of a log line. The port is
picked here (bind to port 0, read it, release it); should another process take it in between, the server exits
with "already in use" and is started again on another port.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, List, Optional, Sequence, Union

from .client import AdminClient, MockgateSession

DEFAULT_COMMAND = "npx mockgate"
_PORT_TAKEN = "already in use"
_ATTEMPTS = 3


class MockgateStartError(Exception):
    """The server could not be started or reached: the message says why, with the end of its output."""


class Mockgate:
    """A running mockgate: its base URL, its admin API, and sessions for tests."""

    def __init__(self, url: str, admin_token: Optional[str] = None, process: Optional[subprocess.Popen[bytes]] = None) -> None:
        self.url = url.rstrip("/")
        self.admin = AdminClient(self.url, admin_token)
        self.process = process

    def __repr__(self) -> str:
        return f"Mockgate({self.url}{', started here' if self.process else ''})"

    @property
    def started(self) -> bool:
        """True when this plugin started the server (and stops it at the end of the run)."""
        return self.process is not None

    def session(self, name: Optional[str] = None) -> MockgateSession:
        return self.admin.session(name)

    def stop(self, timeout: float = 10.0) -> None:
        """Stops a server this plugin started (SIGTERM to its process group, SIGKILL after the timeout)."""
        if self.process is None or self.process.poll() is not None:
            return
        _signal(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal(self.process, getattr(signal, "SIGKILL", signal.SIGTERM))
            self.process.wait(timeout)


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    # The command may be a wrapper (npx, a shell script) whose node child would outlive it: signal the whole group.
    if sys.platform != "win32":
        try:
            os.killpg(process.pid, signum)
            return
        except ProcessLookupError:
            return
    process.send_signal(signum)


def command_of(value: Union[str, Sequence[str], None]) -> List[str]:
    """A configured command as argv: a string is split like a shell would (no shell runs it)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return shlex.split(DEFAULT_COMMAND)
    return shlex.split(value) if isinstance(value, str) else list(value)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/__admin/health", timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def _tail(log_path: Path, lines: int = 30) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def connect(url: str, admin_token: Optional[str] = None, timeout: float = 10.0) -> Mockgate:
    """A mockgate that runs already (e.g. MOCKGATE_URL, a container in CI); waits up to ``timeout`` for its health."""
    deadline = time.monotonic() + timeout
    while not _healthy(url.rstrip("/")):
        if time.monotonic() > deadline:
            raise MockgateStartError(f"no mockgate answers GET {url.rstrip('/')}/__admin/health; is it running there?")
        time.sleep(0.2)
    return Mockgate(url, admin_token)


def start(
    command: Sequence[str],
    log_path: Path,
    cwd: Optional[Union[str, Path]] = None,
    timeout: float = 30.0,
    admin_token: Optional[str] = None,
) -> Mockgate:
    """
    Starts ``command --host 127.0.0.1 --port <free port>`` and waits for its health. Its output (stdout and stderr)
    goes to ``log_path``, whose end is quoted when it fails to start.
    """
    for attempt in range(1, _ATTEMPTS + 1):
        port = free_port()
        argv = [*command, "--host", "127.0.0.1", "--port", str(port)]
        with open(log_path, "ab") as log:
            log.write(f"$ {shlex.join(argv)}\n".encode())
            log.flush()
            process = _spawn(argv, log, cwd)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            code = process.poll()
            if code is not None:
                output = _tail(log_path)
                if _PORT_TAKEN in output and attempt < _ATTEMPTS:
                    break
                raise MockgateStartError(f"mockgate exited ({code}) before serving: {shlex.join(argv)}\n{output}")
            if _healthy(url):
                return Mockgate(url, admin_token, process)
            if time.monotonic() > deadline:
                Mockgate(url, process=process).stop()
                raise MockgateStartError(f"mockgate did not answer {url}/__admin/health within {timeout:g}s: {shlex.join(argv)}\n{_tail(log_path)}")
            time.sleep(0.1)
    raise MockgateStartError(f"no free port after {_ATTEMPTS} attempts\n{_tail(log_path)}")  # pragma: no cover


def _spawn(argv: Sequence[str], log: IO[bytes], cwd: Optional[Union[str, Path]]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            list(argv),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=sys.platform != "win32",
        )
    except FileNotFoundError as error:
        raise MockgateStartError(
            f"cannot run {argv[0]!r} ({error.strerror}); set MOCKGATE_COMMAND or the mockgate_command ini option "
            "to a command that starts mockgate, or MOCKGATE_URL to a running one"
        ) from None
