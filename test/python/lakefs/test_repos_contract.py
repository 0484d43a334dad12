"""
The experimental lakeFS operations and the repository model behind them, as the published SDKs see them:
`lakefs-sdk` for the flow, and the legacy `lakefs-client` (the ExperimentalApi seed 001 documents) for its
420 "too many requests". Scenario lakefs-repos: example-repo with a protected main, feature one commit ahead,
and a "throttled" branch whose uploads answer 420.
"""
import hashlib
import urllib.request

import lakefs_client
import lakefs_sdk
import pytest
from lakefs_client.api import experimental_api as legacy_experimental
from lakefs_sdk.exceptions import ApiException, BadRequestException, ForbiddenException, NotFoundException

from conftest import QUICKSTART_KEY, QUICKSTART_SECRET

REPO = "example-repo"


@pytest.fixture
def api(session):
    session.use_scenario("lakefs-repos")
    configuration = lakefs_sdk.Configuration(host=f"{session.url}/api/v1", username=QUICKSTART_KEY, password=QUICKSTART_SECRET)
    client = lakefs_sdk.ApiClient(configuration)
    client.set_default_header("X-Mock-Session", session.name)
    return client


def put_part(url, data):
    """A plain HTTP PUT to a presigned URL, as an uploader does: no credentials, no mockgate header."""
    request = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        return response.headers["ETag"]


def upload(api, branch, path, parts):
    experimental = lakefs_sdk.ExperimentalApi(api)
    started = experimental.create_presign_multipart_upload(REPO, branch, path, parts=len(parts))
    assert len(started.presigned_urls) == len(parts)
    etags = [put_part(url, data) for url, data in zip(started.presigned_urls, parts)]
    return started, [lakefs_sdk.UploadPart(part_number=n + 1, etag=etag) for n, etag in enumerate(etags)]


def test_presigned_multipart_upload_commit_and_hard_reset(api):
    branches = lakefs_sdk.BranchesApi(api)
    objects = lakefs_sdk.ObjectsApi(api)
    experimental = lakefs_sdk.ExperimentalApi(api)

    branches.create_branch(REPO, lakefs_sdk.BranchCreation(name="ingest", source="main"))
    before = branches.get_branch(REPO, "ingest").commit_id

    parts = [b"a" * 1000, b"b" * 2000, b"c" * 500]
    started, uploaded = upload(api, "ingest", "data/big.bin", parts)
    assert uploaded[0].etag == f'"{hashlib.md5(parts[0]).hexdigest()}"'
    stats = experimental.complete_presign_multipart_upload(
        REPO, "ingest", started.upload_id, "data/big.bin",
        lakefs_sdk.CompletePresignMultipartUpload(physical_address=started.physical_address, parts=uploaded),
    )
    assert stats.size_bytes == 3500 and stats.path == "data/big.bin"
    assert objects.stat_object(REPO, "ingest", "data/big.bin").size_bytes == 3500

    commit = lakefs_sdk.CommitsApi(api).commit(REPO, "ingest", lakefs_sdk.CommitCreation(message="Add big.bin"))
    assert branches.get_branch(REPO, "ingest").commit_id == commit.id

    experimental.hard_reset_branch(REPO, "ingest", before, force=False)
    assert branches.get_branch(REPO, "ingest").commit_id == before
    with pytest.raises(NotFoundException):
        objects.stat_object(REPO, "ingest", "data/big.bin")


def test_complete_refuses_a_wrong_etag_with_400(api):
    started, uploaded = upload(api, "feature", "data/wrong.bin", [b"x" * 10, b"y" * 10, b"z" * 10])
    uploaded[1].etag = '"00000000000000000000000000000000"'
    with pytest.raises(BadRequestException):
        lakefs_sdk.ExperimentalApi(api).complete_presign_multipart_upload(
            REPO, "feature", started.upload_id, "data/wrong.bin",
            lakefs_sdk.CompletePresignMultipartUpload(physical_address=started.physical_address, parts=uploaded),
        )


def test_an_aborted_upload_cannot_be_completed(api):
    experimental = lakefs_sdk.ExperimentalApi(api)
    started, uploaded = upload(api, "feature", "data/aborted.bin", [b"1" * 10])
    experimental.abort_presign_multipart_upload(
        REPO, "feature", started.upload_id, "data/aborted.bin",
        lakefs_sdk.AbortPresignMultipartUpload(physical_address=started.physical_address),
    )
    with pytest.raises(NotFoundException):
        experimental.complete_presign_multipart_upload(
            REPO, "feature", started.upload_id, "data/aborted.bin",
            lakefs_sdk.CompletePresignMultipartUpload(physical_address=started.physical_address, parts=uploaded),
        )


