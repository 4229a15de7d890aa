"""A short soak in CI: 50 clients, device events and every resident flow (visit, certificate); none lost."""

from __future__ import annotations

import pytest

from bench._soak_flows import FLOWS
from bench.soak import soak

pytestmark = pytest.mark.integration


def test_fifty_clients_see_every_event_once() -> None:
    metrics = soak(seconds=5, clients=50, flows=sorted(FLOWS))
    count = {key: int(value) for key, value in metrics.items() if isinstance(value, int | float)}
    assert count["errors"] == 0, metrics["error_kinds"]
    assert count["device_changes"] >= 4 and count["events_logged"] >= 4, metrics
    assert count["events_lost"] == 0 and count["events_repeated"] == 0, metrics
    assert count["watchers_out_of_order"] == 0
    completed = dict(item.split("=") for item in str(metrics["flows_completed_by_flow"]).split(","))
    assert set(completed) == {"certificate", "visit"}, metrics  # each flow ran to its end at least once
    assert count["events_delivered"] >= 50 * count["events_logged"]
    assert count["calls"] > 0 and float(metrics["p99_ms"]) < 2000
