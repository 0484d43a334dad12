"""
The high-level `lakefs` package (lakefs 0.16, on lakefs-sdk 1.80) against mockgate, as a data engineer uses it:
create a repository and a branch, upload and read objects, list them, commit, read the log, diff, discard changes,
tag, delete. Scenario lakefs-community: open-source lakeFS on a local blockstore, so the client (which reads
GET /config's pre_sign_support) uploads and downloads through the lakeFS API, not through presigned URLs.

The client's direct upload sends its request through the SDK's urllib3 pool itself, without the SDK's default
headers: the fixture adds this test's X-Mock-Session to every request of that pool, as a proxy in front of a
per-test lakeFS would. Nothing else is adapted. The same flows pass against the real lakeFS 1.80 on a local
blockstore (checked while writing them).
"""
import lakefs
import pytest
from lakefs.exceptions import ConflictException, NotFoundException, ObjectNotFoundException

from conftest import QUICKSTART_KEY, QUICKSTART_SECRET


@pytest.fixture
def client(session):
    session.use_scenario("lakefs-community")
    client = lakefs.Client(host=f"{session.url}/api/v1", username=QUICKSTART_KEY, password=QUICKSTART_SECRET)
    pool = client.sdk_client.objects_api.api_client.rest_client.pool_manager
    send = pool.request

    def in_session(*args, **kwargs):
        kwargs["headers"] = {**(kwargs.get("headers") or {}), **session.headers}
        return send(*args, **kwargs)

    pool.request = in_session
    return client


def test_the_server_reports_a_local_blockstore_without_presigning(client):
    assert client.storage_config.blockstore_type == "local"
    assert client.storage_config.pre_sign_support is False
    assert client.version


def test_repository_branch_upload_read_commit_log_diff_reset_delete(client):
    repo = lakefs.repository("hl-repo", client=client).create(storage_namespace="local://hl/hl-repo")
    assert repo.properties.default_branch == "main"
    main = repo.branch("main")
    main.object("data/a.txt").upload(b"alpha", content_type="text/plain", metadata={"owner": "data-team"})
    main.object("data/b.bin").upload(b"\x00\x01\x02binary\xff")
    main.object("README.md").upload("# hello\n")

    with main.object("data/a.txt").reader() as fd:
        assert fd.read() == b"alpha"
    assert main.object("data/b.bin").reader().read() == b"\x00\x01\x02binary\xff"
    with main.object("README.md").reader(mode="r") as fd:
        assert fd.read(3) == "# h"
        assert fd.read() == "ello\n"
    stats = main.object("data/a.txt").stat()
    assert (stats.size_bytes, stats.content_type, stats.metadata) == (5, "text/plain", {"owner": "data-team"})
    assert main.object("data/a.txt").exists() and not main.object("nope").exists()

    listed = list(main.objects(delimiter="/"))
    assert [o.path for o in listed] == ["README.md", "data/"]
    assert [o.path for o in main.objects(prefix="data/")] == ["data/a.txt", "data/b.bin"]
    assert sorted((c.path, c.type) for c in main.uncommitted()) == [("README.md", "added"), ("data/a.txt", "added"), ("data/b.bin", "added")]

    first = main.commit(message="Add the data", metadata={"ticket": "HL-1"})
    assert list(main.uncommitted()) == []
    log = list(main.log())
    assert [c.message for c in log] == ["Add the data", "Repository created"]
    assert log[0].id == first.get_commit().id and log[0].metadata == {"ticket": "HL-1"}

    dev = repo.branch("dev").create(source_reference="main")
    assert dev.get_commit().id == first.get_commit().id
    dev.object("data/a.txt").upload(b"ALPHA v2")
    dev.object("data/b.bin").delete()
    dev.object("data/c.csv").upload(b"x,y\n1,2\n", content_type="text/csv")
    assert sorted((c.path, c.type) for c in dev.uncommitted()) == [("data/a.txt", "changed"), ("data/b.bin", "removed"), ("data/c.csv", "added")]

    # Discarding one path's change, then committing the rest.
    dev.reset_changes(path_type="object", path="data/c.csv")
    assert not dev.object("data/c.csv").exists()
    dev.commit(message="Rework a, drop b")
    assert sorted((c.path, c.type) for c in main.diff(dev)) == [("data/a.txt", "changed"), ("data/b.bin", "removed")]
    assert dev.object("data/a.txt").reader().read() == b"ALPHA v2"
    assert main.object("data/a.txt").reader().read() == b"alpha"

    # Uncommitted changes discarded wholesale.
    dev.object("scratch.tmp").upload(b"tmp")
    dev.reset_changes()
    assert list(dev.uncommitted()) == []

    # Tags name commits; a tag's content stays put.
    tag = repo.tag("v1").create(main)
    assert tag.get_commit().id == first.get_commit().id
    assert [t.id for t in repo.tags()] == ["v1"]
    with pytest.raises(ConflictException):
        repo.tag("v1").create(dev)
    assert repo.ref("v1").object("data/a.txt").reader().read() == b"alpha"
    tag.delete()
    assert list(repo.tags()) == []

    # Batch deletion, then a commit without the objects.
    dev.delete_objects(["data/a.txt", "README.md"])
    dev.commit(message="Empty it")
    assert [o.path for o in dev.objects()] == []
    with pytest.raises(ObjectNotFoundException):
        dev.object("README.md").reader().read()

    dev.delete()
    assert [b.id for b in repo.branches()] == ["main"]
    repo.delete()
    # (The real lakeFS caches repositories for a few seconds, so there the 404 comes a little later.)
    with pytest.raises(NotFoundException):
        lakefs.repository("hl-repo", client=client).properties


def test_a_namespace_once_used_is_refused_even_after_the_repository_is_gone(client):
    lakefs.repository("first-repo", client=client).create(storage_namespace="local://hl/shared").delete()
    with pytest.raises(lakefs.exceptions.BadRequestException, match="storage namespace already in use"):
        lakefs.repository("second-repo", client=client).create(storage_namespace="local://hl/shared")


def test_exclusive_creation_refuses_an_existing_path(client):
    repo = lakefs.repository("excl-repo", client=client).create(storage_namespace="local://hl/excl")
    obj = repo.branch("main").object("once.txt")
    obj.upload(b"first", mode="x")
    with pytest.raises(lakefs.exceptions.ObjectExistsException):
        obj.upload(b"second", mode="x")
    assert obj.reader().read() == b"first"
