"""
What the published `lakefs-sdk` does when the connection fails, driven by mockgate's transport faults.

The SDK sends through urllib3 with urllib3's default Retry (three retries, since Configuration.retries is None):
a GET whose connection is reset, closed, cut short or stalled past the request timeout is sent again, and the
caller never sees the fault — only the journal shows two requests. A POST is not idempotent, so urllib3 does not
retry it: the caller gets urllib3's own ProtocolError (not the SDK's ApiException), and what the server did before
the connection broke stays done. With Configuration.retries = 0 a GET fails too, as urllib3's MaxRetryError
(its reason: the ProtocolError).
"""
import time

import lakefs_sdk
import pytest
import urllib3

from conftest import QUICKSTART_KEY, QUICKSTART_SECRET


def auth_api(session, retries=None):
    configuration = lakefs_sdk.Configuration(host=f"{session.url}/api/v1", username=QUICKSTART_KEY, password=QUICKSTART_SECRET)
    configuration.retries = retries
    api_client = lakefs_sdk.ApiClient(configuration)
    api_client.set_default_header("X-Mock-Session", session.name)
    return lakefs_sdk.AuthApi(api_client)


def faults_met(session, operation_id):
    """(status, fault action) of each request the journal holds for the operation, oldest first."""
    return [(e["status"], (e.get("fault") or {}).get("action")) for e in reversed(session.requests(operation_id, api="lakefs"))]


@pytest.mark.parametrize("fault", [{"reset": True}, {"empty": True}, {"garbage": True}, {"truncate": True}])
def test_a_get_whose_connection_fails_once_is_retried_and_the_call_succeeds(session, fault):
    session.add_fault({"match": {"api": "lakefs", "operationId": "getUser"}, **fault})
    user = auth_api(session).get_user("quickstart")
    assert user.id == "quickstart"
    action = next(iter(fault))
    assert faults_met(session, "getUser") == [(200 if action == "truncate" else 0, action), (200, None)]


def test_a_stall_past_the_request_timeout_is_a_read_timeout_that_urllib3_retries(session):
    session.add_fault({"match": {"api": "lakefs", "operationId": "getUser"}, "stall": "10s"})
    started = time.monotonic()
    user = auth_api(session).get_user("quickstart", _request_timeout=0.5)
    assert user.id == "quickstart"
    assert 0.5 <= time.monotonic() - started < 5
    assert faults_met(session, "getUser") == [(0, "stall"), (200, None)]


def test_a_dribbled_answer_within_the_timeout_between_reads_is_read_whole(session):
    # The timeout bounds each read, not the whole answer: pieces 100 ms apart never trip a 0.5 s timeout.
    session.add_fault({"match": {"api": "lakefs", "operationId": "getUser"}, "dribble": {"over": "1s", "chunks": 10}})
    started = time.monotonic()
    assert auth_api(session).get_user("quickstart", _request_timeout=0.5).id == "quickstart"
    assert time.monotonic() - started >= 0.9
    assert faults_met(session, "getUser") == [(200, "dribble")]


def test_with_retries_off_a_reset_reaches_the_caller_as_urllib3s_max_retry_error(session):
    session.add_fault({"match": {"api": "lakefs", "operationId": "getUser"}, "reset": True})
    with pytest.raises(urllib3.exceptions.MaxRetryError) as raised:
        auth_api(session, retries=0).get_user("quickstart")
    assert isinstance(raised.value.reason, urllib3.exceptions.ProtocolError)
    assert isinstance(raised.value.reason.args[1], ConnectionResetError)
    assert faults_met(session, "getUser") == [(0, "reset")]


def test_a_reset_post_is_not_retried_and_creates_nothing(session):
    session.add_fault({"match": {"api": "lakefs", "operationId": "createUser"}, "reset": True})
    api = auth_api(session)
    with pytest.raises(urllib3.exceptions.ProtocolError):
        api.create_user(lakefs_sdk.UserCreation(id="carol"))
    assert faults_met(session, "createUser") == [(0, "reset")]
    with pytest.raises(lakefs_sdk.exceptions.NotFoundException):
        api.get_user("carol")


def test_a_truncated_post_answer_was_still_a_write_so_the_callers_retry_meets_409(session):
    session.add_fault({"match": {"api": "lakefs", "operationId": "createUser"}, "truncate": True})
    api = auth_api(session)
    with pytest.raises(urllib3.exceptions.ProtocolError) as raised:
        api.create_user(lakefs_sdk.UserCreation(id="carol"))
    assert "IncompleteRead" in str(raised.value)
    assert api.get_user("carol").id == "carol"
    with pytest.raises(lakefs_sdk.exceptions.ApiException) as conflict:
        api.create_user(lakefs_sdk.UserCreation(id="carol"))
    assert conflict.value.status == 409
    assert faults_met(session, "createUser") == [(201, "truncate"), (409, None)]


def test_a_fault_on_one_call_in_five_leaves_the_rest_alone(session):
    # probability 0.2 over 25 calls: about five are reset, and each is retried.
    session.add_fault({"match": {"api": "lakefs", "operationId": "getUser"}, "reset": True, "probability": 0.2, "times": 100})
    # The session's name is random, so the draws are too: urllib3's default 3 retries would give up on 4 resets in a
    # row (about 4% of runs); 30 retries make that impossible in 25 calls.
    api = auth_api(session, retries=urllib3.util.Retry(total=30))
    for _ in range(25):
        assert api.get_user("quickstart").id == "quickstart"
    met = faults_met(session, "getUser")
    resets = sum(1 for status, action in met if action == "reset")
    assert 0 < resets < 15
    assert len(met) == 25 + resets
