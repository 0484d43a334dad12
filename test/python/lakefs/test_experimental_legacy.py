"""
Seed 001, the legacy `lakefs-client` (lakefs_client.ExperimentalApi, 1.44.0), operation by operation: presigned
multipart upload (create / complete / abort), hard reset, the external-principal operations and STS login —
each one's success, 401, 409 where the seed documents it, and the 420 "too many requests" this older client
documents instead of 429. test_repos_contract.py drives the same flows in depth through `lakefs-sdk`.

Scenarios: lakefs-repos (example-repo, branch feature one commit ahead of main) for uploads and hard reset,
lakefs-sso (alice@example.com with AWS external principals, STS codes) for the rest.
"""
import json
import urllib.request

import lakefs_client
import pytest
from lakefs_client.api.auth_api import AuthApi
from lakefs_client.api.experimental_api import ExperimentalApi
from lakefs_client.exceptions import ApiException, UnauthorizedException
from lakefs_client.models import (
    AbortPresignMultipartUpload,
    CompletePresignMultipartUpload,
    StsAuthRequest,
    UploadPart,
)

from conftest import QUICKSTART_KEY, QUICKSTART_SECRET

REPO = "example-repo"
ALICE = "alice@example.com"
ALICE_ARN = "arn:aws:sts::123456789012:assumed-role/Developer/alice@example.com"
NEW_ARN = "arn:aws:sts::123456789012:assumed-role/Analyst/quickstart"
SOME_UPLOAD = "upload-id-that-was-never-started"


def experimental(session, username=QUICKSTART_KEY, password=QUICKSTART_SECRET):
    configuration = lakefs_client.Configuration(host=f"{session.url}/api/v1", username=username, password=password)
    return ExperimentalApi(lakefs_client.ApiClient(configuration, header_name="X-Mock-Session", header_value=session.name))


@pytest.fixture
def repos(session):
    session.use_scenario("lakefs-repos")
    return experimental(session)


@pytest.fixture
def sso(session):
    session.use_scenario("lakefs-sso")
    return experimental(session)


def put_part(url, data):
    """A plain HTTP PUT to a presigned URL, as an uploader does."""
    request = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(request) as response:
        return response.headers["ETag"]


def upload(api, path, data, branch="feature"):
    started = api.create_presign_multipart_upload(REPO, branch, path, parts=1)
    return started, [UploadPart(part_number=1, etag=put_part(started.presigned_urls[0], data))]


def complete(api, started, parts, path, branch="feature"):
    return api.complete_presign_multipart_upload(
        REPO, branch, started.upload_id, path,
        complete_presign_multipart_upload=CompletePresignMultipartUpload(physical_address=started.physical_address, parts=parts),
    )


# One legacy-client call per operation, with arguments the spec accepts, for the 401 and 420 paths.
CALLS = {
    "abortPresignMultipartUpload": lambda a: a.abort_presign_multipart_upload(
        REPO, "feature", SOME_UPLOAD, "x.bin",
        abort_presign_multipart_upload=AbortPresignMultipartUpload(physical_address="s3://example-bucket/example-repo/data/x")),
    "completePresignMultipartUpload": lambda a: a.complete_presign_multipart_upload(
        REPO, "feature", SOME_UPLOAD, "x.bin",
        complete_presign_multipart_upload=CompletePresignMultipartUpload(
            physical_address="s3://example-bucket/example-repo/data/x", parts=[UploadPart(part_number=1, etag='"0"')])),
    "createPresignMultipartUpload": lambda a: a.create_presign_multipart_upload(REPO, "feature", "x.bin", parts=1),
    "createUserExternalPrincipal": lambda a: a.create_user_external_principal("quickstart", NEW_ARN),
    "deleteUserExternalPrincipal": lambda a: a.delete_user_external_principal(ALICE, ALICE_ARN),
    "getExternalPrincipal": lambda a: a.get_external_principal(ALICE_ARN),
    "hardResetBranch": lambda a: a.hard_reset_branch(REPO, "feature", "main", force=True),
    "listUserExternalPrincipals": lambda a: a.list_user_external_principals(ALICE),
}


