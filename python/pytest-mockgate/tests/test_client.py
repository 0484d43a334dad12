"""The fixtures and the admin client against a real mockgate: sessions, scenarios, faults, journal, coverage, state."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Mapping, Optional, Tuple

import pytest

from pytest_mockgate import SESSION_HEADER, Mockgate, MockgateAdminError, MockgateSession

ALICE = {"X-TILEDB-REST-API-KEY": "tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001"}


def call(session: MockgateSession, method: str, path: str, body: Optional[Mapping[str, object]] = None) -> Tuple[int, bytes]:
    headers = {**ALICE, **session.headers}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(session.url + path, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_server_is_up_and_serves_every_bundled_api(mockgate: Mockgate) -> None:
    health = mockgate.admin.health()
    assert health["status"] == "ok"
    assert {"lakefs", "tiledb", "registry"} <= set(health["apis"])
    assert mockgate.url.startswith("http://127.0.0.1:")


def test_each_test_gets_a_session_of_its_own(mockgate_session: MockgateSession, mockgate: Mockgate) -> None:
    assert mockgate_session.name.startswith("pytest-")
    assert mockgate_session.headers == {SESSION_HEADER: mockgate_session.name} == {"X-Mock-Session": mockgate_session.name}
    assert mockgate_session.header == ("X-Mock-Session", mockgate_session.name)
    assert mockgate_session.url == mockgate.url
    assert mockgate.session().name != mockgate_session.name
    assert mockgate_session.scenario()["name"] == "default"


def test_a_fault_meets_only_its_own_session_once_and_the_journal_shows_it(mockgate_session: MockgateSession, mockgate: Mockgate) -> None:
    name = mockgate_session.add_fault({"match": {"api": "tiledb", "operationId": "getCredentials"}, "status": 503, "times": 1})
    assert isinstance(name, str)
    assert [f["status"] for f in mockgate_session.faults()] == [503]

    assert call(mockgate.session(), "GET", "/v4/credentials/acme")[0] == 200
    assert call(mockgate_session, "GET", "/v4/credentials/acme")[0] == 503
    assert call(mockgate_session, "GET", "/v4/credentials/acme")[0] == 200

    assert mockgate_session.statuses("getCredentials", api="tiledb") == [200, 503]  # newest first
    assert [e["session"] for e in mockgate_session.requests()] == [mockgate_session.name] * 2
    assert len(mockgate_session.requests(status=503)) == 1
    assert mockgate_session.faults() == []
    rows = [r for r in mockgate_session.coverage()["operations"] if r["api"] == "tiledb" and r["operationId"] == "getCredentials"]
    assert rows[0]["served"] == {"200": 1, "503": 1}
    assert "getCredentials" in mockgate.admin.coverage_junit(mockgate_session.name)
    mockgate_session.clear_requests()
    assert mockgate_session.requests() == []


@pytest.mark.mockgate_scenario("rate-limited")
def test_the_mark_switches_the_session_to_its_scenario(mockgate_session: MockgateSession, mockgate: Mockgate) -> None:
    assert mockgate_session.scenario()["name"] == "rate-limited"
    assert mockgate.admin.scenario()["name"] == "default"
    assert [call(mockgate_session, "GET", "/v4/credentials/acme")[0] for _ in range(4)] == [200, 200, 200, 429]


def test_use_scenario_takes_a_name_or_an_inline_document(mockgate_session: MockgateSession) -> None:
    assert mockgate_session.use_scenario("conflicts")["name"] == "conflicts"
    inline = {"name": "inline-empty", "apis": {"tiledb": {}}}
    assert mockgate_session.use_scenario(inline)["name"] == "inline-empty"


def test_state_snapshots_restores_and_resets(mockgate_session: MockgateSession, mockgate: Mockgate) -> None:
    seeded = mockgate_session.state()
    assert seeded["session"] == mockgate_session.name and "tiledb" in seeded["apis"]
    credential = {"name": "from-pytest", "provider": "AWS", "credential": {"aws": {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "s"}}}
    assert call(mockgate_session, "POST", "/v4/credentials/acme", credential)[0] == 201
    assert "from-pytest" in json.dumps(mockgate_session.state()["apis"]["tiledb"])
    mockgate_session.restore_state(seeded["apis"])
    assert "from-pytest" not in json.dumps(mockgate_session.state()["apis"]["tiledb"])
    mockgate_session.reset()
    assert mockgate_session.requests() == []
    assert mockgate_session.name not in [s["name"] for s in mockgate.admin.sessions()]


def test_a_refusal_raises_mockgate_admin_error_with_the_servers_message(mockgate_session: MockgateSession) -> None:
    with pytest.raises(MockgateAdminError) as refused:
        mockgate_session.add_fault({"match": {"operationId": "getCredential"}, "status": 500})
    assert refused.value.status == 400
    assert "did you mean" in str(refused.value).lower()
    with pytest.raises(MockgateAdminError) as missing:
        mockgate_session.use_scenario("no-such-scenario")
    assert missing.value.status == 404


def test_the_admin_client_lists_scenarios_specs_and_sessions(mockgate: Mockgate, mockgate_session: MockgateSession) -> None:
    assert "rate-limited" in [s["name"] for s in mockgate.admin.scenarios()]
    assert "tiledb" in [s["api"] for s in mockgate.admin.specs()["specs"]]
    mockgate_session.state()  # a session exists once used
    assert mockgate_session.name in [s["name"] for s in mockgate.admin.sessions()]
