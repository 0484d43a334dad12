"""
Shared fixtures of the consumer contract suites. The suites drive a running mockgate (MOCKGATE_URL, started
by test/python/python-contract.test.ts) through the real published SDKs, the way a consumer's CI would —
lakefs-sdk, lakefs-client, tiledb-client — and through plain HTTP (`http` below) for the APIs no client is
published for (the lakeFS authentication service, the registry). Every test gets its own X-Mock-Session,
switched to the scenario it names, so tests never see each other's state, faults or counters; the coverage
gate that runs after the suites adds up every session.
"""
import http.client as http_client
import json
import os
import urllib.parse
import urllib.request
import uuid

import pytest

MOCKGATE_URL = os.environ.get("MOCKGATE_URL", "http://127.0.0.1:4010")

QUICKSTART_KEY = "AKIAIOSFOLQUICKSTART"
QUICKSTART_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def admin(method, path, session, body=None):
    """Calls mockgate's admin API for one session; returns the decoded JSON answer (or None)."""
    sep = "&" if "?" in path else "?"
    request = urllib.request.Request(
        f"{MOCKGATE_URL}/__admin{path}{sep}session={session}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


class Session:
    """One isolated mock session: its name, and helpers to script faults and read the journal."""

    def __init__(self, name):
        self.name = name

    def use_scenario(self, scenario):
        admin("PUT", "/scenario", self.name, {"name": scenario})

    def add_fault(self, rule):
        admin("POST", "/faults", self.name, rule)

    def requests(self, operation_id, api=None):
        """This session's journal for one operation, newest first (optionally of one API: ids repeat)."""
        entries = admin("GET", f"/requests?operationId={operation_id}", self.name)["requests"]
        return [e for e in entries if api is None or e["api"] == api]

    def statuses(self, operation_id, api=None):
        return [e["status"] for e in self.requests(operation_id, api)]


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def http(method, path, session=None, body=None, form=None, headers=None):
    """
    One plain HTTP request to mockgate, redirects not followed (a browser's or lakectl's view of a 3xx).
    `body` is sent as JSON, `form` as application/x-www-form-urlencoded; `session` names the X-Mock-Session.
    """
    url = urllib.parse.urlsplit(MOCKGATE_URL + path)
    sent = dict(headers or {})
    data = None
    if body is not None:
        data, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data, sent["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    if session is not None:
        sent["X-Mock-Session"] = session.name
    connection = http_client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(method, url.path + (f"?{url.query}" if url.query else ""), body=data, headers=sent)
        response = connection.getresponse()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@pytest.fixture
def session():
    return Session(f"py-{uuid.uuid4().hex[:12]}")
