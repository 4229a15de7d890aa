"""The back-office console: the staff console in back-office mode, reading the central database.

| module   | what                                                                            |
|----------|---------------------------------------------------------------------------------|
| server   | the ASGI app and its loopback server (``frontyard-console serve``)              |
| auth     | sign-in (``kiosk_ui.auth``) against the back office's own accounts + audit log  |
| routes   | the JSON routes under ``/staff/api/backoffice``                                 |
| board    | the fleet board, and the LISTEN/NOTIFY feed pushed to browsers (SSE)            |
| outbox   | applications across terminals: check, correct, mark checked, export            |
| figures  | 効果検証 figures by office, terminal and season; certificates by channel        |
| closing  | the city-wide daily close with per-terminal reconciliation                      |

The page is ``kiosk_ui/static/backoffice.html`` with ``js/backoffice/``; its words are in
``kiosk_ui/static/i18n/backoffice/{ja,en}.json``.
"""
