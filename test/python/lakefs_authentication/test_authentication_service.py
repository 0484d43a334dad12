"""
Seed 002, lakeFS's external authentication service (`api/authentication.yml`), as lakeFS itself calls it: every
operation's success and refusal (401), and the 420 "too many requests" its externalPrincipalLogin documents.

No client for this API is published (lakeFS calls it from Go, generated in-tree; nothing on PyPI), so this
suite speaks plain HTTP with the standard library (conftest.http), exactly as the spec describes the wire.
mockgate mounts it at /authentication/api/v1 (it collides with lakeFS on /sts/login).
"""
import base64
import json

import pytest

from conftest import http

BASE = "/authentication/api/v1"
ALICE_ARN = "arn:aws:sts::123456789012:assumed-role/Developer/alice@example.com"
CALLBACK = "http://localhost:8000/oidc/callback"


def identity_token(access_key_id):
    return base64.b64encode(json.dumps({"action": "GetCallerIdentity", "access_key_id": access_key_id}).encode()).decode()


@pytest.fixture
def sso(session):
    session.use_scenario("lakefs-sso")
    return session


def call(session, method, path, **kwargs):
    return http(method, BASE + path, session, **kwargs)


def test_health_check_answers_204_with_no_body(sso):
    answer = call(sso, "GET", "/healthcheck")
    assert answer.status == 204 and answer.body == b""


def test_ldap_login_names_the_directory_entry_or_refuses_a_wrong_password(sso):
    answer = call(sso, "POST", "/ldap/login", body={"username": "alice", "password": "alice-password"})
    assert answer.status == 200
    assert answer.json() == {"external_user_identifier": "uid=alice,ou=people,dc=example,dc=org"}

    refused = call(sso, "POST", "/ldap/login", body={"username": "alice", "password": "wrong"})
    assert refused.status == 401 and refused.json() == {"message": "invalid credentials"}


def test_external_principal_login_names_the_principal_or_refuses_an_unknown_identity(sso):
    answer = call(sso, "POST", "/auth/external/principal/login", body={"identity_token": identity_token("ASIAQEXAMPLEALICE001")})
    assert answer.status == 200 and answer.json() == {"id": ALICE_ARN}

    refused = call(sso, "POST", "/auth/external/principal/login", body={"identity_token": identity_token("ASIAQUNKNOWN00000001")})
    assert refused.status == 401
    assert refused.json() == {"message": "the identity token was not signed by a known AWS identity"}


def test_external_principal_login_answers_420_past_the_scenario_rate_limit(sso):
    # lakefs-sso allows 5 external principal logins a minute per client, then answers 420 (this API's 429).
    body = {"identity_token": identity_token("ASIAQEXAMPLEALICE001")}
    statuses = [call(sso, "POST", "/auth/external/principal/login", body=body).status for _ in range(6)]
    assert statuses == [200] * 5 + [420]
    assert sso.statuses("externalPrincipalLogin", api="lakefs-authentication")[0] == 420


def test_sts_login_returns_the_code_claims_or_refuses_an_unknown_code(sso):
    answer = call(sso, "POST", "/sts/login", body={"code": "sts-code-alice", "state": "sts-state-alice", "redirect_uri": CALLBACK})
    assert answer.status == 200
    claims = answer.json()["claims"]
    assert claims["sub"] == "alice" and claims["email"] == "alice@example.com"

    refused = call(sso, "POST", "/sts/login", body={"code": "no-such-code", "state": "s", "redirect_uri": CALLBACK})
    assert refused.status == 401 and refused.json() == {"message": "invalid authorization code"}


def test_oidc_callback_redirects_once_then_refuses_the_spent_code(sso):
    answer = call(sso, "GET", "/oidc/callback?code=oidc-code-alice&state=oidc-state-alice")
    assert answer.status == 302 and answer.headers["location"] == "/"

    spent = call(sso, "GET", "/oidc/callback?code=oidc-code-alice&state=oidc-state-alice")
    assert spent.status == 401 and spent.body == b""
