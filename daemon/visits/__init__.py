"""The front-yard flows' daemon-side state: visits and certificate requests held in memory, the outbox and
KPIs persisted under ``storage_dir``.

| module            | holds                                                         | where        |
|-------------------|---------------------------------------------------------------|--------------|
| book.VisitBook    | one household record per 書かない窓口 visit, answers, times     | memory       |
| desk.CertificateDesk | らくらく窓口 certificate requests (filled 交付請求書, fee)    | memory       |
| outbox_store      | application packages (awaiting check → released → exported)   | SQLite (0600) |
| kpi_store         | one non-personal KPI row per visit, aggregated on query       | SQLite       |
| secret            | the reception-QR MAC secret (generated on first start, 0600)   | file         |

Personal data (names, addresses, birth dates) lives only in the in-memory records and in outbox packages.
The outbox and KPI stores keep nothing per package or visit in memory: the form and PDF are read from
SQLite on demand (GetApplication, export) and never cached.
"""
