"""The example alert rules only name metrics the daemon exports, with labels it sets."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from kiosk.v1 import events_pb2

from daemon.fleet.forwarder import FleetStatus
from daemon.metrics import Metrics
from daemon.options import MetricsOptions

RULES = Path(__file__).parents[3] / "install" / "prometheus" / "frontyard-alerts.yml"


class OneSlot:
    def describe(self) -> dict[str, Any]:
        return {"receipt": 5}  # a DeviceState value


class NoEvents:
    last_sequence = 0

    async def watch(self, after: int) -> AsyncIterator[events_pb2.Event]:
        return
        yield


def exported() -> dict[str, set[str]]:
    """Metric name → label names, from a Metrics registry over a daemon with one slot and [fleet]."""
    metrics = Metrics(
        MetricsOptions(),
        devices=OneSlot(),
        events=NoEvents(),
        storage_dir=Path("/nonexistent"),
        fleet=lambda: FleetStatus(backlog={"visits": 0}, forwarded={"visits": 0}),
    )
    metrics.operation_errors.labels("receipt", "paper_out").inc()
    names: dict[str, set[str]] = {}
    for family in metrics.registry.collect():
        for sample in family.samples:
            names.setdefault(sample.name, set()).update(sample.labels)
        names.setdefault(family.name, set())
    names["frontyard_print_jobs"] = {"state"}  # read from the journal when it exists
    names["frontyard_payments"] = {"state"}
    return names


def test_every_expression_names_exported_metrics_and_labels() -> None:
    text = RULES.read_text(encoding="utf-8")
    expressions = re.findall(r"^\s+expr: (.+)$", text, re.MULTILINE)
    assert len(expressions) == text.count("- alert:") >= 5
    known = exported()
    for expression in expressions:
        for name, labels in re.findall(r"(frontyard_[a-z_]+)(?:\{([^}]*)\})?", expression):
            assert name in known, f"{name} in {expression!r} is not exported"
            for label in re.findall(r"(\w+)\s*=~?", labels):
                assert label in known[name], f"{name} has no label {label!r}"
