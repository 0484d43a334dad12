"""
A typed client of mockgate's admin API (``/__admin``, described by mockgate's ``specs/admin.yaml``): reset,
scenarios, faults, the request journal, coverage and state, and :class:`MockgateSession`, the same calls bound to
one ``X-Mock-Session``.

It speaks HTTP with the standard library (``urllib.request``) on purpose: the plugin then depends on pytest alone
and never pins an HTTP client against the one the SDK under test brings.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, List, Mapping, Optional, Tuple, TypedDict, Union, cast

SESSION_HEADER = "X-Mock-Session"

__all__ = [
    "SESSION_HEADER",
    "AdminClient",
    "CoverageReport",
    "CoverageRow",
    "Fault",
    "Health",
    "JournalEntry",
    "MockgateAdminError",
    "MockgateSession",
    "RateLimit",
    "RuleMatch",
    "ScenarioSummary",
    "StateSnapshot",
]


class Health(TypedDict):
    status: str
    uptimeSeconds: float
    scenario: str
    apis: List[str]


class RuleMatch(TypedDict, total=False):
    """Which requests a rule applies to: all given fields must match (none: every request)."""

    api: str
    operationId: str
    method: str
    path: str
    credential: str
    session: str


class RateLimit(TypedDict, total=False):
    limit: int
    window: Union[str, float]
    per: str
    algorithm: str
    status: int


class Dribble(TypedDict, total=False):
    over: Union[str, float]
    chunks: int


class Fault(TypedDict, total=False):
    """
    A rule as ``POST /__admin/faults`` takes it: a match, then what it does — ``status``, ``delay``, ``rateLimit``,
    or a transport fault (``reset``, ``empty``, ``garbage``, ``stall``, ``truncate``, ``dribble``) — and when
    (``times``, ``after``, ``probability``).
    """

    name: str
    match: RuleMatch
    status: int
    headers: Dict[str, str]
    body: Any
    delay: Union[str, float]
    rateLimit: RateLimit
    reset: bool
    empty: bool
    garbage: Union[bool, str]
    stall: Union[bool, str, float]
    truncate: Union[bool, int]
    dribble: Union[str, float, Dribble]
    probability: float
    times: int
    after: int


class _ScenarioSummary(TypedDict):
    name: str
    session: str
    apis: List[str]
    rules: List[Fault]


class ScenarioSummary(_ScenarioSummary, total=False):
    description: str
    file: str


class StateSnapshot(TypedDict):
    session: str
    apis: Dict[str, Dict[str, Any]]


class _JournalEntry(TypedDict):
    id: int
    time: str
    session: str
    method: str
    path: str
    status: int
    durationMs: float
    source: str
    rules: List[str]


class JournalEntry(_JournalEntry, total=False):
    requestId: str
    api: str
    operationId: str
    query: Dict[str, Any]
    requestValid: bool
    requestIssues: List[Dict[str, Any]]
    responseValid: bool
    responseIssues: List[Dict[str, Any]]
    fault: Dict[str, Any]
    """The transport fault the request got: ``{"action": "reset"}`` (its status is then 0), ``{"action": "truncate"}``, …"""
    sessionForgotten: Dict[str, str]
    """The session had been forgotten by the server's caps since the previous request: ``{"cause", "at"}``."""
    request: Dict[str, Any]
    response: Dict[str, Any]


class CoverageRow(TypedDict):
    api: str
    operationId: str
    method: str
    path: str
    declared: List[str]
    served: Dict[str, int]
    missing: List[str]


class CoverageSummary(TypedDict):
    operations: int
    declared: int
    covered: int


class CoverageReport(TypedDict):
    summary: CoverageSummary
    operations: List[CoverageRow]


