"""A simulated ZVT payment terminal with Japanese brands, scripted outcomes and a persistent log.

Endpoints: TCP on 127.0.0.1 with serial framing (``socket://``, default), bare APDUs (``--bare``,
``tcp://``) or a pty (``--pty``, endpoint ``/dev/pts/N``). Control API (JSON over HTTP): ``GET /state``,
``GET /log``, ``POST /script {"outcomes": [...], "brand": "PAYPAY"}`` (outcomes: approve, decline, cancel,
timeout, disconnect_before_approve, disconnect_after_approve, unknown, busy), ``POST /delay {"ms": n}``,
``POST /disconnect``, ``POST /power_loss`` (memory lost, the log re-read), ``POST /clear``.
The log (JSON lines, fsync'd) lives in ``--state-dir`` and survives restarts.
"""
