"""pytest fixtures for mockgate: one server per test run, an isolated mock session per test."""

from .client import (
    SESSION_HEADER,
    AdminClient,
    CoverageReport,
    CoverageRow,
    Fault,
    Health,
    JournalEntry,
    MockgateAdminError,
    MockgateSession,
    RateLimit,
    RuleMatch,
    ScenarioSummary,
    StateSnapshot,
)
from .server import Mockgate, MockgateStartError, connect, start

__all__ = [
    "SESSION_HEADER",
    "AdminClient",
    "CoverageReport",
    "CoverageRow",
    "Fault",
    "Health",
    "JournalEntry",
    "Mockgate",
    "MockgateAdminError",
    "MockgateSession",
    "MockgateStartError",
    "RateLimit",
    "RuleMatch",
    "ScenarioSummary",
    "StateSnapshot",
    "connect",
    "start",
]
