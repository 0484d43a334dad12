"""
The plugin's own suite. The outer run uses the plugin itself (the `mockgate` fixture starts one server for it, or
connects to MOCKGATE_URL); pytester runs inner sessions to check how the fixtures start, connect, fail and stop.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def mockgate_command() -> str:
    """What starts a mockgate from this checkout: MOCKGATE_COMMAND (set by the vitest runner), else the built CLI."""
    return os.environ.get("MOCKGATE_COMMAND") or shlex.join(["node", str(REPO / "dist" / "cli.js")])
