"""
Every operation of seed 000 (lakefs_enterprise_sdk.AuthApi, driven through the published `lakefs-sdk`, whose
AuthApi has the same 38 operations): the success each one answers, its 401, its 409 where the seed documents
one, and its 429 — what `test/contract/required-coverage.yaml` asks the coverage gate to see served.
test_auth_contract.py holds the deeper stories (login, denial, effective policies, pages, 429 retries).

Scenario lakefs-sso: quickstart (Admins), alice@example.com (Developers) with AWS external principals, bob
(Viewers), OIDC identities alice / bob / carol; the token mailbox and external principals are enabled.
"""
import base64
import json
import urllib.parse

import lakefs_sdk
import pytest
from lakefs_sdk.exceptions import ApiException, NotFoundException, UnauthorizedException

from conftest import QUICKSTART_KEY, QUICKSTART_SECRET, http

ALICE = "alice@example.com"
ALICE_ARN = "arn:aws:sts::123456789012:assumed-role/Developer/alice@example.com"
NEW_ARN = "arn:aws:sts::123456789012:assumed-role/Analyst/quickstart"
# Well-formed but unknown: a login request token is 32 base64url characters, a mailbox 43.
SOME_REQUEST_TOKEN = "A" * 32
SOME_MAILBOX = "B" * 43


def auth_api(session, **credentials):
    client = lakefs_sdk.ApiClient(lakefs_sdk.Configuration(host=f"{session.url}/api/v1", **credentials))
    client.set_default_header("X-Mock-Session", session.name)
    return lakefs_sdk.AuthApi(client)


@pytest.fixture
def admin_auth(session):
    session.use_scenario("lakefs-sso")
    return auth_api(session, username=QUICKSTART_KEY, password=QUICKSTART_SECRET)


@pytest.fixture
def wrong_secret(session, admin_auth):
    """A consumer configured with a secret that does not match its key."""
    return auth_api(session, username=QUICKSTART_KEY, password="not-the-secret-key-of-quickstart-0000000")


def identity_token(access_key_id):
    """The AWS GetCallerIdentity proof lakeFS clients send, as the lakeFS Python wrapper builds it (unsigned here)."""
    return base64.b64encode(json.dumps({"method": "POST", "host": "sts.amazonaws.com", "region": "us-east-1",
                                        "action": "GetCallerIdentity", "access_key_id": access_key_id}).encode()).decode()


def a_policy(policy_id, action="fs:ReadObject"):
    return lakefs_sdk.Policy(id=policy_id, statement=[lakefs_sdk.Statement(effect="allow", action=[action], resource="*")])


# One SDK call per operation, with arguments the spec accepts, for the 401 and 429 paths below.
CALLS = {
    "addGroupMembership": lambda a: a.add_group_membership("Developers", "quickstart"),
    "attachPolicyToGroup": lambda a: a.attach_policy_to_group("Developers", "FSReadAll"),
    "attachPolicyToUser": lambda a: a.attach_policy_to_user("quickstart", "FSReadAll"),
    "createCredentials": lambda a: a.create_credentials("quickstart"),
    "createGroup": lambda a: a.create_group(lakefs_sdk.GroupCreation(id="auditors")),
    "createPolicy": lambda a: a.create_policy(a_policy("ReadOnly")),
    "createUser": lambda a: a.create_user(lakefs_sdk.UserCreation(id="dave")),
    "createUserExternalPrincipal": lambda a: a.create_user_external_principal("quickstart", NEW_ARN),
    "deleteCredentials": lambda a: a.delete_credentials("quickstart", QUICKSTART_KEY),
    "deleteGroup": lambda a: a.delete_group("Viewers"),
    "deleteGroupMembership": lambda a: a.delete_group_membership("Admins", "quickstart"),
    "deletePolicy": lambda a: a.delete_policy("FSReadAll"),
    "deleteUser": lambda a: a.delete_user("bob"),
    "deleteUserExternalPrincipal": lambda a: a.delete_user_external_principal(ALICE, ALICE_ARN),
    "detachPolicyFromGroup": lambda a: a.detach_policy_from_group("Viewers", "FSReadAll"),
    "detachPolicyFromUser": lambda a: a.detach_policy_from_user("quickstart", "FSReadAll"),
    "externalPrincipalLogin": lambda a: a.external_principal_login(
        lakefs_sdk.ExternalLoginInformation(identity_request={"identity_token": identity_token("ASIAQEXAMPLEALICE001")})),
    "getCredentials": lambda a: a.get_credentials("quickstart", QUICKSTART_KEY),
    "getCurrentUser": lambda a: a.get_current_user(),
    "getExternalPrincipal": lambda a: a.get_external_principal(ALICE_ARN),
    "getGroup": lambda a: a.get_group("Admins"),
    "getPolicy": lambda a: a.get_policy("FSReadAll"),
    "getTokenFromMailbox": lambda a: a.get_token_from_mailbox(SOME_MAILBOX),
    "getTokenRedirect": lambda a: a.get_token_redirect(),
    "getUser": lambda a: a.get_user("quickstart"),
    "listGroupMembers": lambda a: a.list_group_members("Admins"),
    "listGroupPolicies": lambda a: a.list_group_policies("Admins"),
    "listGroups": lambda a: a.list_groups(),
    "listPolicies": lambda a: a.list_policies(),
    "listUserCredentials": lambda a: a.list_user_credentials("quickstart"),
    "listUserExternalPrincipals": lambda a: a.list_user_external_principals(ALICE),
    "listUserGroups": lambda a: a.list_user_groups("quickstart"),
    "listUserPolicies": lambda a: a.list_user_policies("quickstart"),
    "listUsers": lambda a: a.list_users(),
    "login": lambda a: a.login(lakefs_sdk.LoginInformation(access_key_id=QUICKSTART_KEY, secret_access_key=QUICKSTART_SECRET)),
    "oauthCallback": lambda a: a.oauth_callback(),
    "releaseTokenToMailbox": lambda a: a.release_token_to_mailbox(SOME_REQUEST_TOKEN),
    "updatePolicy": lambda a: a.update_policy("FSReadAll", a_policy("FSReadAll")),
}

