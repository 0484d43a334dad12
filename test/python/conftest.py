"""
Shared fixtures of the consumer contract suites. The suites drive a running mockgate through the real published SDKs,
the way a consumer's CI would — lakefs-sdk, lakefs-client, tiledb-client — and through plain HTTP (`http` below) for
the APIs no client is published for (the lakeFS authentication service, the registry).

The server and the sessions come from this repository's pytest plugin (python/pytest-mockgate, installed in .venv):
its `mockgate` fixture connects to MOCKGATE_URL (the strict server test/python/python-contract.test.ts starts, so
that the coverage gate can read it afterwards) or, run by hand, starts pytest.ini's mockgate_command. Every test gets
its own X-Mock-Session (`session`, the plugin's mockgate_session: `name`, `url`, `use_scenario`, `add_fault`,
`requests`, `statuses`), so tests never see each other's state, faults or counters; the coverage gate that runs
after the suites adds up every session.
"""
import http.client as http_client
import json
import urllib.parse

import pytest
from pytest_mockgate import MockgateSession

QUICKSTART_KEY = "AKIAIOSFOLQUICKSTART"
QUICKSTART_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def http(method, path, session: MockgateSession, body=None, form=None, headers=None):
    """
    One plain HTTP request to the session's mockgate, in that session, redirects not followed (a browser's or
    lakectl's view of a 3xx). `body` is sent as JSON, `form` as application/x-www-form-urlencoded.
    """
    url = urllib.parse.urlsplit(session.url + path)
    sent = dict(headers or {})
    data = None
    if body is not None:
        data, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data, sent["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    sent.update(session.headers)
    connection = http_client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(method, url.path + (f"?{url.query}" if url.query else ""), body=data, headers=sent)
        response = connection.getresponse()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@pytest.fixture
def session(mockgate_session: MockgateSession) -> MockgateSession:
    """This test's own mock session."""
    return mockgate_session
