"""
What `tiledb-client` does when the connection fails, driven by mockgate's transport faults.

The client's pool manager is built with urllib3's Retry(total=100), and it sets no read timeout: a reset or a cut
answer to a credentials listing is sent again and the caller gets its list; a stall holds the client until the
server closes the connection (mockgate's --max-stall, or the stall's own duration), then it too is retried.
"""
import time

import pytest
import tiledb.client
from tiledb.client import client as tiledb_client
from tiledb.client import credentials
from tiledb.client.credentials import CredentialsApi


ALICE_TOKEN = "tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001"


@pytest.fixture
def alice(session, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    session.use_scenario("default")
    tiledb.client.configure(token=ALICE_TOKEN, host=session.url, profile_name="mockgate", profile_dir=str(tmp_path), overwrite=True)
    tiledb.client.login(profile_name="mockgate", profile_dir=str(tmp_path))
    tiledb_client.build(CredentialsApi).api_client.set_default_header("X-Mock-Session", session.name)
    return session


def faults_met(session):
    return [(e["status"], (e.get("fault") or {}).get("action")) for e in reversed(session.requests("getCredentials", api="tiledb"))]


@pytest.mark.parametrize("fault", ["reset", "truncate"])
def test_a_listing_whose_connection_fails_once_is_retried_and_returns_the_credentials(alice, fault):
    alice.add_fault({"match": {"api": "tiledb", "operationId": "getCredentials"}, fault: True})
    names = [c.name for c in credentials.list_credentials()]
    assert "aws-keys" in names
    assert faults_met(alice) == [(0 if fault == "reset" else 200, fault), (200, None)]


def test_with_no_read_timeout_a_stall_holds_the_client_until_the_server_closes_then_it_retries(alice):
    alice.add_fault({"match": {"api": "tiledb", "operationId": "getCredentials"}, "stall": "1s"})
    started = time.monotonic()
    assert "aws-keys" in [c.name for c in credentials.list_credentials()]
    assert time.monotonic() - started >= 0.95
    assert faults_met(alice) == [(0, "stall"), (200, None)]
