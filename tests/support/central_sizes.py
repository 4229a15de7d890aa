"""Measure the central database's bytes per row, for the README's sizing of a city (``python -m
tests.support.central_sizes [--rows N]``).

Starts a throw-away PostgreSQL (tests/support/postgres.py), migrates it, inserts ``N`` rows of each stream
through ``backoffice.records`` (applications: N/10, each with a 30-field form and its rendered PDF), runs
ANALYZE, and prints one JSON object: per table the rows, the total relation size (heap + TOAST + indexes)
and the bytes per row (applications also after the retention purge); and the rate of single-row
idempotent inserts on one connection (fsync is off in this cluster, so that rate is an upper bound for
the machine).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import time
from typing import Any

import psycopg

from backoffice.migrate import migrate
from backoffice.records import (
    AuditRowRecord,
    DailyClose,
    DeviceEventRecord,
    PaymentOperation,
    StreamRecord,
    insert_sql,
    insert_values,
    stream_of,
)
from backoffice.retention import purge_personal_data
from daemon.visits.outbox_store import form_to_json
from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.render import render_forms
from tests.support.backoffice_city import JST, _application, _visit, heartbeat, upsert
from tests.support.postgres import started_cluster

TABLES = ("applications", "visits", "payment_operations", "daily_closes", "device_events", "audit_rows")


def big_form() -> FilledForm:
    """A 住民異動届-sized form: 30 fields of names, addresses, dates and choices."""
    fields = []
    for member in range(1, 6):
        fields += [
            FormField(
                f"subject{member}.name", "氏名", FieldKind.NAME, "指宿 太郎", furigana="いぶすき たろう"
            ),
            FormField(f"subject{member}.birth_date", "生年月日", FieldKind.DATE, dt.date(1980, 4, member)),
            FormField(f"subject{member}.sex", "性別", FieldKind.CHOICE, "男", choices=("男", "女")),
            FormField(f"subject{member}.relationship", "続柄", FieldKind.TEXT, "子"),
        ]
    fields += [
        FormField(f"household.address{n}", "住所", FieldKind.ADDRESS, "鹿児島県指宿市十町2424番地")
        for n in range(8)
    ]
    fields += [FormField("filer.phone", "電話番号", FieldKind.PHONE, "0993-22-2111")] * 2
    return FilledForm("juminhyo-tennyu", "住民異動届", "TENNYU", "市民課 1番窓口", tuple(fields))


def records(n: int) -> list[StreamRecord]:
    at = dt.datetime(2026, 3, 10, 10, 0, tzinfo=JST)
    form = big_form()
    package, pdf = json.loads(form_to_json(form)), render_forms([form])
    found: list[StreamRecord] = []
    for seq in range(1, n // 10 + 1):
        found.append(dataclasses.replace(_application("honcho-01", seq, False, at), package=package, pdf=pdf))
    for seq in range(1, n // 100 + 1):
        found.append(
            DailyClose("honcho-01", seq, at, at.date(), seq, 40, 18_000, 1, 450, True, {"visa": 9000})
        )
    for seq in range(1, n + 1):
        found.append(_visit("honcho-01", seq, at.date(), "kiosk", 120.0, 400.0))
        found.append(
            PaymentOperation(
                "honcho-01", seq, at, f"ord-{seq:08d}", "sale", 450, "visa", "approved", at.date()
            )
        )
        found.append(
            DeviceEventRecord("honcho-01", seq, at, "forms", "form_printer", "ERROR", "media_empty", at)
        )
        found.append(
            AuditRowRecord(
                "honcho-01", seq, at, "S0042", "application.released", f"applications/{seq:032x}", "",
                "ok", at, "0" * 64, "f" * 64,
            )
        )  # fmt: skip
    return found


def measure(rows: int) -> dict[str, Any]:
    cluster = started_cluster()
    try:
        dsn = cluster.create_database("sizing")
        migrate(dsn)
        with psycopg.connect(dsn, autocommit=True) as connection:
            upsert(connection, heartbeat("honcho-01", dt.datetime.now(dt.UTC)))
            batch = records(rows)
            started = time.perf_counter()
            for record in batch:
                connection.execute(insert_sql(stream_of(record)), insert_values(record))
            elapsed = time.perf_counter() - started
            connection.execute("VACUUM ANALYZE")
            tables = {}
            for table in TABLES:
                (count, size) = connection.execute(
                    f"SELECT count(*), pg_total_relation_size('frontyard.{table}') FROM frontyard.{table}"
                ).fetchone() or (0, 0)
                tables[table] = {
                    "rows": count,
                    "bytes": size,
                    "bytes_per_row": round(size / count) if count else None,
                }
            # the same applications once exported and past retention: package and PDF cleared
            connection.execute("UPDATE frontyard.applications SET status = 'exported', exported_time = now()")
            purge_personal_data(connection, 0)
            connection.execute("VACUUM FULL frontyard.applications")
            (size,) = connection.execute(
                "SELECT pg_total_relation_size('frontyard.applications')"
            ).fetchone() or (0,)
            count = tables["applications"]["rows"]
            tables["applications_after_retention"] = {
                "rows": count,
                "bytes": size,
                "bytes_per_row": round(size / count),
            }
        return {"tables": tables, "single_row_inserts_per_s": round(len(batch) / elapsed)}
    finally:
        cluster.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows per stream (applications: a tenth)")
    print(json.dumps(measure(parser.parse_args().rows), indent=1))


if __name__ == "__main__":
    main()
