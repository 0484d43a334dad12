"""
Shared fixtures of the consumer contract suites. The suites drive a running mockgate (MOCKGATE_URL, started
by test/python/python-contract.test.ts) through the real published SDKs, the way a consumer's CI would.
Every test gets its own X-Mock-Session, switched to the scenario it names, so tests never see each
other's state, faults or counters.
"""
import json
import os
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

    def requests(self, operation_id):
        return admin("GET", f"/requests?operationId={operation_id}", self.name)["requests"]


@pytest.fixture
def session():
    return Session(f"py-{uuid.uuid4().hex[:12]}")