# Operations that take no credentials (security: []): their 401s are refusals of what the body or query carries.
UNAUTHENTICATED = {"externalPrincipalLogin", "getTokenFromMailbox", "getTokenRedirect", "login", "oauthCallback"}
# Seed 000 documents 429 for every operation but these two.
NO_429 = {"getCurrentUser", "oauthCallback"}


def message(exc):
    return json.loads(exc.body)["message"]


# --- successes ---------------------------------------------------------------------------------------------


def test_users_groups_and_memberships(admin_auth):
    user = admin_auth.create_user(lakefs_sdk.UserCreation(id="dave"))
    assert user.id == "dave" and user.creation_date > 0
    assert admin_auth.get_user("dave").creation_date == user.creation_date

    group = admin_auth.create_group(lakefs_sdk.GroupCreation(id="auditors"))
    assert group.id == "auditors" and group.creation_date > 0
    assert admin_auth.get_group("auditors").id == "auditors"
    assert "auditors" in [g.id for g in admin_auth.list_groups().results]

    assert admin_auth.add_group_membership("auditors", "dave") is None
    assert [u.id for u in admin_auth.list_group_members("auditors").results] == ["dave"]
    assert [g.id for g in admin_auth.list_user_groups("dave").results] == ["auditors"]

    admin_auth.delete_group_membership("auditors", "dave")
    assert admin_auth.list_group_members("auditors").results == []
    admin_auth.delete_group("auditors")
    with pytest.raises(NotFoundException):
        admin_auth.get_group("auditors")
    admin_auth.delete_user("dave")
    with pytest.raises(NotFoundException):
        admin_auth.get_user("dave")


def test_policies_created_updated_attached_detached_and_deleted(admin_auth):
    created = admin_auth.create_policy(a_policy("ReadOnly"))
    assert created.id == "ReadOnly" and created.statement[0].action == ["fs:ReadObject"]
    assert "ReadOnly" in [p.id for p in admin_auth.list_policies(prefix="Read").results]

    updated = admin_auth.update_policy("ReadOnly", a_policy("ReadOnly", action="fs:ListObjects"))
    assert updated.statement[0].action == ["fs:ListObjects"]
    assert admin_auth.get_policy("ReadOnly").statement[0].action == ["fs:ListObjects"]

    admin_auth.attach_policy_to_group("Viewers", "ReadOnly")
    assert "ReadOnly" in [p.id for p in admin_auth.list_group_policies("Viewers").results]
    admin_auth.detach_policy_from_group("Viewers", "ReadOnly")
    assert "ReadOnly" not in [p.id for p in admin_auth.list_group_policies("Viewers").results]

    admin_auth.delete_policy("ReadOnly")
    with pytest.raises(NotFoundException):
        admin_auth.get_policy("ReadOnly")


def test_credentials_are_listed(admin_auth):
    before = admin_auth.list_user_credentials("bob").results
    created = admin_auth.create_credentials("bob")
    listed = admin_auth.list_user_credentials("bob").results
    assert [c.access_key_id for c in listed if c not in before] == [created.access_key_id]
    assert all(c.creation_date > 0 for c in listed)


def test_external_principals_attach_describe_list_log_in_and_detach(session, admin_auth):
    assert admin_auth.create_user_external_principal("quickstart", NEW_ARN) is None
    assert admin_auth.get_external_principal(NEW_ARN).user_id == "quickstart"
    assert [p.id for p in admin_auth.list_user_external_principals("quickstart").results] == [NEW_ARN]

    token = auth_api(session).external_principal_login(
        lakefs_sdk.ExternalLoginInformation(identity_request={"identity_token": identity_token("ASIAQEXAMPLEALICE001")}))
    assert auth_api(session, access_token=token.token).get_current_user().user.id == ALICE

    admin_auth.delete_user_external_principal("quickstart", NEW_ARN)
    with pytest.raises(NotFoundException):
        admin_auth.get_external_principal(NEW_ARN)