class MockgateAdminError(Exception):
    """A non-2xx answer of the admin API (a bad fault, an unknown scenario, a missing admin token)."""

    def __init__(self, status: int, message: str, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


Query = Mapping[str, Union[str, int, None]]


class AdminClient:
    """The admin API of the mockgate at ``url``. Calls that take ``session`` apply to every session when it is None."""

    def __init__(self, url: str, admin_token: Optional[str] = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.admin_token = admin_token
        self.timeout = timeout

    def call(self, method: str, path: str, query: Optional[Query] = None, body: Any = None, *, raw: bool = False) -> Any:
        """One admin call: the decoded JSON answer (None when empty), or the text when ``raw``."""
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        url = f"{self.url}/__admin{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.admin_token is not None:
            headers["Authorization"] = f"Bearer {self.admin_token}"
        request = urllib.request.Request(url, method=method, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            detail = error.read().decode()
            try:
                answer: Any = json.loads(detail)
            except ValueError:
                answer = detail
            message = answer.get("message") if isinstance(answer, dict) else None
            raise MockgateAdminError(
                error.code, f"{method} {url.split('?')[0]} answered {error.code}" + (f": {message}" if message else ""), answer
            ) from None
        if raw:
            return text
        return json.loads(text) if text else None

    def health(self) -> Health:
        return cast(Health, self.call("GET", "/health"))

    def reset(self, session: Optional[str] = None) -> None:
        """Re-seeds one session (or every session) and forgets its faults, counters, journal and coverage."""
        self.call("POST", "/reset", {"session": session})

    def scenario(self, session: Optional[str] = None) -> ScenarioSummary:
        return cast(ScenarioSummary, self.call("GET", "/scenario", {"session": session}))

    def use_scenario(self, scenario: Union[str, Mapping[str, Any]], session: Optional[str] = None) -> ScenarioSummary:
        """Switches to a bundled scenario by name (or a file path on the server), or to an inline scenario document."""
        body = {"name": scenario} if isinstance(scenario, str) else {"scenario": dict(scenario)}
        return cast(ScenarioSummary, self.call("PUT", "/scenario", {"session": session}, body))

    def add_fault(self, fault: Fault, session: Optional[str] = None) -> str:
        """Queues a fault (one-shot unless ``times`` says otherwise); returns its name."""
        return cast(str, self.call("POST", "/faults", {"session": session}, fault)["name"])

    def faults(self, session: Optional[str] = None) -> List[Fault]:
        return cast(List[Fault], self.call("GET", "/faults", {"session": session})["faults"])

    def requests(
        self,
        operation_id: Optional[str] = None,
        api: Optional[str] = None,
        status: Optional[int] = None,
        limit: Optional[int] = None,
        session: Optional[str] = None,
    ) -> List[JournalEntry]:
        """The journal, newest first (of one session, or of all)."""
        query = {"session": session, "operationId": operation_id, "api": api, "status": status, "limit": limit}
        return cast(List[JournalEntry], self.call("GET", "/requests", query)["requests"])

    def clear_requests(self, session: Optional[str] = None) -> None:
        self.call("DELETE", "/requests", {"session": session})

    def coverage(self, session: Optional[str] = None) -> CoverageReport:
        """Operation × status served (of one session, or of all), next to what each operation declares."""
        return cast(CoverageReport, self.call("GET", "/coverage", {"session": session}))

    def coverage_junit(self, session: Optional[str] = None) -> str:
        return cast(str, self.call("GET", "/coverage", {"session": session, "format": "junit"}, raw=True))

    def state(self, session: Optional[str] = None) -> StateSnapshot:
        return cast(StateSnapshot, self.call("GET", "/state", {"session": session}))

    def restore_state(self, apis: Mapping[str, Any], session: Optional[str] = None) -> StateSnapshot:
        body = {"session": session or "default", "apis": dict(apis)}
        return cast(StateSnapshot, self.call("PUT", "/state", {"session": session}, body))

    def sessions(self) -> List[Dict[str, str]]:
        return cast(List[Dict[str, str]], self.call("GET", "/sessions")["sessions"])

    def scenarios(self) -> List[Dict[str, str]]:
        return cast(List[Dict[str, str]], self.call("GET", "/scenarios")["scenarios"])

    def specs(self, session: Optional[str] = None) -> Dict[str, Any]:
        """The mounted specs; a generic spec's credential mode is the one under this session's scenario."""
        return cast(Dict[str, Any], self.call("GET", "/specs", {"session": session}))

    def session(self, name: Optional[str] = None) -> MockgateSession:
        """A session of its own (a fresh name unless given); the server makes it on first use."""
        return MockgateSession(self, name or f"pytest-{uuid.uuid4().hex[:12]}")


class MockgateSession:
    """
    One isolated mock session: state, faults, counters, journal and coverage of its own. Send :attr:`headers` with
    every request of the code under test (e.g. ``api_client.set_default_header(*session.header)``).
    """

    def __init__(self, admin: AdminClient, name: str) -> None:
        self.admin = admin
        self.name = name

    def __repr__(self) -> str:
        return f"MockgateSession({self.name!r} at {self.url})"

    @property
    def url(self) -> str:
        """The server's base URL (no trailing slash): the mocked APIs are under it (``/api/v1``, ``/v4``, …)."""
        return self.admin.url

    @property
    def headers(self) -> Dict[str, str]:
        """``{"X-Mock-Session": name}``."""
        return {SESSION_HEADER: self.name}

    @property
    def header(self) -> Tuple[str, str]:
        """``("X-Mock-Session", name)``, for SDKs that take one default header."""
        return (SESSION_HEADER, self.name)

    def use_scenario(self, scenario: Union[str, Mapping[str, Any]]) -> ScenarioSummary:
        """Switches this session to a scenario (a bundled name, a file path on the server, or an inline document)."""
        return self.admin.use_scenario(scenario, self.name)

    def scenario(self) -> ScenarioSummary:
        return self.admin.scenario(self.name)

    def add_fault(self, fault: Fault) -> str:
        return self.admin.add_fault(fault, self.name)

    def faults(self) -> List[Fault]:
        return self.admin.faults(self.name)

    def requests(
        self, operation_id: Optional[str] = None, api: Optional[str] = None, status: Optional[int] = None, limit: Optional[int] = None
    ) -> List[JournalEntry]:
        """This session's journal, newest first, optionally of one operation (of one API: operationIds repeat)."""
        return self.admin.requests(operation_id, api=api, status=status, limit=limit, session=self.name)

    def statuses(self, operation_id: Optional[str] = None, api: Optional[str] = None) -> List[int]:
        """The statuses this session was answered, newest first."""
        return [entry["status"] for entry in self.requests(operation_id, api)]

    def clear_requests(self) -> None:
        self.admin.clear_requests(self.name)

    def coverage(self) -> CoverageReport:
        return self.admin.coverage(self.name)

    def state(self) -> StateSnapshot:
        return self.admin.state(self.name)

    def restore_state(self, apis: Mapping[str, Any]) -> StateSnapshot:
        return self.admin.restore_state(apis, self.name)

    def reset(self) -> None:
        self.admin.reset(self.name)
