"""How the `mockgate` fixture finds its server: started from a command, or at MOCKGATE_URL; and how it fails."""

from __future__ import annotations

import shlex
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import pytest_mockgate.server as server_module
from pytest_mockgate import Mockgate, MockgateStartError, start


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/__admin/health", timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


REPORT_URL = """
import pathlib

def test_report(mockgate, mockgate_session):
    pathlib.Path("seen.txt").write_text(f"{mockgate.url} {mockgate.started} {mockgate_session.scenario()['name']}")
"""


def test_the_fixture_starts_the_ini_command_on_a_free_port_and_stops_it_after_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mockgate_command: str
) -> None:
    monkeypatch.delenv("MOCKGATE_URL", raising=False)
    monkeypatch.delenv("MOCKGATE_COMMAND", raising=False)
    pytester.makeini(f"[pytest]\nmockgate_command = {mockgate_command} --scenario rate-limited\n")
    pytester.makepyfile(REPORT_URL)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    url, started, scenario = (pytester.path / "seen.txt").read_text().split()
    assert url.startswith("http://127.0.0.1:") and started == "True"
    assert scenario == "rate-limited"  # the command's own flags are kept
    assert not answers(url)  # stopped at the end of the run


def test_mockgate_url_connects_to_a_running_server_and_leaves_it_running(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mockgate: Mockgate
) -> None:
    monkeypatch.setenv("MOCKGATE_URL", mockgate.url + "/")
    monkeypatch.setenv("MOCKGATE_COMMAND", "no-such-command-is-needed")
    pytester.makepyfile(REPORT_URL)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert (pytester.path / "seen.txt").read_text() == f"{mockgate.url} False default"
    assert answers(mockgate.url)


def test_a_command_that_exits_fails_the_fixture_with_its_output(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKGATE_URL", raising=False)
    script = "import sys; print('mockgate: error: --scenario nope: no such file'); sys.exit(3)"
    monkeypatch.setenv("MOCKGATE_COMMAND", shlex.join([sys.executable, "-c", script]))
    pytester.makepyfile("def test_uses_it(mockgate_session):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*MockgateStartError: mockgate exited (3) before serving*", "*--scenario nope: no such file*"])


def test_a_missing_command_says_what_to_configure(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKGATE_URL", raising=False)
    monkeypatch.setenv("MOCKGATE_COMMAND", "no-such-mockgate-binary --seed 1")
    pytester.makepyfile("def test_uses_it(mockgate):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot run 'no-such-mockgate-binary'*MOCKGATE_COMMAND*MOCKGATE_URL*"])


def test_an_unreachable_mockgate_url_fails_within_the_start_timeout(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MOCKGATE_URL", f"http://127.0.0.1:{port}")
    pytester.makeini("[pytest]\nmockgate_start_timeout = 0.5\n")
    pytester.makepyfile("def test_uses_it(mockgate):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*no mockgate answers GET http://127.0.0.1:{port}/__admin/health*"])


def test_the_scenario_mark_takes_one_argument(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mockgate: Mockgate) -> None:
    monkeypatch.setenv("MOCKGATE_URL", mockgate.url)
    pytester.makepyfile("import pytest\n\n@pytest.mark.mockgate_scenario()\ndef test_it(mockgate_session):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*mockgate_scenario takes one argument*"])
    assert result.ret != 0


def test_start_picks_another_port_when_its_pick_was_taken_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mockgate_command: str
) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    picks = [taken.getsockname()[1]]
    real_free_port = server_module.free_port
    monkeypatch.setattr(server_module, "free_port", lambda: picks.pop() if picks else real_free_port())
    log = tmp_path / "mockgate.log"
    try:
        server = start(shlex.split(mockgate_command), log, timeout=30)
    finally:
        taken.close()
    try:
        assert server.started and answers(server.url)
        assert "already in use" in log.read_text()
    finally:
        server.stop()
    assert server.process is not None and server.process.poll() is not None
    assert not answers(server.url)
    with pytest.raises(MockgateStartError):
        start([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path / "silent.log", timeout=0.5)
