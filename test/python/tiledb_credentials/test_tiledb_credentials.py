"""
Seed 004, TileDB's `client.credentials`, driven through the published client itself (`tiledb-client`, whose
`tiledb.client.credentials` module is what the seed documents): create, get, list, update, delete and verify
a named credential in a workspace and a teamspace, and the CredentialsError each raises when the server
answers 401 (its cause is the generated client's ApiException, carrying TileDB's {code, message, request_id}).

The client keeps one global session, configured from a profile: each test writes a profile for its token and
mockgate's URL into a temporary directory and logs in with it. The client has no option for extra headers, so
the test names its X-Mock-Session on the client's shared v4 API client (tiledb.client.client.build).
"""
import json

import pytest
import tiledb.client
from tiledb.client import client as tiledb_client
from tiledb.client import credentials
from tiledb.client.credentials import (
    AccessCredentialRole,
    AWSCredential,
    AWSRole,
    Credential,
    CredentialsApi,
    CredentialsError,
)


ALICE_TOKEN = "tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001"
ALICE_EXPIRED_TOKEN = "tdb-ws_9m4e2mr0ui3e8a215n4g-aliceexpiredtoken00001"
WORKSPACE_ID = "ws_9m4e2mr0ui3e8a215n4g"
RESEARCH = "ts_9m4e2mr0ui3e8a215n50"
KEYS = Credential(aws=AWSCredential(access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))


@pytest.fixture
def log_in(session, tmp_path, monkeypatch):
    """Logs the TileDB client in with a token, against mockgate, in this test's session."""
    monkeypatch.setenv("HOME", str(tmp_path))  # the client's profiles file, should anything default to it

    def login(token, scenario="default"):
        session.use_scenario(scenario)
        tiledb.client.configure(token=token, host=session.url, profile_name="mockgate", profile_dir=str(tmp_path), overwrite=True)
        tiledb.client.login(profile_name="mockgate", profile_dir=str(tmp_path))
        tiledb_client.build(CredentialsApi).api_client.set_default_header("X-Mock-Session", session.name)
        assert tiledb.client.get_workspace_id() == WORKSPACE_ID  # read from the token, as the client does

    return login


def cause(raised):
    """The HTTP answer behind a CredentialsError: (status, TileDB's error body)."""
    api_exception = raised.value.__cause__
    return api_exception.status, json.loads(api_exception.body)


def test_a_workspace_credential_is_created_listed_read_updated_verified_and_deleted(session, log_in):
    log_in(ALICE_TOKEN)
    assert credentials.create_credential("warehouse", "AWS", credential=KEYS) is None

    names = [c.name for c in credentials.list_credentials()]
    assert "warehouse" in names and "aws-keys" in names

    stored = credentials.get_credential("warehouse")
    assert stored.name == "warehouse" and stored.provider == "AWS" and stored.id.startswith("cred_")
    assert stored.credential.aws.access_key_id == "AKIAIOSFODNN7EXAMPLE"
    assert not stored.credential.aws.secret_access_key  # secrets never come back
    assert stored.allowed_in_tasks is False

    assert credentials.update_credential("warehouse", name="warehouse-2", provider_default=True) is None
    renamed = credentials.get_credential("warehouse-2")
    assert renamed.id == stored.id and renamed.provider_default is True

    assert credentials.verify_credential("warehouse-2", "AWS", credential=KEYS) is None

    assert credentials.delete_credential("warehouse-2") is None
    with pytest.raises(CredentialsError) as raised:
        credentials.get_credential("warehouse-2")
    status, body = cause(raised)
    assert status == 404 and body["message"] == "Credential does not exist"
    assert [e["status"] for e in session.requests("createCredential", api="tiledb")] == [201]


def test_a_teamspace_credential_with_a_role_lives_in_its_teamspace(log_in):
    log_in(ALICE_TOKEN)
    role = AccessCredentialRole(aws=AWSRole(role_arn="arn:aws:iam::123456789012:role/demo", external_id="123ABC"))
    credentials.create_credential("demo-role", "AWS", teamspace=RESEARCH, role=role)

    stored = credentials.get_credential("demo-role", teamspace=RESEARCH)
    assert stored.role.aws.role_arn == "arn:aws:iam::123456789012:role/demo"
    assert "demo-role" in [c.name for c in credentials.list_credentials(teamspace=RESEARCH)]
    assert "demo-role" not in [c.name for c in credentials.list_credentials()]


def test_verifying_a_role_the_cloud_refuses_raises_credentials_error(log_in):
    log_in(ALICE_TOKEN)
    denied = AccessCredentialRole(aws=AWSRole(role_arn="arn:aws:iam::000000000000:role/nope", external_id="x"))
    with pytest.raises(CredentialsError) as raised:
        credentials.verify_credential("probe", "AWS", role=denied)
    status, body = cause(raised)
    assert status == 400 and body["code"] == 1010
    assert body["message"] == "Could not assume role arn:aws:iam::000000000000:role/nope: access denied"


# Each function of the module, with arguments the server accepts, for the 401 path.
CALLS = {
    "createCredential": lambda: credentials.create_credential("late", "AWS", credential=KEYS),
    "getCredentials": lambda: credentials.list_credentials(),
    "getCredentialByName": lambda: credentials.get_credential("aws-keys"),
    "patchCredentialByName": lambda: credentials.update_credential("aws-keys", provider_default=True),
    "deleteCredentialByName": lambda: credentials.delete_credential("aws-keys"),
    "verifyCredential": lambda: credentials.verify_credential("aws-keys", "AWS", credential=KEYS),
}


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_an_expired_token_raises_credentials_error_from_a_401(session, log_in, operation_id):
    log_in(ALICE_EXPIRED_TOKEN, scenario="expired-token")
    with pytest.raises(CredentialsError) as raised:
        CALLS[operation_id]()
    status, body = cause(raised)
    assert status == 401 and "expired" in body["message"]
    assert set(body) == {"code", "message", "request_id"}
    assert [e["status"] for e in session.requests(operation_id, api="tiledb")] == [401]