# --- successes and 409 -------------------------------------------------------------------------------------


def test_upload_complete_and_hard_reset(repos):
    started, parts = upload(repos, "data/legacy.bin", b"L" * 64)
    assert len(started.presigned_urls) == 1 and started.physical_address
    stats = complete(repos, started, parts, "data/legacy.bin")
    assert stats.path == "data/legacy.bin" and stats.size_bytes == 64

    assert repos.hard_reset_branch(REPO, "feature", "main", force=True) is None


def test_an_aborted_upload_is_gone(repos):
    started, parts = upload(repos, "data/aborted.bin", b"A" * 8)
    assert repos.abort_presign_multipart_upload(
        REPO, "feature", started.upload_id, "data/aborted.bin",
        abort_presign_multipart_upload=AbortPresignMultipartUpload(physical_address=started.physical_address),
    ) is None
    with pytest.raises(lakefs_client.exceptions.NotFoundException):
        complete(repos, started, parts, "data/aborted.bin")


def test_completing_over_a_path_that_changed_during_the_upload_answers_409(repos):
    first, first_parts = upload(repos, "data/race.bin", b"1" * 16)
    second, second_parts = upload(repos, "data/race.bin", b"2" * 16)
    complete(repos, second, second_parts, "data/race.bin")
    with pytest.raises(ApiException) as raised:
        complete(repos, first, first_parts, "data/race.bin")
    assert raised.value.status == 409
    assert json.loads(raised.value.body)["message"] == "conflict found"


def test_external_principals_attach_describe_list_and_detach(sso):
    assert sso.create_user_external_principal("quickstart", NEW_ARN) is None
    principal = sso.get_external_principal(NEW_ARN)
    assert principal.id == NEW_ARN and principal.user_id == "quickstart"
    assert [p.id for p in sso.list_user_external_principals("quickstart").results] == [NEW_ARN]
    assert sso.delete_user_external_principal("quickstart", NEW_ARN) is None
    assert sso.list_user_external_principals("quickstart").results == []


def test_attaching_an_attached_principal_answers_409(sso):
    with pytest.raises(ApiException) as raised:
        sso.create_user_external_principal(ALICE, ALICE_ARN)
    assert raised.value.status == 409
    assert json.loads(raised.value.body)["message"] == "Already exists"


def test_sts_login_returns_a_token_for_the_subject(session, sso):
    token = sso.sts_login(StsAuthRequest(code="sts-code-alice", state="sts-state-alice", redirect_uri="http://localhost:8000/oidc/callback"))
    assert token.token.count(".") == 2 and token.token_expiration > 0
    configuration = lakefs_client.Configuration(host=f"{session.url}/api/v1", access_token=token.token)
    client = lakefs_client.ApiClient(configuration, header_name="X-Mock-Session", header_value=session.name)
    assert AuthApi(client).get_current_user().user.id == ALICE


# --- 401 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_a_wrong_secret_answers_401(session, sso, operation_id):
    wrong = experimental(session, password="not-the-secret-key-of-quickstart-0000000")
    with pytest.raises(UnauthorizedException) as raised:
        CALLS[operation_id](wrong)
    assert json.loads(raised.value.body)["message"] == "error authenticating request"
    assert session.statuses(operation_id, api="lakefs") == [401]


def test_sts_login_with_a_code_whose_claims_have_no_subject_answers_401(sso):
    with pytest.raises(UnauthorizedException):
        sso.sts_login(StsAuthRequest(code="sts-code-no-sub", state="any", redirect_uri="http://localhost:8000/oidc/callback"))


# --- 420 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_420_too_many_requests_reaches_the_caller(session, sso, operation_id):
    session.add_fault({"match": {"api": "lakefs", "operationId": operation_id}, "status": 420, "times": 1})
    with pytest.raises(ApiException) as raised:
        CALLS[operation_id](sso)
    assert type(raised.value) is ApiException and raised.value.status == 420
    assert session.statuses(operation_id, api="lakefs") == [420]