def test_unknown_repository_and_branch_answer_404(api):
    experimental = lakefs_sdk.ExperimentalApi(api)
    with pytest.raises(NotFoundException):
        experimental.create_presign_multipart_upload("no-such-repo", "main", "x.bin", parts=1)
    with pytest.raises(NotFoundException):
        experimental.create_presign_multipart_upload(REPO, "no-such-branch", "x.bin", parts=1)


def test_hard_reset_of_a_dirty_branch_keeps_its_changes_and_a_protected_branch_refuses(api):
    # As the real lakeFS 1.80.0 answers (test/fidelity): uncommitted changes neither stop a hard reset nor are lost.
    experimental = lakefs_sdk.ExperimentalApi(api)
    started, uploaded = upload(api, "feature", "data/staged.bin", [b"s" * 10])
    experimental.complete_presign_multipart_upload(
        REPO, "feature", started.upload_id, "data/staged.bin",
        lakefs_sdk.CompletePresignMultipartUpload(physical_address=started.physical_address, parts=uploaded),
    )
    experimental.hard_reset_branch(REPO, "feature", "main")
    experimental.hard_reset_branch(REPO, "feature", "main", force=True)  # sent as force=True
    assert lakefs_sdk.ObjectsApi(api).stat_object(REPO, "feature", "data/staged.bin").size_bytes == 10

    with pytest.raises(ForbiddenException):
        experimental.hard_reset_branch(REPO, "main", "v2024.01", force=True)


def test_a_duplicate_branch_answers_409(api):
    branches = lakefs_sdk.BranchesApi(api)
    with pytest.raises(ApiException) as raised:
        branches.create_branch(REPO, lakefs_sdk.BranchCreation(name="feature", source="main"))
    assert raised.value.status == 409


def test_the_legacy_client_sees_420_too_many_requests(session, api):
    configuration = lakefs_client.Configuration(host=f"{session.url}/api/v1", username=QUICKSTART_KEY, password=QUICKSTART_SECRET)
    client = lakefs_client.ApiClient(configuration, header_name="X-Mock-Session", header_value=session.name)
    with pytest.raises(lakefs_client.ApiException) as raised:
        legacy_experimental.ExperimentalApi(client).create_presign_multipart_upload(REPO, "throttled", "x.bin", parts=1)
    assert raised.value.status == 420


def test_presigned_multipart_and_direct_uploads_are_the_same_objects(api, tmp_path):
    """Both kinds of upload read back byte for byte through getObject, list together, and commit together."""
    objects = lakefs_sdk.ObjectsApi(api)
    parts = [b"p" * 700, b"q" * 300]
    started, uploaded = upload(api, "feature", "mixed/multipart.bin", parts)
    lakefs_sdk.ExperimentalApi(api).complete_presign_multipart_upload(
        REPO, "feature", started.upload_id, "mixed/multipart.bin",
        lakefs_sdk.CompletePresignMultipartUpload(physical_address=started.physical_address, parts=uploaded),
    )
    # The SDK sends a file's contents as the form's `content` part (it takes a file name).
    (tmp_path / "direct.bin").write_bytes(b"direct bytes")
    direct = objects.upload_object(REPO, "feature", "mixed/direct.bin", content=str(tmp_path / "direct.bin"))
    assert direct.size_bytes == 12 and direct.checksum == hashlib.md5(b"direct bytes").hexdigest()

    assert bytes(objects.get_object(REPO, "feature", "mixed/multipart.bin")) == b"".join(parts)
    assert bytes(objects.get_object(REPO, "feature", "mixed/direct.bin")) == b"direct bytes"
    assert bytes(objects.get_object(REPO, "feature", "mixed/multipart.bin", range="bytes=698-701")) == b"ppqq"
    listed = objects.list_objects(REPO, "feature", prefix="mixed/").results
    assert [(o.path, o.size_bytes) for o in listed] == [("mixed/direct.bin", 12), ("mixed/multipart.bin", 1000)]

    commit = lakefs_sdk.CommitsApi(api).commit(REPO, "feature", lakefs_sdk.CommitCreation(message="Both uploads"))
    assert bytes(objects.get_object(REPO, commit.id, "mixed/multipart.bin")) == b"".join(parts)
    changes = lakefs_sdk.RefsApi(api).diff_refs(REPO, "main", commit.id).results
    assert ("mixed/direct.bin", "added") in [(d.path, d.type) for d in changes]
