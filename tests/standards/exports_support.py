"""Shared by the export tests: the demo city evaluated once, a publication, the official data's folder, and
a guard that fails any test whose code opens a network connection (the validators must run offline)."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from netimpact.domain.demo_city import DemoCity, build_demo_city
from netimpact.standards.ocds_export import AwardDecision, EvaluationRunInfo, Publication

REPO = Path(__file__).resolve().parents[2]
EXTENSION_URL = "http://testserver/open-data/ocds/extensions/netimpact/extension.json"
EVALUATION_DRAWS = 200


def shared_data() -> Path:
    """The official files and real data (../shared/data beside the repository, or NETIMPACT_SHARED_DATA).
    The package never reads them: tests compare our vendored copies with them."""
    return Path(os.environ.get("NETIMPACT_SHARED_DATA", REPO.parent / "shared" / "data"))


def require_shared_data() -> Path:
    folder = shared_data()
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI has no shared data at {folder}; set NETIMPACT_SHARED_DATA")
        pytest.skip(f"no shared data at {folder} (set NETIMPACT_SHARED_DATA)")
    return folder


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Any connection to an address off this machine fails the test (loopback stays open for PostgreSQL)."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                attempts.append(address)
                raise NetworkUsed(f"a validator tried to reach {address}; validation must run offline")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    assert attempts == [], f"network connections attempted: {attempts}"


@pytest.fixture(scope="session")
def city() -> DemoCity:
    return build_demo_city()


@pytest.fixture(scope="session")
def evaluation(city: DemoCity) -> EvaluationRunInfo:
    """The engine's result on the demo, as an EvaluationRun stores it (finite(evaluation.to_dict()))."""
    from netimpact.engine.evaluation import evaluate_exercise
    from netimpact.engine.report import finite

    result = evaluate_exercise(city.ecosystem, city.exercise, city.bids, draws=EVALUATION_DRAWS, seed=0)
    return EvaluationRunInfo(
        finite(result.to_dict()), run_at=datetime(2026, 3, 2, 10, tzinfo=UTC), inputs_hash="sha256:test"
    )


def publication(**changes: Any) -> Publication:
    values: dict[str, Any] = {
        "publisher": "Bristol City Council (demo record)",
        "publisher_uid": "GB-LAE-BST",
        "package_uri": "http://testserver/exercises/demo/ocds.json",
        "netimpact_extension_url": EXTENSION_URL,
        "published": datetime(2026, 3, 20, 9, tzinfo=UTC),
        "tender_published": datetime(2026, 1, 16, 9, tzinfo=UTC),
    }
    values.update(changes)
    return Publication(**values)


def award_to(bid: str, status: str = "pending") -> AwardDecision:
    return AwardDecision(bid=bid, date=datetime(2026, 3, 12, 15, tzinfo=UTC), status=status)
