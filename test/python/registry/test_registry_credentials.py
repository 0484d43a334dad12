"""
Seed 003, the registry credentials API (a FastAPI data-store service): both operations' 200 and 401, and the 422
FastAPI answers a body that does not validate.

Its client, `openapi_client.RegistryCredentialsApi`, was generated from the service's openapi.json and never
published: PyPI's `openapi-client` is an unrelated project. So this suite speaks plain HTTP with the standard
library (conftest.http), sending what the generated client sends: a JSON CredentialsRequest and an OAuth2
bearer token.
"""
import pytest

from conftest import http

READ = "/registry/credentials/generate-read-access-credentials"
WRITE = "/registry/credentials/generate-write-access-credentials"
LOCATION = {"bucket_name": "rrap-datasets", "path": "datasets/10378.1/1234", "s3_uri": "s3://rrap-datasets/datasets/10378.1/1234"}


def ask(session, path, token=None, body=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http("POST", path, session, body=body if body is not None else {"s3_location": LOCATION, "console_session_required": True}, headers=headers)


@pytest.fixture
def expired_tokens(session):
    session.use_scenario("expired-token")
    return session


@pytest.mark.parametrize("path", [READ, WRITE])
def test_a_writer_gets_short_lived_s3_credentials_and_a_console_link(session, path):
    answer = ask(session, path, "reg-write-token")
    assert answer.status == 200
    body = answer.json()
    assert body["status"]["success"] is True
    credentials = body["credentials"]
    assert credentials["aws_access_key_id"].startswith("ASIA") and len(credentials["aws_secret_access_key"]) == 40
    assert credentials["aws_session_token"] and credentials["expiry"]
    assert body["console_session_url"].startswith("https://signin.aws.amazon.com/federation?Action=login")


@pytest.mark.parametrize("path", [READ, WRITE])
def test_no_bearer_token_answers_401_not_authenticated(session, path):
    answer = ask(session, path)
    assert answer.status == 401
    assert answer.json() == {"detail": "Not authenticated"}
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", [READ, WRITE])
def test_a_revoked_token_answers_401_could_not_validate(expired_tokens, path):
    answer = ask(expired_tokens, path, "reg-revoked-token")
    assert answer.status == 401
    assert answer.json() == {"detail": "Could not validate credentials"}


def test_a_reader_may_not_write(session):
    answer = ask(session, WRITE, "reg-read-token")
    assert answer.status == 401  # this service answers every auth failure 401, never 403
    assert answer.json() == {"detail": "You are not authorised to access this resource as you don't have the correct role."}


def test_a_location_without_its_fields_answers_422_in_fastapi_shape(session):
    answer = ask(session, READ, "reg-write-token", body={"s3_location": {"bucket_name": "b"}, "console_session_required": True})
    assert answer.status == 422
    detail = answer.json()["detail"]
    assert {"loc": ["body", "s3_location", "path"], "msg": "field required", "type": "value_error.missing"} in detail