def test_the_token_mailbox_as_lakectl_uses_it(session, admin_auth):
    # lakectl reads the 303 itself (the SDK would follow it): Location names the sign-in page, the header the mailbox.
    start = http("GET", "/api/v1/auth/get-token/start", session)
    assert start.status == 303
    request_token = urllib.parse.parse_qs(urllib.parse.urlsplit(start.headers["location"]).query)["request"][0]
    mailbox = start.headers["x-lakefs-mailbox"]

    # Signed in on that page, the browser releases a token for the signed-in user into the mailbox...
    assert admin_auth.release_token_to_mailbox(request_token) is None
    # ...which the CLI collects once.
    token = auth_api(session).get_token_from_mailbox(mailbox)
    assert auth_api(session, access_token=token.token).get_current_user().user.id == "quickstart"
    with pytest.raises(NotFoundException):
        auth_api(session).get_token_from_mailbox(mailbox)


def test_the_sdk_follows_get_token_redirect_to_the_sign_in_page(session, admin_auth):
    answer = auth_api(session).get_token_redirect_with_http_info()
    # urllib3 follows the 303: the caller gets the sign-in page, and never sees X-LakeFS-Mailbox.
    assert answer.status_code == 200 and answer.data is None
    assert answer.headers["Content-Type"].startswith("text/html")
    assert session.statuses("getTokenRedirect") == [303]


def test_oidc_sign_in_then_the_sdk_uses_the_session_cookie(session, admin_auth):
    # The browser's part: the mock identity provider's form posts back a code, which the callback redeems.
    authorized = http("POST", "/mockgate/lakefs/oidc/authorize", session,
                      form={"sub": "alice", "redirect_uri": "/api/v1/oidc/callback", "state": "st-1"})
    assert authorized.status == 302
    callback = http("GET", authorized.headers["location"], session)
    assert callback.status == 302
    cookie = callback.headers["set-cookie"].split(";")[0]
    assert cookie.startswith("oidc_auth_session=")

    # The SDK's part: the cookie authenticates as the user the identity belongs to.
    client = lakefs_sdk.ApiClient(lakefs_sdk.Configuration(host=f"{session.url}/api/v1"), cookie=cookie)
    client.set_default_header("X-Mock-Session", session.name)
    assert lakefs_sdk.AuthApi(client).get_current_user().user.id == ALICE


# --- 409 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", ["createUser", "createPolicy", "createUserExternalPrincipal"])
def test_creating_what_exists_answers_409_already_exists(admin_auth, operation_id):
    CALLS[operation_id](admin_auth)
    with pytest.raises(ApiException) as raised:
        CALLS[operation_id](admin_auth)
    assert type(raised.value) is ApiException and raised.value.status == 409  # lakefs_sdk has no ConflictException
    assert message(raised.value) == "Already exists"


# --- 401 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", sorted(set(CALLS) - UNAUTHENTICATED))
def test_a_wrong_secret_answers_401(session, wrong_secret, operation_id):
    with pytest.raises(UnauthorizedException) as raised:
        CALLS[operation_id](wrong_secret)
    assert message(raised.value) == "error authenticating request"
    assert session.statuses(operation_id, api="lakefs") == [401]


def test_login_with_a_wrong_secret_answers_401(session, admin_auth):
    with pytest.raises(UnauthorizedException) as raised:
        auth_api(session).login(lakefs_sdk.LoginInformation(access_key_id=QUICKSTART_KEY, secret_access_key="wrong"))
    assert message(raised.value) == "error authenticating request"


def test_external_principal_login_with_an_unknown_identity_answers_401(session, admin_auth):
    with pytest.raises(UnauthorizedException) as raised:
        auth_api(session).external_principal_login(
            lakefs_sdk.ExternalLoginInformation(identity_request={"identity_token": identity_token("ASIAQUNKNOWN00000001")}))
    assert message(raised.value) == "invalid token format"


def test_oauth_callback_without_a_code_answers_401_with_no_body(session, admin_auth):
    with pytest.raises(UnauthorizedException) as raised:
        auth_api(session).oauth_callback()
    assert raised.value.body in (b"", "", None)


# --- 429 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", sorted(set(CALLS) - NO_429))
def test_a_429_reaches_the_caller_as_api_exception(session, admin_auth, operation_id):
    # No Retry-After (the real lakeFS never sends one), so urllib3 does not retry: the caller sees it at once.
    session.add_fault({"match": {"api": "lakefs", "operationId": operation_id}, "status": 429, "times": 1})
    with pytest.raises(ApiException) as raised:
        CALLS[operation_id](admin_auth)
    assert type(raised.value) is ApiException and raised.value.status == 429
    assert session.statuses(operation_id, api="lakefs") == [429]
