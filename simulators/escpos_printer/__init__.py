"""A TCP ESC/POS receipt printer for tests and demos: ``python -m simulators.escpos_printer``.

It parses the byte stream with its own parser, renders every receipt to ``--state-dir/receipts/NNNN.png``
with a ``NNNN.json`` of its text lines and QR payloads, answers ``DLE EOT 1-4`` with settable faults, and
has a paper roll that can run out mid-receipt. See ``server.py`` for the control API.
"""
