"""
The lakeFS auth API as the published `lakefs-sdk` sees it: what a consumer's contract tests rely on.
Scenario lakefs-rbac: quickstart (Admins), developer (Developers), viewer (Viewers).
"""
import json

import lakefs_sdk
import pytest
from lakefs_sdk.exceptions import ApiException, UnauthorizedException

from conftest import QUICKSTART_KEY, QUICKSTART_SECRET

VIEWER_KEY = "AKIAJVIEWER22222222Q"
VIEWER_SECRET = "viewer/secret/key/000000000000000000000000"


def client(session, **credentials):
    configuration = lakefs_sdk.Configuration(host=f"{session.url}/api/v1", **credentials)
    api_client = lakefs_sdk.ApiClient(configuration)
    api_client.set_default_header("X-Mock-Session", session.name)
    return api_client


def auth_api(session, **credentials):
    return lakefs_sdk.AuthApi(client(session, **credentials))


@pytest.fixture
def admin_auth(session):
    session.use_scenario("lakefs-rbac")
    return auth_api(session, username=QUICKSTART_KEY, password=QUICKSTART_SECRET)


def test_login_returns_a_token_that_authenticates_get_current_user(session, admin_auth):
    token = admin_auth.login(lakefs_sdk.LoginInformation(access_key_id=QUICKSTART_KEY, secret_access_key=QUICKSTART_SECRET))
    assert token.token.count(".") == 2 and token.token_expiration > 0

    me = auth_api(session, access_token=token.token).get_current_user()
    assert me.user.id == "quickstart"


def test_a_wrong_secret_cannot_log_in(session, admin_auth):
    with pytest.raises(UnauthorizedException) as raised:
        admin_auth.login(lakefs_sdk.LoginInformation(access_key_id=QUICKSTART_KEY, secret_access_key="wrong"))
    assert json.loads(raised.value.body)["message"] == "error authenticating request"


def test_creating_a_user_twice_answers_409_already_exists(admin_auth):
    created = admin_auth.create_user(lakefs_sdk.UserCreation(id="carol"))
    assert created.id == "carol" and created.creation_date > 0
    with pytest.raises(ApiException) as raised:
        admin_auth.create_user(lakefs_sdk.UserCreation(id="carol"))
    assert raised.value.status == 409
    assert json.loads(raised.value.body)["message"] == "Already exists"


def test_no_credentials_answers_401(session, admin_auth):
    with pytest.raises(UnauthorizedException) as raised:
        auth_api(session).list_users()
    assert json.loads(raised.value.body)["message"] == "error authenticating request"


def test_get_current_user_without_credentials_is_the_empty_user(session, admin_auth):
    me = auth_api(session).get_current_user()
    assert me.user.id == "" and me.user.creation_date == 0


def test_a_viewer_is_denied_listing_users_with_401_insufficient_permissions(session, admin_auth):
    with pytest.raises(UnauthorizedException) as raised:
        auth_api(session, username=VIEWER_KEY, password=VIEWER_SECRET).list_users()
    assert json.loads(raised.value.body)["message"] == "insufficient permissions: not allowed to auth:ListUsers"


def test_attach_detach_and_effective_policies(admin_auth):
    admin_auth.create_user(lakefs_sdk.UserCreation(id="erin"))
    admin_auth.create_group(lakefs_sdk.GroupCreation(id="auditors"))
    admin_auth.add_group_membership("auditors", "erin")
    admin_auth.attach_policy_to_group("auditors", "FSReadAll")
    admin_auth.attach_policy_to_user("erin", "AuthManageOwnCredentials")

    direct = admin_auth.list_user_policies("erin")
    assert [p.id for p in direct.results] == ["AuthManageOwnCredentials"]
    effective = admin_auth.list_user_policies("erin", effective=True)
    assert sorted(p.id for p in effective.results) == ["AuthManageOwnCredentials", "FSReadAll"]

    with pytest.raises(ApiException) as raised:
        admin_auth.attach_policy_to_user("erin", "AuthManageOwnCredentials")
    assert raised.value.status == 409

    admin_auth.detach_policy_from_user("erin", "AuthManageOwnCredentials")
    effective = admin_auth.list_user_policies("erin", effective=True)
    assert [p.id for p in effective.results] == ["FSReadAll"]


def test_credentials_create_get_delete(session, admin_auth):
    admin_auth.create_user(lakefs_sdk.UserCreation(id="frank"))
    created = admin_auth.create_credentials("frank")
    assert created.access_key_id.startswith("AKIAJ") and len(created.access_key_id) == 20
    assert len(created.secret_access_key) == 40

    # The new key pair authenticates as frank.
    frank = auth_api(session, username=created.access_key_id, password=created.secret_access_key)
    assert frank.get_current_user().user.id == "frank"

    fetched = admin_auth.get_credentials("frank", created.access_key_id)
    assert fetched.access_key_id == created.access_key_id

    admin_auth.delete_credentials("frank", created.access_key_id)
    with pytest.raises(lakefs_sdk.exceptions.NotFoundException) as raised:
        admin_auth.get_credentials("frank", created.access_key_id)
    assert json.loads(raised.value.body)["message"] == "credentials not found"


def test_pagination_walks_three_pages(admin_auth):
    for n in range(5):
        admin_auth.create_user(lakefs_sdk.UserCreation(id=f"page-user-{n}"))
    seen, after, pages = [], "", 0
    while True:
        page = admin_auth.list_users(prefix="page-user-", after=after, amount=2)
        pages += 1
        seen += [u.id for u in page.results]
        if not page.pagination.has_more:
            break
        after = page.pagination.next_offset
    assert seen == [f"page-user-{n}" for n in range(5)]
    assert pages == 3


def test_a_429_with_retry_after_is_retried_by_the_sdk_and_then_succeeds(session, admin_auth):
    session.add_fault({"match": {"operationId": "listUsers"}, "status": 429, "headers": {"Retry-After": "1"}, "times": 2})
    users = admin_auth.list_users()
    assert any(u.id == "quickstart" for u in users.results)
    # urllib3's default Retry(3) honoured Retry-After twice, silently: the server saw three calls.
    statuses = [entry["status"] for entry in session.requests("listUsers")]
    assert sorted(statuses) == [200, 429, 429]


def test_a_429_without_retry_after_reaches_the_caller_at_once(session, admin_auth):
    session.add_fault({"match": {"operationId": "listUsers"}, "status": 429, "times": 1})
    with pytest.raises(ApiException) as raised:
        admin_auth.list_users()
    assert raised.value.status == 429
    assert [entry["status"] for entry in session.requests("listUsers")] == [429]
