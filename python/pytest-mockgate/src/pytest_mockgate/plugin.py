"""
The pytest plugin (entry point ``pytest11: mockgate``):

- ``mockgate`` (session scope): the server for the whole run. ``MOCKGATE_URL`` set: that running server. Otherwise
  one started here from ``MOCKGATE_COMMAND`` / the ``mockgate_command`` ini option (default ``npx mockgate``) on a
  free port of 127.0.0.1, stopped when the run ends.
- ``mockgate_session`` (each test): a session of its own, switched to the scenario named by
  ``@pytest.mark.mockgate_scenario("name")`` when the test has that mark.

Sessions are not reset after their test: mockgate keeps each session's coverage, so a coverage gate run after the
suite (``mockgate coverage --require …``) adds up every test. The server forgets the least recently used sessions
past its state bound.
"""

from __future__ import annotations

import os
from typing import Iterator, Optional

import pytest

from .client import MockgateSession
from .server import Mockgate, command_of, connect, start


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "mockgate_command",
        "command that starts mockgate (the plugin adds --host and --port); MOCKGATE_COMMAND overrides it. "
        "Default: npx mockgate",
        default="",
    )
    parser.addini("mockgate_start_timeout", "seconds to wait for a started mockgate to answer its health check", default="30")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mockgate_scenario(name): switch the test's mockgate_session to this scenario (bundled name or file path)"
    )


@pytest.fixture(scope="session")
def mockgate(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mockgate]:
    """The mockgate of this test run: the one at MOCKGATE_URL, or one started for the run and stopped after it."""
    token: Optional[str] = os.environ.get("MOCKGATE_ADMIN_TOKEN") or None
    url = os.environ.get("MOCKGATE_URL")
    if url:
        yield connect(url, token)
        return
    config = request.config
    command = command_of(os.environ.get("MOCKGATE_COMMAND") or str(config.getini("mockgate_command")))
    timeout = float(str(config.getini("mockgate_start_timeout")))
    log = tmp_path_factory.mktemp("mockgate") / "mockgate.log"
    # Relative paths in the command (node ../../dist/cli.js, --scenario my.yaml) are read from the rootdir,
    # where the ini file that names them lives.
    server = start(command, log, cwd=config.rootpath, timeout=timeout, admin_token=token)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mockgate_session(mockgate: Mockgate, request: pytest.FixtureRequest) -> MockgateSession:
    """A session of this test's own (X-Mock-Session: ``session.name``; send ``session.headers``)."""
    session = mockgate.session()
    marker = request.node.get_closest_marker("mockgate_scenario")
    if marker is not None:
        if len(marker.args) != 1 or not isinstance(marker.args[0], (str, dict)):
            raise pytest.UsageError("@pytest.mark.mockgate_scenario takes one argument: a scenario name, path or inline document")
        session.use_scenario(marker.args[0])
    return session
