from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import CORE  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--large", action="store_true", help="run the large randomized/differential variants")


@pytest.fixture(scope="session")
def large(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--large"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"spec testsuite: {CORE.parent} ({'found' if CORE.exists() else 'MISSING'})"
